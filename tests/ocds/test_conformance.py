"""Opt-in conformance run (``OGPCATALOG_CORPUS=1``): every file of the shared OCDS corpus through
the job's analysis, offline, with a per-file report (kind, valid, error count, releases).

No file may crash the analysis: each ends as a summary or as a named file problem."""
from __future__ import annotations

import os

import pytest

from ckanext.ogpcatalog.ocds import detect, jobs

from .conftest import CORPUS


def test_every_corpus_file_gets_a_summary_or_a_named_problem(schema_dir, no_network, capsys):
    if os.environ.get("OGPCATALOG_CORPUS") != "1":
        pytest.skip("conformance run not requested: set OGPCATALOG_CORPUS=1 to validate the shared OCDS corpus")
    files = sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.parent.name != "schema-1.1.5")
    assert files, f"no OCDS files under {CORPUS}"
    lines = [f"{'file':<75} {'kind':<18} {'valid':<6} {'errors':>6} {'releases':>8}"]
    for path in files:
        name = f"{path.parent.name}/{path.name}"
        try:
            result = jobs.analyse(path.read_bytes(), schema_dir)
        except detect.FileProblem as problem:
            lines.append(f"{name:<75} {'(' + problem.code + ')':<18} {'-':<6} {'-':>6} {'-':>8}")
            continue
        assert result["error_count"] == sum(g["count"] for g in result["errors"]) or result["errors_truncated"]
        lines.append(f"{name:<75} {result['kind']:<18} {str(result['valid']):<6} "
                     f"{result['error_count']:>6} {result['releases'] + result['records']:>8}")
    assert no_network == []
    with capsys.disabled():
        print("\n" + "\n".join(lines))
