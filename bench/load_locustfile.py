"""The load mix of bench/load.py (a Locust file; run by load.py, not on its own).

Anonymous visitors and API clients read (package_search with facets, package_show, the
/dataset page, dataset pages, the home page); editors write (package_patch of datasets of
their institutions, each editor its own datasets). Settings from the environment:
BENCH_SIZE (datasets in the portal), BENCH_EDITOR_TOKEN.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_data  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", "1000"))
PUBLIC = [d["name"] for d in map(portal_data.dataset, range(SIZE)) if not d["private"]]
WORDS = ["datos", "presupuesto", "salud", "Quito", "educación", "contratación", "indicadores",
         portal_data.RARE_WORD]
FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
_editors = itertools.count()


class Visitor(HttpUser):
    """Pages and API reads, anonymous."""
    weight = 8
    wait_time = between(0.05, 0.3)

    @task(4)
    def api_package_search(self):
        self.client.get("/api/3/action/package_search", name="api package_search (facets)",
                        params={"q": random.choice(WORDS), "rows": 20, "facet.field": FACETS})

    @task(3)
    def api_package_show(self):
        self.client.get("/api/3/action/package_show", name="api package_show",
                        params={"id": random.choice(PUBLIC)})

    @task(2)
    def page_search(self):
        self.client.get("/dataset/", name="page /dataset?q=", params={"q": random.choice(WORDS)})

    @task(2)
    def page_dataset(self):
        self.client.get(f"/dataset/{random.choice(PUBLIC)}", name="page /dataset/<name>")

    @task(1)
    def page_home(self):
        self.client.get("/", name="page /")


class Editor(HttpUser):
    """An institution's editor updating its datasets through the API."""
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        number = next(_editors)
        # Each editor its own slice of datasets: concurrent edits of one dataset are not the
        # point here.
        self.mine = PUBLIC[number::16] or PUBLIC
        self.headers = {"Authorization": os.environ["BENCH_EDITOR_TOKEN"]}

    @task
    def api_package_patch(self):
        name = random.choice(self.mine)
        self.client.post("/api/3/action/package_patch", name="api package_patch", headers=self.headers,
                         json={"id": name, "notes": f"Actualizado por la carga {random.randrange(10**6)}."})
