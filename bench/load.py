"""Load benchmark: the portal under a mix of API reads, page views and editors' writes.

Two portals are served in turn by gunicorn (several workers) on 127.0.0.1, on databases
holding the same generated datasets (bench/portal_data.py):
- **baseline**: CKAN with only the search backend (`ogpcatalog_search`) and CKAN's stock
  dataset schema;
- **portal**: the full plugin list of test.ini (schemas, bilingual fields, facets, DCAT,
  harvest, metrics...).
Locust (headless, in its own process) runs the same mix (bench/load_locustfile.py) against
each for the same time. Reported per request kind and overall: requests, failures, median,
p95 and p99 latency, throughput; the memory (RSS) of the web workers sampled every few
seconds; and the portal/baseline latency ratios on these shared paths (target <= 1.25),
with zero errors and flat memory.

--quick: 300 datasets, 20 s per portal. Full size: 5,000 datasets, 300 s per portal.
"""
from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import portal_data  # noqa: E402

ROOT = common.ROOT
VENV_BIN = Path(sys.executable).parent
EDITOR = "bench-load-editor"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _portal_plugins() -> str:
    text = (ROOT / "test.ini").read_text()
    return re.search(r"^ckan\.plugins\s*=\s*(.+)$", text, re.M).group(1).strip()


def _write_ini(folder: Path, name: str, database_url: str, plugins: str, port: int) -> Path:
    ini = folder / f"{name}.ini"
    ini.write_text(f"""[DEFAULT]
debug = false

[app:main]
use = config:{ROOT / 'test.ini'}
sqlalchemy.url = {database_url}
ckan.plugins = {plugins}
ckan.site_url = http://127.0.0.1:{port}
ckan.site_id = bench-load
ckan.auth.create_user_via_web = false
""")
    return ini


def _ckan(ini: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "ckan"), "-c", str(ini), *args], env=env,
                          capture_output=True, text=True)


def prepare(report, name: str, plugins: str, size: int, folder: Path, port: int) -> dict:
    """Database with the generated datasets, migrations, search index and an editor token."""
    database = f"ckan_ogp_bench_load_{name}" + ("_quick" if size < 1000 else "")
    url = common.database_url(database)
    ini = _write_ini(folder, name, url, plugins, port)
    redis_db = "3" if name == "baseline" else "4"
    env = {**os.environ, "CKAN_SQLALCHEMY_URL": url, "CKAN_INI": str(ini),
           "CKAN_REDIS_URL": f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '56379')}/{redis_db}"}
    done = _ckan(ini, "db", "init", env=env)
    if done.returncode != 0:
        raise SystemExit(f"{name}: ckan db init failed:\n{done.stderr[-3000:]}")
    for plugin in ("activity", "harvest", "ogpcatalog"):
        if f" {plugin} " in f" {plugins} ":
            _ckan(ini, "db", "upgrade", "-p", plugin, env=env)
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    added = portal_data.load(engine, size, progress=lambda n: report.progress(f"  {name}: datasets", n, size))
    with engine.begin() as connection:
        indexed = connection.execute(sa.text(
            "SELECT CASE WHEN to_regclass('ogpcatalog_search_index') IS NULL THEN 0 "
            "ELSE (SELECT count(*) FROM ogpcatalog_search_index) END")).scalar()
    if added or indexed < size:
        report.line(f"  {name}: indexing {size} datasets")
        done = _ckan(ini, "search-index", "rebuild", env=env)
        if done.returncode != 0:
            raise SystemExit(f"{name}: search-index rebuild failed:\n{done.stderr[-3000:]}")
    # The editor: a user with a token, editor of every generated institution.
    if _ckan(ini, "user", "show", EDITOR, env=env).stdout.find("name=" + EDITOR) < 0:
        _ckan(ini, "user", "add", EDITOR, f"email={EDITOR}@example.org", "password=bench-load-1234",
              env=env)
    with engine.begin() as connection:
        user_id = connection.execute(sa.text("SELECT id FROM \"user\" WHERE name = :n"), {"n": EDITOR}).scalar()
        if user_id is None:
            raise SystemExit(f"{name}: could not create the user {EDITOR}")
        connection.execute(sa.text(
            "INSERT INTO member (id, group_id, table_id, table_name, capacity, state) "
            "SELECT md5(g.id || :u), g.id, :u, 'user', 'editor', 'active' FROM \"group\" g "
            "WHERE g.is_organization AND NOT EXISTS (SELECT 1 FROM member m WHERE m.group_id = g.id "
            "AND m.table_id = :u AND m.table_name = 'user' AND m.state = 'active')"), {"u": user_id})
    token = _ckan(ini, "user", "token", "add", EDITOR, "load", env=env)
    match = re.search(r"^\s*(\S{40,})\s*$", token.stdout, re.M)
    if not match:
        raise SystemExit(f"{name}: no API token:\n{token.stdout}\n{token.stderr[-2000:]}")
    engine.dispose()
    return {"ini": ini, "env": env, "token": match.group(1), "database": database}


class MemorySampler(threading.Thread):
    """RSS of the gunicorn master and its workers, every `interval` seconds."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval, self.samples = pid, interval, []
        self.stop_event = threading.Event()

    def run(self):
        import psutil
        while not self.stop_event.wait(self.interval):
            try:
                master = psutil.Process(self.pid)
                processes = [master, *master.children(recursive=True)]
                self.samples.append(sum(p.memory_info().rss for p in processes) / 2**20)
            except psutil.Error:
                pass


def serve_and_load(report, name: str, prepared: dict, port: int, users: int, seconds: int,
                   size: int, folder: Path, workers: int) -> dict:
    log = open(folder / f"{name}-gunicorn.log", "w")
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--pythonpath", str(ROOT / "scripts"), "wsgi:application",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        env=prepared["env"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        import requests
        deadline = time.time() + 180
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit(f"{name}: the portal did not start; see {folder / (name + '-gunicorn.log')}")
            time.sleep(1)
        # Warm every worker (templates, caches) before measuring.
        for _ in range(workers * 4):
            requests.get(f"http://127.0.0.1:{port}/dataset/", timeout=60)
        sampler = MemorySampler(server.pid, max(1.0, seconds / 60))
        sampler.start()
        prefix = folder / name
        report.line(f"  {name}: {users} users for {seconds} s on 127.0.0.1:{port} ({workers} workers)")
        locust = subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(Path(__file__).parent / "load_locustfile.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "10", "--exit-code-on-error", "0"],
            env={**os.environ, "BENCH_SIZE": str(size), "BENCH_EDITOR_TOKEN": prepared["token"]},
            capture_output=True, text=True)
        sampler.stop_event.set()
        sampler.join()
        if locust.returncode != 0:
            raise SystemExit(f"{name}: locust failed:\n{locust.stderr[-3000:]}")
        stats = _read_stats(Path(f"{prefix}_stats.csv"))
        failures = _read_failures(Path(f"{prefix}_failures.csv"))
        memory = sampler.samples
        return {"requests": stats, "failures": failures, "memory_mb": _memory_summary(memory)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _read_stats(path: Path) -> dict:
    result = {}
    with path.open(newline="") as stream:
        for row in csv.DictReader(stream):
            result[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]), "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]), "rps": round(float(row["Requests/s"]), 2)}
    return result


def _read_failures(path: Path) -> list:
    if not path.exists():
        return []
    with path.open(newline="") as stream:
        return [{"name": r["Name"], "error": r["Error"][:300], "occurrences": int(r["Occurrences"])}
                for r in csv.DictReader(stream)]


def _memory_summary(samples: list[float]) -> dict:
    if len(samples) < 4:
        return {"samples": len(samples), "start": samples[0] if samples else None,
                "end": samples[-1] if samples else None, "growth": None}
    quarter = max(1, len(samples) // 4)
    first = sum(samples[:quarter]) / quarter
    last = sum(samples[-quarter:]) / quarter
    return {"samples": len(samples), "start": round(first, 1), "end": round(last, 1),
            "peak": round(max(samples), 1), "growth": round(last / first - 1, 3)}


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, help="load time per portal (default 300; quick 20)")
    parser.add_argument("--users", type=int, help="concurrent users (default 18; quick 9)")
    parser.add_argument("--size", type=int, help="datasets per portal (default 5000; quick 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per portal")
    args = parser.parse_args()
    report = common.Report(args.json)
    seconds = args.seconds or (20 if args.quick else 300)
    users = args.users or (9 if args.quick else 18)
    size = args.size or (300 if args.quick else 5000)
    portals = {"baseline": "ogpcatalog_search", "portal": _portal_plugins()}
    figures = {"benchmark": "load", "quick": args.quick, "seconds": seconds, "users": users,
               "datasets": size, "workers": args.workers, "portals": {}}
    with tempfile.TemporaryDirectory(prefix="ogpcatalog-load-") as tmp:
        folder = Path(tmp)
        for name, plugins in portals.items():
            port = _free_port()
            report.line(f"== {name}: {plugins}")
            prepared = prepare(report, name, plugins, size, folder, port)
            figures["portals"][name] = serve_and_load(report, name, prepared, port, users, seconds,
                                                      size, folder, args.workers)
    base, ours = figures["portals"]["baseline"], figures["portals"]["portal"]
    report.line(f"\n{'request':32} {'portal med':>10} {'p95':>7} {'base med':>9} {'p95':>7} "
                f"{'ratio med':>9} {'ratio p95':>9} {'req':>6} {'fail':>5}")
    ratios = {}
    for name, mine in ours["requests"].items():
        other = base["requests"].get(name)
        if not other or not other["median_ms"]:
            continue
        ratio = round(mine["median_ms"] / other["median_ms"], 2)
        ratio95 = round(mine["p95_ms"] / other["p95_ms"], 2) if other["p95_ms"] else None
        ratios[name] = {"median": ratio, "p95": ratio95}
        report.line(f"{name:32} {mine['median_ms']:>9.0f}m {mine['p95_ms']:>6.0f}m {other['median_ms']:>8.0f}m "
                    f"{other['p95_ms']:>6.0f}m {ratio:>9.2f} {ratio95 or 0:>9.2f} {mine['requests']:>6} "
                    f"{mine['failures']:>5}")
    errors = sum(r["failures"] for p in figures["portals"].values() for n, r in p["requests"].items()
                 if n != "Aggregated")
    overall = ratios.get("Aggregated", {}).get("median")
    growth = ours["memory_mb"].get("growth")
    figures["ratios"] = ratios
    figures["targets"] = {"errors": errors, "zero_errors": errors == 0,
                          "overall_median_ratio": overall, "ratio_target_met": overall is not None and overall <= 1.25,
                          "memory_growth": growth, "memory_flat": growth is not None and growth < 0.10}
    for portal_name, portal in figures["portals"].items():
        mem = portal["memory_mb"]
        agg = portal["requests"].get("Aggregated", {})
        report.line(f"{portal_name}: {agg.get('requests')} requests, {agg.get('rps')} req/s, "
                    f"{agg.get('failures')} failures; memory {mem.get('start')} -> {mem.get('end')} MB "
                    f"(growth {mem.get('growth')})")
        for failure in portal["failures"][:5]:
            report.line(f"  failure: {failure}")
    report.line(f"Overall median ratio portal/baseline: {overall} (target <= 1.25); errors: {errors} "
                f"(target 0); memory growth of the portal's workers: {growth} (flat: < 0.10)")
    report.finish(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
