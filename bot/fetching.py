"""Every URL fetched on someone's behalf (a photo Zalo hands over as a link) goes through
here: only http(s); the host resolved and refused when any of its addresses is not a public
one (loopback, private, link-local, shared, reserved, multicast — IPv4 and IPv6, mapped
ones too), then the connection pinned to the address checked, so a second lookup cannot
answer differently; every redirect checked the same way; the time bounded for the whole
fetch, not per read; the size capped while reading, whatever was announced; the content
type checked. `allow_private` lets the local fakes of the tests and the demo be fetched."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import socket
import ssl
from typing import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import httpx

from core.errors import FileRefused

MAX_REDIRECTS = 3
TOTAL_SECONDS = 20.0  # the whole fetch: resolving, redirects and the body
DOWNLOADS = 32  # one bot's files downloading at once; more wait for a connection


class Refused(ValueError):
    """A URL this fetcher will not fetch (the reason is for the log, never a person)."""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[str]]]


class SafeFetcher:
    def __init__(self, http: httpx.AsyncClient, allow_private: bool = False,
                 total_seconds: float = TOTAL_SECONDS, resolve: Resolve | None = None,
                 allowed: Callable[[Address], bool] | None = None) -> None:
        """`resolve` (host, port) → addresses and `allowed` are the system's resolver and
        «a public address» unless a test says otherwise."""
        self.http = http
        self.total_seconds = total_seconds
        self.resolve = resolve or _resolve
        self.allowed = allowed or ((lambda _address: True) if allow_private else _public)

    async def fetch(self, url: str, limit: int, wanted: Callable[[str], bool]) -> bytes:
        """The body at `url`, at most `limit` bytes, of a content type `wanted` accepts.
        FileRefused("too_big" | "not_photo") for what a person should hear about; Refused,
        httpx errors or TimeoutError for the rest."""
        async with asyncio.timeout(self.total_seconds):
            for _hop in range(MAX_REDIRECTS + 1):
                pinned, host = await self._pinned(url)
                headers = {"Host": host}
                extensions = {"sni_hostname": host.rsplit(":", 1)[0]} if \
                    urlsplit(url).scheme == "https" else {}
                request = self.http.build_request("GET", pinned, headers=headers,
                                                  extensions=extensions)
                response = await self.http.send(request, stream=True, follow_redirects=False)
                try:
                    if not response.is_redirect:
                        return await _body(response, limit, wanted)
                    url = str(httpx.URL(url).join(response.headers.get("location", "")))
                finally:
                    await response.aclose()
        raise Refused("too many redirects")

    async def _pinned(self, url: str) -> tuple[str, str]:
        """The URL with its host replaced by the one address it is fetched from, and the
        Host header it keeps."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"not an http(s) URL: {parts.scheme!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = [ipaddress.ip_address(a.split("%")[0])
                     for a in await self.resolve(parts.hostname, port)]
        if not addresses:
            raise Refused("the host does not resolve")
        for address in addresses:  # every one: the connection may go to any
            if not self.allowed(address):
                raise Refused(f"not a public address: {address}")
        address = addresses[0]
        literal = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{literal}:{port}"
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host


async def _resolve(host: str, port: int) -> list[str]:
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                              type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused("the host does not resolve") from exc
    return [info[4][0] for info in found]


def _public(address: Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


async def _body(response: httpx.Response, limit: int, wanted: Callable[[str], bool]) -> bytes:
    response.raise_for_status()
    if not wanted(response.headers.get("content-type", "")):
        raise FileRefused("not_photo")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FileRefused("too_big")
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > limit:
            raise FileRefused("too_big")
    return bytes(data)


@functools.cache
def tls() -> ssl.SSLContext:
    """Made once: a client made without one loads the certificate bundle again, about 25 ms
    of CPU on the event loop, which every turn under way then waited for."""
    return httpx.create_ssl_context()


def file_client() -> httpx.AsyncClient:
    """For the downloads of one bot's files: kept open, so a photo after the first reuses a
    connection (no handshake, no client built per file); closed with the bot."""
    return httpx.AsyncClient(verify=tls(), limits=httpx.Limits(max_connections=DOWNLOADS,
                                                                max_keepalive_connections=8))


async def capped_download(url: str, limit: int, total_seconds: float = TOTAL_SECONDS,
                          http: httpx.AsyncClient | None = None) -> bytes:
    """A file from a server we trust (the Bot API's file server), read no further than
    `limit` bytes whatever it announced: FileRefused("too_big") past it. With `http`, through
    that client; else through one made for this file."""
    async with asyncio.timeout(total_seconds), contextlib.AsyncExitStack() as stack:
        if http is None:
            http = await stack.enter_async_context(httpx.AsyncClient(verify=tls()))
        response = await stack.enter_async_context(http.stream("GET", url))
        response.raise_for_status()
        return await _body(response, limit, lambda _kind: True)
