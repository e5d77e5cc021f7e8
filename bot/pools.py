"""Many connections to one API as several small httpx pools.

httpcore looks over every connection of its pool several times for each request (and over
all of them again for each idle one), so a request's CPU grows with the square of the pool:
through one pool of sixteen, 16-50 Bot API calls at once against the local Bot API cost
1.8-2.3 ms of CPU each, through four pools of four 1.0-1.4 ms."""

from __future__ import annotations

import socket

import httpx

from bot.fetching import tls

POOL = 4  # connections in each small pool


class SpreadTransport(httpx.AsyncBaseTransport):
    """`connections` in all: a request goes to the first pool with a connection free, else
    to the least busy one (and waits in its queue, under its pool timeout). A quiet client
    uses the first pool only; the others' connections expire unused. A pool is busy with a
    request until its response is closed."""

    def __init__(self, connections: int) -> None:
        size = min(POOL, connections)
        # TCP_NODELAY: a request written in two pieces (headers, then a body) otherwise
        # waits out the peer's delayed acknowledgement, 40 ms a message.
        # One certificate bundle for all of them (loading one is 25 ms of CPU and memory).
        self._pools = [httpx.AsyncHTTPTransport(
            verify=tls(), limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
            for _ in range(-(-connections // size))]
        self._busy = [0] * len(self._pools)
        self._size = size

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        busy = self._busy
        index = next((i for i, n in enumerate(busy) if n < self._size), None)
        if index is None:
            index = busy.index(min(busy))
        busy[index] += 1
        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            busy[index] -= 1
            raise
        response.stream = _Counted(response.stream, busy, index)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


class _Counted(httpx.AsyncByteStream):
    """A response's body: its pool is free again once it is closed (once only)."""

    def __init__(self, stream, busy: list[int], index: int) -> None:
        self._stream = stream
        self._busy = busy
        self._index = index

    async def __aiter__(self):
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._busy is not None:
            self._busy[self._index] -= 1
            self._busy = None
        await self._stream.aclose()
