"""What every benchmark shares: a CKAN environment on its own database, timing, output.

Each benchmark measures its baseline in the same run and prints ratios; ``--quick`` uses
small sizes (CI runs it so benchmarks never rot) and ``--json`` prints the figures,
machine-readable, on stdout (the human-readable report then goes to stderr).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute (CI)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    parser.add_argument("--ini", default=str(ROOT / "test-core.ini"), help="CKAN config to start from")
    return parser


class Report:
    """Human output to stdout, or to stderr when --json owns stdout."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.stream = sys.stderr if as_json else sys.stdout
        self._last: tuple[str, int] | None = None

    def line(self, text: str = "") -> None:
        print(text, file=self.stream, flush=True)

    def progress(self, label: str, done: int, total: int) -> None:
        if self._last == (label, done):
            return
        self._last = (label, done)
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()

    def finish(self, figures: dict[str, Any]) -> None:
        if self.as_json:
            print(json.dumps(figures, indent=2, default=str))


def _psql_admin(sql: str) -> subprocess.CompletedProcess:
    """Run SQL as PostgreSQL's superuser the way `make run` does: the `postgres` OS user on
    the Unix socket (peer authentication); as another user, over TCP as `postgres`."""
    port = os.environ.get("PGPORT", "55432")
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", "psql", "-X", "-h",
                   os.environ.get("PG_SOCKET_DIR", "/tmp"), "-p", port, "-d", "postgres", "-Atc", sql]
    else:
        command = ["psql", "-X", "-h", os.environ.get("PGHOST", "127.0.0.1"), "-p", port,
                   "-U", "postgres", "-d", "postgres", "-Atc", sql]
    return subprocess.run(command, capture_output=True, text=True)


def database_url(name: str) -> str:
    """A database of the benchmark's own on the project's PostgreSQL (created if missing)."""
    port = os.environ.get("PGPORT", "55432")
    exists = _psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists.returncode != 0:
        raise SystemExit(f"cannot reach PostgreSQL on port {port}: {exists.stderr.strip()}\n"
                         "Start the project's servers first (make run, or make test).")
    if exists.stdout.strip() != "1":
        created = _psql_admin(f"CREATE DATABASE {name} OWNER ckan_default")
        if created.returncode != 0:
            raise SystemExit(f"cannot create the database {name}: {created.stderr.strip()}")
    return f"postgresql://ckan_default:ckan@127.0.0.1:{port}/{name}"


def start_ckan(ini: str, database: str, plugins: str):
    """Load CKAN with ``plugins`` on ``database``; returns the Flask app."""
    os.environ["CKAN_SQLALCHEMY_URL"] = database_url(database)
    os.environ.setdefault("CKAN_REDIS_URL", f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '56379')}/2")
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    config = load_config(ini)
    config["ckan.plugins"] = plugins
    app = make_app(config)
    import ckan.model as model
    import ckan.plugins as p
    from ckan.cli.db import _run_migrations
    model.repo.init_db()
    # The loaded plugins' own tables (harvest, activity, the extension's metrics and OCDS).
    for plugin in ("activity", "harvest", "ogpcatalog"):
        if p.plugin_loaded(plugin):
            _run_migrations(plugin)
    return app


def timings(function: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3), "n": len(ordered)}
