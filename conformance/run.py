"""Run CKAN's own shipped search tests against the PostgreSQL search backend, or against Solr.

Usage: python conformance/run.py [--ini test-core.ini] [--junit FILE] [--solr [URL]] [pytest args...]

The suites are the ones named in the issue: ``ckan/tests/lib/search/`` and
``ckan/tests/logic/action/test_get.py`` inside the installed ``ckan`` package, run with
``ckan.plugins = ogpcatalog_search`` (test-core.ini). The result is compared with
``expected_failures.txt``: the run fails if the pass rate is under 98% or a test fails
that is not listed with its reason.

``--solr`` (``make conformance-solr``) runs the same suites the way CKAN itself runs them: on
Apache Solr, ``ckan.plugins`` empty (no ``ogpcatalog_search``) and ``solr_url`` pointing at the
project's Solr node with the portal's configset (solr/configsets/ckan). Without a URL, the node
of ``scripts/solr.sh`` on ``SOLR_PORT`` is used, started if it does not answer (and stopped
afterwards). Its own list of expected failures is ``expected_failures_solr.txt``. This is the
check that the portal's configset keeps CKAN's search behaviour (CKAN's reference: ~100%).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import ckan

from ckanext.ogpcatalog.search.solr_admin import solr_answers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CKAN_DIR = Path(ckan.__file__).resolve().parent
SUITES = [CKAN_DIR / "tests" / "lib" / "search", CKAN_DIR / "tests" / "logic" / "action" / "test_get.py"]
MIN_PASS_RATE = 0.98


def read_expected(name: str = "expected_failures.txt") -> dict[str, str]:
    expected = {}
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _, reason = line.partition("|")
        expected[test_id.strip()] = reason.strip()
    return expected


def test_id(case: ET.Element) -> str:
    """``module[::Class]::test`` (junit class names are relative to the test files)."""
    return "::".join([*case.get("classname", "").split("."), case.get("name", "")])


@contextlib.contextmanager
def solr_node(url: str | None) -> Iterator[str]:
    """``url``, or the project's node (scripts/solr.sh start-node), stopped after if started here."""
    if url:
        if not solr_answers(url):
            raise SystemExit(f"Conformance: no Solr answers at {url}")
        yield url
        return
    url = f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '58983')}/solr/ckan"
    already = solr_answers(url)
    if not already:
        started = subprocess.run(["bash", str(ROOT / "scripts" / "solr.sh"), "start-node"], timeout=900)
        if started.returncode != 0:
            raise SystemExit("Conformance: the Solr node did not start (scripts/solr.sh start-node)")
    try:
        yield url
    finally:
        if not already:
            subprocess.run(["bash", str(ROOT / "scripts" / "solr.sh"), "stop-node"], timeout=300)


def solr_ini(ini: str, url: str, directory: str) -> str:
    """``ini`` with CKAN's own search on ``url``: no plugins, ``solr_url`` set."""
    text = Path(ini).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^ckan\.plugins\s*=.*$", "ckan.plugins =", text)
    text = re.sub(r"(?m)^solr_url\s*=.*$", f"solr_url = {url}", text)
    path = Path(directory) / "conformance-solr.ini"
    path.write_text(text, encoding="utf-8")
    return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", default=str(ROOT / "test-core.ini"))
    parser.add_argument("--junit", default=None)
    parser.add_argument("--solr", nargs="?", const="", default=None, metavar="URL",
                        help="on Apache Solr without ogpcatalog_search (default: the project's node)")
    args, extra = parser.parse_known_args()
    on_solr = args.solr is not None
    junit = args.junit or str(ROOT / "test-results" / ("conformance-solr.xml" if on_solr else "conformance.xml"))
    Path(junit).parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        ini = args.ini
        if on_solr:
            url = stack.enter_context(solr_node(args.solr or None))
            ini = solr_ini(args.ini, url, stack.enter_context(tempfile.TemporaryDirectory()))
            print(f"Conformance: CKAN's search tests on Apache Solr {url} (ckan.plugins empty)")
        else:
            print("Conformance: CKAN's search tests against ogpcatalog_search")
        command = [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
                   f"--ckan-ini={ini}", f"--rootdir={ROOT}", f"--junitxml={junit}",
                   "-q", "-W", "ignore::DeprecationWarning", *map(str, SUITES), *extra]
        print(" ".join(command), flush=True)
        subprocess.run(command, cwd=ROOT, env=os.environ.copy())
    return report(junit, "expected_failures_solr.txt" if on_solr else "expected_failures.txt")


def report(junit: str, expected_file: str) -> int:
    expected = read_expected(expected_file)
    tree = ET.parse(junit)
    passed, failed, skipped = [], [], []
    for case in tree.iter("testcase"):
        identifier = test_id(case)
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(identifier)
        elif case.find("skipped") is not None:
            skipped.append(identifier)
        else:
            passed.append(identifier)
    ran = len(passed) + len(failed)
    rate = len(passed) / ran if ran else 0.0
    unexpected = [t for t in failed if t not in expected]
    fixed = [t for t in expected if t in passed]
    print(f"\nConformance: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped; "
          f"pass rate {rate:.2%} (minimum {MIN_PASS_RATE:.0%})")
    for t in failed:
        print(f"  failed{' (expected)' if t in expected else ' (NOT LISTED)'}: {t}"
              + (f" -- {expected[t]}" if t in expected else ""))
    for t in fixed:
        print(f"  listed as failing but passed (update {expected_file}): {t}")
    if ran == 0:
        print("Conformance: no test ran")
        return 1
    if rate < MIN_PASS_RATE or unexpected:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
