"""The `{name:id}` path parameter: a database id, at most nine digits — a number too big
for a database integer (2^70) matches no route and is a plain 404, never an overflow."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
