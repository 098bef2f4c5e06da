"""Translate parsed Lucene queries (:mod:`.lucene`) into SQL over the search index.

Every value travels as a bound parameter; field names too, except the few mapped to fixed
columns. Free text uses the ``tsv`` GIN index; exact fields use ``doc @> {...}`` on the
``jsonb_path_ops`` GIN index; text fields other than ``text`` are pre-filtered by ``tsv``
(they are copied into it, as in CKAN's Solr schema) and then checked on their own words.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from . import solr_schema as f
from .lucene import (
    MUST, MUST_NOT, SHOULD, Bool, MatchAll, Node, QuerySyntaxError, Range, Term,
    plain_text, wildcard_to_like,
)

T = "idx"  # alias of the index table in every statement

_WORD_RE = re.compile(r"\w", re.UNICODE)


class Translation:
    """Collects bound parameters and the free-text queries used for ranking."""

    def __init__(self, default_field: str = "text", query_fields: list[str] | None = None):
        self.params: dict[str, Any] = {}
        self.rank_queries: list[str] = []
        self.default_field = default_field
        self.query_fields = query_fields  # dismax `qf`, without boosts
        self.uses_full_text = False  # a condition on the `tsv` GIN index was written
        # The size of the request, held to the limits of the search (connection.QuerySize)
        # before any SQL runs: terms and ranges, wildcard terms, and wildcard terms that no
        # index serves (a wildcard at the start or inside a word, or on a field other than
        # the free text: each one reads every row's words).
        self.terms = 0
        self.wildcard_terms = 0
        self.scanning_wildcards = 0
        # Terms of the user's ``q`` alone (``build_where`` notes them before the ``fq``s), and
        # plain ``permission_labels`` terms, which count in neither: CKAN adds one per
        # organization of the user, and OR'ed together they are one array overlap.
        self.query_terms = 0
        self.label_terms = 0
        # Plain words matched on the full text (``tsv``), in order; ``build_where`` keeps those
        # of ``q`` in ``query_words``: their frequency in the index prices the search.
        self.words: list[str] = []
        self.query_words: list[str] = []
        # The sort without its leading "score desc" (relevance_candidates), set by order_by.
        self.order_without_score: str | None = None

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def jsonb(self, value: Any) -> str:
        return f"CAST({self.param(json.dumps(value))} AS jsonb)"

    # -- nodes -------------------------------------------------------------------------
    def where(self, node: Node, rank: bool = True) -> str:
        sql = self._node(node, rank)
        return "TRUE" if sql is None else sql

    def _node(self, node: Node, rank: bool) -> str | None:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, Term):
            if _is_label(node):
                self.label_terms += 1
            else:
                self.terms += 1
                self.wildcard_terms += node.wildcard
            return self._term(node, rank)
        if isinstance(node, Range):
            self.terms += 1
            return self._range(node)
        if isinstance(node, Bool):
            return self._bool(node, rank)
        raise TypeError(node)

    def _bool(self, node: Bool, rank: bool) -> str | None:
        must: list[str] = []
        should: list[str] = []
        must_not: list[str] = []
        clauses = node.clauses
        labels = [child for occur, child in clauses if occur == SHOULD and _is_label(child)]
        if len(labels) > 1 and node.min_should_match <= 1:
            # `permission_labels:(a OR b OR ...)`: one overlap with every label, not one per label.
            self.label_terms += len(labels)
            should.append(f"{T}.permission_labels && CAST({self.param([t.text for t in labels])} AS text[])")
            clauses = tuple((occur, child) for occur, child in clauses
                            if not (occur == SHOULD and _is_label(child)))
        for occur, child in clauses:
            sql = self._node(child, rank and occur != MUST_NOT)
            if sql is None:  # a clause that analyses to nothing is dropped, as in Lucene
                continue
            {MUST: must, SHOULD: should, MUST_NOT: must_not}[occur].append(sql)
        parts = list(must)
        if should:
            minimum = node.min_should_match
            if minimum <= 0:
                minimum = 0 if must else 1
            minimum = min(minimum, len(should))
            if minimum == len(should):
                parts.extend(should)
            elif minimum == 1:
                parts.append("(" + " OR ".join(should) + ")")
            elif minimum > 1:
                counted = " + ".join(f"({s})::int" for s in should)
                parts.append("(" + " OR ".join(should) + f") AND ({counted}) >= {int(minimum)}")
        for sql in must_not:
            parts.append(f"NOT coalesce({sql}, FALSE)")
        if not parts:
            return None if not must_not else "TRUE"
        if len(parts) == 1:
            return parts[0]
        return "(" + " AND ".join(f"({p})" for p in parts) + ")"

    # -- terms -------------------------------------------------------------------------
    def _term(self, term: Term, rank: bool) -> str | None:
        field = term.field or self.default_field
        if term.field is None and self.query_fields:
            alternatives = [self._term(Term(qf, term.text, term.phrase, term.wildcard), rank)
                            for qf in self.query_fields]
            alternatives = [a for a in alternatives if a is not None]
            if not alternatives:
                return None
            return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        if not f.FIELD_NAME_RE.match(field):
            raise QuerySyntaxError("invalid field name")
        if field == "text":
            return self._free_text(term, rank)
        if field in f.NGRAM_FIELDS:
            source = f.NGRAM_FIELDS[field]
            needle = plain_text(term.text).lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            column = f"{T}.name" if source == "name" else f"ogpcatalog_field_text({T}.texts, 'title')"
            return f"lower({column}) LIKE {self.param('%' + needle + '%')}"
        if f.is_text_field(field):
            return self._field_text(field, term, rank)
        if f.is_date_field(field) and not term.wildcard:
            return self._range(Range(field, term.text, term.text))
        if field in f.INT_FIELDS and not term.wildcard:
            return self._range(Range(field, term.text, term.text))
        return self._exact(field, term)

    def _tsquery(self, term: Term) -> str | None:
        text = plain_text(term.text) if not term.wildcard else term.text
        if term.wildcard:
            prefix = text.split("\x00")[0].split("\x01")[0]
            if prefix and text == prefix + "\x00" and _WORD_RE.search(prefix):
                words = re.findall(r"\w+", prefix, re.UNICODE)
                lexemes = " & ".join("'" + w.lower() + "'" + (":*" if i == len(words) - 1 else "")
                                     for i, w in enumerate(words))
                return f"to_tsquery('ogpcatalog_simple'::regconfig, {self.param(lexemes)})"
            return None
        if not _WORD_RE.search(text):
            return None
        self.words.append(text)
        function = "ogpcatalog_phrase_tsq" if term.phrase else "ogpcatalog_tsq"
        return f"{function}({self.param(text)})"

    def _free_text(self, term: Term, rank: bool) -> str | None:
        tsq = self._tsquery(term)
        if tsq is None:
            if term.wildcard:
                return self._lexeme_pattern(term)
            return None
        if rank:
            self.rank_queries.append(tsq)
        self.uses_full_text = True
        return f"{T}.tsv @@ {tsq}"

    def _lexeme_pattern(self, term: Term) -> str:
        """Wildcards not at the end (``*bici``, ``b?ke``): match indexed words."""
        self.scanning_wildcards += 1
        pattern = wildcard_to_like(term.text.lower())
        return (f"EXISTS (SELECT 1 FROM unnest(tsvector_to_array({T}.tsv)) lexeme "
                f"WHERE lexeme LIKE {self.param(pattern)})")

    def _field_text(self, field: str, term: Term, rank: bool) -> str | None:
        field_param = self.param(field)
        words = f"ogpcatalog_field_text({T}.texts, {field_param})"
        if term.wildcard:
            self.scanning_wildcards += 1
            pattern = wildcard_to_like(term.text.lower())
            return f"lower(unaccent({words})) LIKE {self.param('%' + pattern.strip('%') + '%')}"
        tsq = self._tsquery(term)
        if tsq is None:
            return None
        own = f"ogpcatalog_tsv({words}) @@ {tsq}"
        if f.is_copied_to_text(field):
            if rank:
                self.rank_queries.append(tsq)
            self.uses_full_text = True
            return f"({T}.tsv @@ {tsq} AND {own})"
        return own

    def _exact(self, field: str, term: Term) -> str:
        if term.wildcard:
            self.scanning_wildcards += field not in f.COLUMN_FIELDS
            pattern = self.param(wildcard_to_like(term.text))
            if field in f.COLUMN_FIELDS:
                return f"{T}.{field} LIKE {pattern}"
            if field == "permission_labels":
                return f"EXISTS (SELECT 1 FROM unnest({T}.permission_labels) v WHERE v LIKE {pattern})"
            return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({T}.doc -> {self.param(field)}) v "
                    f"WHERE v LIKE {pattern})")
        if field in f.COLUMN_FIELDS:
            return f"{T}.{field} = {self.param(term.text)}"
        if field == "permission_labels":
            return f"{T}.permission_labels && CAST({self.param([term.text])} AS text[])"
        if f.is_faceted(field, term.text):
            entry = f"{field}{f.FACET_SEPARATOR}{term.text}"
            return f"{T}.facets @> CAST({self.param([entry])} AS text[])"
        return f"{T}.doc @> {self.jsonb({field: [term.text]})}"

    # -- ranges ------------------------------------------------------------------------
    def _range(self, node: Range) -> str:
        field = node.field or self.default_field
        if not f.FIELD_NAME_RE.match(field):
            raise QuerySyntaxError("invalid field name")
        if node.low is None and node.high is None:
            return self._exists(field)
        if f.is_date_field(field):
            return self._date_range(field, node)
        if field in f.INT_FIELDS or (_is_number(node.low) and _is_number(node.high)):
            return self._number_range(field, node)
        return self._string_range(field, node)

    def _exists(self, field: str) -> str:
        if field in f.COLUMN_FIELDS or field in f.DATE_COLUMNS:
            return f"{T}.{field} IS NOT NULL"
        if field == "permission_labels":
            return f"cardinality({T}.permission_labels) > 0"
        if field == "text":
            return "TRUE"
        source = "texts" if f.is_text_field(field) else "doc"
        return f"jsonb_exists({T}.{source}, {self.param(field)})"

    def _bounds(self, node: Range, value_sql: str, convert) -> list[str]:
        conditions = []
        if node.low is not None:
            op = ">=" if node.include_low else ">"
            conditions.append(f"{value_sql} {op} {self.param(convert(node.low))}")
        if node.high is not None:
            op = "<=" if node.include_high else "<"
            conditions.append(f"{value_sql} {op} {self.param(convert(node.high))}")
        return conditions

    def _date_range(self, field: str, node: Range) -> str:
        def convert(value: str):
            try:
                parsed = f.parse_solr_date(value)
            except ValueError:
                raise QuerySyntaxError(f"invalid date in field {field}")
            return parsed if field in f.DATE_COLUMNS else f.canonical_date(parsed)

        if field in f.DATE_COLUMNS:
            conditions = self._bounds(node, f"({T}.{field} AT TIME ZONE 'UTC')", convert)
            return " AND ".join(conditions)
        conditions = self._bounds(node, "v", convert)
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({T}.doc -> {self.param(field)}) v "
                f"WHERE {' AND '.join(conditions)})")

    def _number_range(self, field: str, node: Range) -> str:
        def convert(value: str):
            try:
                number = float(value)
            except ValueError:
                raise QuerySyntaxError(f"invalid number in field {field}")
            if math.isnan(number) or math.isinf(number):
                raise QuerySyntaxError(f"invalid number in field {field}")
            return number

        conditions = self._bounds(node, "v::double precision", convert)
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({T}.doc -> {self.param(field)}) v "
                f"WHERE v ~ '^-?[0-9]+(\\.[0-9]+)?$' AND {' AND '.join(conditions)})")

    def _string_range(self, field: str, node: Range) -> str:
        if field in f.COLUMN_FIELDS:
            return " AND ".join(self._bounds(node, f'{T}.{field} COLLATE "C"', str))
        source = "texts" if f.is_text_field(field) else "doc"
        conditions = self._bounds(node, 'v COLLATE "C"', str)
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({T}.{source} -> {self.param(field)}) v "
                f"WHERE {' AND '.join(conditions)})")

    # -- ranking and sorting -----------------------------------------------------------
    def rank_expression(self) -> str:
        if not self.rank_queries:
            return "0::real"
        # Every result matches the catalogue-wide `text`; what ranks it is a match in the
        # boosted fields (name, title; tags, groups, organization), as with CKAN's `qf`.
        return f"ts_rank({T}.rank_tsv, {' || '.join(dict.fromkeys(self.rank_queries))})"


def _is_label(node: Node) -> bool:
    """A plain (no wildcard) term on ``permission_labels``."""
    return isinstance(node, Term) and node.field == "permission_labels" and not node.wildcard


def _is_number(value: str | None) -> bool:
    if value is None:
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


class SortError(ValueError):
    pass


def order_by(sort: str | None, translation: Translation) -> str:
    """Solr ``sort`` ("score desc, metadata_modified desc") as an ORDER BY clause."""
    keys: list[str] = []
    for part in (sort or "score desc").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = part.split()
        if len(pieces) != 2 or pieces[1].lower() not in ("asc", "desc"):
            raise SortError(f"Can't determine a Sort Order (asc or desc) in sort spec '{part}'")
        field, direction = pieces[0], pieces[1].upper()
        if field == "score":
            keys.append(f"{translation.rank_expression()} {direction}")
            continue
        if not f.FIELD_NAME_RE.match(field):
            raise SortError(f"Can't determine a Sort Order in sort spec '{part}'")
        if field in f.DATE_COLUMNS:
            expression = f"{T}.{field}"
        elif field == "title_string":
            expression = f"{T}.title_string"
        elif field in f.COLUMN_FIELDS:
            expression = f'{T}.{field} COLLATE "C"'
        elif field in f.INT_FIELDS:
            expression = (f"(CASE WHEN {T}.doc -> {translation.param(field)} ->> 0 ~ '^-?[0-9]+$' "
                          f"THEN ({T}.doc -> {translation.param(field)} ->> 0)::bigint END)")
        else:
            source = "texts" if f.is_text_field(field) else "doc"
            expression = f'({T}.{source} -> {translation.param(field)} ->> 0) COLLATE "C"'
        # Missing values sort last, as Solr's sortMissingLast; dates are never missing on
        # datasets, and their natural order lets the btree index serve the sort.
        nulls = "" if field in f.DATE_COLUMNS else " NULLS LAST"
        keys.append(f"{expression} {direction}{nulls}")
    # Ties keep index order, as Lucene's document order does.
    keys.append(f"{T}.seq ASC")
    parts = [part.split() for part in (sort or "score desc").split(",") if part.strip()]
    if translation.rank_queries and [word.lower() for word in parts[0]] == ["score", "desc"]:
        translation.order_without_score = f"{T}.seq ASC" if len(parts) == 1 else order_by(
            ", ".join(" ".join(part) for part in parts[1:]), translation)
    return ", ".join(keys)


# -- relevance pages: rank only the rows that can score ---------------------------------------
#
# Under "score desc" the page must be the rows of highest rank among every match, and ranking
# every match (ts_rank on each row: a common word matches half the catalogue) costs far more
# than finding them. Only rows whose boosted words (`rank_tsv`) hold one of the query's
# lexemes can score: every other match ranks exactly 0 (ts_rank adds nothing for a lexeme
# the document lacks) and keeps the order of the sort's remaining keys. When the rank query
# is a plain OR of lexemes (one word: its Spanish, English and unstemmed forms; a prefix), the
# page is taken from two small candidate lists: the best ranked of the rows whose `rank_tsv`
# matches it (its own GIN index), and the first, in the remaining order, of those whose
# `rank_tsv` does not; the full order then runs on those candidates only. The same rows in
# the same order as ranking everything. Queries with AND or phrase operators (several
# words) rank every match as before. The test is written in SQL on the tsquery itself, which
# PostgreSQL folds to a constant when it plans the statement.

def relevance_candidates(translation: "Translation", where: str, order: str, rows: int,
                         start: int) -> str | None:
    """The ``(site_id, id)`` pairs from which a relevance page is cut, or None (rank all)."""
    rest = translation.order_without_score
    if not rest or not translation.rank_queries:
        return None
    query = " || ".join(dict.fromkeys(translation.rank_queries))
    # An operator outside the lexemes (&, <->, !) makes the query more than an OR of lexemes;
    # a lexeme holding one of these characters only turns the shortcut off.
    flat = f"(({query})::text !~ '[&<!]')"
    wanted = int(rows) + int(start)
    index = "ogpcatalog_search_index"
    ranked_where = where
    if len(dict.fromkeys(translation.rank_queries)) == 1:
        # `rank_tsv` holds a subset of `tsv`'s lexemes: where it matches an OR of lexemes,
        # so does `tsv`. The free-text condition of that very term (its bound parameter
        # names it alone) is then known true, and is not evaluated again row by row (it
        # would decompress each row's large `tsv`: the cost this shortcut exists to avoid).
        condition = f"{T}.tsv @@ {query}"
        ranked_where = where.replace(condition, f"({condition} OR {flat})")
    # The rows that rank 0 are read only when the ranked ones do not fill the page, and then
    # from the free-text index (the subquery with OFFSET 0 is planned apart from its ORDER BY
    # and LIMIT): never by walking the sort's btree index in the hope of meeting matches, which
    # for a rare word means reading the whole table (4.5 s at 100,000 datasets).
    return (f"WITH ranked AS MATERIALIZED (SELECT {T}.site_id, {T}.id FROM {index} {T} "
            f"WHERE {ranked_where} AND ({T}.rank_tsv @@ ({query}) OR NOT {flat}) "
            f"ORDER BY {order} LIMIT {wanted}) "
            f"SELECT site_id, id FROM ranked UNION ALL "
            f"(SELECT {T}.site_id, {T}.id FROM (SELECT * FROM {index} {T} WHERE {where} "
            f"AND {flat} AND NOT ({T}.rank_tsv @@ ({query})) "
            f"AND (SELECT count(*) FROM ranked) < {wanted} OFFSET 0) {T} "
            f"ORDER BY {rest} LIMIT {wanted})")


def parse_min_should_match(spec: str | None, optional_clauses: int) -> int:
    """Solr ``mm`` (e.g. ``2<-1 5<80%``): how many optional clauses must match."""
    n = optional_clauses
    if not spec or n == 0:
        return n
    spec = spec.strip()

    def apply(rule: str) -> int:
        if rule.endswith("%"):
            percent = int(rule[:-1])
            if percent < 0:
                return n - math.floor(n * -percent / 100)
            return math.floor(n * percent / 100)
        value = int(rule)
        return n + value if value < 0 else value

    try:
        if "<" not in spec:
            result = apply(spec)
        else:
            result = n
            for condition in spec.split():
                threshold, rule = condition.split("<", 1)
                if n > int(threshold):
                    result = apply(rule)
    except ValueError:
        raise QuerySyntaxError("invalid mm parameter")
    return max(0, min(n, result))
