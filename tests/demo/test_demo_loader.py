"""The demo content: what it holds, and loading it once, twice and from the command line."""
from __future__ import annotations

from collections import Counter

import pytest
from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.demo import loader


@pytest.fixture(scope="module")
def content() -> dict[str, list[dict]]:
    objects = loader.read_content()
    return {kind.key: [o.data for o in objects if o.kind is kind] for kind in loader.KINDS}


@pytest.fixture
def loaded(with_plugins, clean_db, clean_index):
    return loader.load_demo(loader.site_user_context())


def _search(**params) -> dict:
    context = loader.site_user_context()
    return call_action("package_search", context, rows=0, include_private=True, **params)


# The content itself


def test_content_is_a_national_portal_of_about_ten_institutions(content):
    assert len(content["organizations"]) >= 10
    assert 4 <= len(content["groups"]) <= 8
    assert len(content["datasets"]) >= 30


def test_every_dataset_refers_to_demo_institutions_and_themes(content):
    organizations = {org["name"] for org in content["organizations"]}
    groups = {group["name"] for group in content["groups"]}
    for dataset in content["datasets"]:
        assert dataset["owner_org"] in organizations, dataset["name"]
        assert set(dataset["groups"]) <= groups, dataset["name"]


def test_every_dataset_has_a_default_licence_tags_and_resources(content):
    licences = {licence["id"] for licence in call_action("license_list")}
    for dataset in content["datasets"]:
        assert dataset["license_id"] in licences, dataset["name"]
        assert dataset["tags"], dataset["name"]
        assert 1 <= len(dataset["resources"]) <= 3, dataset["name"]
        for resource in dataset["resources"]:
            assert resource["url"].startswith("https://datos.example.gob/"), resource["url"]
            assert resource["format"], resource["url"]


def test_the_action_plan_has_ten_commitments_with_milestones_and_demo_evidence(content):
    plans = [g for g in content["groups"] if g.get("type") == "action-plan"]
    commitments = [d for d in content["datasets"] if d.get("type") == "commitment"]
    datasets = {d["name"] for d in content["datasets"] if d.get("type") != "commitment"}

    assert [p["name"] for p in plans] == ["ecuador-2019-2022"]
    assert sorted(c["ogp_id"] for c in commitments) == [f"EC{n:04d}" for n in range(1, 11)]
    for commitment in commitments:
        assert commitment["action_plan"] == "ecuador-2019-2022"
        assert 2 <= len(commitment["milestones"]) <= 4, commitment["name"]
        evidence = {e for m in commitment["milestones"] for e in m.get("evidence_datasets", [])}
        assert evidence and evidence <= datasets, commitment["name"]


def test_commitments_load_after_the_datasets_they_name_as_evidence(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "datasets:\n  - {name: compromiso, type: commitment}\n  - {name: conjunto}\n")
    (tmp_path / "b.yaml").write_text("datasets:\n  - {name: otro-conjunto}\n")

    names = [obj.name for obj in loader.read_content(tmp_path)]

    assert names == ["conjunto", "otro-conjunto", "compromiso"]


def test_read_content_rejects_a_name_used_twice(tmp_path):
    (tmp_path / "a.yaml").write_text("organizations:\n  - name: mef\n    title: A\n")
    (tmp_path / "b.yaml").write_text("groups:\n  - name: mef\n    title: B\n")
    with pytest.raises(loader.DemoContentError, match="mef"):
        loader.read_content(tmp_path)


def test_read_content_rejects_an_unknown_section(tmp_path):
    (tmp_path / "a.yaml").write_text("institutions:\n  - name: mef\n")
    with pytest.raises(loader.DemoContentError, match="institutions"):
        loader.read_content(tmp_path)


# Loading


def test_load_creates_the_institutions_themes_and_datasets(loaded, content):
    assert set(call_action("organization_list")) == {o["name"] for o in content["organizations"]}
    for group_type in ("group", "action-plan"):
        assert set(call_action("group_list", type=group_type)) == {
            g["name"] for g in content["groups"] if g.get("type", "group") == group_type}
    assert _search()["count"] == len(content["datasets"])
    assert loaded == {
        kind: {"created": len(items), "kept": 0} for kind, items in content.items()
    }


@pytest.mark.usefixtures("loaded")
def test_loaded_dataset_keeps_resources_tags_groups_and_institution():
    dataset = call_action("package_show", id="procesos-contratacion-publica-2024")
    assert dataset["organization"]["name"] == "sercop"
    assert {g["name"] for g in dataset["groups"]} == {"economia-finanzas", "gobierno-abierto"}
    assert "contratación pública" in {t["name"] for t in dataset["tags"]}
    assert [r["format"] for r in dataset["resources"]] == ["CSV", "JSON", "PDF"]
    assert dataset["license_id"] == "cc-by"


@pytest.mark.usefixtures("loaded")
def test_loaded_action_plan_lists_its_ten_commitments():
    found = call_action("package_search", fq='action_plan:"ecuador-2019-2022"', rows=20)
    assert sorted(d["ogp_id"] for d in found["results"]) == [f"EC{n:04d}" for n in range(1, 11)]
    evidenced = call_action("package_search", rows=0,
                            fq='milestones_evidence_datasets:"procesos-contratacion-publica-2024"')
    assert evidenced["count"] == 1


@pytest.mark.usefixtures("loaded")
def test_private_demo_datasets_are_hidden_from_anonymous_search(content):
    private = [d["name"] for d in content["datasets"] if d.get("private")]
    assert private
    anonymous = call_action("package_search", {"user": ""}, rows=0)
    assert anonymous["count"] == len(content["datasets"]) - len(private)


@pytest.mark.usefixtures("loaded")
def test_demo_datasets_are_faceted_by_institution_and_theme(content):
    facets = _search(**{"facet.field": ["organization", "groups"], "facet.limit": -1})
    by_org = Counter(d["owner_org"] for d in content["datasets"])
    assert facets["facets"]["organization"] == dict(by_org)
    # A commitment is also listed in its action plan.
    by_group = Counter(g for d in content["datasets"]
                       for g in d["groups"] + ([d["action_plan"]] if d.get("action_plan") else []))
    assert facets["facets"]["groups"] == dict(by_group)


@pytest.mark.usefixtures("loaded")
def test_second_load_creates_nothing(content):
    again = loader.load_demo(loader.site_user_context())

    assert again == {kind: {"created": 0, "kept": len(items)} for kind, items in content.items()}
    assert _search()["count"] == len(content["datasets"])
    assert len(call_action("organization_list")) == len(content["organizations"])


@pytest.mark.usefixtures("loaded")
def test_second_load_keeps_a_title_changed_by_a_user(sysadmin):
    user = {"user": sysadmin["name"]}
    call_action("package_patch", user, id="deuda-publica", title="Deuda pública consolidada")

    loader.load_demo(loader.site_user_context())

    assert call_action("package_show", id="deuda-publica")["title"] == "Deuda pública consolidada"


@pytest.mark.usefixtures("loaded")
def test_second_load_does_not_restore_a_deleted_dataset(sysadmin):
    call_action("package_delete", {"user": sysadmin["name"]}, id="deuda-publica")

    loader.load_demo(loader.site_user_context())

    assert call_action("package_show", id="deuda-publica")["state"] == "deleted"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_load_reports_the_object_the_portal_refuses(tmp_path):
    (tmp_path / "datasets.yaml").write_text(
        "datasets:\n  - name: sin-institucion\n    title: X\n    owner_org: no-existe\n"
    )
    with pytest.raises(loader.DemoContentError, match="sin-institucion"):
        loader.load_demo(loader.site_user_context(), loader.read_content(tmp_path))


# The command


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_demo_load_command_loads_and_reports_counts(cli, content):
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "demo", "load"])

    assert result.exit_code == 0, result.output
    assert f"datasets: {len(content['datasets'])} created, 0 kept" in result.output
    assert _search()["count"] == len(content["datasets"])


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_demo_load_command_run_twice_keeps_everything(cli, content):
    cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "demo", "load"])
    result = cli.invoke(ckan, ["ogpcatalog", "--lang", "en", "demo", "load"])

    assert result.exit_code == 0, result.output
    assert f"datasets: 0 created, {len(content['datasets'])} kept" in result.output


@pytest.mark.usefixtures("loaded")
def test_loaded_demo_has_a_history_that_the_backfill_draws_month_by_month():
    from ckanext.ogpcatalog.metrics import snapshots

    months = snapshots.month_ends()
    assert len(months) >= loader.HISTORY_MONTHS - 1
    snapshots.backfill(months)
    points = [p["value"] for p in snapshots.series("datasets_public", None, "month", None, None)]
    assert len(points) >= loader.HISTORY_MONTHS - 1
    assert points == sorted(points) and points[0] < points[-1]  # the portal grew


def test_history_dates_run_from_the_history_start_to_now_oldest_first():
    import datetime
    now = datetime.datetime(2026, 12, 7)
    dates = loader.history_dates(5, now)
    assert dates == sorted(dates) and dates[-1] == now
    assert (now - dates[0]).days == int(loader.HISTORY_MONTHS * 30.4)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_theme_kept_from_before_bilingual_themes_gets_its_translations_and_keeps_its_title():
    from ckan import model
    context = loader.site_user_context()
    # as stored before schemas/theme.yaml: CKAN's plain title and description only
    group = model.Group(name="salud", title="Salud (título propio)", description="Propia.",
                        type="group", is_organization=False)
    model.Session.add(group)
    model.Session.commit()

    counts = loader.load_demo(context)

    shown = call_action("group_show", context, id="salud")
    assert shown["title"] == "Salud (título propio)"
    assert shown["description"] == "Propia."
    assert shown["title_translated"]["en"] == "Health"
    assert shown["description_translated"]["en"]
    assert counts["groups"]["kept"] >= 1
    again = loader.load_demo(context)  # a re-run changes nothing more
    assert call_action("group_show", context, id="salud")["title_translated"] == \
        shown["title_translated"]
    assert again["groups"]["created"] == 0
