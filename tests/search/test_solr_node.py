"""The portal on a real Apache Solr 9.10 (the production engine): one node with the portal's
configset (solr/configsets/ckan), CKAN's own Solr connection (``ogpcatalog_search`` left out),
and a SolrCloud of two nodes with ZooKeeper.

Solr is started by scripts/solr.sh from the Maven build that `make test-setup` makes; without
that build (no Java 17 or Maven) these tests are skipped and say so.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckan.tests import factories, helpers

ROOT = Path(__file__).resolve().parents[2]
SOLR_SH = ROOT / "scripts" / "solr.sh"
STATE_DIR = Path(os.environ.get("STATE_DIR", "/var/lib/ogpcatalog"))
SOLR_PORT = int(os.environ.get("SOLR_PORT", "58983"))
CLOUD_PORTS = [int(p) for p in os.environ.get("SOLR_CLOUD_PORTS", "58984 58985").split()]
NODE_URL = f"http://127.0.0.1:{SOLR_PORT}/solr/ckan"
PLUGINS = "ogpcatalog scheming_datasets scheming_groups scheming_organizations"


def _not_built() -> str | None:
    if not (STATE_DIR / "solr" / "build" / "classpath.txt").is_file():
        return (f"Solr is not built ({STATE_DIR}/solr/build missing): run `make test-setup` "
                "(needs Java 17 and Maven), or `bash scripts/solr.sh build`")
    return None


pytestmark = [pytest.mark.solr, pytest.mark.skipif(_not_built() is not None,
                                                   reason=_not_built() or "")]


def _get(url: str, timeout: float = 10) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def _answers(url: str) -> bool:
    try:
        return _get(f"{url}/admin/ping?wt=json", timeout=3).get("status") == "OK"
    except OSError:
        return False


def _solr_sh(command: str) -> float:
    """Run ``scripts/solr.sh COMMAND``; returns the seconds it took."""
    started = time.monotonic()
    result = subprocess.run(["bash", str(SOLR_SH), command], capture_output=True, text=True,
                            timeout=600, env={**os.environ, "STATE_DIR": str(STATE_DIR)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return time.monotonic() - started


@pytest.fixture(scope="module")
def solr_node() -> Iterator[str]:
    """One Solr node with the core ``ckan``; stopped afterwards unless it ran before."""
    already = _answers(NODE_URL)
    seconds = _solr_sh("start-node")
    print(f"\nSolr node ready in {seconds:.1f}s ({'already running' if already else 'started'})")
    yield NODE_URL
    if not already:
        _solr_sh("stop-node")


@pytest.fixture
def on_solr(solr_node, monkeypatch):
    """CKAN's own Solr connection for this test (``ogpcatalog_search`` replaces it at load
    time, once per process, when test.ini loads it), and an empty index."""
    from ckanext.ogpcatalog.search import backend
    for module, name in backend._TARGETS:
        original = backend._ORIGINALS.get(f"{module.__name__}.{name}")
        if original is not None:
            monkeypatch.setattr(module, name, original)
    import ckan.lib.search as search
    search.clear_all()
    return solr_node


def _ids(**params) -> list[str]:
    return sorted(d["id"] for d in helpers.call_action("package_search", **params)["results"])


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("solr_url", NODE_URL)
@pytest.mark.usefixtures("with_plugins", "clean_db", "on_solr")
class TestPortalOnSolr:
    @pytest.fixture
    def datasets(self) -> dict[str, dict]:
        return {
            "works": factories.Dataset(
                title_translated={"es": "Contratación pública de obras",
                                  "en": "Public works procurement"}, theme=["ECON"]),
            "budget": factories.Dataset(
                title_translated={"es": "Informes de presupuesto", "en": "Budget reports"},
                theme=["ECON", "GOVE"]),
            "air": factories.Dataset(
                title_translated={"es": "Calidad del aire", "en": "Air quality"},
                theme=["ENVI"]),
            "tenders": factories.Dataset(
                title_translated={"es": "Licitaciones de desarrollo económico"}),
        }

    def test_solr_answers_with_the_portals_schema(self):
        assert _get(f"{NODE_URL}/schema/name?wt=json")["name"] == "ckan-2.12"

    def test_a_word_without_its_accent_finds_the_accented_title(self, datasets):
        for words in ("contratacion", "Contratación", "CONTRATACION"):
            assert _ids(q=words) == [datasets["works"]["id"]], words

    def test_an_english_title_is_found_by_its_english_words(self, datasets):
        assert _ids(q="procurement") == [datasets["works"]["id"]]
        assert _ids(q="air quality") == [datasets["air"]["id"]]

    def test_spanish_and_english_plurals_and_singulars_match(self, datasets):
        for words in ("informe", "obra", "contrataciones", "report", "budgets"):
            expected = datasets["works" if words in ("obra", "contrataciones") else "budget"]
            assert _ids(q=words) == [expected["id"]], words

    def test_spanish_stems_match_other_forms_of_a_word(self, datasets):
        # what CKAN's English-only schema misses: gender and verb forms of Spanish words
        for words in ("economica", "licitar"):
            assert _ids(q=words) == [datasets["tenders"]["id"]], words

    def test_a_fielded_query_uses_the_same_analysis(self, datasets):
        assert _ids(q="text:contratacion") == [datasets["works"]["id"]]

    def test_codelist_fields_filter_and_facet_by_code(self, datasets):
        assert _ids(fq="theme:ECON") == sorted([datasets["works"]["id"], datasets["budget"]["id"]])
        found = helpers.call_action("package_search", **{"facet.field": '["theme"]'})
        counts = {item["name"]: item["count"] for item in found["search_facets"]["theme"]["items"]}
        assert counts == {"ECON": 2, "GOVE": 1, "ENVI": 1}

    def test_codelist_labels_are_found_in_both_languages(self, datasets):
        for words in ("Medio ambiente", "Environment"):
            assert _ids(q=words) == [datasets["air"]["id"]], words


# ============================================================================== SolrCloud
def _cloud_url(i: int) -> str:
    return f"http://127.0.0.1:{CLOUD_PORTS[i]}/solr"


@pytest.fixture(scope="module")
def solr_cloud() -> Iterator[list[str]]:
    already = all(_answers(f"{_cloud_url(i)}/ckan") for i in (0, 1))
    seconds = _solr_sh("start-cloud")
    print(f"\nSolrCloud ready in {seconds:.1f}s ({'already running' if already else 'started'})")
    yield [_cloud_url(0), _cloud_url(1)]
    if not already:
        _solr_sh("stop-cloud")


def test_solrcloud_collection_has_two_active_replicas_on_two_nodes(solr_cloud):
    status = _get(f"{solr_cloud[0]}/admin/collections?action=CLUSTERSTATUS&collection=ckan&wt=json")
    cluster = status["cluster"]
    shards = cluster["collections"]["ckan"]["shards"]
    replicas = [r for shard in shards.values() for r in shard["replicas"].values()]
    assert len(shards) == 1 and len(replicas) == 2
    assert {r["state"] for r in replicas} == {"active"}
    assert len({r["node_name"] for r in replicas}) == 2
    assert len(cluster["live_nodes"]) == 2


def _update(url: str, body: Any) -> None:
    request = urllib.request.Request(f"{url}/ckan/update?commit=true&wt=json",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.load(response)["responseHeader"]["status"] == 0


def _local_ids(url: str, q: str) -> list[str]:
    # distrib=false: the node's own replica answers, not the one it would forward to
    found = _get(f"{url}/ckan/select?q={q}&distrib=false&wt=json")
    return [d["id"] for d in found["response"]["docs"]]


def test_solrcloud_writes_and_deletes_reach_both_replicas(solr_cloud):
    doc = {"index_id": "cloud-test-1", "id": "cloud-test-1", "site_id": "test",
           "title": "Contratación en la nube", "state": "active"}
    _update(solr_cloud[0], [doc])
    for url in solr_cloud:
        assert _local_ids(url, "title:contratacion") == ["cloud-test-1"], url
    # a delete by id on the replica needs a numeric _version_ (CKAN's schema has a string)
    _update(solr_cloud[1], {"delete": {"id": "cloud-test-1"}})
    for url in solr_cloud:
        assert _local_ids(url, "id:cloud-test-1") == [], url
    test_solrcloud_collection_has_two_active_replicas_on_two_nodes(solr_cloud)
