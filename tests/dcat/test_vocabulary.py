"""The vocabulary is complete and documented: every schema field is mapped to RDF, and every
term of ours used in the mapping appears in docs/vocabulary.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ckanext.ogpcatalog.dcat import vocabulary as v

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "ckanext" / "ogpcatalog" / "schemas"
DOC = ROOT / "docs" / "vocabulary.md"


@pytest.mark.parametrize("dataset_type", ["dataset", "procurement", "commitment"])
def test_every_schema_field_has_an_rdf_mapping(dataset_type):
    schema = yaml.safe_load((SCHEMAS / f"{dataset_type}.yaml").read_text(encoding="utf-8"))
    mapped = (set(v.DCAT_AP_FIELDS) | {t.field for t in v.TERMS.get(dataset_type, ())}
              | set(v.STRUCTURED_FIELDS.get(dataset_type, ())))
    fields = {f["field_name"] for f in schema["dataset_fields"]}
    assert fields - mapped == set()


def test_every_term_of_ours_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    dcat = ROOT / "ckanext" / "ogpcatalog" / "dcat"
    source = "".join(path.read_text(encoding="utf-8")
                     for path in [*sorted((dcat / "profile").glob("*.py")), dcat / "vocabulary.py"])
    used = set(re.findall(r"OGPC\.(\w+)", source))
    assert used
    assert {f"ogpc:{name}" for name in used if f"`ogpc:{name}`" not in doc} == set()

