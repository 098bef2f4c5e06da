"""The PostgreSQL backend behind CKAN's own package_search: text, filters, facets, sort."""
from __future__ import annotations

import pytest

import ckan.model as model
import sqlalchemy as sa
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan.lib.search.common import SearchError, SearchQueryError

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def search(**params):
    return helpers.call_action("package_search", **params)


def names(result):
    return sorted(d["name"] for d in result["results"])


def test_new_dataset_is_found_by_a_word_of_its_title():
    factories.Dataset(name="budget-2024", title="Presupuesto general del Estado 2024")
    factories.Dataset(name="roads", title="Red vial estatal")

    assert names(search(q="presupuesto")) == ["budget-2024"]


def test_search_ignores_accents_and_finds_spanish_inflections():
    factories.Dataset(name="compras", title="Contrataciones públicas del año")

    assert names(search(q="contratacion")) == ["compras"]
    assert names(search(q="públicas")) == ["compras"]
    assert names(search(q="PUBLICA")) == ["compras"]


def test_search_finds_english_plural_from_singular():
    factories.Dataset(name="bikes", title="Shared bikes in the capital")

    assert names(search(q="bike")) == ["bikes"]


def test_all_words_are_required_for_short_queries():
    factories.Dataset(name="health", title="Gasto en salud")
    factories.Dataset(name="education", title="Gasto en educación")

    assert names(search(q="gasto salud")) == ["health"]


def test_field_query_on_tags_is_exact():
    factories.Dataset(name="tagged", tags=[{"name": "economía"}])
    factories.Dataset(name="other", tags=[{"name": "economía-social"}])

    assert names(search(q="tags:economía")) == ["tagged"]
    assert names(search(fq='tags:"economía-social"')) == ["other"]


def test_boolean_operators_and_negation():
    factories.Dataset(name="water", title="Agua potable")
    factories.Dataset(name="energy", title="Energía eléctrica")
    factories.Dataset(name="both", title="Agua y energía")

    # CKAN's dismax, as Solr runs it: under CKAN's mm (2<-1 5<80%) "a OR b" needs both words;
    # a fielded query (the lucene parser) has boolean OR (tests/search/differential).
    assert names(search(q="agua OR energia")) == ["both"]
    assert names(search(q="title:agua OR title:energia")) == ["both", "energy", "water"]
    assert names(search(q="agua -energia")) == ["water"]
    assert names(search(q="agua AND NOT energia")) == ["water"]
    assert names(search(q="title:agua AND title:energia")) == ["both"]


def test_wildcard_prefix_matches_word_starts():
    factories.Dataset(name="census", title="Censo de población")

    # in a plain (dismax) query Solr searches `pobla*` as the word `pobla` on text fields
    assert names(search(q="pobla*")) == []
    assert names(search(q="title:pobla*")) == ["census"]
    assert names(search(q="name:cen*")) == ["census"]


def test_organization_filter_and_facets_count_datasets():
    org_a = factories.Organization(name="ministerio-salud")
    org_b = factories.Organization(name="ministerio-educacion")
    factories.Dataset(owner_org=org_a["id"], tags=[{"name": "salud"}])
    factories.Dataset(owner_org=org_a["id"], tags=[{"name": "salud"}, {"name": "hospitales"}])
    factories.Dataset(owner_org=org_b["id"], tags=[{"name": "escuelas"}])

    result = search(fq="organization:ministerio-salud",
                    **{"facet.field": '["organization", "tags"]'})

    assert result["count"] == 2
    assert result["facets"]["organization"] == {"ministerio-salud": 2}
    assert result["facets"]["tags"] == {"salud": 2, "hospitales": 1}


def test_facet_limit_and_mincount():
    for i in range(3):
        factories.Dataset(tags=[{"name": "comun"}] + ([{"name": "raro"}] if i == 0 else []))

    result = search(**{"facet.field": '["tags"]', "facet.limit": 1})
    assert result["facets"]["tags"] == {"comun": 3}
    result = search(**{"facet.field": '["tags"]', "facet.mincount": 2})
    assert result["facets"]["tags"] == {"comun": 3}


def test_sort_by_title_and_paging():
    for title in ("Charlie", "alpha", "Bravo", "delta"):
        factories.Dataset(title=title)

    first = search(sort="title_string asc", rows=2)
    second = search(sort="title_string asc", rows=2, start=2)

    # Solr sorts string fields by code point, so upper case comes first.
    assert [d["title"] for d in first["results"]] == ["Bravo", "Charlie"]
    assert [d["title"] for d in second["results"]] == ["alpha", "delta"]
    assert first["count"] == 4


def test_sort_by_metadata_modified_desc_returns_latest_first():
    older = factories.Dataset()
    newer = factories.Dataset()

    result = search(sort="metadata_modified desc")

    assert [d["id"] for d in result["results"]] == [newer["id"], older["id"]]


def test_date_range_with_date_math():
    factories.Dataset(name="recent")

    assert names(search(q="metadata_modified:[NOW-1DAY TO NOW+1DAY]")) == ["recent"]
    assert names(search(q="metadata_modified:[2000-01-01T00:00:00Z TO 2001-01-01T00:00:00Z]")) == []


def test_private_dataset_is_hidden_from_anonymous_and_visible_to_member():
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "member"}])
    factories.Dataset(name="secret", owner_org=org["id"], private=True)
    factories.Dataset(name="open", owner_org=org["id"])

    anonymous = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                    include_private=True)
    member = helpers.call_action("package_search", context={"user": user["name"], "ignore_auth": False},
                                 include_private=True)

    assert names(anonymous) == ["open"]
    assert names(member) == ["open", "secret"]


def test_drafts_only_with_include_drafts():
    user = factories.User()
    helpers.call_action("package_create", context={"user": user["name"]}, name="draft-one", state="draft")

    assert search()["count"] == 0
    result = helpers.call_action("package_search", context={"user": user["name"], "ignore_auth": False},
                                 include_drafts=True)
    assert names(result) == ["draft-one"]


def test_deleted_dataset_leaves_results():
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(name="gone")
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=dataset["id"])

    assert search(q="name:gone")["count"] == 0


def test_fl_returns_requested_fields_only():
    factories.Dataset(name="fields", title="Campos")

    result = search(q="name:fields", fl="name,title")

    assert result["results"] == [{"name": "fields", "title": "Campos"}]


@pytest.mark.parametrize("query", ['title:"unterminated', "title:(agua", "agua AND", "[a TO", "a:b:c:"])
def test_malformed_query_raises_search_error_without_sql(query):
    with pytest.raises(SearchError) as info:
        search(q=query)
    message = str(info.value)
    assert "SELECT" not in message and "ogpcatalog_search_index" not in message


def test_invalid_sort_is_a_query_error():
    with pytest.raises(SearchQueryError):
        search(sort="title_string sideways")


def test_rolled_back_package_create_leaves_no_index_row():
    context = {"user": factories.Sysadmin()["name"], "defer_commit": True}
    helpers.call_action("package_create", context=context, name="never-committed")
    model.Session.rollback()

    count = model.Session.execute(
        sa.text("SELECT count(*) FROM ogpcatalog_search_index WHERE name = 'never-committed'")
    ).scalar()
    assert count == 0
    assert search(q="name:never-committed")["count"] == 0


def test_relevance_puts_title_matches_before_description_matches():
    factories.Dataset(name="in-notes", title="Registro", notes="Incluye datos de vacunación")
    factories.Dataset(name="in-title", title="Vacunación por provincia", notes="Cifras oficiales")
    factories.Dataset(name="in-tags", title="Cobertura", tags=[{"name": "vacunación"}])

    result = search(q="vacunacion")

    assert [d["name"] for d in result["results"]] == ["in-title", "in-tags", "in-notes"]


def test_relevance_pages_rank_only_datasets_that_can_score_and_equal_ranking_every_match(monkeypatch):
    """Under ``score desc`` a search whose rank query is an OR of lexemes ranks only the
    datasets whose boosted words hold one (sql.relevance_candidates); every page, deep or not,
    is the page of ranking every match."""
    from ckanext.ogpcatalog.search import connection

    organization = factories.Organization()
    for n in range(14):
        factories.Dataset(
            name=f"d{n:02d}", owner_org=organization["id"],
            title="Datos de agua potable" if n % 4 == 0 else f"Registro {n}",
            notes="Datos abiertos del agua" if n % 2 else "Sin la palabra",
            tags=[{"name": "datos"}] if n % 5 == 0 else [])
    requests = [dict(q="datos", rows=rows, start=start) for rows, start in
                ((3, 0), (3, 3), (5, 4), (20, 0), (2, 9), (4, 12))]
    requests += [dict(q="datos", sort="score desc, name asc", rows=4, start=2),
                 dict(q="datos", sort="score desc, metadata_modified asc", rows=6, start=1),
                 dict(q="datos", fq=f"organization:{organization['name']}", rows=3, start=1),
                 dict(q="dat*", rows=3, start=2), dict(q="datos agua", rows=3, start=1),
                 dict(q="agua potable", rows=3), dict(q="-datos", rows=3)]
    used = []
    original = connection.relevance_candidates

    def recording(*args, **kwargs):
        sql = original(*args, **kwargs)
        used.append(sql is not None)
        return sql

    def pages():
        connection.plan_cache.clear()
        return [[d["name"] for d in search(**request)["results"]] for request in requests]

    monkeypatch.setattr(connection, "relevance_candidates", recording)
    candidates_only = pages()
    monkeypatch.setattr(connection, "relevance_candidates", lambda *args, **kwargs: None)
    every_match = pages()

    assert candidates_only == every_match
    assert used.count(True) >= 9  # the one-word searches took the shortcut
    assert candidates_only[0][0] == "d00"  # title and tag first
    assert len(candidates_only[3]) == 12  # every match, title or not
