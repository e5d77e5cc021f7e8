"""Errors about a user's input. They carry a template key, never a sentence:
the words live in templates/errors/<key>.j2."""

from __future__ import annotations


class InputError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


class FileRefused(Exception):
    """A file a person sent that is not kept: `reason` names the template
    chat/file_<reason>.j2 that says why ("too_big", "not_photo")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
