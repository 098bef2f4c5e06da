"""Generated ``package_search`` requests, run on both engines, compared, reported.

A request agrees when both engines give the same count, the same facet counts (every asked
field, as ``{value: count}``), and the same results: in order under a deterministic sort
(ties, equal sort keys, may come in either order: Lucene keeps index order and so does the
embedded backend, but Solr's segment merges may reorder), and as sets under relevance
sort, where the scoring functions differ by design (BM25 against ``ts_rank``): there the
whole match set is compared, through a second request sorted by name.
"""
from __future__ import annotations

import collections
import dataclasses
import json
import random
import time
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk

from . import portal as portal_module
from .engines import ENGINES, Engines

FACET_FIELDS = ["organization", "groups", "tags", "res_format", "license_id", "dataset_type",
                "theme", "language", "access_rights", "frequency", "stages", "procurement_methods",
                "main_categories", "ogp_values", "policy_areas", "commitment_status",
                "milestones_status", "supporting_institutions_kind", "buyer", "lead_institution",
                "currencies", "institution_type", "sector", "government_level"]
SORTS = [None, "score desc, metadata_modified desc", "metadata_modified desc", "metadata_modified asc",
         "metadata_created desc", "metadata_created asc", "title_string asc", "title_string desc",
         "name asc", "name desc", "title_string asc, name desc"]
SORT_KEYS = {"metadata_modified": "metadata_modified", "metadata_created": "metadata_created",
             "title_string": "title", "name": "name"}
WORDS = ["presupuesto", "salud", "educación", "contratación", "calidad", "aire", "agua", "energía",
         "transporte", "Quito", "Galápagos", "Manabí", "registro", "estadísticas", "indicadores",
         "datos", "abiertos", "público", "pública", "públicas", "informe", "budget", "health",
         "procurement", "enrolment", "quality", "water", "census", "housing", "coverage",
         "transparencia", "provincia", "institución", "ciudadana", "vacunación", "zumbahua",
         "minería", "petróleo", "turismo", "empleo", "inflación", "deuda", "subsidios", "compromiso",
         "commitment", "recurso", "csv", "licitaciones", "gobierno", "abierto", "ambiente"]
PHRASES = ["calidad del aire", "salud pública", "contratación pública", "datos abiertos",
           "public procurement", "general budget", "registro civil", "gobierno abierto",
           "censo de población", "formatos abiertos", "open data on"]
DATE_RANGES = ["[2016-01-01T00:00:00Z TO 2018-01-01T00:00:00Z]", "[* TO 2017-06-30T00:00:00Z]",
               "[2020-01-01T00:00:00Z TO *]", "[NOW-20YEARS TO NOW]", "{2015-03-01T00:00:00Z TO 2015-09-01T00:00:00Z}"]


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


class RequestGenerator:
    """Seeded: the same seed and portal give the same requests."""

    def __init__(self, portal: portal_module.Portal, seed: int = 17):
        self.portal = portal
        self.rng = random.Random(seed)

    def word(self) -> str:
        word = self.rng.choice(WORDS)
        variant = self.rng.random()
        if variant < 0.25:
            return _fold(word)
        if variant < 0.35:
            return word.upper()
        return word

    def value(self, field: str) -> str:
        rng, p = self.rng, self.portal
        if field in ("organization", "buyer", "lead_institution"):
            return rng.choice(p.institutions)
        if field == "groups":
            return rng.choice(p.groups + [portal_module.PLAN])
        if field == "tags":
            return rng.choice(p.tags)
        if field == "res_format":
            return rng.choice(["CSV", "JSON", "XLSX", "PDF", "GeoJSON"])
        if field == "license_id":
            return rng.choice(["cc-by", "cc-by-sa", "cc-zero", "odc-odbl"])
        if field == "dataset_type":
            return rng.choice(["dataset", "procurement", "commitment"])
        if field == "currencies":
            return "USD"
        if field == "institution_type":
            return rng.choice(portal_module.INSTITUTION_TYPES)
        if field == "sector":
            return rng.choice(portal_module.SECTORS)
        if field == "government_level":
            return rng.choice(portal_module.LEVELS)
        return rng.choice(p.codes[field])

    def clause(self, field: str | None = None) -> str:
        field = field or self.rng.choice(FACET_FIELDS)
        return f'{field}:"{self.value(field)}"'

    def q(self) -> str:
        rng = self.rng
        kind = rng.choice(["empty", "word", "word", "two", "three", "phrase", "wildcard", "and",
                           "or", "not", "group", "field", "field_text", "mixed"])
        self.kind = kind
        if kind == "empty":
            return rng.choice(["", "*:*"])
        if kind == "word":
            return self.word()
        if kind == "two":
            return f"{self.word()} {self.word()}"
        if kind == "three":
            return f"{self.word()} {self.word()} {self.word()}"
        if kind == "phrase":
            phrase = rng.choice(PHRASES)
            return f'"{_fold(phrase) if rng.random() < 0.3 else phrase}"'
        if kind == "wildcard":
            word = _fold(rng.choice(WORDS)).lower()
            return f"{word[:max(3, len(word) - 3)]}*"
        if kind == "and":
            return f"{self.word()} AND {self.word()}"
        if kind == "or":
            return f"{self.word()} OR {self.word()}"
        if kind == "not":
            return rng.choice([f"{self.word()} -{self.word()}", f"{self.word()} NOT {self.word()}"])
        if kind == "group":
            return f"({self.word()} OR {self.word()}) AND {self.word()}"
        if kind == "field":
            return self.clause()
        if kind == "field_text":
            field = rng.choice(["title", "notes", "text", "tags", "name", "res_name"])
            if field == "name":
                return f"name:{rng.choice(self.portal.names)}"
            if field == "tags":
                return f"tags:{self.value('tags')}"
            return f"{field}:{_fold(self.word()).lower() if rng.random() < 0.5 else self.word()}"
        return f"{self.word()} AND {self.clause()}"

    def fq(self) -> str | None:
        rng = self.rng
        roll = rng.random()
        self.fq_kind = "none" if roll < 0.35 else "one" if roll < 0.7 else "two" if roll < 0.8 \
            else "date" if roll < 0.9 else "or" if roll < 0.95 else "negated"
        if roll < 0.35:
            return None
        if roll < 0.7:
            return self.clause()
        if roll < 0.8:
            return f"{self.clause()} {self.clause()}"
        if roll < 0.9:
            field = rng.choice(["metadata_modified", "metadata_created"])
            return f"{field}:{rng.choice(DATE_RANGES)}"
        if roll < 0.95:
            field = rng.choice(FACET_FIELDS)
            return f"{field}:({self.value(field)} OR {self.value(field)})" \
                if field not in ("groups", "tags") else f'{field}:("{self.value(field)}" OR "{self.value(field)}")'
        return f"-{self.clause()}"

    def request(self) -> dict[str, Any]:
        rng = self.rng
        params: dict[str, Any] = {"q": self.q()}
        fq = self.fq()
        if fq:
            params["fq"] = fq
        fields = rng.sample(FACET_FIELDS, rng.randint(0, 6))
        if fields:
            params["facet.field"] = json.dumps(fields)
            if rng.random() < 0.6:
                params["facet.limit"] = rng.choice([1, 3, 5, 10, 50, -1])
        sort = rng.choice(SORTS)
        if sort:
            params["sort"] = sort
        params["rows"] = rng.choice([0, 5, 10, 10, 20, 50, 100])
        if rng.random() < 0.3:
            params["start"] = rng.choice([5, 10, 50, 200])
        role = rng.choice(list(self.portal.users))
        if rng.random() < 0.6:
            params["include_private"] = True
        if rng.random() < 0.2:
            params["include_drafts"] = True
        return {"role": role, "params": params, "kind": f"q={self.kind} fq={self.fq_kind}"}


@dataclasses.dataclass
class Outcome:
    request: dict[str, Any]
    agree: bool
    cause: str = ""
    detail: str = ""


def _search(role_user: str, params: dict[str, Any]) -> dict[str, Any]:
    context = {"user": role_user, "ignore_auth": False}
    try:
        return tk.get_action("package_search")(context, dict(params))
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        return {"error": str(error)[:300]}
    except Exception as error:  # a search error is an answer to compare, not a crash
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}


def _facets(answer: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {field: {item["name"]: item["count"] for item in facet["items"]}
            for field, facet in (answer.get("search_facets") or {}).items()}


def _relevance(params: dict[str, Any]) -> bool:
    return not params.get("sort") or params["sort"].startswith("score")


def _keys(answer: dict[str, Any], sort: str) -> list[tuple]:
    keys = []
    for doc in answer["results"]:
        key = []
        for part in sort.split(","):
            field = part.split()[0]
            key.append(str(doc.get(SORT_KEYS[field]) or ""))
        keys.append(tuple(key))
    return keys


class Differential:
    def __init__(self, engines: Engines, portal: portal_module.Portal):
        self.engines = engines
        self.portal = portal

    def answer(self, engine: str, request: dict[str, Any], params: dict[str, Any] | None = None):
        with self.engines.use(engine):
            return _search(self.portal.users[request["role"]], params or request["params"])

    def match_set(self, engine: str, request: dict[str, Any]) -> list[str]:
        params = {k: v for k, v in request["params"].items()
                  if k in ("q", "fq", "include_private", "include_drafts")}
        params.update(sort="name asc", rows=1000, fl="id")
        answer = self.answer(engine, request, params)
        return [d["id"] for d in answer.get("results", [])]

    def compare(self, request: dict[str, Any]) -> Outcome:
        answers = {engine: self.answer(engine, request) for engine in ENGINES}
        a, b = answers["embedded"], answers["solr"]
        if "error" in a or "error" in b:
            if "error" in a and "error" in b:
                return Outcome(request, True)
            which = "embedded" if "error" in a else "solr"
            return Outcome(request, False, f"error on {which} only", (a.get("error") or b.get("error"))[:200])
        if a["count"] != b["count"]:
            return Outcome(request, False, "count", f"embedded {a['count']}, solr {b['count']}")
        facets_a, facets_b = _facets(a), _facets(b)
        for field in sorted(set(facets_a) | set(facets_b)):
            fa, fb = facets_a.get(field, {}), facets_b.get(field, {})
            if fa != fb:
                diff = {k: (fa.get(k), fb.get(k)) for k in set(fa) | set(fb) if fa.get(k) != fb.get(k)}
                return Outcome(request, False, f"facet {field}", json.dumps(dict(list(diff.items())[:5]), ensure_ascii=False))
        ids_a, ids_b = [d["id"] for d in a["results"]], [d["id"] for d in b["results"]]
        params = request["params"]
        if _relevance(params):
            if len(ids_a) != len(ids_b):
                return Outcome(request, False, "page size", f"{len(ids_a)} vs {len(ids_b)}")
            if a["count"] > len(ids_a) or set(ids_a) != set(ids_b):
                set_a, set_b = self.match_set("embedded", request), self.match_set("solr", request)
                if set_a != set_b:
                    return Outcome(request, False, "match set (relevance)",
                                   f"{len(set(set_a) - set(set_b))} only embedded, {len(set(set_b) - set(set_a))} only solr")
            return Outcome(request, True)
        if ids_a != ids_b:
            keys_a, keys_b = _keys(a, params["sort"]), _keys(b, params["sort"])
            if keys_a == keys_b:
                return Outcome(request, True, "ties in another order")
            first = next(n for n, (x, y) in enumerate(zip(keys_a + [None] * 999, keys_b + [None] * 999)) if x != y)
            return Outcome(request, False, f"order ({params['sort'].split()[0]})",
                           f"at {first}: {keys_a[first:first + 2]} vs {keys_b[first:first + 2]}")
        return Outcome(request, True)


def run(differential: Differential, count: int, seed: int = 17, progress=None) -> dict[str, Any]:
    generator = RequestGenerator(differential.portal, seed)
    outcomes = []
    started = time.monotonic()
    for n in range(count):
        outcomes.append(differential.compare(generator.request()))
        if progress and (n + 1) % 250 == 0:
            progress(n + 1, count)
    agreed = sum(o.agree for o in outcomes)
    causes: dict[str, list[Outcome]] = collections.defaultdict(list)
    for outcome in outcomes:
        if not outcome.agree:
            causes[f"{outcome.cause} [{outcome.request['kind']}]"].append(outcome)
    return {"requests": count, "agreed": agreed, "agreement": round(100 * agreed / count, 2),
            "seconds": round(time.monotonic() - started, 1),
            "ties": sum(o.cause == "ties in another order" for o in outcomes),
            "causes": {cause: [dataclasses.asdict(o) for o in found] for cause, found in causes.items()}}


def report(results: dict[str, Any], examples: int = 3) -> str:
    lines = [f"Differential search: {results['agreed']}/{results['requests']} requests agree "
             f"({results['agreement']}%), {results['seconds']} s; "
             f"{results['ties']} agree up to the order of ties"]
    for cause, found in sorted(results["causes"].items(), key=lambda kv: -len(kv[1])):
        lines.append(f"- {cause}: {len(found)}")
        for outcome in found[:examples]:
            lines.append(f"    {json.dumps(outcome['request'], ensure_ascii=False)}")
            lines.append(f"      {outcome['detail']}")
    return "\n".join(lines)
