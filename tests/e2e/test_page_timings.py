"""Warm pages answer within the budget (issue 18: "warm pages under 0.7 s here").

Each page is fetched once to warm it (templates, caches), then timed five times; the fastest of
the five is held to the budget (``PAGE_BUDGET_SECONDS``, default 0.7): the machine is shared
(2 cores, other suites running), so the best of five measures the page's own cost and the
median, recorded beside it, how the machine was doing. The timings are written
to ``test-results/e2e/page-timings.json`` (docs/development.md lists the last ones measured).
"""
from __future__ import annotations

import json
import os
import statistics
import time

import pytest
import requests

from tests.e2e.conftest import RESULTS

pytestmark = pytest.mark.e2e

BUDGET = float(os.environ.get("PAGE_BUDGET_SECONDS", "0.7"))
PAGES = {
    "home": "/",
    "datasets": "/dataset/",
    "dataset": "/dataset/censo-poblacion-vivienda-2022",
    "publishers": "/publishers/",
    "procurement": "/procurement/",
    "procurement process": "/procurement/contratacion-infraestructura-educativa",
    "commitments": "/commitment/",
    "commitment": "/commitment/ec0002-portal-datos-abiertos",
}


def _seconds(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=60)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return elapsed


def test_warm_pages_answer_within_the_budget(portal_url):
    session = requests.Session()
    measured = {}
    for name, path in PAGES.items():
        _seconds(session, portal_url + path)  # warm
        times = [_seconds(session, portal_url + path) for _ in range(5)]
        measured[name] = {"path": path, "median": round(statistics.median(times), 3),
                          "min": round(min(times), 3), "max": round(max(times), 3)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "page-timings.json").write_text(json.dumps(
        {"budget_seconds": BUDGET, "pages": measured}, indent=1), encoding="utf-8")
    slow = {name: m["min"] for name, m in measured.items() if m["min"] > BUDGET}
    print("\n" + "\n".join(f"{name:22} {m['median']:.3f} s (min {m['min']:.3f}, max {m['max']:.3f})"
                           for name, m in measured.items()))
    assert not slow, f"warm pages over {BUDGET} s (best of 5): {slow}"
