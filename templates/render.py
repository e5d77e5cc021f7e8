"""Every word a user reads comes from a Jinja2 template under templates/."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

DEFAULT_TEMPLATES = Path(__file__).resolve().parent


class Renderer:
    """Templates from an optional override folder first (a school's own wording),
    then the bundled ones."""

    def __init__(self, override: Path | None = None) -> None:
        folders = [str(override)] if override else []
        folders.append(str(DEFAULT_TEMPLATES))
        self.folders = [Path(f) for f in folders]
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(f) for f in folders]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            extensions=["jinja2.ext.do"],
        )
        self.env.filters["short"] = _short
        # What the channel can do, as the engine tells each chat template; these defaults
        # are a channel with buttons and contact sharing.
        self.env.globals.update(typed=False, contact=True, files_in=True, groups=True)
        self.env.filters["local"] = _local_date
        self.env.filters["local_time"] = _local_time
        # Web pages: the same templates folder, everything escaped.
        self.env.globals["label"] = self.label
        self.web = self.env.overlay(autoescape=True)

    def text(self, template: str, /, **context: object) -> str:
        return self.env.get_template(template).render(**context).strip()

    def html(self, template: str, /, **context: object) -> str:
        return self.web.get_template(template).render(**context)

    def html_block(self, template: str, block: str, /, **context: object) -> str:
        """One block of a page alone: the part htmx swaps in, from the page's own template."""
        page = self.web.get_template(template)
        return "".join(page.blocks[block](page.new_context(context)))

    def file(self, name: str) -> Path:
        """A template that is not text (the Word report): the school's own, else ours."""
        return next(f / name for f in self.folders if (f / name).exists())

    def pairs(self, template: str) -> dict[str, str]:
        """A "key: text" a line template, as a dict."""
        return _key_lines(self.text(template))

    def label(self, key: str) -> str:
        return self._labels[key]

    def words(self, key: str) -> list[str]:
        """Typed answers that mean `key` (already lower-case, with diacritics)."""
        return self._words.get(key, [])

    @cached_property
    def _labels(self) -> dict[str, str]:
        return _key_lines(self.text("labels.j2"))

    @cached_property
    def _words(self) -> dict[str, list[str]]:
        return {k: [w.strip() for w in v.split("|") if w.strip()]
                for k, v in _key_lines(self.text("typed_words.j2")).items()}


def _key_lines(text: str) -> dict[str, str]:
    pairs = {}
    for line in text.splitlines():
        if ":" in line and not line.lstrip().startswith("#"):
            key, value = line.split(":", 1)
            pairs[key.strip()] = value.strip()
    return pairs


def _short(text: object, limit: int = 60) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _local_date(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def _local_time(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")
