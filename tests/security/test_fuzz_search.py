"""Fuzzing of the search translator through package_search (Hypothesis; issue 16).

Generated ``q``, ``fq``, ``sort`` and ``facet.field`` values (Lucene syntax pieces, hostile
text, NUL and control characters, date math, huge numbers, deep nesting) are sent to the
action API. Whatever comes in, the answer is results (200) or a clear refusal (400 or 409
with CKAN's search error shape), never a 500 and never an internal detail (SQL, driver).

Examples per parameter: ``HYPOTHESIS_PROFILE=ci`` (default, 30) or ``thorough`` (2,000:
``make fuzz``).
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ckan.tests import factories

from tests.conftest import module_portal

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEARCH = "/api/3/action/package_search"
FIELDS = ["", "title:", "name:", "tags:", "notes:", "text:", "res_format:", "organization:",
          "metadata_modified:", "num_resources:", "extras_x:", "permission_labels:", "*:", "site_id:"]
PIECES = ["agua", "salud", "*", "?", "a*", "*a", "a?b", '"', '"agua potable"', "(", ")", "[", "]",
          "{", "}", " TO ", " AND ", " OR ", " NOT ", "&&", "||", "!", "+", "-", "--", "^2", "~",
          "~0.5", "\\", ":", "NOW-1DAY", "NOW-9999999999YEARS", "[* TO *]",
          "[NOW-99999999999DAYS TO NOW]", "2024-01-01T00:00:00Z", "99999999999999999999999",
          "-1e309", "NaN", "'; DROP TABLE package; --", "{!lucene}", "{!dismax qf=title}",
          "_query_:", "\x00", "\x01", "\u3000", "ñandú", "\u202e"]
QUERIES = st.one_of(
    st.lists(st.tuples(st.sampled_from(FIELDS), st.sampled_from(PIECES)), max_size=12).map(
        lambda parts: " ".join(field + piece for field, piece in parts)),
    st.text(max_size=200),
    st.integers(min_value=1, max_value=80).map(lambda depth: "title:" + "(" * depth + "agua" + ")" * depth),
    # around the term limits (max_query_terms 100, max_terms 1024)
    st.tuples(st.integers(min_value=90, max_value=1100), st.sampled_from(["agua", "*a*b", "a*", "tags:x"]),
              st.sampled_from([" ", " OR ", " AND "])).map(lambda t: t[2].join([t[1]] * t[0])),
)
SORTS = st.one_of(
    st.lists(st.tuples(st.sampled_from(["score", "name", "title_string", "metadata_modified", "num_resources",
                                        "x y", "extras_x", "\x00", "", "rank", "sum(1,2)"]),
                       st.sampled_from(["asc", "desc", "", "sideways", "ASC"])), max_size=4).map(
        lambda keys: ", ".join(f"{field} {direction}".strip() for field, direction in keys)),
    st.text(max_size=60),
)
FACETS = st.one_of(
    st.lists(st.one_of(st.sampled_from(["tags", "res_format", "notes", "organization", "title",
                                        "extras_x", "", "a b", "\x00", "facet.field"]),
                       st.text(max_size=20)), max_size=8).map(json.dumps),
    st.text(max_size=60),
)
INTERNAL = ("SELECT", "ogpcatalog_search_index", "psycopg2", "Traceback", "sqlalchemy")


def _build() -> list[dict]:
    return [factories.Dataset(title="Agua potable", notes="Calidad del agua", tags=[{"name": "agua"}]),
            factories.Dataset(title="Salud pública", tags=[{"name": "salud"}])]


@pytest.fixture(scope="module")
def portal(reset_db, migrate_db_for):
    """Two datasets, built once: the examples only read."""
    yield from module_portal(reset_db, migrate_db_for, _build)


@pytest.fixture(scope="module")
def app(portal):
    """One test client for the module (CKAN's function-scoped ``app`` would build the app again
    for every example)."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests.helpers import _get_test_app

    _CONFIG_CACHE.clear()
    return _get_test_app()


def _answer(app, params: dict) -> None:
    response = app.get(SEARCH, query_string=params, status=None)
    assert response.status_code in (200, 400, 409), (params, response.status_code, response.body[:300])
    body = response.json
    if response.status_code == 200:
        assert body["success"] is True
        return
    assert body["success"] is False
    message = json.dumps(body["error"])
    for internal in INTERNAL:
        assert internal not in message, (params, message)


@given(q=QUERIES)
def test_any_q_is_answered_or_refused_never_a_500(app, q):
    _answer(app, {"q": q})


@given(fq=QUERIES)
def test_any_fq_is_answered_or_refused_never_a_500(app, fq):
    _answer(app, {"fq": fq})


@given(sort=SORTS)
def test_any_sort_is_answered_or_refused_never_a_500(app, sort):
    _answer(app, {"sort": sort})


@given(facets=FACETS)
def test_any_facet_field_is_answered_or_refused_never_a_500(app, facets):
    _answer(app, {"facet.field": facets})
