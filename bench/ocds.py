"""Benchmark of the OCDS validation of procurement resources (issue 7).

A release package of about 20 MB (``--quick``: 1 MB) is generated (seeded: the same file every
run), mostly valid with about 1% of releases missing their ``id`` and 1% with a method outside
the closed codelist, so the error grouping has work to do. In the same run, on the same file
and with the same offline schema, it times:

* the *baseline*: the bare libcoveocds call, ``libcoveocds.api.ocds_json_output(file=...)``
  (read, parse, validate, API report);
* *ours*: the job's work, ``ocds.jobs.analyse`` on the file's bytes (read, decode, detect,
  summarise, validate through libcoveocds offline, group errors), i.e. ``validate_resource``
  without the HTTP fetch and the one-row database write.

Target: ours/baseline <= 1.3. The schema comes from ``ckanext.ogpcatalog.ocds.standard_zip``'s
usual test source, the shared corpus (``OGPCATALOG_OCDS_SCHEMA_DIR`` overrides it).
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

METHODS = ["open", "selective", "limited", "direct"]
CATEGORIES = ["goods", "works", "services"]


def release(rng: random.Random, n: int) -> dict:
    ocid = f"ocds-abc123-{2024}-{n // 3:07d}"
    day = 1 + n % 28
    item = {
        "ocid": ocid, "id": f"{ocid}-{n % 3}", "date": f"2024-{1 + n % 12:02d}-{day:02d}T10:00:00-05:00",
        "tag": [["tender"], ["award"], ["contract"]][n % 3], "initiationType": "tender",
        "buyer": {"id": "EC-RUC-1760001550001", "name": "Municipio de Ejemplo"},
        "tender": {"id": f"SIE-{n:07d}", "title": f"Adquisición de bienes y servicios número {n}",
                   "status": "active", "procurementMethod": rng.choice(METHODS),
                   "mainProcurementCategory": rng.choice(CATEGORIES),
                   "value": {"amount": round(rng.uniform(1000, 900000), 2), "currency": "USD"},
                   "items": [{"id": str(i), "description": f"Ítem {i} del proceso {n}",
                              "quantity": rng.randint(1, 50),
                              "unit": {"name": "unidad", "value": {"amount": round(rng.uniform(1, 999), 2),
                                                                   "currency": "USD"}}}
                             for i in range(1, 4)]},
    }
    if n % 3:
        amount = round(rng.uniform(1000, 900000), 2)
        item["awards"] = [{"id": "1", "status": "active", "value": {"amount": amount, "currency": "USD"},
                           "suppliers": [{"id": f"EC-RUC-{n:013d}", "name": f"Proveedor {n} S.A."}]}]
        if n % 3 == 2:
            item["contracts"] = [{"id": "1", "awardID": "1", "status": "active",
                                  "value": {"amount": amount, "currency": "USD"}}]
    if rng.random() < 0.01:
        del item["id"]
    if rng.random() < 0.01:
        item["tender"]["procurementMethod"] = "subasta"
    return item


def generate(path: Path, megabytes: float) -> int:
    rng = random.Random(7)
    target = int(megabytes * 1024 * 1024)
    releases, size, n = [], 300, 0
    while size < target:
        item = release(rng, n)
        releases.append(item)
        size += len(json.dumps(item, ensure_ascii=False).encode()) + 1
        n += 1
    package = {"uri": "https://datos.example.gob/ocds/bench.json", "version": "1.1",
               "publishedDate": "2024-12-31T00:00:00Z", "publisher": {"name": "Banco de pruebas"},
               "releases": releases}
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return len(releases)


def main() -> None:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=None, help="size of the generated package")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    report = common.Report(args.json)
    megabytes = args.megabytes or (1.0 if args.quick else 20.0)
    repeat = args.repeat or (3 if args.quick else 1)

    from libcoveocds.api import ocds_json_output

    from ckanext.ogpcatalog.ocds import jobs, standard

    schema = standard.corpus_schema_dir()
    if not Path(schema, "release-schema.json").is_file():
        raise SystemExit(f"the OCDS schema is not at {schema} (set OGPCATALOG_OCDS_SCHEMA_DIR)")
    config = standard.libcove_config(schema)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "release-package.json"
        count = generate(path, megabytes)
        size = path.stat().st_size
        report.line(f"generated {path.name}: {size / 1048576:.1f} MB, {count} releases")

        def baseline():
            return ocds_json_output(file=str(path), lib_cove_ocds_config=config)

        last: dict = {}

        def ours():
            last["result"] = jobs.analyse(path.read_bytes(), schema)

        warmup = 1 if args.quick else 0
        samples = {}
        for label, function in (("baseline", baseline), ("ours", ours)):
            samples[label] = common.summary(common.timings(function, repeat, warmup=warmup))
            report.line(f"{label:>8}: median {samples[label]['median_ms'] / 1000:.2f} s "
                        f"(n={samples[label]['n']})")
        result = last["result"]
        errors = result["error_count"]
        report.line(f"ours: {result['releases']} releases, {result['ocids']} OCIDs, {errors} errors "
                    f"in {len(result['errors'])} groups")
        ratio = round(samples["ours"]["median_ms"] / samples["baseline"]["median_ms"], 3)
        report.line(f"ours/baseline: {ratio} (target <= 1.3) {'OK' if ratio <= 1.3 else 'OVER TARGET'}")
        report.finish({"benchmark": "ocds", "load_average": round(os.getloadavg()[0], 2), "bytes": size, "releases": count, "error_count": errors,
                       "baseline": samples["baseline"], "ours": samples["ours"],
                       "ratio": ratio, "target": 1.3, "quick": args.quick})


if __name__ == "__main__":
    main()
