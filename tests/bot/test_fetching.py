"""The one fetcher of URLs people's messages carry (bot/fetching.py): no internal address by
any road — a literal, a name, a redirect, an IPv6 or mapped form — and no fetch that holds
a turn for long or reads past its cap."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from bot.fetching import Refused, SafeFetcher
from bot.local_server import LocalServer
from core.errors import FileRefused

JPEG = b"\xff\xd8" + b"j" * 1000
IMAGE = lambda kind: kind.startswith("image/")  # noqa: E731


async def photo(request):
    return Response(JPEG, media_type="image/jpeg",
                    headers={"X-Host-Seen": request.headers.get("host", "")})


async def page(request):
    return Response("<html>internal</html>", media_type="text/html")


async def to_internal(request):
    return RedirectResponse(request.query_params["to"], status_code=302)


async def trickle(request):
    async def body():
        for _ in range(30):
            yield b"\xff"
            await asyncio.sleep(0.3)
    return StreamingResponse(body(), media_type="image/jpeg")


async def endless(request):
    async def body():
        while True:
            yield b"\xff" * 65536
            await asyncio.sleep(0)
    return StreamingResponse(body(), media_type="image/jpeg")  # no size announced


@pytest.fixture
def site():
    server = LocalServer(Starlette(routes=[
        Route("/photo.jpg", photo), Route("/page", page), Route("/go", to_internal),
        Route("/trickle", trickle), Route("/endless", endless)]), "site", graceful_seconds=0)
    port = server.start()
    yield f"127.0.0.1:{port}"
    server.stop()


@pytest.fixture
async def http():
    async with httpx.AsyncClient() as client:
        yield client


@pytest.mark.parametrize("url", [
    "https://127.0.0.1:8443/x.jpg", "http://localhost/x.jpg", "http://[::1]/x.jpg",
    "http://10.0.0.7/x.jpg", "http://192.168.1.1/x.jpg", "http://169.254.169.254/latest",
    "http://0.0.0.0/x.jpg", "http://[::ffff:127.0.0.1]/x.jpg", "http://100.64.0.1/x.jpg",
    "http://[fe80::1]/x.jpg", "http://[fc00::1]/x.jpg", "http://224.0.0.1/x.jpg",
    "ftp://example.com/x.jpg", "file:///etc/passwd", "http://127.0.0.1:5432/"])
async def test_internal_and_odd_urls_are_refused_before_any_connection(http, url):
    with pytest.raises(Refused):
        await SafeFetcher(http).fetch(url, 10_000, IMAGE)


async def test_a_public_name_is_fetched_from_the_address_checked(http, site):
    """Pinned: the connection goes to the address the check saw (here a name only the
    test's resolver knows), the Host header keeps the name."""
    port = site.split(":")[1]

    async def resolve(host, _port):
        assert host == "anh.zalo.example"
        return ["127.0.0.1"]
    fetcher = SafeFetcher(http, resolve=resolve, allowed=lambda a: str(a) == "127.0.0.1")
    assert await fetcher.fetch(f"http://anh.zalo.example:{port}/photo.jpg", 10_000,
                               IMAGE) == JPEG


async def test_a_redirect_to_an_internal_address_is_refused(http, site):
    allowed = SafeFetcher(http, allowed=lambda a: str(a) == "127.0.0.1")
    with pytest.raises(Refused):
        await allowed.fetch(f"http://{site}/go?to=http://127.0.0.2:5432/", 10_000, IMAGE)
    with pytest.raises(Refused):
        await allowed.fetch(f"http://{site}/go?to=file:///etc/passwd", 10_000, IMAGE)


async def test_what_is_not_an_image_or_too_big_is_refused(http, site):
    fetcher = SafeFetcher(http, allow_private=True)
    with pytest.raises(FileRefused, match="not_photo"):
        await fetcher.fetch(f"http://{site}/page", 10_000, IMAGE)
    with pytest.raises(FileRefused, match="too_big"):
        await fetcher.fetch(f"http://{site}/photo.jpg", 100, IMAGE)
    began = time.monotonic()
    with pytest.raises(FileRefused, match="too_big"):  # nothing announced: cut at the cap
        await fetcher.fetch(f"http://{site}/endless", 1_000_000, IMAGE)
    assert time.monotonic() - began < 5


async def test_a_trickling_server_is_cut_off_at_the_time_for_the_whole(http, site):
    fetcher = SafeFetcher(http, allow_private=True, total_seconds=1.0)
    began = time.monotonic()
    with pytest.raises(TimeoutError):
        await fetcher.fetch(f"http://{site}/trickle", 10_000, IMAGE)
    assert time.monotonic() - began < 3


async def test_a_file_from_the_bot_api_is_read_no_further_than_the_cap(site):
    """Telegram's file server is trusted, but a file with no size stated is still cut at
    the cap (25 MB would otherwise be read whole before being refused)."""
    from bot.fetching import capped_download

    with pytest.raises(FileRefused, match="too_big"):
        await capped_download(f"http://{site}/endless", 2_000_000)
    assert await capped_download(f"http://{site}/photo.jpg", 10_000) == JPEG
