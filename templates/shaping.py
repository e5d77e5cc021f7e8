"""Replies as a channel can show them: numbered choices (chat/choices.j2) where it has no
buttons, no contact keyboard where it cannot share one, a sentence instead of a document
where it cannot send one (or a picture). Used for replies to a turn and for scheduled messages alike."""

from __future__ import annotations

from core.messages import Capabilities, Reply
from templates.render import Renderer


def shaped(replies: list[Reply], caps: Capabilities, renderer: Renderer) -> list[Reply]:
    result, number = [], 0
    for reply in replies:
        if reply.document is not None and not caps.documents_out:
            elsewhere = renderer.text("chat/document_elsewhere.j2", name=reply.document[0])
            reply = Reply(f"{reply.text}\n\n{elsewhere}" if reply.text else elsewhere)
        if reply.photo is not None and not caps.photos_out:
            reply = Reply(renderer.text("chat/photo_elsewhere.j2"))
        if reply.buttons and not caps.buttons:
            labels = [b.label for row in reply.buttons for b in row]
            text = reply.text
            if not reply.listed:
                text += "\n\n" + renderer.text("chat/choices.j2", labels=labels,
                                               start=number + 1)
            number += len(labels)
            reply = Reply(text, document=reply.document, photo=reply.photo,
                          remove_keyboard=reply.remove_keyboard)
        if reply.ask_contact and not caps.contact:
            reply.ask_contact = None
        result.append(reply)
    return result


def joined(replies: list[Reply]) -> list[Reply]:
    """Consecutive text replies as one message, the buttons of the last with it: a notice
    and the question after it arrive together, and count once against a chat's limit."""
    result: list[Reply] = []
    for reply in replies:
        last = result[-1] if result else None
        if (last is not None and _plain(last) and not last.buttons and not last.listed
                and _plain(reply)):
            result[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.buttons,
                               ask_contact=reply.ask_contact,
                               remove_keyboard=reply.remove_keyboard or last.remove_keyboard,
                               listed=reply.listed,
                               best_effort=reply.best_effort and last.best_effort)
        else:
            result.append(reply)
    return result


def _plain(reply: Reply) -> bool:
    return reply.document is None and reply.photo is None and reply.ask_contact is None
