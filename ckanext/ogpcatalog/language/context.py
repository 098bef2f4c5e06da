"""The language of work done outside a web request: CLI output and emails sent from cron.

Outside a request CKAN's gettext (``tk._``) finds no locale and gives the English msgids. A
Flask request context whose ``CKAN_LANG`` is the wanted language makes CKAN's own i18n
machinery (core's catalogue merged with the plugins') translate everything said inside it:
messages, validation errors, progress labels, rendered templates.

- ``cli_language_option``: the ``--lang`` option of the extension's click groups
  (``ckan ogpcatalog``, ``ckan ogpcatalog-search``). The whole command, every subcommand
  included, runs in the portal's ``ckan.locale_default`` unless ``--lang`` or the
  ``OGPCATALOG_CLI_LANG`` environment variable names another of the portal's languages.
- ``default_language_request``: the same for code that runs without a request, in the
  portal's default language (the activity email digest of ``ckan notify send_emails``, see
  logic/action/emails.py; the harvester's messages, see dcat/fetch.py).
"""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any, Callable, TypeVar

import click
from flask import Flask, has_request_context

from ckanext.ogpcatalog.language import N_, offered_languages

__all__ = ["LANG_ENVVAR", "cli_language_option", "default_language_request",
           "language_request"]

LANG_ENVVAR = "OGPCATALOG_CLI_LANG"

F = TypeVar("F", bound=Callable[..., Any])


def language_request(app: Flask, lang: str) -> AbstractContextManager:
    """A request context of CKAN's Flask ``app`` in which ``tk._`` speaks ``lang``."""
    return app.test_request_context(environ_overrides={"CKAN_LANG": lang})


def default_language_request() -> AbstractContextManager:
    """Inside a web request: nothing to do (the request has its language). Outside one: a
    request context in the portal's default language, on the application CKAN built (the
    one whose internal request context ``h.url_for`` uses outside requests)."""
    from ckan.config.middleware import _internal_test_request_context as internal

    if has_request_context() or internal is None:
        return nullcontext()
    return language_request(internal.app, offered_languages()[0])


def _push_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    app = ctx.meta.get("flask_app")
    if app is None:  # no CKAN application (e.g. `--help` without a config file)
        return value
    languages = offered_languages()
    lang = value or languages[0]
    if lang not in languages:
        # Still English here: the language is what failed.
        raise click.BadParameter(
            "{lang!r} is not one of the portal's languages: {languages}".format(
                lang=lang, languages=", ".join(languages)),
            ctx=ctx, param_hint="--lang")
    ctx.with_resource(language_request(app, lang))
    return lang


def cli_language_option(group: F) -> F:
    """Decorate a click group (below ``@click.group``) with the ``--lang`` option."""
    return click.option(
        "--lang", metavar="LANG", envvar=LANG_ENVVAR, expose_value=False,
        callback=_push_language,
        help=N_("Language of the output (default: the portal's ckan.locale_default; "
                "environment: OGPCATALOG_CLI_LANG)."),
    )(group)
