"""A parser for the Lucene/Solr query syntax that CKAN sends to its search engine.

It covers what CKAN, its extensions and API users write in ``q`` and ``fq``: bare terms,
``field:value``, quoted phrases, ``AND``/``OR``/``NOT``/``&&``/``||``/``!``, ``+``/``-``
modifiers, parentheses, ``field:(a OR b)``, inclusive and exclusive ranges
(``[a TO b]``, ``{a TO b}``, ``*`` bounds), ``*`` and ``?`` wildcards, ``*:*``, boosts
(``^2``) and fuzziness/proximity (``~2``), which are accepted and ignored for matching.

Clause occurrence follows Lucene's classic QueryParser (``addClause``): with the default
operator ``AND``, juxtaposed clauses are required and ``OR`` makes both neighbours
optional; with ``OR``, only ``+`` makes a clause required. The result is a small tree of
:class:`Bool`, :class:`Term`, :class:`Range` and :class:`MatchAll` nodes that
:mod:`.sql` turns into SQL.
"""
from __future__ import annotations

import dataclasses
from typing import Literal, Union

MUST: Literal["must"] = "must"
SHOULD: Literal["should"] = "should"
MUST_NOT: Literal["must_not"] = "must_not"
Occur = Literal["must", "should", "must_not"]

# Characters that end a bare term unless escaped with a backslash.
_TERM_STOP = set(' \t\r\n\u3000()[]{}"^~:')
MAX_DEPTH = 50  # default of ckanext.ogpcatalog.search.max_nesting
MAX_LENGTH = 20_000  # default of ckanext.ogpcatalog.search.max_query_length


class QuerySyntaxError(ValueError):
    """The query string is not valid Lucene syntax. The message never contains SQL."""


class TooManyTerms(ValueError):
    """The query holds more terms than ``max_terms``: parsing stopped at the first one over,
    so a query of thousands of terms is refused for the price of reading ``max_terms``."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} terms")
        self.limit = limit


@dataclasses.dataclass(frozen=True)
class MatchAll:
    pass


@dataclasses.dataclass(frozen=True)
class Term:
    field: str | None  # None: the default field
    text: str
    phrase: bool = False
    wildcard: bool = False  # text contains unescaped * or ?


@dataclasses.dataclass(frozen=True)
class Range:
    field: str | None
    low: str | None  # None: open bound (*)
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclasses.dataclass(frozen=True)
class Bool:
    clauses: tuple[tuple[Occur, "Node"], ...]
    min_should_match: int = 0  # 0: Lucene default (at least one SHOULD if no MUST)


Node = Union[MatchAll, Term, Range, Bool]


def parse(query: str, default_operator: str = "AND", max_depth: int = MAX_DEPTH,
          max_length: int = MAX_LENGTH, max_terms: int = 0) -> Node:
    """Parse ``query`` into a tree. Raises :class:`QuerySyntaxError`, also for groups nested
    deeper than ``max_depth`` (refused before any SQL: PostgreSQL's stack would overflow)
    and for a query longer than ``max_length`` characters; :class:`TooManyTerms` for one of
    more than ``max_terms`` terms (words, phrases, field:value, ranges; 0: no limit)."""
    node, _ = parse_with_operators(query, default_operator, max_depth, max_length, max_terms)
    return node


def parse_with_operators(query: str, default_operator: str = "AND",
                         max_depth: int = MAX_DEPTH,
                         max_length: int = MAX_LENGTH, max_terms: int = 0) -> tuple[Node, bool]:
    """Like :func:`parse`; also tells whether the query used explicit AND/OR/NOT operators."""
    if len(query) > max_length:
        raise QuerySyntaxError("query too long")
    parser = _Parser(query, default_operator.upper() == "AND", max_depth, max_terms)
    node = parser.parse_sequence(field=None, depth=0, closing=None)
    parser.skip_ws()
    if not parser.at_end():
        raise QuerySyntaxError(f"unexpected character at position {parser.pos + 1}")
    return node, parser.explicit_operators


class _Parser:
    def __init__(self, text: str, default_and: bool, max_depth: int = MAX_DEPTH,
                 max_terms: int = 0):
        self.text = text
        self.max_depth = max_depth
        self.max_terms = max_terms
        self.terms = 0
        self.pos = 0
        self.default_and = default_and
        self.explicit_operators = False

    # -- low level -------------------------------------------------------------------
    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def skip_ws(self) -> None:
        while not self.at_end() and self.text[self.pos] in " \t\r\n\u3000":
            self.pos += 1

    def _keyword_ahead(self, word: str) -> bool:
        end = self.pos + len(word)
        if self.text[self.pos:end] != word:
            return False
        return end >= len(self.text) or self.text[end] in " \t\r\n()\u3000"

    def read_conjunction(self) -> str | None:
        self.skip_ws()
        for word, conj in (("AND", "AND"), ("&&", "AND"), ("OR", "OR"), ("||", "OR")):
            if word.isalpha():
                if self._keyword_ahead(word):
                    self.pos += len(word)
                    self.explicit_operators = True
                    return conj
            elif self.peek(len(word)) == word:
                self.pos += len(word)
                self.explicit_operators = True
                return conj
        return None

    def read_modifier(self) -> str | None:
        self.skip_ws()
        ch = self.peek()
        if ch in ("+", "-"):
            nxt = self.text[self.pos + 1:self.pos + 2]
            if nxt and nxt not in " \t\r\n":
                self.pos += 1
                self._refuse_second_modifier()
                return ch
            raise QuerySyntaxError(f"dangling '{ch}' at position {self.pos + 1}")
        if ch == "!" and self.peek(2) != "!=":
            self.pos += 1
            self._refuse_second_modifier()
            return "-"
        if self._keyword_ahead("NOT"):
            self.pos += 3
            self.explicit_operators = True
            return "-"
        return None

    def _refuse_second_modifier(self) -> None:
        """A clause takes one modifier (Lucene's ``Modifiers()``): ``--included`` and ``+-a``
        are syntax errors in Solr, not a term starting with ``-``."""
        if self.peek() in ("+", "-", "!"):
            raise QuerySyntaxError(f"unexpected '{self.peek()}' at position {self.pos + 1}")

    def read_bare(self, stop: set[str] = _TERM_STOP) -> tuple[str, bool]:
        """Read a bare term; returns (unescaped text, has_wildcard)."""
        out: list[str] = []
        wildcard = False
        while not self.at_end():
            ch = self.text[self.pos]
            if ch == "\\":
                if self.pos + 1 >= len(self.text):
                    raise QuerySyntaxError("query ends with an escape character")
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch in stop:
                break
            if ch in "*?":
                wildcard = True
                out.append("\x00" if ch == "*" else "\x01")
            else:
                out.append(ch)
            self.pos += 1
        return "".join(out), wildcard

    def read_phrase(self) -> str:
        assert self.peek() == '"'
        self.pos += 1
        out: list[str] = []
        while True:
            if self.at_end():
                raise QuerySyntaxError("unterminated quoted phrase")
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if ch == '"':
                return "".join(out)
            out.append(ch)

    def skip_suffixes(self) -> None:
        """Boosts (^2.5) and fuzziness/proximity (~, ~2) affect ranking only."""
        while self.peek() in ("^", "~"):
            self.pos += 1
            while not self.at_end() and (self.text[self.pos].isdigit() or self.text[self.pos] == "."):
                self.pos += 1

    def count_term(self) -> None:
        self.terms += 1
        if self.max_terms and self.terms > self.max_terms:
            raise TooManyTerms(self.max_terms)

    # -- grammar -----------------------------------------------------------------------
    def parse_sequence(self, field: str | None, depth: int, closing: str | None) -> Node:
        if depth > self.max_depth:
            raise QuerySyntaxError("query nested too deeply")
        clauses: list[list] = []  # [occur, node]
        while True:
            self.skip_ws()
            if self.at_end():
                if closing:
                    raise QuerySyntaxError("missing closing parenthesis")
                break
            if closing and self.peek() == closing:
                self.pos += 1
                break
            conj = self.read_conjunction() if clauses else None
            if conj is None and not clauses and (self._keyword_ahead("AND") or self._keyword_ahead("OR")):
                raise QuerySyntaxError("query starts with an operator")
            self.skip_ws()
            if self.at_end() or (closing and self.peek() == closing):
                if conj:
                    raise QuerySyntaxError("operator without a right-hand side")
                continue
            modifier = self.read_modifier()
            node = self.parse_clause(field, depth)
            self._add_clause(clauses, conj, modifier, node)
        if not clauses:
            if closing:
                raise QuerySyntaxError("empty parentheses")
            return MatchAll()
        if len(clauses) == 1 and clauses[0][0] != MUST_NOT:
            return clauses[0][1]
        return Bool(tuple((occur, node) for occur, node in clauses))

    def _add_clause(self, clauses: list[list], conj: str | None, modifier: str | None, node: Node) -> None:
        # Lucene classic QueryParser.addClause
        if clauses and conj == "AND" and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = MUST
        if clauses and self.default_and and conj == "OR" and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = SHOULD
        prohibited = modifier == "-"
        if self.default_and:
            required = not prohibited and conj != "OR"
        else:
            required = modifier == "+" or (conj == "AND" and not prohibited)
        if modifier == "+":
            required = True
        occur: Occur = MUST_NOT if prohibited else (MUST if required else SHOULD)
        clauses.append([occur, node])

    def parse_clause(self, field: str | None, depth: int) -> Node:
        self.skip_ws()
        if self.at_end():
            raise QuerySyntaxError("missing term at end of query")
        ch = self.peek()
        node = self._group_phrase_or_range(field, depth)
        if node is not None:
            return node
        if ch in ")]}:^~":
            raise QuerySyntaxError(f"unexpected '{ch}' at position {self.pos + 1}")
        start = self.pos
        text, wildcard = self.read_bare()
        after_term = self.pos
        self.skip_ws()
        if self.peek() != ":":
            self.pos = after_term
        if self.peek() == ":" and text:
            # `text` was a field name
            if wildcard and text != "\x00":
                raise QuerySyntaxError(f"invalid field name at position {start + 1}")
            self.pos += 1
            name = "*" if text == "\x00" else text
            self.skip_ws()
            if self.at_end():
                raise QuerySyntaxError(f"field '{name}' has no value")
            if name == "*":
                value_text, value_wild = self.read_bare()
                if value_text == "\x00":
                    return MatchAll()
                raise QuerySyntaxError("only *:* is supported with a wildcard field")
            return self.parse_clause_value(name, depth)
        if not text:
            raise QuerySyntaxError(f"unexpected character at position {self.pos + 1}")
        self.skip_suffixes()
        return self._term(field, text, wildcard)

    def _group_phrase_or_range(self, field: str | None, depth: int) -> Node | None:
        """``(...)``, ``"..."`` or ``[a TO b]`` at the cursor, with its suffixes; else None."""
        ch = self.peek()
        if ch == "(":
            self.pos += 1
            node: Node = self.parse_sequence(field, depth + 1, ")")
        elif ch == '"':
            self.count_term()
            node = Term(field, self.read_phrase(), phrase=True)
        elif ch in "[{":
            self.count_term()
            node = self.parse_range(field)
        else:
            return None
        self.skip_suffixes()
        return node

    def parse_clause_value(self, field: str, depth: int) -> Node:
        node = self._group_phrase_or_range(field, depth)
        if node is not None:
            return node
        text, wildcard = self.read_bare()
        if not text:
            raise QuerySyntaxError(f"field '{field}' has no value")
        self.skip_suffixes()
        return self._term(field, text, wildcard)

    def _term(self, field: str | None, text: str, wildcard: bool) -> Node:
        self.count_term()
        if wildcard and text == "\x00":
            if field is None:
                return MatchAll()
            return Range(field, None, None)
        if wildcard:
            return Term(field, text, wildcard=True)
        return Term(field, text)

    def parse_range(self, field: str | None) -> Range:
        include_low = self.peek() == "["
        self.pos += 1
        self.skip_ws()
        low = self._range_bound()
        self.skip_ws()
        if not self._keyword_ahead("TO"):
            raise QuerySyntaxError("range without TO")
        self.pos += 2
        self.skip_ws()
        high = self._range_bound()
        self.skip_ws()
        ch = self.peek()
        if ch not in ("]", "}"):
            raise QuerySyntaxError("unterminated range")
        self.pos += 1
        if field is None:
            field = "text"
        return Range(field, low, high, include_low, ch == "]")

    def _range_bound(self) -> str | None:
        if self.peek() == '"':
            return self.read_phrase()
        text, wildcard = self.read_bare(set(" \t\r\n]}"))
        if not text:
            raise QuerySyntaxError("empty range bound")
        if wildcard and text == "\x00":
            return None
        return text.replace("\x00", "*").replace("\x01", "?")


def wildcard_to_like(text: str) -> str:
    """Turn a parsed wildcard term (\\x00 = *, \\x01 = ?) into a LIKE pattern."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("\x00", "%").replace("\x01", "_")


def plain_text(text: str) -> str:
    """A parsed term as the user typed it, wildcards restored."""
    return text.replace("\x00", "*").replace("\x01", "?")
