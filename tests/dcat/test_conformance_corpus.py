"""Opt-in conformance over the real DCAT corpus (``make conformance-corpus``).

Every file under ``../shared/corpus/dcat/`` (DCAT-AP-ES, NTI-RISP, DCAT-AP 3, the multilingual
ones, Argentina's data.json and its ministry nodes, DCAT-US, the deliberately broken ones) is
served from a 127.0.0.1 server and harvested for real by the portal's harvester. Per file:
datasets found (our own parse), imported, and the errors the harvest job reported. A table is
printed and ``test-results/dcat-conformance-corpus.json`` written.

Passes when no harvest crashes, every file we can read with at least one titled dataset imports
at least one (unless the harvester refused the whole catalogue with a reported error, e.g. a
DTD), every file we cannot read fails with a reported error, and the feed survives what was
harvested (issue 20): each public dataset harvested answers 200 at ``/dataset/<name>.ttl``
and, once every file is in, every page of ``/catalog.ttl``, ``.rdf`` and ``.jsonld`` answers 200
and every ``/catalog.ttl`` page, and the first ``ENDPOINTS_CHECKED`` dataset endpoints of each
file, conform to the SEMIC DCAT-AP 3.0.1 SHACL shapes (the violations by path and by corpus
folder are printed, with a table per folder: files, datasets found, imported, catalogues
refused, violations; and the run time).
Run with ``OGPCATALOG_CORPUS=1``; skipped otherwise. ``OGPCATALOG_CORPUS_FILTER=NSIP`` (a
substring of the file's path under the corpus) harvests only the matching files,
``OGPCATALOG_CORPUS_EXCLUDE=_617datasets,_639datasets`` all but those (comma-separated);
``OGPCATALOG_CORPUS_REPORT`` writes the JSON report elsewhere.
"""
from __future__ import annotations

import json
import os
from collections import Counter
import re
import time
from pathlib import Path

import pytest
import rdflib
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan import model
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestObject

from ckanext.ogpcatalog.dcat.contexts import localize_contexts
from ckanext.ogpcatalog.dcat.datajson import datajson_to_graph
from tests.dcat import harvest_server as hs
from tests.dcat.test_conformance_quick import SHAPES, load_shapes, violations

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "dcat"
REPORT = Path(os.environ.get("OGPCATALOG_CORPUS_REPORT")
              or REPO / "test-results" / "dcat-conformance-corpus.json")
RDF_FORMATS = {".ttl": ("turtle", "text/turtle"), ".rdf": ("xml", "application/rdf+xml"),
               ".xml": ("xml", "application/rdf+xml"), ".nt": ("nt", "application/n-triples"),
               ".jsonld": ("json-ld", "application/ld+json")}
SOURCE_FORMATS = {"turtle": "turtle", "xml": "rdf/xml", "json-ld": "json-ld", "nt": None}
CATALOGUE_FORMATS = ("ttl", "rdf", "jsonld")
# The dataset endpoints of each file validated on their own with the SEMIC shapes (the
# catalogue pages hold every dataset; these check the per-dataset graphs).
ENDPOINTS_CHECKED = 3
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

pytestmark = [
    pytest.mark.skipif(os.environ.get("OGPCATALOG_CORPUS") != "1",
                       reason="Opt-in: set OGPCATALOG_CORPUS=1 (make conformance-corpus)"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
]


def _not_a_catalogue(path: Path) -> str | None:
    """Why a corpus file is not a catalogue to harvest (shapes, schemas, tables), or None."""
    name, parts = path.name.lower(), set(path.relative_to(CORPUS).parts[:-1])
    if path.suffix.lower() in (".csv", ".md"):
        return "table or text"
    if "shacl" in parts or "shacl" in name or "shape" in name:
        return "SHACL shapes"
    if {"schema", "pod_schema"} & parts or "_schema_" in name or name.startswith("context") \
            or "_context" in name:
        return "schema or JSON-LD context"
    if "ckan" in parts and path.suffix == ".json":
        return "CKAN dataset dict"
    return None


def _flavour(path: Path) -> str:
    return "argentina" if "argentina" in path.relative_to(CORPUS).parts else "dcat-us"


def _read(path: Path) -> tuple[bool, str | None, int, int]:
    """(readable, harvest source format or None to let the harvester detect it, datasets,
    titled datasets)."""
    body = path.read_bytes()
    try:
        if path.suffix.lower() == ".json":
            graph = datajson_to_graph(json.loads(body), _flavour(path))
            fmt = "datajson-argentina" if _flavour(path) == "argentina" else "datajson-us"
        else:
            rdf_format = RDF_FORMATS[path.suffix.lower()][0]
            fmt = SOURCE_FORMATS[rdf_format]
            if rdf_format == "json-ld":  # as the harvester reads it: no remote @context
                localized = localize_contexts(json.loads(body))
                if localized.datajson_flavour:
                    graph = datajson_to_graph(localized.data, localized.datajson_flavour)
                else:
                    graph = rdflib.Graph().parse(data=json.dumps(localized.data),
                                                 format="json-ld")
            else:
                graph = rdflib.Graph().parse(data=body, format=rdf_format)
    except Exception:  # the file itself is broken: the harvest must report it
        fmt = None
        if path.suffix.lower() == ".json":
            fmt = "datajson-argentina" if _flavour(path) == "argentina" else "datajson-us"
        return False, fmt, 0, 0
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    titled = [d for d in datasets if any(str(t).strip() for t in graph.objects(d, DCTERMS.title))]
    return True, fmt, len(datasets), len(titled)


def _release_identifiers(source_id: str) -> None:
    """The next file may hold the same records: its harvest must not see them as claimed by
    this source (the datasets stay; only the source's claim on the identifiers ends)."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_source_id == source_id).update({"current": False}, False)
    model.Session.commit()


def _first_error(job, messages: list[str]) -> str:
    """The catalogue-level error, else the first record-level one that is not a notice."""
    gather = [e.message for e in job.gather_errors] if job else []
    notices = ("Unknown publisher", "Editor desconocido")
    for message in gather + messages:
        if not message.startswith(notices):
            return message
    return messages[0] if messages else ""


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    only = os.environ.get("OGPCATALOG_CORPUS_FILTER", "")
    left_out = [t.strip().lower() for t in os.environ.get("OGPCATALOG_CORPUS_EXCLUDE",
                                                          "").split(",") if t.strip()]
    return sorted(p for p in CORPUS.rglob("*") if p.is_file()
                  and (p.suffix.lower() in RDF_FORMATS or p.suffix.lower() == ".json"
                       or p.suffix.lower() == ".csv")
                  and only.lower() in str(p.relative_to(CORPUS)).lower()
                  and not any(t in str(p.relative_to(CORPUS)).lower() for t in left_out))


def _get_status(app, url: str) -> tuple[int, str]:
    """(status, body) of a GET; an exception escaping the view counts as a 500."""
    try:
        response = app.get(url)
    except Exception as error:  # the test app may propagate what the server answers 500
        return 500, f"{type(error).__name__}: {error}"
    return response.status_code, response.body


def _unserved_datasets(app, source_id: str, served: dict[str, str], relative: str,
                       shapes: rdflib.Graph | None) -> tuple[list[str], list[str]]:
    """(the public datasets of a harvest source whose .ttl endpoint does not answer 200, the
    SEMIC violations of the first ``ENDPOINTS_CHECKED`` endpoints). ``served`` gets the IRIs
    each endpoint describes, by file (to say which folder a catalogue violation comes from)."""
    found = call_action("package_search", fq=f"harvest_source_id:{source_id}", rows=1000,
                        fl="name")["results"]
    problems, shacl = [], []
    for number, dataset in enumerate(found):
        url = f"/dataset/{dataset['name']}.ttl"
        status, body = _get_status(app, url)
        if status != 200:
            problems.append(f"{url} answered {status}: {body[:200]}")
            continue
        graph = rdflib.Graph().parse(data=body, format="turtle")
        for subject in set(graph.subjects(RDF.type, None)):
            served.setdefault(str(subject), relative)
        if shapes is not None and number < ENDPOINTS_CHECKED:
            shacl += [f"{url}: {line}" for line in violations(graph, shapes)]
    return problems, shacl


def _unserved_catalogue_pages(app) -> tuple[int, list[str]]:
    """(pages, the catalogue pages that do not answer 200, in every format)."""
    status, body = _get_status(app, "/catalog.ttl")
    if status != 200:
        return 1, [f"/catalog.ttl answered {status}: {body[:200]}"]
    graph = rdflib.Graph().parse(data=body, format="turtle")
    last = 1
    for page in list(graph.objects(None, HYDRA.last)) + list(graph.objects(None, HYDRA.lastPage)):
        match = re.search(r"[?&]page=(\d+)", str(page))
        last = max(last, int(match.group(1))) if match else last
    problems = []
    for number in range(1, last + 1):
        for fmt in CATALOGUE_FORMATS:
            url = f"/catalog.{fmt}?page={number}"
            status, body = _get_status(app, url)
            if status != 200:
                problems.append(f"{url} answered {status}: {body[:200]}")
    return last, problems


def _catalogue_violations(app, pages: int) -> list[str]:
    """The SEMIC DCAT-AP 3.0.1 violations of every /catalog.ttl page ("page N: path | ...")."""
    if not SHAPES.is_file():
        print(f"SHACL check skipped: the shapes are not at {SHAPES}")
        return []
    shapes = load_shapes()
    found = []
    for number in range(1, pages + 1):
        status, body = _get_status(app, f"/catalog.ttl?page={number}")
        if status == 200:
            graph = rdflib.Graph().parse(data=body, format="turtle")
            try:
                found += [f"page {number}: {line}" for line in violations(graph, shapes)]
            except Exception as error:  # pySHACL refusing the data: say so, keep going
                (REPORT.parent / f"dcat-corpus-page-{number}.ttl").write_text(body)
                found.append(f"page {number}: SHACL could not run | {error}"[:400])
    return found


def _folder(relative: str) -> str:
    """The corpus folder of a file (``dcat-ap-es/rdf``, ``argentina/nodes``)."""
    return str(Path(relative).parent)


def _violation_folder(line: str, served: dict[str, str]) -> str:
    """The folder of the file whose dataset a violation line ("path | message | value |
    focus node") is about."""
    focus = line.rsplit(" | ", 1)[-1].strip()
    return _folder(served[focus]) if focus in served else "?"


def _print_summary(rows: list[dict], shacl: list[str], endpoint_shacl: list[str],
                   served: dict[str, str], pages: int, seconds: float) -> None:
    by_path = Counter(line.split(" | ")[0].split(": ", 1)[-1] for line in shacl)
    by_folder = Counter(_violation_folder(line, served) for line in shacl)
    print(f"\nSEMIC DCAT-AP 3.0.1 SHACL over {pages} catalogue pages: {len(shacl)} violations; "
          f"by path {dict(by_path)}; by folder {dict(by_folder)}")
    print(f"SEMIC SHACL over the first {ENDPOINTS_CHECKED} dataset endpoints of each file: "
          f"{len(endpoint_shacl)} violations "
          f"{dict(Counter(line.split(' | ')[0].split(': ')[-1] for line in endpoint_shacl))}")
    print(f"\n{'file':<72} {'status':<16} {'found':>6} {'imported':>8} {'errors':>6}  reason")
    for row in rows:
        reason = row.get("reason") or (row.get("first_error") if not row.get("imported") else "")
        print(f"{row['file'][:72]:<72} {row['status']:<16} {row.get('found', ''):>6} "
              f"{row.get('imported', ''):>8} {row.get('errors', ''):>6}  {(reason or '')[:90]}")
    folders: dict[str, Counter] = {}
    for row in rows:
        counts = folders.setdefault(_folder(row["file"]), Counter())
        counts["files"] += 1
        counts["catalogues"] += "found" in row
        counts["found"] += row.get("found", 0)
        counts["imported"] += row.get("imported", 0)
        counts["refused"] += bool("found" in row and row.get("found") and not row["imported"])
        counts["violations"] += 0
    for line in shacl:
        folders.setdefault(_violation_folder(line, served), Counter())["violations"] += 1
    print(f"\n{'folder':<40} {'files':>5} {'catalogues':>10} {'found':>6} {'imported':>8} "
          f"{'refused':>7} {'violations':>10}")
    for folder, counts in sorted(folders.items()):
        print(f"{folder:<40} {counts['files']:>5} {counts['catalogues']:>10} "
              f"{counts['found']:>6} {counts['imported']:>8} {counts['refused']:>7} "
              f"{counts['violations']:>10}")
    harvested = [r for r in rows if "found" in r]
    print(f"{len(harvested)} files harvested, {sum(r['found'] for r in harvested)} datasets found, "
          f"{sum(r['imported'] for r in harvested)} imported; report: {REPORT}")
    print(f"served: {pages} catalogue pages x {len(CATALOGUE_FORMATS)} formats, "
          f"{sum(r.get('unserved', 0) for r in harvested)} dataset endpoints not answering 200; "
          f"run time {seconds:.0f} s")


def test_every_corpus_file_is_harvested_or_fails_with_a_reported_error(app):
    if not CORPUS.is_dir():
        pytest.skip(f"The DCAT corpus is not there ({CORPUS})")
    started_run = time.monotonic()
    shapes = load_shapes() if SHAPES.is_file() else None
    server = hs.HarvestServer().start()
    receptor = hs.institution("receptor", "Portal receptor", "Receiving portal")
    rows, problems, endpoint_shacl = [], [], []
    served: dict[str, str] = {}
    try:
        for number, path in enumerate(_files()):
            relative = str(path.relative_to(CORPUS))
            reason = _not_a_catalogue(path)
            if reason:
                rows.append({"file": relative, "status": "not a catalogue", "reason": reason})
                continue
            readable, fmt, found, titled = _read(path)
            content_type = ("application/json" if path.suffix == ".json"
                            else RDF_FORMATS[path.suffix.lower()][1])
            url = server.serve(f"/corpus/{number}{path.suffix}", path.read_bytes(), content_type)
            # The profile already gives the codelists' language codes (SPA): the harvester's
            # optional tag normalisation would turn them into es/en, which the schema refuses.
            config = {"format": fmt, "language_normalization": False} if fmt else \
                {"language_normalization": False}
            started = time.monotonic()
            source = hs.source(url, receptor["id"], config=config, name=f"corpus-{number}")
            try:
                job, _results = hs.harvest(source["id"])
                crashed = None
            except Exception as error:  # a crash: what this test exists to catch
                job, crashed = None, f"{type(error).__name__}: {error}"
            imported = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                                   include_private=True, rows=0)["count"]
            messages = hs.job_messages(job) if job else []
            row = {"file": relative, "format": config.get("format", "auto"), "found": found,
                   "imported": imported, "errors": len(messages),
                   "first_error": _first_error(job, messages)[:200],
                   "catalogue_error": bool(job and job.gather_errors),
                   "seconds": round(time.monotonic() - started, 2),
                   "status": "crash" if crashed else "ok" if readable else "unreadable"}
            if crashed:
                row["crash"] = crashed
                problems.append(f"{relative}: harvest crashed: {crashed}")
            elif not readable and not messages:
                problems.append(f"{relative}: unreadable, but the harvest reported nothing")
            elif titled and not imported and not row["catalogue_error"]:
                problems.append(f"{relative}: {titled} titled datasets, none imported "
                                f"({row['first_error']})")
            unserved, shacl_lines = _unserved_datasets(app, source["id"], served, relative,
                                                       shapes)
            row["unserved"] = len(unserved)
            row["endpoint_violations"] = len(shacl_lines)
            problems += [f"{relative}: {problem}" for problem in unserved]
            endpoint_shacl += [f"{relative}: {line}" for line in shacl_lines]
            rows.append(row)
            # free the identifiers for the next file (the same records appear in several)
            _release_identifiers(source["id"])
        pages, unserved = _unserved_catalogue_pages(app)
        problems += unserved
        shacl = _catalogue_violations(app, pages)
        problems += [f"SHACL {line}" for line in shacl]
        problems += [f"SHACL {line}" for line in endpoint_shacl]
    finally:
        server.stop()

    seconds = time.monotonic() - started_run
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"corpus": str(CORPUS), "seconds": round(seconds),
                                  "files": rows, "problems": problems},
                                 indent=2, ensure_ascii=False), encoding="utf-8")
    _print_summary(rows, shacl, endpoint_shacl, served, pages, seconds)
    assert problems == [], "\n".join(problems)
