"""The Lucene parser: clause occurrence as Lucene's classic QueryParser, and clear errors."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.search.lucene import (
    MUST, MUST_NOT, SHOULD, Bool, MatchAll, QuerySyntaxError, Range, Term, parse, parse_with_operators,
)


def test_juxtaposed_terms_are_all_required_with_default_and():
    assert parse("agua energia", "AND") == Bool(((MUST, Term(None, "agua")), (MUST, Term(None, "energia"))))


def test_or_makes_both_neighbours_optional():
    assert parse("agua OR energia", "AND") == Bool(((SHOULD, Term(None, "agua")), (SHOULD, Term(None, "energia"))))


def test_plus_and_minus_with_default_or():
    node = parse("+agua -energia riego", "OR")
    assert node == Bool(((MUST, Term(None, "agua")), (MUST_NOT, Term(None, "energia")),
                         (SHOULD, Term(None, "riego"))))


def test_field_group_applies_the_field_to_each_value():
    assert parse('tags:(salud OR "salud pública")', "AND") == Bool((
        (SHOULD, Term("tags", "salud")), (SHOULD, Term("tags", "salud pública", phrase=True))))


def test_ranges_wildcards_and_match_all():
    assert parse("metadata_modified:[2020-01-01T00:00:00Z TO NOW]") == Range(
        "metadata_modified", "2020-01-01T00:00:00Z", "NOW")
    assert parse("views_total:{10 TO *]") == Range("views_total", "10", None, include_low=False)
    assert parse("*:*") == MatchAll()
    assert parse("res_format:*") == Range("res_format", None, None)
    assert parse("name:cen*") == Term("name", "cen\x00", wildcard=True)


def test_escaped_colon_stays_in_the_value():
    assert parse(r"url:http\://datos.example") == Term("url", "http://datos.example")


def test_boosts_and_fuzziness_are_accepted():
    assert parse("agua^2 energia~1", "AND") == Bool(((MUST, Term(None, "agua")), (MUST, Term(None, "energia"))))


def test_space_before_the_colon_still_makes_a_field():
    assert parse("_query_store : true") == Term("_query_store", "true")


def test_explicit_operators_are_reported():
    assert parse_with_operators("a b")[1] is False
    assert parse_with_operators("a AND b")[1] is True


@pytest.mark.parametrize("query", ['"open', "(a", "a AND", "[a TO", "a:b:c", "AND a", "()", "*x:y", "a" * 20001])
def test_malformed_queries_raise_a_syntax_error(query):
    with pytest.raises(QuerySyntaxError):
        parse(query)


def test_deep_nesting_is_refused_not_a_recursion_error():
    with pytest.raises(QuerySyntaxError):
        parse("(" * 200 + "a" + ")" * 200)
