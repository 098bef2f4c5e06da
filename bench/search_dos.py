"""Search DoS benchmark: an ordinary search while hostile searches hold the web workers.

The portal (test.ini's plugins, the embedded search backend) is served by gunicorn with 2
sync workers on 127.0.0.1 (the same in both phases), on a database of generated datasets
(bench/portal_data.py), twice in one run on the same index:
- **before**: the search limits off (every ``ckanext.ogpcatalog.search.max_*`` key 0) and no
  statement timeout, as the portal was before issue 16;
- **after**: the declared defaults (limits, text facets refused, a 3 s statement timeout;
  costly searches one at a time across the workers, under a 1.5 s timeout, else 429).
Hostile requests are the issue's: ``q`` of 3,000 wildcard terms, 2,000 plain terms, a
3,000-term OR list, ``facet.field=notes`` x300 with a 200-term ``q`` (API, POSTed as JSON as
scripts do) and ``/dataset/?q=`` with 760 wildcard terms.

In each phase the ordinary search (``package_search?q=salud``) is timed
- alone (the baseline);
- **in flight** (the issue's measure): rounds of 4 hostile requests sent at once, the ordinary
  search sent 50 ms later while they are in flight; a round ends when all have answered;
- **hammering** (reported apart): 4 clients send hostile requests back to back for a window.
Reported: the ratios to the baseline (target < 2 in flight), each hostile request's worst hold
(target <= 5 s) and answers, and the same for requests **at the limits** (the largest the
limits let through: 100 common words; 8 leading and 56 trailing wildcards): not refused by a
limit, costly (``costly_search_cost``), so one runs in the slot and the others answer 429; and
for requests **under the costly threshold** (a word in half the datasets, 29 points at
100,000; a page at start 35,000: 40 points, the most a search may cost without a slot), which
show what a request may still cost.

The index: datasets 0..299 are indexed through CKAN (``ckan search-index rebuild``: package_show,
the portal's index hook); every further dataset's row is that of dataset ``i % 300`` with the
dataset's own id, name and dates (one INSERT ... SELECT), so 100,000 are indexed in minutes, not
the hours CKAN's rebuild takes; same words, facets and permission labels in the same
proportions. --quick: 2,000 datasets, up to 10 rounds in 8 s, 5 s windows, requests given
up after 6 s (about 1 min of measurement).
Default: 100,000, up to 20 rounds in 90 s, 20 s windows, given up after 60 s (--size). The
database (ckan_ogp_bench_dos_SIZE) is kept between runs; its build time is reported.
"""
from __future__ import annotations

import os
import random
import signal
import statistics
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
PORTS = {"before": 21101, "after": 21102}  # this benchmark's range: 21000-21999
LIMIT_KEYS = ("max_query_terms", "max_terms", "max_wildcard_terms", "max_leading_wildcards",
              "max_facet_fields", "max_query_length", "statement_timeout",
              "max_costly_searches", "costly_statement_timeout")
ORDINARY = ("/api/3/action/package_search", {"q": "salud"})
SEED = 300  # datasets indexed through CKAN; the others' rows are copied from theirs
IN_FLIGHT = 4  # hostile requests at once (issue 16)


def hostile_requests(seed: int = 16) -> dict[str, tuple[str, str, dict]]:
    """The issue's hostile requests. name: (method, path, parameters)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def wildcards(n: int) -> str:
        return " ".join(f"*{rng.choice(letters)}*{rng.choice(letters)}" for _ in range(n))

    def words(n: int) -> list[str]:
        return ["".join(rng.choice(letters) for _ in range(5)) for _ in range(n)]

    return {
        "q: 3000 wildcard terms": ("POST", "/api/3/action/package_search", {"q": wildcards(3000)}),
        "q: 2000 plain terms": ("POST", "/api/3/action/package_search", {"q": " ".join(words(2000))}),
        "q: 3000-term OR list": ("POST", "/api/3/action/package_search", {"q": " OR ".join(words(3000))}),
        "facet.field=notes x300, 200-term q": (
            "POST", "/api/3/action/package_search",
            {"q": " ".join(words(200)), "facet.field": ["notes"] * 300}),
        "/dataset/?q= 760 wildcard terms": ("GET", "/dataset/", {"q": wildcards(760)}),
    }


def at_limit_requests() -> dict[str, tuple[str, str, dict]]:
    """The largest requests the declared limits let through (not refused after)."""
    common_words = ("de la en el los del las y por datos registro público salud información "
                    "publicada institución ley transparencia se actualizan periódicamente "
                    "formatos abiertos incluye provincia cantón parroquia").split()
    hundred = " ".join(common_words[i % len(common_words)] for i in range(100))
    letters = "abcdefghijklmnopqrstuvwxyz"
    wild = " OR ".join([f"*{letters[i]}{letters[i + 1]}" for i in range(8)]
                       + [f"{letters[i % 26]}{letters[(i * 7) % 26]}*" for i in range(56)])
    return {
        "at the limit: q of 100 common words": ("POST", "/api/3/action/package_search", {"q": hundred}),
        "at the limit: 8 leading + 56 wildcards": (
            "POST", "/api/3/action/package_search", {"q": f"text:({wild})"}),
    }


def under_threshold_requests() -> dict[str, tuple[str, str, dict]]:
    """The largest requests that are not costly (``costly_search_cost`` 40): they never wait
    for a slot, so they show what a request may still cost without one."""
    return {
        # In about half the datasets: 29 points at 100,000 datasets ("de", in 82%: 44, costly).
        "under the threshold: q of 1 common word": (
            "POST", "/api/3/action/package_search", {"q": "datos"}),
        "under the threshold: page at start 35,000": (
            "POST", "/api/3/action/package_search", {"q": "*:*", "start": 35_000, "rows": 100}),
    }


def _write_ini(folder: Path, phase: str, database_url: str, port: int) -> Path:
    limits = "".join(f"ckanext.ogpcatalog.search.{key} = 0\n" for key in LIMIT_KEYS) \
        if phase == "before" else ""
    ini = folder / f"{phase}.ini"
    ini.write_text(f"""[DEFAULT]
debug = false

[app:main]
use = config:{ROOT / 'test.ini'}
sqlalchemy.url = {database_url}
ckan.site_url = http://127.0.0.1:{port}
ckan.site_id = bench-dos
{limits}""")
    return ini


def _env(ini: Path, url: str) -> dict:
    redis = os.environ.get("BENCH_REDIS_URL") or \
        f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '56379')}/1"
    return {**os.environ, "CKAN_SQLALCHEMY_URL": url, "CKAN_INI": str(ini), "CKAN_REDIS_URL": redis}


# Every row past the seed: the row of dataset (n % SEED), with the dataset's own id, name
# and dates (the identifiers inside its stored dicts too).
_COPY_ROWS_SQL = """
INSERT INTO ogpcatalog_search_index AS idx (
  id, name, site_id, state, capacity, dataset_type, organization, permission_labels,
  metadata_created, metadata_modified, title_string, tsv, rank_tsv, doc, facets, texts, stored,
  data_dict, validated_data_dict, seq, indexed_at)
SELECT p.id, p.name, t.site_id, t.state, t.capacity, t.dataset_type, t.organization,
  t.permission_labels, p.metadata_created AT TIME ZONE 'UTC', p.metadata_modified AT TIME ZONE 'UTC',
  t.title_string, t.tsv, t.rank_tsv,
  t.doc || jsonb_build_object('id', jsonb_build_array(p.id), 'name', jsonb_build_array(p.name),
                              'index_id', jsonb_build_array(md5(p.id))),
  t.facets, t.texts, t.stored || jsonb_build_object('id', p.id, 'name', p.name),
  replace(replace(t.data_dict, t.id, p.id), t.name, p.name),
  replace(replace(t.validated_data_dict, t.id, p.id), t.name, p.name),
  nextval('ogpcatalog_search_index_seq'), now()
FROM package p
JOIN ogpcatalog_search_index t
  ON t.name = 'conjunto-' || lpad((substr(p.name, 10)::int % :seed)::text, 6, '0')
WHERE p.name LIKE 'conjunto-%' AND substr(p.name, 10)::int >= :low AND substr(p.name, 10)::int < :high
ON CONFLICT (site_id, id) DO NOTHING
"""


def prepare(report, size: int, folder: Path) -> dict:
    """The database with ``size`` generated datasets and their search index."""
    database = f"ckan_ogp_bench_dos_{size}"
    url = common.database_url(database)
    ini = _write_ini(folder, "prepare", url, PORTS["after"])
    env = _env(ini, url)

    def ckan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_BIN / "ckan"), "-c", str(ini), *args], env=env,
                              capture_output=True, text=True)

    started = time.perf_counter()
    import sqlalchemy as sa
    engine = sa.create_engine(url)

    def scalar(sql: str) -> int:
        with engine.begin() as connection:
            return connection.execute(sa.text(sql)).scalar()

    def indexed() -> int:
        if not scalar("SELECT to_regclass('ogpcatalog_search_index') IS NOT NULL"):
            return 0
        return scalar("SELECT count(*) FROM ogpcatalog_search_index")

    build: dict = {}
    if not scalar("SELECT to_regclass('package') IS NOT NULL"):
        done = ckan("db", "init")
        if done.returncode != 0:
            raise SystemExit(f"ckan db init failed:\n{done.stderr[-3000:]}")
    # every run, also on a kept database: the index's own migrations (e.g. the rank_tsv GIN
    # index the relevance shortcut reads) must be there, as `ckan db upgrade` does on a portal
    for plugin in ("activity", "harvest", "ogpcatalog", "ogpcatalog_search"):
        ckan("db", "upgrade", "-p", plugin)
    if indexed() < size:
        seed = min(size, SEED)
        if indexed() < seed:  # the seed, through CKAN's own pipeline
            portal_data.load(engine, seed)
            report.line(f"  indexing datasets 0..{seed - 1} through CKAN (ckan search-index rebuild)")
            began = time.perf_counter()
            done = ckan("search-index", "rebuild")
            if done.returncode != 0:
                raise SystemExit(f"search-index rebuild failed:\n{done.stderr[-3000:]}")
            build["seed_datasets"] = seed
            build["seed_index_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        portal_data.load(engine, size, progress=lambda n: report.progress("  datasets", n, size))
        build["load_datasets_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        step = 10_000
        for low in range(0, size, step):
            with engine.begin() as connection:
                connection.execute(sa.text(_COPY_ROWS_SQL), {"seed": SEED, "low": low, "high": low + step})
            report.progress("  index rows", min(size, low + step), size)
        with engine.begin() as connection:  # a new change token: no facet summary is reused
            connection.execute(sa.text("UPDATE ogpcatalog_search_state SET token = md5(random()::text)"))
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(sa.text("VACUUM ANALYZE ogpcatalog_search_index"))
        build["copy_rows_s"] = round(time.perf_counter() - began, 1)
        if indexed() != size:
            raise SystemExit(f"the index holds {indexed()} rows, not {size}")
    engine.dispose()
    return {"url": url, "database": database, "index_build": build or None,
            "prepare_s": round(time.perf_counter() - started, 1)}


class Server:
    """gunicorn with 2 sync workers, as a small portal runs it."""

    def __init__(self, ini: Path, url: str, port: int, log: Path):
        self.port, self.log = port, open(log, "w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--pythonpath", str(ROOT / "scripts"), "wsgi:application",
             "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "600",
             # gunicorn refuses request lines over 4 KB; a POST to the API never meets that
             # limit, so the page's long GET is let through too, as `ckan run` would.
             "--limit-request-line", "0"],
            env=_env(ini, url), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, session) -> None:
        deadline = time.time() + 180
        while True:
            try:
                if session.get(self.url("/api/3/action/status_show"), timeout=5).ok:
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if time.time() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the portal did not start; see {self.log.name}")
            time.sleep(0.5)
        for _ in range(6):  # both workers: templates, caches
            session.get(self.url("/dataset/"), timeout=60)
            session.get(self.url(ORDINARY[0]), params=ORDINARY[1], timeout=60)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def _cancel_statements(url: str) -> int:
    """Statements of given-up hostile requests still run after their server is gone."""
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        cancelled = connection.execute(sa.text(
            "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'")).scalar()
    engine.dispose()
    return int(cancelled or 0)


def _ordinary(session, server: Server, timeout: float) -> float:
    started = time.perf_counter()
    response = session.get(server.url(ORDINARY[0]), params=ORDINARY[1], timeout=timeout)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"the ordinary search answered {response.status_code}")
    return elapsed


def _send(session, server: Server, request: tuple[str, str, dict], give_up: float) -> dict:
    import requests
    method, path, params = request
    started = time.perf_counter()
    try:
        if method == "POST":
            status = session.post(server.url(path), json=params, timeout=give_up).status_code
        else:
            status = session.get(server.url(path), params=params, timeout=give_up).status_code
    except requests.Timeout:
        status = "gave up"
    except requests.RequestException as error:
        status = type(error).__name__
    return {"s": round(time.perf_counter() - started, 3), "status": status}


def in_flight(server: Server, requests_: dict, rounds: int, give_up: float,
              budget: float) -> tuple[list[float], dict]:
    """Rounds of IN_FLIGHT hostile requests at once (taken in turn from ``requests_``), the
    ordinary search sent 50 ms after them; the next round starts when all have answered. No
    round starts after ``budget`` seconds (at least 2 rounds run)."""
    import requests
    names = list(requests_)
    holds: dict[str, list[dict]] = {name: [] for name in names}
    sessions = [requests.Session() for _ in range(IN_FLIGHT)]
    ordinary_session = requests.Session()
    latencies: list[float] = []
    ends = time.perf_counter() + budget
    for round_ in range(rounds):
        if round_ >= 2 and time.perf_counter() > ends:
            break
        chosen = [names[(round_ * IN_FLIGHT + n) % len(names)] for n in range(IN_FLIGHT)]
        threads = []
        for n, name in enumerate(chosen):
            def hostile(name=name, session=sessions[n]):
                holds[name].append(_send(session, server, requests_[name], give_up))
            threads.append(threading.Thread(target=hostile, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(0.05)
        try:
            latencies.append(_ordinary(ordinary_session, server, give_up))
        except requests.Timeout:
            latencies.append(give_up * 1000)
        for thread in threads:
            thread.join(give_up + 5)
    return latencies, holds


def hammering(server: Server, requests_: dict, window: float, give_up: float) -> tuple[list[float], dict]:
    """IN_FLIGHT clients send hostile requests back to back (in turn from ``requests_``) for
    ``window`` seconds, while the ordinary search is sent back to back."""
    import requests
    names = list(requests_)
    holds: dict[str, list[dict]] = {name: [] for name in names}
    stop = threading.Event()

    def attacker(offset: int) -> None:
        session, n = requests.Session(), offset
        while not stop.is_set():
            name = names[n % len(names)]
            holds[name].append(_send(session, server, requests_[name], give_up))
            n += 1

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    session = requests.Session()
    latencies: list[float] = []
    ends = time.perf_counter() + window
    while time.perf_counter() < ends:
        try:
            latencies.append(_ordinary(session, server, give_up))
        except requests.Timeout:
            latencies.append(give_up * 1000)
    stop.set()
    for thread in threads:
        thread.join(give_up + 5)
    return latencies, holds


def _holds(holds: dict[str, list[dict]]) -> dict:
    figures = {}
    for name, samples in holds.items():
        worst = max(samples, key=lambda s: s["s"]) if samples else {"s": None}
        figures[name] = {"requests": len(samples), "worst_hold_s": worst["s"],
                         "median_hold_s": round(statistics.median(s["s"] for s in samples), 3) if samples else None,
                         "answers": sorted({str(s["status"]) for s in samples}),
                         "gave_up": any(s["status"] == "gave up" for s in samples)}
    return figures


def _ratio(samples: list[float], alone: float) -> float | None:
    return round(statistics.median(samples) / alone, 2) if samples else None


def run_phase(report, phase: str, prepared: dict, folder: Path, rounds: int, window: float,
              give_up: float, alone_repeat: int, budget: float) -> dict:
    import requests
    ini = _write_ini(folder, phase, prepared["url"], PORTS[phase])
    server = Server(ini, prepared["url"], PORTS[phase], folder / f"{phase}-gunicorn.log")
    try:
        session = requests.Session()
        server.wait_ready(session)
        alone = [_ordinary(session, server, 60) for _ in range(alone_repeat)]
        # Requests given up by their client still run on the server: each part starts with
        # their statements cancelled (before: no timeout would ever stop them).
        flight, flight_holds = in_flight(server, hostile_requests(), rounds, give_up, budget)
        cancelled = _cancel_statements(prepared["url"])
        time.sleep(1)  # the cancelled requests answer, their workers are free
        hammer, hammer_holds = hammering(server, hostile_requests(), window, give_up)
        cancelled += _cancel_statements(prepared["url"])
        time.sleep(1)
        at_limit, at_limit_holds = in_flight(server, at_limit_requests(), max(2, rounds // 4), give_up,
                                             budget / 4)
        cancelled += _cancel_statements(prepared["url"])
        time.sleep(1)
        under, under_holds = in_flight(server, under_threshold_requests(), max(2, rounds // 4),
                                       give_up, budget / 4)
    finally:
        server.stop()
        _cancel_statements(prepared["url"])
    alone_median = statistics.median(alone)
    hostile = _holds(flight_holds)
    for name, figures in _holds(hammer_holds).items():
        hostile[name]["hammering"] = figures
    result = {
        "ordinary_alone": common.summary(alone),
        "in_flight": {"ordinary": common.summary(flight), "ratio": _ratio(flight, alone_median),
                      "rounds": len(flight)},
        "hammering": {"ordinary": common.summary(hammer) if hammer else None,
                      "ratio": _ratio(hammer, alone_median), "window_s": window},
        "hostile": hostile,
        "worst_hold_s": max(max(h["worst_hold_s"] or 0, h["hammering"]["worst_hold_s"] or 0)
                            for h in hostile.values()),
        "at_limit": {"ordinary": common.summary(at_limit), "ratio": _ratio(at_limit, alone_median),
                     "requests": _holds(at_limit_holds)},
        "under_threshold": {"ordinary": common.summary(under), "ratio": _ratio(under, alone_median),
                            "requests": _holds(under_holds)},
        "statements_cancelled_between_parts": cancelled,
    }
    result["worst_at_limit_hold_s"] = max(h["worst_hold_s"] or 0
                                          for h in result["at_limit"]["requests"].values())
    report.line(f"== {phase}: ordinary search alone {alone_median:.0f} ms (median of {len(alone)}); "
                f"with {IN_FLIGHT} hostile in flight {statistics.median(flight):.0f} ms "
                f"(ratio {result['in_flight']['ratio']}); hammering "
                f"{statistics.median(hammer) if hammer else 0:.0f} ms (ratio {result['hammering']['ratio']}, "
                f"{len(hammer)} requests)")
    for name, figures in hostile.items():
        hammer_figures = figures["hammering"]
        report.line(f"   {name:40} worst hold {'>= ' if figures['gave_up'] else ''}{figures['worst_hold_s']} s "
                    f"in flight, {'>= ' if hammer_figures['gave_up'] else ''}{hammer_figures['worst_hold_s']} s "
                    f"hammering; answers {', '.join(sorted(set(figures['answers']) | set(hammer_figures['answers'])))}")
    report.line(f"   at the limits (in flight): ordinary {statistics.median(at_limit):.0f} ms "
                f"(ratio {result['at_limit']['ratio']})")
    for name, figures in result["at_limit"]["requests"].items():
        report.line(f"   {name:40} worst hold {figures['worst_hold_s']} s; answers {', '.join(figures['answers'])}")
    report.line(f"   under the costly threshold (in flight): ordinary {statistics.median(under):.0f} ms "
                f"(ratio {result['under_threshold']['ratio']})")
    for name, figures in result["under_threshold"]["requests"].items():
        report.line(f"   {name:40} worst hold {figures['worst_hold_s']} s; answers {', '.join(figures['answers'])}")
    return result


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="datasets (default 100000; quick 2000)")
    parser.add_argument("--rounds", type=int, help="in-flight rounds per phase (default 20; quick 10)")
    parser.add_argument("--window", type=float, help="seconds of hammering per phase (default 20; quick 6)")
    parser.add_argument("--give-up", type=float, help="client timeout of a request (default 60; quick 6)")
    parser.add_argument("--budget", type=float,
                        help="seconds after which no in-flight round starts, per phase (default 90; quick 8)")
    parser.add_argument("--phases", default="before,after", help="before,after (default) or one")
    parser.add_argument("--port", type=int, default=21101,
                        help="port of the before phase; after: the next one (default 21101)")
    args = parser.parse_args()
    PORTS.update(before=args.port, after=args.port + 1)
    report = common.Report(args.json)
    size = args.size or (2000 if args.quick else 100_000)
    rounds = args.rounds or (10 if args.quick else 20)
    window = args.window or (5 if args.quick else 20)
    give_up = args.give_up or (6 if args.quick else 60)
    budget = args.budget or (8 if args.quick else 90)
    figures: dict = {"benchmark": "search_dos", "quick": args.quick, "datasets": size,
                     "rounds": rounds, "budget_s": budget, "window_s": window, "give_up_s": give_up,
                     "workers": 2,
                     "hostile_in_flight": IN_FLIGHT, "cpus": os.cpu_count(),
                     "load_average_at_start": os.getloadavg(), "phases": {}}
    with tempfile.TemporaryDirectory(prefix="ogpcatalog-search-dos-") as tmp:
        folder = Path(tmp)
        report.line(f"== index of {size} datasets (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        prepared = prepare(report, size, folder)
        figures["index_build"] = prepared["index_build"]
        figures["prepare_s"] = prepared["prepare_s"]
        report.line(f"   ready in {prepared['prepare_s']} s (index build: "
                    f"{prepared['index_build'] or 'kept from an earlier run'})")
        measured = time.perf_counter()
        for phase in [p.strip() for p in args.phases.split(",") if p.strip()]:
            figures["phases"][phase] = run_phase(report, phase, prepared, folder, rounds, window,
                                                 give_up, alone_repeat=10 if args.quick else 30,
                                                 budget=budget)
        figures["measurement_s"] = round(time.perf_counter() - measured, 1)
    figures["load_average_at_end"] = os.getloadavg()
    after, before = figures["phases"].get("after"), figures["phases"].get("before")
    if after:
        figures["targets"] = {
            "worst_hold_s": after["worst_hold_s"], "hold_target_met": after["worst_hold_s"] <= 5,
            "ratio_in_flight": after["in_flight"]["ratio"],
            "ratio_target_met": after["in_flight"]["ratio"] is not None and after["in_flight"]["ratio"] < 2,
            "at_limit_worst_hold_s": after["worst_at_limit_hold_s"],
            "at_limit_ratio_in_flight": after["at_limit"]["ratio"],
            "at_limit_target_met": after["worst_at_limit_hold_s"] <= 5 and
            after["at_limit"]["ratio"] is not None and after["at_limit"]["ratio"] < 2}
        report.line(f"\n{'':34} {'before':>10} {'after':>10}")
        rows = [("ordinary alone, median ms", lambda p: p["ordinary_alone"]["median_ms"]),
                ("ordinary, 4 hostile in flight, ms", lambda p: p["in_flight"]["ordinary"]["median_ms"]),
                ("  ratio (target < 2)", lambda p: p["in_flight"]["ratio"]),
                ("ordinary, hammering, ms", lambda p: (p["hammering"]["ordinary"] or {}).get("median_ms")),
                ("  ratio", lambda p: p["hammering"]["ratio"]),
                ("worst hostile hold, s (<= 5)", lambda p: p["worst_hold_s"]),
                ("at the limits: ratio in flight", lambda p: p["at_limit"]["ratio"]),
                ("at the limits: worst hold, s", lambda p: p["worst_at_limit_hold_s"]),
                ("under the threshold: ratio", lambda p: p["under_threshold"]["ratio"])]
        for label, value in rows:
            report.line(f"{label:34} {str(value(before)) if before else '-':>10} {str(value(after)):>10}")
        report.line(f"measurement: {figures['measurement_s']} s; load average at the end "
                    f"{figures['load_average_at_end'][0]:.1f} (the machine is shared)")
    report.finish(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
