"""Admission control of costly searches: a few at once across every web process.

Limits (``max_terms``, ``max_leading_wildcards``, ...) refuse what is too large; a request
just under all of them may still read every dataset's words for seconds (100 common words
under CKAN's ``mm``, 8 leading and 56 trailing wildcards: the statement timeout at 100,000
datasets). Four of them at once held both workers of a small portal, and an ordinary search
waited 6 s behind them (issue 16, bench/search_dos.py "at the limits").

So each search gets a **cost** before any SQL runs (:func:`search_cost`, from the counts the
translator keeps): terms, words of the search text (each one checked on every candidate
dataset), wildcard terms, wildcards no index serves, facet fields, rows and offset. A search
over ``costly_search_cost`` is *costly*: it runs only while it holds one of
``max_costly_searches`` slots, shared by every web process through Redis, and under
``costly_statement_timeout``. When every slot is taken it waits at most
``costly_search_wait`` ms, then answers **429** with ``Retry-After`` (the request never
queues behind another costly one holding a worker). Ordinary searches cost far less than
the threshold and never touch a slot.

A slot is a Redis key set with ``NX`` and an expiry (twice the costly timeout plus 5 s): a
process killed while holding one frees it on expiry. Without Redis (an error talking to it),
searches are admitted: the statement timeout still bounds each one. Searches outside a web
request (``ckan`` commands, background jobs) are never counted.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import re
import threading
import time
import unicodedata
import uuid
from typing import Iterator

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError

from ..language import N_

log = logging.getLogger(__name__)

# Points of the cost (see docs/security.md, "Costly searches"): one point is about one
# plain condition checked on the candidate datasets.
POINTS_PER_TERM = 1  # any term of q or fq (CKAN's own filters included: 4 for a visitor)
POINTS_PER_QUERY_TERM = 5  # a word of q: matched, counted for mm and ranked on every candidate
POINTS_PER_WILDCARD = 8  # a prefix (agua*): every word of the index with that prefix
POINTS_PER_SCANNING_WILDCARD = 50  # *agua, a*ua, notes:agua*: every dataset's words read
FACET_FIELDS_PER_POINT = 5  # all counted in one scan of the compact facets array
ROWS_PER_POINT = 100  # rows of the page: read and sorted
OFFSET_PER_POINT = 1000  # rows skipped (start): sorted, then thrown away

_BUSY = N_("Too many costly searches are running (the limit is {limit} at once): try again in "
           "{seconds} s, or search with fewer words, wildcards or facets")


@dataclasses.dataclass(frozen=True)
class Cost:
    """A search's cost in points, and what it is made of (for the log)."""

    points: int
    parts: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        return f"{self.points} ({', '.join(f'{name} {count}' for name, count in self.parts if count)})"


def search_cost(terms: int, query_terms: int, wildcard_terms: int, scanning_wildcards: int,
                facet_fields: int, rows: int, start: int, word_points: int = 0) -> Cost:
    """The cost of a search, from what it asks of the index (no SQL run for it)."""
    parts = (("terms", terms), ("query terms", query_terms), ("wildcards", wildcard_terms),
             ("scanning wildcards", scanning_wildcards), ("facet fields", facet_fields),
             ("rows", rows), ("start", start), ("common words", word_points))
    points = (word_points + terms * POINTS_PER_TERM + query_terms * POINTS_PER_QUERY_TERM
              + wildcard_terms * POINTS_PER_WILDCARD
              + scanning_wildcards * POINTS_PER_SCANNING_WILDCARD
              + facet_fields // FACET_FIELDS_PER_POINT
              + rows // ROWS_PER_POINT + start // OFFSET_PER_POINT)
    return Cost(points, parts)


# Words of q that many datasets hold: each is checked (and counted for CKAN's ``mm``) on
# every dataset holding any of them. Points: words x share of the datasets holding any of
# them x datasets / ROWS_PER_WORD_POINT. From PostgreSQL's statistics of the index
# (``pg_stats.most_common_elems`` of ``tsv``, kept by ANALYZE), read once per process every
# STATISTICS_SECONDS; a word not listed counts at the least frequency listed.
ROWS_PER_WORD_POINT = 2500
STATISTICS_SECONDS = 600
_statistics: dict = {"read_at": -STATISTICS_SECONDS, "rows": 0, "frequency": {}, "floor": 0.0}
_statistics_lock = threading.Lock()


def _word_statistics() -> tuple[int, dict[str, float], float]:
    now = time.monotonic()
    if now - _statistics["read_at"] >= STATISTICS_SECONDS:
        with _statistics_lock:
            if now - _statistics["read_at"] >= STATISTICS_SECONDS:
                _statistics.update(_read_statistics(), read_at=now)
    return _statistics["rows"], _statistics["frequency"], _statistics["floor"]


def _read_statistics() -> dict:
    import ckan.model as model
    import sqlalchemy as sa
    try:
        with model.meta.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                "WHERE oid = to_regclass('ogpcatalog_search_index')")).scalar() or 0
            found = connection.execute(sa.text(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'ogpcatalog_search_index' AND attname = 'tsv' "
                "AND schemaname = current_schema()")).first()
    except Exception as error:  # noqa: BLE001 - priced without the word part
        log.warning("Search index statistics unavailable: %s", error)
        return {"rows": 0, "frequency": {}, "floor": 0.0}
    if not found or not found[0]:
        return {"rows": int(rows), "frequency": {}, "floor": 0.0}
    words, frequencies = found
    listed = list(frequencies[:len(words)])
    return {"rows": int(rows), "frequency": dict(zip(words, listed)),
            "floor": min(listed) if listed else 0.0}


def _lexeme(word: str) -> str:
    """The unaccented lower-case form the index's simple configuration stores."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def word_points(words: list[str]) -> int:
    """The points of the words of q, from how many datasets hold them (see above)."""
    if not words:
        return 0
    rows, frequency, floor = _word_statistics()
    if not rows or not frequency:
        return 0
    share = 0.0
    for word in words:
        lexemes = re.findall(r"\w+", _lexeme(word)) or [_lexeme(word)]
        # A word of several lexemes (a phrase, "covid-19") matches where all of them are.
        share += min(frequency.get(lexeme, floor) for lexeme in lexemes)
    return math.ceil(len(words) * min(1.0, share) * rows / ROWS_PER_WORD_POINT)


def setting(name: str) -> int:
    value = tk.config.get(f"ckanext.ogpcatalog.search.{name}")
    return value if value and value > 0 else 0


def is_costly(cost: Cost) -> bool:
    """Over ``costly_search_cost``, with admission control on (``max_costly_searches`` > 0)."""
    threshold = setting("costly_search_cost")
    return bool(setting("max_costly_searches")) and bool(threshold) and cost.points > threshold


def statement_timeout(costly: bool) -> int:
    """Milliseconds a statement of this search may run (0: no timeout of the search's own)."""
    timeout = setting("statement_timeout")
    if costly and setting("costly_statement_timeout"):
        costly_timeout = setting("costly_statement_timeout")
        return min(timeout, costly_timeout) if timeout else costly_timeout
    return timeout


def retry_after_seconds() -> int:
    """What a refused client is told to wait: the longest a slot is held by a search."""
    return max(1, math.ceil(statement_timeout(True) / 1000)) if statement_timeout(True) else 5


class SearchBusy(SearchQueryError):
    """Every costly-search slot is taken: the request answers 429 (see backend.py). A search
    query error for CKAN (its views and API answer 400), turned into 429 by the response hook."""

    def __init__(self, limit: int, retry_after: int):
        super().__init__(tk._(_BUSY).format(limit=limit, seconds=retry_after))
        self.limit = limit
        self.retry_after = retry_after


def _slot_key(slot: int) -> str:
    return f"{tk.config.get('ckan.site_id')}:ogpcatalog:search:costly:{slot}"


# Deletes a slot only if it still holds this search's token (it may have expired and been
# taken by another search meanwhile).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def try_acquire(token: str) -> int | None:
    """Take a free slot for ``token``; its number, or None when every slot is taken.
    Raises redis' errors."""
    slots = setting("max_costly_searches")
    expiry_ms = 2 * (statement_timeout(True) or 30_000) + 5_000
    redis = _redis()
    for slot in range(slots):
        if redis.set(_slot_key(slot), token, nx=True, px=expiry_ms):
            return slot
    return None


def release(slot: int, token: str) -> None:
    _redis().eval(_RELEASE, 1, _slot_key(slot), token)


def _in_web_request() -> bool:
    try:
        import flask
    except ImportError:  # pragma: no cover
        return False
    return flask.has_request_context()


@contextlib.contextmanager
def admitted(cost: Cost) -> Iterator[bool]:
    """Run the body as this search's turn: a costly search of a web request holds a slot for
    its duration (yields True), or :class:`SearchBusy` is raised once ``costly_search_wait``
    has passed with every slot taken. Other searches yield False at once."""
    if not is_costly(cost) or not _in_web_request():
        yield False
        return
    token = uuid.uuid4().hex
    deadline = time.monotonic() + setting("costly_search_wait") / 1000
    try:
        while (slot := try_acquire(token)) is None:
            if time.monotonic() >= deadline:
                limit, retry_after = setting("max_costly_searches"), retry_after_seconds()
                log.info("Search refused: cost %s over ckanext.ogpcatalog.search.costly_search_cost"
                         " and the %s costly-search slots are taken", cost, limit)
                _flag_busy(retry_after)
                raise SearchBusy(limit, retry_after)
            time.sleep(0.02)
    except SearchBusy:
        raise
    except Exception as error:  # noqa: BLE001 - Redis down: the statement timeout still bounds it
        log.warning("Costly-search slots unavailable (%s): search admitted", error)
        yield True
        return
    log.info("Costly search (cost %s) runs in slot %s", cost, slot)
    try:
        yield True
    finally:
        try:
            release(slot, token)
        except Exception as error:  # noqa: BLE001 - the slot expires on its own
            log.warning("Could not free costly-search slot %s (it expires): %s", slot, error)


def _flag_busy(retry_after: int) -> None:
    """Tell the response hook (backend.answer_busy_search_with_429) to answer 429."""
    import flask
    flask.g.ogpcatalog_search_busy = retry_after
