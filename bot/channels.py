"""What each channel can do. The engine shapes replies by it, the sender paces by it; it
lives here, not in the adapters, so that building the application needs no adapter."""

from __future__ import annotations

from dataclasses import replace

from core.messages import Capabilities

TELEGRAM = Capabilities(
    "telegram",
    max_file_bytes=20 * 1024 * 1024,  # what the Bot API lets a bot download
    max_text=4096,
    per_second=30.0,
    chat_interval=1.0,
    chat_burst=3,
    group_per_minute=20,
    is_group=lambda chat_id: str(chat_id).startswith("-"),  # Telegram's group ids
)

# Zalo carries text and photos only: no buttons, no editing, no contact sharing, no files
# either way; groups only hear the bot when it is mentioned.
ZALO = Capabilities(
    "zalo",
    buttons=False,
    contact=False,
    documents_out=False,  # until there is a public address to link files from
    photos_out=False,
    files_in=False,
    max_file_bytes=10 * 1024 * 1024,
    max_text=2000,
    monthly_messages=3000,  # the Basic plan's (ZALO_MONTHLY_MESSAGES)
    groups=False,
    per_second=10.0,
    chat_interval=1.0,
    chat_burst=3,
    group_per_minute=20,
)


def zalo_caps(per_second: float, max_photo_bytes: int, links: bool,
              users_per_bot: int | None = None,
              monthly_messages: int | None = None) -> Capabilities:
    """With `links` (a public address), reports and the chart go out as download links."""
    return replace(ZALO, per_second=per_second, max_file_bytes=max_photo_bytes,
                   documents_out=links, photos_out=links, users_per_bot=users_per_bot,
                   monthly_messages=monthly_messages or None)
