"""The extension's commands speak the portal's default language (es), or the one `--lang` or
OGPCATALOG_CLI_LANG asks for: real commands through CKAN's CLI (the `cli` fixture)."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan

from ckanext.ogpcatalog.language.context import LANG_ENVVAR


def _run(cli, *args: str, env: dict[str, str] | None = None):
    # The variable unset unless the test sets it: the default must not depend on the shell.
    return cli.invoke(ckan, list(args), env={LANG_ENVVAR: None, **(env or {})})


def test_a_command_speaks_the_portal_default_language(cli):
    result = _run(cli, "ogpcatalog", "solr-fields")

    assert result.exit_code == 0, result.output
    assert "La búsqueda usa PostgreSQL" in result.output
    assert "Search runs on" not in result.output


def test_lang_option_switches_the_output_to_english(cli):
    result = _run(cli, "ogpcatalog", "--lang", "en", "solr-fields")

    assert result.exit_code == 0, result.output
    assert "Search runs on PostgreSQL (ogpcatalog_search), not Solr" in result.output


def test_environment_variable_switches_the_output_to_english(cli):
    result = _run(cli, "ogpcatalog", "solr-fields", env={LANG_ENVVAR: "en"})

    assert "Search runs on PostgreSQL" in result.output


def test_a_language_the_portal_does_not_offer_is_refused(cli):
    result = _run(cli, "ogpcatalog", "--lang", "fr", "solr-fields")

    assert result.exit_code != 0
    assert "'fr' is not one of the portal's languages: es, en" in result.output


def test_validation_errors_of_a_nested_command_come_out_in_spanish(cli):
    """metrics snapshot (a subgroup of `ogpcatalog`): the action's validator speaks Spanish."""
    result = _run(cli, "ogpcatalog", "metrics", "snapshot", "--date", "2025-13-45")

    assert result.exit_code != 0
    assert "No es una fecha (AAAA-MM-DD): 2025-13-45" in result.output


def test_validation_errors_in_english_with_the_override(cli):
    result = _run(cli, "ogpcatalog", "--lang", "en", "metrics", "snapshot", "--date", "2025-13-45")

    assert "Not a date (YYYY-MM-DD): 2025-13-45" in result.output


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_commands_that_touch_the_database_speak_spanish(cli):
    backfill = _run(cli, "ogpcatalog", "metrics", "backfill")
    retry = _run(cli, "ogpcatalog", "ocds", "retry")
    search = _run(cli, "ogpcatalog-search", "init")

    assert "No hay conjuntos de datos: no hay nada que reconstruir." in backfill.output
    assert "0 validaciones en cola" in retry.output
    assert "Índice de búsqueda listo." in search.output


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_search_group_takes_the_override_too(cli):
    result = _run(cli, "ogpcatalog-search", "--lang", "en", "init")

    assert result.exit_code == 0, result.output
    assert "Search index ready." in result.output


def test_the_search_subgroup_speaks_the_portal_default_language(cli):
    result = _run(cli, "ogpcatalog", "search", "solr-fields")

    assert result.exit_code == 0, result.output
    assert "La búsqueda usa PostgreSQL" in result.output


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_scheduler_logs_its_jobs_in_the_portal_default_language(cli):
    result = _run(cli, "ogpcatalog", "schedule", "--once", "--job", "ocds-retry")
    search = _run(cli, "ogpcatalog", "search", "init")

    assert result.exit_code == 0, result.output
    assert "ocds-retry: 0 validaciones en cola" in result.output
    assert "Índice de búsqueda listo." in search.output
