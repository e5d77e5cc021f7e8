"""Telegram's limits on what a bot sends: about 30 messages a second in all, one a second to
a private chat, 20 a minute to a group. One limiter per process paces everything it sends;
the sender asks it which chats are free instead of queueing behind a busy one."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Callable


class RateLimiter:
    def __init__(self, per_second: float = 30.0, chat_interval: float = 1.0,
                 group_per_minute: int = 20, headroom: float = 0.97,
                 now: Callable[[], float] = time.monotonic) -> None:
        # Evenly spaced sends just under the limit: a server counting any one-second window
        # never sees more than the limit, even with a little network jitter.
        self.spacing = 1.0 / (per_second * headroom)
        self.chat_interval = chat_interval / headroom
        self.group_per_minute = group_per_minute
        self.group_window = 60.0 / headroom
        self._now = now
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_last: dict[str, float] = {}
        self._groups: dict[str, deque[float]] = {}

    def chat_wait(self, chat_id: str) -> float:
        """Seconds before this chat may get another message (0 when it may now)."""
        now = self._now()
        if _is_group(chat_id):
            sent = self._groups.get(chat_id)
            if sent and len(sent) >= self.group_per_minute:
                return max(0.0, sent[0] + self.group_window - now)
            return 0.0
        last = self._chat_last.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self.chat_interval - now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out for a while."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    async def take(self, chat_id: str, per_chat: bool = True) -> None:
        """Wait for this message's turn and book it. Replies to someone who just wrote skip
        the per-chat spacing (`per_chat=False`): they answer a message, a burst of one."""
        now = self._now()
        start = max(now, self._next, self._paused_until)
        if per_chat:
            start = max(start, now + self.chat_wait(chat_id))
        self._next = start + self.spacing
        self._book(chat_id, start)
        if start > now:
            await asyncio.sleep(start - now)

    def _book(self, chat_id: str, at: float) -> None:
        if _is_group(chat_id):
            sent = self._groups.setdefault(chat_id, deque())
            sent.append(at)
            while sent and sent[0] < at - self.group_window:
                sent.popleft()
            return
        self._chat_last[chat_id] = at
        if len(self._chat_last) > 50_000:  # forget chats that are long free again
            horizon = at - self.chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}


def _is_group(chat_id: str) -> bool:
    return str(chat_id).startswith("-")
