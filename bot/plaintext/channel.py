"""A channel that carries text and nothing else: no buttons, no editing, no contact
sharing, no documents out. The conversation suite runs on it a second time, to prove every
dialogue works typed; it is also the shape of the most limited messengers."""

from __future__ import annotations

from core.messages import Capabilities

PLAIN_TEXT = Capabilities(
    "plain",
    buttons=False,
    edit=False,
    contact=False,
    documents_out=False,
    files_in=True,
    max_text=2000,
    groups=False,
)
