"""The `--help` of every command of the extension speaks the language of its output: the
portal's default (es), or the one `--lang` or OGPCATALOG_CLI_LANG asks for. Real commands
through CKAN's CLI (the `cli` fixture)."""
from __future__ import annotations

import click
import pytest

from ckan.cli.cli import ckan

from ckanext.ogpcatalog.cli import ogpcatalog
from ckanext.ogpcatalog.language.context import LANG_ENVVAR
from ckanext.ogpcatalog.search.cli import search_group


def _run(cli, *args: str, env: dict[str, str] | None = None):
    return cli.invoke(ckan, list(args), env={LANG_ENVVAR: None, **(env or {})})


def _commands(group: click.Group, path: tuple[str, ...]):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))
        else:
            yield path + (name,), command


EVERY_COMMAND = [*_commands(ogpcatalog, ("ogpcatalog",)),
                 *_commands(search_group, ("ogpcatalog-search",))]


def _opening(text: str) -> str:
    """The first words of a help text (short enough that click never wraps inside them)."""
    return " ".join(text.split()[:4])


def test_the_group_help_is_spanish_by_default(cli):
    result = _run(cli, "ogpcatalog", "--help")

    assert result.exit_code == 0, result.output
    assert "Uso: ckan ogpcatalog [OPCIONES] COMANDO [ARGUMENTOS]..." in result.output
    for text in ("Comandos de la extensión ckanext-ogpcatalog.", "Opciones:", "Comandos:",
                 "Muestra este mensaje y termina.", "Importar y exportar compromisos de OGP",
                 "Idioma de la salida"):
        assert text in result.output, result.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Import and export"):
        assert english not in result.output, result.output


@pytest.mark.parametrize("args", [("--lang", "en", "--help"), ("--help", "--lang", "en"),
                                  ("--lang=en", "--help")])
def test_lang_switches_the_help_to_english_wherever_it_stands(cli, args):
    result = _run(cli, "ogpcatalog", *args)

    assert result.exit_code == 0, result.output
    assert "Usage: ckan ogpcatalog [OPTIONS] COMMAND [ARGS]..." in result.output
    assert "Import and export OGP commitments" in result.output


def test_the_environment_variable_switches_the_help_to_english(cli):
    result = _run(cli, "ogpcatalog-search", "rebuild", "--help", env={LANG_ENVVAR: "en"})

    assert "Re-index every dataset in place" in result.output
    assert "[default: 2]" in result.output


def test_a_subcommand_help_translates_clicks_own_words(cli):
    result = _run(cli, "ogpcatalog", "metrics", "facts-rebuild", "--help")

    assert "Uso: ckan ogpcatalog metrics facts-rebuild [OPCIONES]" in result.output
    assert "[predeterminado: 2000; x>=1]" in result.output
    assert "Conjuntos de datos por transacción" in result.output


def test_ckans_own_command_list_shows_the_groups_in_the_portal_language(cli):
    spanish = _run(cli, "--help")
    english = _run(cli, "--help", env={LANG_ENVVAR: "en"})

    assert "Comandos de ckanext-ogpcatalog" in spanish.output
    assert "Índice de búsqueda de PostgreSQL" in spanish.output
    assert "ckanext-ogpcatalog commands" in english.output


@pytest.mark.parametrize("path, command", EVERY_COMMAND, ids=[" ".join(p) for p, _c in EVERY_COMMAND])
def test_every_help_text_of_every_command_is_spanish(cli, path, command):
    """The command's help and each option's help, in English, are absent from its Spanish help
    and present in its English one: a help text left unmarked or untranslated fails here."""
    spanish = _run(cli, *path, "--help")
    english = _run(cli, *path, "--lang", "en", "--help") if len(path) == 1 else \
        _run(cli, path[0], "--lang", "en", *path[1:], "--help")

    assert spanish.exit_code == 0 and english.exit_code == 0, spanish.output + english.output
    raw_help = command._raw_help  # the English text, as written
    texts = [raw_help] + [param.help for param in command.params
                          if isinstance(param, click.Option) and param.help]
    assert raw_help, f"{' '.join(path)} has no help"
    for text in texts:
        assert _opening(text) in english.output, (text, english.output)
        assert _opening(text) not in spanish.output, (text, spanish.output)
    assert "Uso: " in spanish.output
