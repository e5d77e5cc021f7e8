"""/huongdan lists exactly what the reader may do: each command is tried as each role, and
the ones not refused are the ones help lists."""

from __future__ import annotations

import re

import pytest

from handlers.engine import BY_COMMAND
from templates.render import DEFAULT_TEMPLATES as TEMPLATES
from tests.chat import Chat
from tests.phuhuu import chat_of

# Tốt: the principal; Sát: the monitoring team; Đức: a group leader (TTCM); Nam: a teacher.
ROLES = ("Tốt", "Sát", "Đức", "Nam")
NOT_LISTED = {"start", "help", "huongdan"}  # linking, and help itself


def refusals(renderer) -> list[str]:
    """Every sentence a command answers when the sender may not use it."""
    names = [p.stem for p in (TEMPLATES / "chat").glob("*.j2")
             if "refused" in p.stem or p.stem.endswith("board_only")]
    assert len(names) >= 4
    return [renderer.text(f"chat/{name}.j2").strip() for name in names]


def listed(help_text: str) -> set[str]:
    return set(re.findall(r"^/([a-z]+) — ", help_text, flags=re.M))


@pytest.mark.parametrize("who", ROLES)
async def test_help_lists_exactly_the_commands_the_role_may_run(engine, phuhuu, renderer,
                                                                who):
    chat = Chat(engine, int(chat_of(who)))
    refused = refusals(renderer)
    may_run = set()
    for command in sorted({*BY_COMMAND, "huy"} - NOT_LISTED):
        reply = await chat.send(f"/{command}")
        if not any(sentence in reply for sentence in refused):
            may_run.add(command)
        await chat.send("/huy")
    help_text = await chat.send("/huongdan")
    assert listed(help_text) == may_run
    assert "CAITIEN_" not in help_text


async def test_each_role_is_told_a_different_set(engine, phuhuu):
    helps = {who: listed(await Chat(engine, int(chat_of(who))).send("/huongdan"))
             for who in ROLES}
    assert {"tiendo", "baocao", "quahan", "tamdung"} <= helps["Tốt"]
    assert {"tiendo", "baocao", "quahan"} <= helps["Sát"] and "tamdung" not in helps["Sát"]
    assert {"tiendo", "quahan"} <= helps["Đức"] and "baocao" not in helps["Đức"]
    assert not {"tiendo", "baocao", "quahan", "tamdung"} & helps["Nam"]


async def test_web_without_an_address_is_a_plain_sentence(engine, phuhuu):
    reply = await Chat(engine, int(chat_of("Nam"))).send("/web")
    assert "chưa được thiết lập" in reply
    assert "CAITIEN" not in reply and "URL" not in reply
