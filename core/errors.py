"""Errors about a user's input. They carry a template key, never a sentence:
the words live in templates/errors/<key>.j2."""

from __future__ import annotations


class InputError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params
