"""A thin client of the Zalo Bot Platform API: `{base}/bot{token}/{method}`, JSON in, and
`{"ok", "result" | "error_code", "description"}` out. Written on httpx because the
packages on PyPI are not fit to depend on."""

from __future__ import annotations

import httpx

LONG_POLL = 30.0  # seconds getUpdates waits for a message
TIMEOUT = 20.0  # seconds for any other call


class ZaloError(Exception):
    """What Zalo answered instead of a result; `code` is its error_code (or the HTTP
    status), 0 when it could not be reached at all."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class ZaloClient:
    def __init__(self, token: str, base_url: str, http: httpx.AsyncClient | None = None,
                 poll_timeout: float = LONG_POLL) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.poll_timeout = poll_timeout
        self.name: str | None = None  # the bot's name people see in Zalo, once getMe answered
        self.http = http or httpx.AsyncClient(
            timeout=TIMEOUT, limits=httpx.Limits(max_connections=100,
                                                 max_keepalive_connections=20))

    @property
    def bot_id(self) -> str:
        return self.token.split(":", 1)[0]

    async def call(self, method: str, wait: float | None = None, **params) -> object:
        """`wait`: seconds to wait for the answer, when not the client's default."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            response = await self.http.post(url, json=params,
                                            timeout=wait or httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException as exc:
            raise ZaloError(408, f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise ZaloError(0, type(exc).__name__) from None
        try:
            answer = response.json()
        except ValueError:
            raise ZaloError(response.status_code, "not a JSON answer") from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            answer = answer if isinstance(answer, dict) else {}
            code = answer.get("error_code")
            raise ZaloError(code if isinstance(code, int) else response.status_code,
                            str(answer.get("description") or ""))
        return answer.get("result")

    async def get_me(self) -> dict:
        """People see the bot under its `display_name`; `account_name` («bot.VDKyGxQvc») is
        its handle, the name only when no display name came."""
        me = await self.call("getMe")
        if isinstance(me, dict):
            for field in ("display_name", "account_name"):
                if isinstance(me.get(field), str) and me[field].strip():
                    self.name = me[field].strip()
                    break
        return me

    async def get_update(self) -> dict | None:
        """One update, or None when nothing came within the long poll."""
        try:
            # The documentation declares `timeout` a String of seconds.
            return await self.call("getUpdates", wait=self.poll_timeout + 10,
                                   timeout=_seconds(self.poll_timeout))
        except ZaloError as exc:
            if exc.code == 408:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict:
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None) -> dict:
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return await self.call("sendPhoto", **params)

    async def set_webhook(self, url: str, secret: str) -> object:
        return await self.call("setWebhook", url=url, secret_token=secret)

    async def delete_webhook(self) -> object:
        return await self.call("deleteWebhook")

    async def close(self) -> None:
        await self.http.aclose()


def _seconds(value: float) -> str:
    """"30", or "0.5" for the tests' short polls."""
    return f"{value:g}"
