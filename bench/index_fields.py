"""Indexing cost of the schema fields: CKAN's index_package of procurement and commitment
datasets with the portal's before_dataset_index hook against the same calls with the hook
bypassed, in the same run.

The hook (ckanext/ogpcatalog/search/index_fields.py) turns codelists into exact values, bilingual
values into text of both languages, repeating items into `<field>_<subfield>`, and copies the
institution's type, sector and level onto each dataset. The baseline indexes the same
datasets as CKAN would without it (raw extras). Both write to the same index, so the ratio is
the hook's share of a dataset's indexing time.
"""
from __future__ import annotations

import time
from typing import Any

import common

PLUGINS = "ogpcatalog_search ogpcatalog scheming_datasets scheming_groups scheming_organizations"
INSTITUTIONS = ("ministry", "agency", "municipality", "control-body")


def _dataset(number: int, org: str, plan: str) -> dict[str, Any]:
    if number % 2:
        return {
            "type": "procurement", "name": f"compras-{number}", "owner_org": org,
            "title_translated": {"es": f"Compras públicas {number}", "en": f"Public procurement {number}"},
            "notes_translated": {"es": "Procesos de contratación en OCDS", "en": "Contracting processes in OCDS"},
            "theme": ["ECON", "GOVE"], "procurement_methods": ["open", "direct"],
            "main_categories": ["goods", "services"], "stages": ["tender", "award", "contract"],
            "currencies": ["USD"], "ocid_prefixes": ["ocds-abc123"],
            "total_values": [{"currency": "USD", "amount": 1250000.5}],
            "period_start": "2024-01-01", "period_end": "2024-12-31", "process_count": 1200,
            "contact": [{"name": "Dirección de datos", "email": "datos@example.gob"}],
        }
    return {
        "type": "commitment", "name": f"compromiso-{number}", "owner_org": org,
        "ogp_id": f"EC{number:04d}", "action_plan": plan,
        "title_translated": {"es": f"Compromiso {number}", "en": f"Commitment {number}"},
        "ogp_values": ["access-to-information", "civic-participation"],
        "policy_areas": ["open-contracting"], "commitment_status": "in-progress",
        "supporting_institutions": [{"name": "Fundación Ciudadanía", "kind": "civil-society"}],
        "milestones": [{"description": {"es": f"Hito {m}", "en": f"Milestone {m}"},
                        "status": "completed"} for m in range(3)],
    }


def _prepare(report: common.Report, size: int) -> list[str]:
    import ckan.plugins.toolkit as tk
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context():
        return {"user": site_user, "ignore_auth": True}

    existing = tk.get_action("package_list")(context(), {})
    if len(existing) >= size:
        return existing[:size]
    orgs = []
    for index, kind in enumerate(INSTITUTIONS):
        name = f"institucion-{index}"
        try:
            tk.get_action("organization_show")(context(), {"id": name})
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(context(), {
                "name": name, "title_translated": {"es": f"Institución {index}"},
                "institution_type": kind, "government_level": "national"})
        orgs.append(name)
    try:
        tk.get_action("group_show")(context(), {"id": "plan-bench"})
    except tk.ObjectNotFound:
        tk.get_action("group_create")(context(), {
            "type": "action-plan", "name": "plan-bench", "country_or_locality": "Ecuador",
            "plan_scope": "national", "title_translated": {"es": "Plan de prueba"}})
    names = set(existing)
    for number in range(1, size + 1):
        data = _dataset(number, orgs[number % len(orgs)], "plan-bench")
        if data["name"] not in names:
            tk.get_action("package_create")(context(), data)
            names.add(data["name"])
        report.progress("creating datasets", number, size)
    return sorted(names)[:size]


def _index_all(names: list[str]) -> float:
    """Index every dataset as CKAN's `search-index rebuild` does (both package_show forms)."""
    from ckan.lib import search

    started = time.perf_counter()
    search.rebuild(package_ids=names, quiet=True, defer_commit=True)
    search.commit()
    return time.perf_counter() - started


def measure(report: common.Report, size: int, repeat: int) -> dict[str, Any]:
    from ckanext.ogpcatalog.plugin import OgpCatalogPlugin

    names = _prepare(report, size)
    hook = OgpCatalogPlugin.before_dataset_index
    with_hook, without_hook = [], []
    for _ in range(repeat):
        with_hook.append(_index_all(names))
        OgpCatalogPlugin.before_dataset_index = lambda self, pkg_dict: pkg_dict
        try:
            without_hook.append(_index_all(names))
        finally:
            OgpCatalogPlugin.before_dataset_index = hook
    best_with, best_without = min(with_hook), min(without_hook)
    figures = {
        "datasets": len(names),
        "with_hook_ms_per_dataset": round(best_with / len(names) * 1000, 3),
        "without_hook_ms_per_dataset": round(best_without / len(names) * 1000, 3),
        "ratio_with_to_without": round(best_with / best_without, 3),
    }
    report.line(f"{len(names)} datasets, best of {repeat}: "
                f"{figures['with_hook_ms_per_dataset']} ms/dataset with the hook, "
                f"{figures['without_hook_ms_per_dataset']} ms/dataset without "
                f"(ratio {figures['ratio_with_to_without']}x)")
    return figures


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.set_defaults(ini=str(common.ROOT / "test.ini"))
    parser.add_argument("--size", type=int, help="datasets to index (default 2000; quick 60)")
    args = parser.parse_args()
    report = common.Report(args.json)
    size = args.size or (60 if args.quick else 2000)
    repeat = 2 if args.quick else 3
    database = "ckan_ogp_bench_index_quick" if args.quick else "ckan_ogp_bench_index"
    app = common.start_ckan(args.ini, database, PLUGINS)
    flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app.apps["flask_app"]._wsgi_app
    with flask_app.test_request_context():
        figures = {"benchmark": "index_fields", "quick": args.quick, "repeat": repeat,
                   **measure(report, size, repeat)}
    report.finish(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
