"""The demo's procurement datasets: several institutions, valid against the procurement schema."""
from __future__ import annotations

from collections import Counter

import pytest
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.demo import loader


@pytest.fixture(scope="module")
def procurement() -> list[dict]:
    return [obj.data for obj in loader.read_content()
            if obj.kind.key == "datasets" and obj.data.get("type") == "procurement"]


def test_procurement_demo_comes_from_several_institutions(procurement):
    assert len(procurement) >= 5
    assert len(Counter(d["owner_org"] for d in procurement)) >= 3


def test_procurement_demo_is_bilingual_and_covers_an_emergency(procurement):
    for dataset in procurement:
        assert set(dataset["title_translated"]) == {"es", "en"}, dataset["name"]
        assert set(dataset["notes_translated"]) == {"es", "en"}, dataset["name"]
    emergencies = [d for d in procurement if d.get("emergency") == "true"]
    assert emergencies and all(set(d["emergency_legal_basis"]) == {"es", "en"} for d in emergencies)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_procurement_demo_loads_and_is_found_by_type_and_method(procurement):
    loader.load_demo(loader.site_user_context())

    context = loader.site_user_context()
    found = call_action("package_search", context, fq="type:procurement", rows=0,
                        include_private=True)
    assert found["count"] == len(procurement)
    covid = call_action("package_show", id="compras-emergencia-covid-19-2020")
    assert covid["type"] == "procurement"
    assert covid["emergency"] == "true"
    assert covid["total_values"] == [{"currency": "USD", "amount": 142385220.36}]
    assert "Decreto Ejecutivo 1017" in covid["emergency_legal_basis"]["es"]
