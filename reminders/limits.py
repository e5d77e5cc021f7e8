"""A channel's limits on what one bot sends: so many messages a second in all, about one a
second to a chat (after a short burst), so many a minute to a group. One limiter per bot
paces everything that bot sends, replies and reminders alike; the sender asks it which chats
are free instead of queueing behind a busy one. A 429 for one chat holds only that chat."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Awaitable, Callable

from core.messages import EVERYTHING, Capabilities


MAX_SPACING = 2.0  # seconds between messages, at the slowest a quota makes a bot go
# At a quota below the configured pace: a quarter slower at each 429, then each message
# sent a little faster again, so the pace hovers just under the quota.
SLOW_DOWN = 4 / 3
SPEED_UP = 0.99


class RateLimiter:
    def __init__(self, caps: Capabilities = EVERYTHING, headroom: float = 0.97,
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        # Evenly spaced sends just under the limit: a server counting any one-second window
        # never sees more than the limit, even with a little network jitter.
        self.spacing = self.base_spacing = 1.0 / (caps.per_second * headroom)
        self.chat_interval = caps.chat_interval / headroom
        # A chat may take a few messages at once (a reply in two parts), then one a second:
        # the generic cell rate algorithm, a "theoretical arrival time" per chat.
        self.chat_allowance = (caps.chat_burst - 1) * self.chat_interval
        self.group_per_minute = caps.group_per_minute
        self.group_window = 60.0 / headroom
        self.is_group = caps.is_group
        self._now = now
        self._sleep = sleep
        self._next = 0.0
        self._left = float("-inf")  # when the last message really left
        self._chat_due: dict[str, float] = {}
        self._held: dict[str, float] = {}
        self._groups: dict[str, deque[float]] = {}

    def chat_wait(self, chat_id: str) -> float:
        """Seconds before this chat may get another message (0 when it may now)."""
        now = self._now()
        held = max(0.0, self._held.get(chat_id, 0.0) - now)
        if self.is_group(chat_id):
            sent = self._groups.get(chat_id)
            if sent and len(sent) >= self.group_per_minute:
                return max(held, sent[0] + self.group_window - now)
            return held
        due = self._chat_due.get(chat_id, now)
        return max(held, due - self.chat_allowance - now)

    def backlog(self) -> float:
        """Seconds of sends this bot has already booked ahead of now."""
        return max(0.0, self._next - self._now())

    def pause(self, seconds: float, chat_id: str) -> None:
        """The channel said 429 for this chat: nothing more goes to it for a while."""
        self._held[chat_id] = max(self._held.get(chat_id, 0.0), self._now() + seconds)

    def pause_all(self, seconds: float) -> None:
        """The channel said its quota for the whole bot is spent: no chat's turn comes for
        a while."""
        self._next = max(self._next, self._now() + seconds)

    def slow_down(self) -> None:
        """A quota with no published numbers was met: a quarter slower, down to one
        message every MAX_SPACING seconds."""
        self.spacing = min(self.spacing * SLOW_DOWN, max(MAX_SPACING, self.base_spacing))

    def speed_up(self) -> None:
        """A message went through: back towards the configured pace, a little at a time
        (so a quota just under it is met seldom, not at every message)."""
        self.spacing = max(self.base_spacing, self.spacing * SPEED_UP)

    async def take(self, chat_id: str) -> None:
        """Wait until this chat is free, then for the bot's next slot, and book both. A chat
        that must wait books no slot of the bot meanwhile: the others go first."""
        while (wait := self.chat_wait(chat_id)) > 0:
            await self._sleep(wait)
        now = self._now()
        start = max(now, self._next)
        self._next = start + self.spacing
        # The chat is booked for when the message really leaves: booked at now, a message
        # kept waiting for the bot's slot would leave its chat's next one too little room.
        self._book(chat_id, start)
        if start > now:
            await self._sleep(start - now)
        # Woken late (a busy event loop), the sends booked one after another would all leave
        # at once: each keeps its spacing from the one that really left before it.
        while (gap := self._left + self.spacing - self._now()) > 0:
            await self._sleep(gap)
        self._left = self._now()

    def _book(self, chat_id: str, at: float) -> None:
        if self.is_group(chat_id):
            sent = self._groups.setdefault(chat_id, deque())
            sent.append(at)
            while sent and sent[0] < at - self.group_window:
                sent.popleft()
            return
        self._chat_due[chat_id] = max(self._chat_due.get(chat_id, at), at) + self.chat_interval
        if len(self._chat_due) > 50_000:  # forget chats that are long free again
            self._chat_due = {c: t for c, t in self._chat_due.items() if t > at}
            self._held = {c: t for c, t in self._held.items() if t > at}
