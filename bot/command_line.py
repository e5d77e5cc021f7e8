"""How the `caitien` command works, apart from what each command does: a command is one
entry of a table (its path, its help, its arguments, its function; bot/cli.py holds the
table), the parser and the dispatch are built from the table, and what every command needs
first is done here once — the settings read, the application built when asked for, the
school --school names, and an InputError said as one sentence instead of a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from sqlalchemy.orm import Session

from bot import logs
from bot.app import App, build_app
from bot.config import Settings
from core.dates import parse_day
from core.errors import InputError
from storage.models import School
from storage.schools import pick_school
from templates.render import Renderer

SCHOOL_HELP = "school code (needed when there are several)"
REFUSED = 2  # the exit code of a command that says why it did nothing


@dataclass(frozen=True)
class Arg:
    names: tuple[str, ...]
    options: dict[str, object]


def arg(*names: str, **options: object) -> Arg:
    """One argument, as argparse's add_argument takes it."""
    return Arg(names, options)


@dataclass(frozen=True)
class Command:
    """One line of the table. Without `run` it is a group: its sub-commands are the lines
    whose path continues its own."""

    path: tuple[str, ...]
    help: str
    run: Callable[[Context], int] | None = None
    args: Sequence[Arg] = ()
    school: bool = False  # takes --school CODE, which ctx.school() looks up
    log_level: int = logging.WARNING  # the long-running commands say what they do


@dataclass
class Context:
    """What a command's function is given: its arguments, the settings, and the
    application, built the first time it is asked for (a command that needs no database
    opens none)."""

    args: argparse.Namespace
    settings: Settings

    @cached_property
    def app(self) -> App:
        return build_app(self.settings)

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.settings.templates_dir)

    def school(self, session: Session, create: bool = False) -> School:
        """The school --school names, or the only one there is; with `create`, a school
        not there yet is made."""
        return pick_school(session, self.args.school, self.app.clock, create=create,
                           timezone=self.settings.timezone)

    def say(self, template: str, **context: object) -> None:
        print(self.renderer.text(template, **context))


def parser_of(table: Sequence[Command], **root: object) -> argparse.ArgumentParser:
    """The parser of every command in the table, in its order; a group comes before its
    sub-commands. A command's parser carries its line, for `execute` to run."""
    parser = argparse.ArgumentParser(**root)
    groups = {(): parser.add_subparsers(dest="command", required=True)}
    for command in table:
        sub = groups[command.path[:-1]].add_parser(command.path[-1], help=command.help)
        for argument in command.args:
            sub.add_argument(*argument.names, **argument.options)
        if command.school:
            sub.add_argument("--school", help=SCHOOL_HELP)
        if command.run is None:
            groups[command.path] = sub.add_subparsers(dest=f"{command.path[-1]}_command",
                                                      required=True)
        else:
            sub.set_defaults(line=command)
    return parser


def execute(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse, then run the command named, its InputError said as one sentence."""
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except InputError as error:  # a setting the operator must change first
        own = os.environ.get("CAITIEN_TEMPLATES_DIR")
        _refuse(Renderer(Path(own) if own else None), error)
        return REFUSED
    command: Command = args.line
    logs.set_up(command.log_level, [settings.telegram_token or "", settings.zalo_token or ""])
    context = Context(args, settings)
    try:
        return command.run(context)
    except InputError as error:
        _refuse(context.renderer, error)
        return REFUSED


def day(text: str) -> date:
    """A day as the command line takes it, YYYY-MM-DD; else one sentence saying so."""
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InputError("date_bad", text=text) from exc


def _refuse(renderer: Renderer, error: InputError) -> None:
    print(renderer.text(f"errors/{error.key}.j2", **error.params), file=sys.stderr)
