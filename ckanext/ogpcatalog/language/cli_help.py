"""Click groups and commands whose ``--help`` speaks the portal's language.

Click writes help once, in English: the command's help and short help, each option's help,
and its own headings ("Usage:", "Options:", "Commands:", "[default: ...]"). The extension's
commands are built from ``TranslatedGroup`` (its subcommands and subgroups follow), whose
texts are marked with ``N_`` for extraction (the catalogues of ``i18n/``) and translated
each time they are shown.

The language is the one of the command's output (context.py): ``--lang``, else
``OGPCATALOG_CLI_LANG``, else ``ckan.locale_default``. ``--help`` is acted on as soon as it
is parsed, before the group's ``--lang`` callback has run, so the group reads ``--lang``
from its arguments itself; CKAN's own ``ckan --help`` lists the groups' short help in the
variable's or the default language.
"""
from __future__ import annotations

import os
from contextlib import nullcontext
from typing import Any

import click
from flask import has_request_context

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.language import N_, offered_languages
from ckanext.ogpcatalog.language.context import LANG_ENVVAR, language_request

__all__ = ["TranslatedCommand", "TranslatedGroup"]

_LANG_META = "ogpcatalog.help_language"


# Click's own text of its --help option, for extraction (translated like the others).
_CLICK_HELP_OPTION = N_("Show this message and exit.")


def _help_language_context():
    """Inside a command whose ``--lang`` has run, its request context; otherwise one in the
    language ``--lang`` (read ahead), the variable or the portal's default names."""
    if has_request_context():
        return nullcontext()
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    app = meta.get("flask_app")
    if app is None:  # no CKAN application: English
        return nullcontext()
    languages = offered_languages()
    wanted = meta.get(_LANG_META) or os.environ.get(LANG_ENVVAR)
    return language_request(app, wanted if wanted in languages else languages[0])


def translate(text: Any) -> Any:
    """``text`` in the help's language (unchanged when empty or not in the catalogues)."""
    if not text or not isinstance(text, str):
        return text
    with _help_language_context():
        return tk._(text)


def _lang_in_args(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class _TranslatedHelp:
    """The help texts of a click command, translated each time they are read."""

    _raw_help: str | None = None
    _raw_short_help: str | None = None
    _raw_epilog: str | None = None

    @property
    def help(self) -> str | None:
        return translate(self._raw_help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._raw_help = value

    @property
    def short_help(self) -> str | None:
        return translate(self._raw_short_help)

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._raw_short_help = value

    @property
    def epilog(self) -> str | None:
        return translate(self._raw_epilog)

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        self._raw_epilog = value

    def get_help(self, ctx: click.Context) -> str:
        with _help_language_context():
            return super().get_help(ctx)  # type: ignore[misc]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        usage = {"[OPTIONS]": tk._("[OPTIONS]"), "COMMAND [ARGS]...": tk._("COMMAND [ARGS]...")}
        return [usage.get(piece, piece) for piece in pieces]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=tk._("Usage:") + " ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [record for record in (_help_record(param, ctx)
                                         for param in self.get_params(ctx))  # type: ignore[attr-defined]
                   if record is not None]
        if records:
            with formatter.section(tk._("Options")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


def _help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """Click's help line of an option, its text and its bracket (default, range, required,
    environment variable) in the help's language."""
    if not isinstance(param, click.Option):
        return param.get_help_record(ctx)
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names, text = record[0], translate(param.help) or ""
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(tk._("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(tk._("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(tk._("required"))
    if items:
        text = f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"
    return names, text


class TranslatedCommand(_TranslatedHelp, click.Command):
    """A command whose help is translated (see the module's docstring)."""


class TranslatedGroup(_TranslatedHelp, click.Group):
    """A group whose help, and its commands' and subgroups' help, is translated."""

    command_class = TranslatedCommand
    group_class = type  # subgroups are TranslatedGroups too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        lang = _lang_in_args(args)
        if lang:
            ctx.meta[_LANG_META] = lang
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(name, command) for name, command in
                    ((name, self.get_command(ctx, name)) for name in self.list_commands(ctx))
                    if command is not None and not command.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in commands)
        with formatter.section(tk._("Commands")):
            formatter.write_dl([(name, command.get_short_help_str(limit))
                                for name, command in commands])
