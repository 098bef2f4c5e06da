"""Harvest throughput: the portal's `ogpcatalog_harvester` against stock `dcat_rdf_harvester`
(profile euro_dcat_ap_3) on the same generated DCAT-AP catalogue, in the same run.

* a catalogue of N datasets (3 resources each, Spanish and English literals) is generated and
  served over HTTP on 127.0.0.1;
* each harvester harvests it into an emptied database (gather, fetch, import run in-process,
  as the consumers do); datasets/s of ours against stock (target >= 0.8);
* ours harvests the unchanged catalogue again: its time against the first harvest (target
  <= 0.10: unchanged records are recognised by their content hash and not imported);
* peak memory (tracemalloc) of planning a harvest of the 11 MB Argentina data.json of the
  shared corpus (full runs only; skipped with a message when the corpus is absent).

``--quick``: 20 datasets, no Argentina figure. ``--size N`` another catalogue size.

The database is ``CKAN_SQLALCHEMY_URL`` when set, else the benchmark's own
(``ckan_ogp_bench_harvest``); it is emptied at each step.
"""
from __future__ import annotations

import json
import os
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import common

ARGENTINA = (common.ROOT.parent / "shared" / "corpus" / "dcat" / "argentina"
             / "datos.gob.ar_data.json_2018-04_639datasets_large.json")

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def catalogue(size: int) -> bytes:
    """A DCAT-AP catalogue of ``size`` bilingual datasets with three distributions each."""
    base = "https://datos.bench.example.gob"
    parts = [PREFIXES, f"<{base}/catalogo> a dcat:Catalog ; "
                       f"dct:title \"Catálogo de prueba\"@es, \"Test catalogue\"@en .\n",
             f"<{base}/org/ministerio> a foaf:Organization ; "
             f"foaf:name \"Ministerio de Prueba\"@es, \"Ministry of Testing\"@en .\n"]
    for n in range(size):
        uri = f"{base}/dataset/conjunto-{n}"
        dists = " , ".join(f"<{uri}/distribucion-{d}>" for d in range(3))
        parts.append(
            f"<{uri}> a dcat:Dataset ;\n"
            f"  dct:identifier \"conjunto-{n}\" ;\n"
            f"  dct:title \"Conjunto de datos número {n}\"@es, \"Dataset number {n}\"@en ;\n"
            f"  dct:description \"Descripción del conjunto {n}, con cifras por provincia.\"@es, "
            f"\"Description of dataset {n}, with figures by province.\"@en ;\n"
            f"  dcat:keyword \"estadística\"@es, \"provincia\"@es, \"statistics\"@en ;\n"
            f"  dct:issued \"2024-01-{n % 28 + 1:02d}\"^^xsd:date ;\n"
            f"  dct:modified \"2024-06-{n % 28 + 1:02d}\"^^xsd:date ;\n"
            f"  dct:publisher <{base}/org/ministerio> ;\n"
            f"  dcat:distribution {dists} .\n")
        for d, fmt in enumerate(("CSV", "JSON", "XLSX")):
            parts.append(
                f"<{uri}/distribucion-{d}> a dcat:Distribution ;\n"
                f"  dct:title \"Archivo {d} del conjunto {n}\"@es, \"File {d} of dataset {n}\"@en ;\n"
                f"  dcat:accessURL <{base}/archivos/{n}/{d}.{fmt.lower()}> ;\n"
                f"  dcat:downloadURL <{base}/archivos/{n}/{d}.{fmt.lower()}> ;\n"
                f"  dct:format \"{fmt}\" .\n")
    return "".join(parts).encode()


class _Server:
    def __init__(self, files: dict[str, tuple[bytes, str]]):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                body, ctype = files.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in files else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self) -> None:  # noqa: N802  (the stock harvester asks HEAD first)
                body, ctype = files.get(self.path, (b"", "text/plain"))
                self.send_response(200 if self.path in files else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _reset() -> None:
    from ckan.cli.db import _run_migrations
    from ckan.tests.helpers import reset_db
    reset_db()
    for plugin in ("activity", "harvest", "ogpcatalog"):
        _run_migrations(plugin)


def _context() -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
            "ignore_auth": True}


def _source(url: str, source_type: str, org: str, config: str = "", name: str = "fuente") -> str:
    import ckan.plugins.toolkit as tk
    return tk.get_action("harvest_source_create")(_context(), {
        "name": name, "title": "Fuente", "url": url,
        "source_type": source_type, "frequency": "MANUAL", "owner_org": org,
        "config": config})["id"]


def _org() -> str:
    import ckan.plugins.toolkit as tk
    return tk.get_action("organization_create")(_context(), {
        "name": "ministerio", "title_translated": {"es": "Ministerio de Prueba",
                                                   "en": "Ministry of Testing"},
        "institution_type": "ministry", "government_level": "national"})["id"]


def _harvest(source_id: str, harvester, report: common.Report, label: str) -> dict[str, Any]:
    """gather, then fetch+import every object, then close the job: what the consumers do."""
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    job_id = tk.get_action("harvest_job_create")(_context(), {"source_id": source_id,
                                                              "run": False})["id"]
    job = HarvestJob.get(job_id)
    job.status = "Running"
    job.save()
    started = time.perf_counter()
    ids = queue.gather_stage(harvester, job) or []
    gathered = time.perf_counter()
    for done, object_id in enumerate(ids, 1):
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
        if done % 10 == 0 or done == len(ids):
            report.progress(label, done, len(ids))
    tk.get_action("harvest_jobs_run")({"ignore_auth": True}, {})
    elapsed = time.perf_counter() - started
    model.Session.remove()
    datasets = model.Session.query(model.Package).filter(
        model.Package.type != "harvest", model.Package.state == "active").count()
    errors = model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_job_id == job_id, HarvestObject.state == "ERROR").count()
    return {"seconds": round(elapsed, 3), "gather_seconds": round(gathered - started, 3),
            "objects": len(ids), "datasets": datasets, "errors": errors}


def measure(report: common.Report, size: int, memory: bool = True) -> dict[str, Any]:
    import ckan.plugins as p
    import ckan.plugins.toolkit as tk

    from ckanext.ogpcatalog.dcat.harvester import OgpCatalogHarvester

    files = {"/catalogo.ttl": (catalogue(size), "text/turtle")}
    if memory and ARGENTINA.is_file():
        files["/argentina.json"] = (ARGENTINA.read_bytes(), "application/json")
    server = _Server(files)
    tk.config["ckanext.ogpcatalog.harvest.allowed_private_addresses"] = "127.0.0.1"
    url = server.base + "/catalogo.ttl"
    report.line(f"catalogue: {size} datasets, {len(files['/catalogo.ttl'][0]) // 1024} KB of Turtle")

    # stock ckanext-dcat harvester, profile euro_dcat_ap_3
    _reset()
    org = _org()
    tk.config["ckanext.dcat.rdf.profiles"] = "euro_dcat_ap_3"
    stock_harvester = p.get_plugin("dcat_rdf_harvester")
    stock = _harvest(_source(url, "dcat_rdf", org, '{"rdf_format": "turtle"}'), stock_harvester,
                     report, "stock dcat_rdf   ")
    tk.config.pop("ckanext.dcat.rdf.profiles", None)

    # ours: first harvest, then the unchanged catalogue again
    _reset()
    org = _org()
    ours_harvester = OgpCatalogHarvester()
    source_id = _source(url, "ogpcatalog_dcat", org, json.dumps({"format": "turtle"}))
    first = _harvest(source_id, ours_harvester, report, "ogpcatalog first ")
    again = _harvest(source_id, ours_harvester, report, "ogpcatalog again ")

    def rate(run: dict[str, Any]) -> float:
        return round(run["datasets"] / run["seconds"], 2) if run["seconds"] else 0.0

    figures: dict[str, Any] = {
        "datasets": size,
        "stock": {**stock, "datasets_per_second": rate(stock)},
        "ours_first": {**first, "datasets_per_second": rate(first)},
        "ours_unchanged": again,
        "ratio_ours_to_stock": round(rate(first) / rate(stock), 3) if rate(stock) else None,
        "ratio_unchanged_to_first": round(again["seconds"] / first["seconds"], 3),
    }
    report.line(f"stock dcat_rdf (euro_dcat_ap_3): {figures['stock']['datasets_per_second']} "
                f"datasets/s ({stock['datasets']} datasets, {stock['errors']} errors)")
    report.line(f"ogpcatalog_harvester:            {figures['ours_first']['datasets_per_second']} "
                f"datasets/s ({first['datasets']} datasets, {first['errors']} errors); "
                f"ratio {figures['ratio_ours_to_stock']} (target >= 0.8)")
    report.line(f"unchanged re-harvest: {again['seconds']} s against {first['seconds']} s, "
                f"{again['objects']} objects; ratio {figures['ratio_unchanged_to_first']} "
                f"(target <= 0.10)")

    if "/argentina.json" in files:
        from ckanext.harvest.model import HarvestSource
        arg_id = _source(server.base + "/argentina.json", "ogpcatalog_dcat", org,
                         json.dumps({"format": "datajson-argentina",
                                     "max_bytes": 64 * 1024 * 1024}), name="fuente-argentina")
        source = HarvestSource.get(arg_id)
        tracemalloc.start()
        started = time.perf_counter()
        plan = ours_harvester.plan(source, source.config)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["argentina"] = {
            "file_mb": round(ARGENTINA.stat().st_size / 1e6, 1),
            "planned_records": len(plan.records), "fatal": plan.fatal,
            "peak_mb": round(peak / 1e6, 1), "plan_seconds": round(seconds, 2)}
        report.line(f"Argentina data.json ({figures['argentina']['file_mb']} MB): planned "
                    f"{len(plan.records)} records in {seconds:.1f} s, peak memory "
                    f"{figures['argentina']['peak_mb']} MB (tracemalloc)")
    elif not memory:
        report.line("--quick: the Argentina memory figure is measured by full runs only")
        figures["argentina"] = None
    else:
        report.line(f"Argentina catalogue not found at {ARGENTINA}: memory figure skipped")
        figures["argentina"] = None
    server.httpd.shutdown()
    return figures


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.set_defaults(ini=str(common.ROOT / "test.ini"))
    parser.add_argument("--size", type=int, help="datasets in the catalogue (default 2000; quick 20)")
    args = parser.parse_args()
    report = common.Report(args.json)
    size = args.size or (20 if args.quick else 2000)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    if not os.environ.get("CKAN_SQLALCHEMY_URL"):
        os.environ["CKAN_SQLALCHEMY_URL"] = common.database_url("ckan_ogp_bench_harvest")
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:56379/2")
    config = load_config(args.ini)
    app = make_app(config)
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app.apps["flask_app"]._wsgi_app
    with flask_app.test_request_context():
        figures = {"benchmark": "harvest", "quick": args.quick, **measure(report, size, memory=not args.quick)}
    report.finish(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
