"""CSRF protection on every form the extension adds, read from the Flask app's url_map.

"The extension's forms" are the POST routes of its own Blueprints (``ogpcatalog_*``) and of
the Blueprints CKAN makes for the types its schemas add (``procurement``, ``commitment`` and
their resources, the ``action-plan`` group type). Each one gets a recipe in ``RECIPES`` (the
form data its page posts); a new POST route without a recipe fails
``test_every_post_route_of_the_extension_has_a_recipe``, so a new form cannot ship untested.

For each route (one test per Blueprint, its routes in the recipes' order, deletions last), as
a logged-in sysadmin, after an anonymous request and an API-token request to the same view
tried to prime a CSRF exemption (the class of CKAN's CVE-2026-41255, see
``ckanext/ogpcatalog/upstream/csrf_exemptions.py``): a POST without the token is refused with 400 and
every row of every table is what it was; the same POST with the page's token is not refused.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask_wtf.csrf import CSRFError

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from tests.dcat.harvest_server import serving

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "dcat" / "harvest" / "catalog.ttl"
PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
CSRF_REFUSAL = "CSRF"  # Flask-WTF's reasons: "The CSRF token is missing." / "...is invalid."

SCHEMAS = Path(__file__).resolve().parents[2] / "ckanext" / "ogpcatalog" / "schemas"
OWN_PREFIX = "ogpcatalog_"


def _schema_types(key: str) -> tuple[str, ...]:
    """The types the extension's schemas add (CKAN's own ``dataset`` and ``organization``,
    which the schemas only extend, keep core's forms)."""
    found = []
    for path in sorted(SCHEMAS.glob("*.yaml")):
        value = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key)
        if value and value not in ("dataset", "group", "organization"):
            found.append(value)
    return tuple(found)


# The dataset and group types the extension's schemas add (their Blueprints are its forms).
DATASET_TYPES = _schema_types("dataset_type")
GROUP_TYPES = _schema_types("group_type")

Targets = dict[str, Any]
# A recipe: (URL arguments from the targets, form data from the targets).
Recipe = tuple[Callable[[Targets], dict[str, str]], Callable[[Targets], dict[str, Any]]]


def _dataset_recipes(kind: str) -> dict[str, Recipe]:
    ds = lambda t: {"id": t[kind]["name"]}  # noqa: E731
    res = lambda t: {"id": t[kind]["name"], "resource_id": t[kind]["resources"][0]["id"]}  # noqa: E731
    return {
        f"{kind}.new": (lambda t: {}, lambda t: {
            "name": f"nuevo-{kind}", "title_translated-es": "Nuevo", "owner_org": t["institution"]["id"],
            "license_id": "cc-by", "save": "continue"}),
        f"{kind}.edit": (ds, lambda t: {
            "name": t[kind]["name"], "title_translated-es": "Título cambiado",
            "owner_org": t["institution"]["id"], "license_id": "cc-by", "save": ""}),
        f"{kind}.follow": (ds, lambda t: {}),
        f"{kind}.unfollow": (ds, lambda t: {}),
        f"{kind}.groups": (ds, lambda t: {"group_added": t["action_plan"]["id"]}),
        f"{kind}.delete": (ds, lambda t: {"delete": "yes"}),
        f"{kind}_resource.new": (ds, lambda t: {
            "id": "", "url": "https://datos.example.gob.ec/nuevo.csv", "name": "Nuevo recurso",
            "format": "CSV", "save": "again"}),
        f"{kind}_resource.edit": (res, lambda t: {
            "url": "https://datos.example.gob.ec/cambiado.csv", "name": "Recurso cambiado",
            "format": "CSV", "save": ""}),
        f"{kind}_resource.edit_view": (res, lambda t: {"title": "Vista", "view_type": "image_view"}),
        f"{kind}_resource.delete": (res, lambda t: {"delete": "yes"}),
    }


def _group_recipes(kind: str) -> dict[str, Recipe]:
    grp = lambda t: {"id": t["action_plan"]["name"]}  # noqa: E731
    return {
        f"{kind}.new": (lambda t: {}, lambda t: {
            "name": "plan-nuevo", "title_translated-es": "Plan nuevo", "country_or_locality": "Ecuador",
            "plan_scope": "national", "period_start": "2024-01-01", "period_end": "2026-12-31",
            "save": ""}),
        f"{kind}.edit": (grp, lambda t: {
            "name": t["action_plan"]["name"], "title_translated-es": "Plan cambiado",
            "country_or_locality": "Ecuador", "plan_scope": "national",
            "period_start": "2019-09-01", "period_end": "2022-08-31", "save": ""}),
        f"{kind}.follow": (grp, lambda t: {}),
        f"{kind}.unfollow": (grp, lambda t: {}),
        f"{kind}.followers": (grp, lambda t: {}),
        f"{kind}.admins": (grp, lambda t: {}),
        f"{kind}.manage_members": (grp, lambda t: {}),
        f"{kind}.member_new": (grp, lambda t: {"username": t["editor"]["name"], "role": "member"}),
        f"{kind}.member_delete": (grp, lambda t: {"user": t["sysadmin"]["id"]}),
        f"{kind}.bulk_process": (grp, lambda t: {f"dataset_{t['commitment']['id']}": "on",
                                                 "bulk_action.private": "private"}),
        f"{kind}.delete": (grp, lambda t: {"delete": "yes"}),
    }


RECIPES: dict[str, Recipe] = {
    # The extension's own pages
    "ogpcatalog_harvest.dry_run": (lambda t: {"id": t["source"]["name"]}, lambda t: {}),
    "ogpcatalog_ocds.validate": (
        lambda t: {"id": t["procurement"]["name"], "resource_id": t["procurement"]["resources"][0]["id"]},
        lambda t: {}),
    "ogpcatalog_ocds.apply_suggestions": (lambda t: {"id": t["procurement"]["name"]},
                                          lambda t: {"fields": ["ocds_version"]}),
    "ogpcatalog_portal.publish": (lambda t: {"id": t["procurement"]["name"]}, lambda t: {}),
    **{k: v for kind in DATASET_TYPES for k, v in _dataset_recipes(kind).items()},
    **{k: v for kind in GROUP_TYPES for k, v in _group_recipes(kind).items()},
}


def _is_ours(endpoint: str) -> bool:
    blueprint = endpoint.split(".", 1)[0]
    types = DATASET_TYPES + tuple(f"{kind}_resource" for kind in DATASET_TYPES) + GROUP_TYPES
    return blueprint.startswith(OWN_PREFIX) or blueprint in types


def _post_routes(flask_app) -> dict[str, list[Any]]:
    """endpoint -> its POST rules (``edit_view`` has two: new and edit)."""
    found: dict[str, list[Any]] = {}
    for rule in flask_app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and _is_ours(rule.endpoint):
            found.setdefault(rule.endpoint, []).append(rule)
    return found


# --- the world the forms act on -------------------------------------------------------------

@pytest.fixture
def catalogue_url() -> Iterator[str]:
    """The harvest fixture catalogue, served on 127.0.0.1 for the dry run."""
    body = CATALOGUE.read_bytes()

    with serving(body) as url:
        yield url


@pytest.fixture
def targets(catalogue_url) -> Targets:
    sysadmin = factories.Sysadmin(password=PASSWORD)
    editor = factories.User(password=PASSWORD)
    bystander = factories.User()
    institution = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    plan = factories.Group(type="action-plan", name="ecuador-2019-2022",
                           title_translated={"es": "Primer Plan de Acción", "en": "First Action Plan"},
                           country_or_locality="Ecuador", plan_scope="national", plan_number="1",
                           period_start="2019-09-01", period_end="2022-08-31")
    common = {"owner_org": institution["id"], "license_id": "cc-by",
              "title_translated": {"es": "Título original", "en": "Original title"},
              "resources": [{"name": "Datos", "url": "https://datos.example.gob.ec/ocds.json",
                             "format": "JSON"}]}
    procurement = call_action("package_create", context, type="procurement", name="compras-2024",
                              buyer=institution["name"], stages=["tender"], procurement_methods=["open"],
                              period_start="2024-01-01", period_end="2024-12-31", emergency="false",
                              **common)
    commitment = call_action("package_create", context, type="commitment", name="compromiso-datos",
                             ogp_id="EC0001", action_plan=plan["name"],
                             lead_institution=institution["name"], **common)
    series = call_action("package_create", context, type="dataset_series", name="compras-anuales",
                         **common)
    service = call_action("package_create", context, type="data_service", name="api-compras",
                          endpoint_url="https://api.example.gob.ec/ocds/", **common)
    source = call_action("harvest_source_create", context, name="catalogo-ministerio",
                         title="Catálogo del ministerio", url=catalogue_url,
                         source_type="ogpcatalog_dcat", owner_org=institution["id"], frequency="MANUAL")
    token = call_action("api_token_create", {"user": bystander["name"]},
                        user=bystander["name"], name="script")["token"]
    return {"sysadmin": sysadmin, "editor": editor, "institution": institution, "action_plan": plan,
            "procurement": procurement, "commitment": commitment, "source": source,
            "dataset_series": series, "data_service": service,
            "bystander_token": token}


def _database_state() -> dict[str, str]:
    """A digest of every row of every table (but users' last-activity time, which any request
    of a logged-in user may touch)."""
    engine = model.meta.engine
    tables = sa.inspect(engine).get_table_names(schema="public")
    state = {}
    with engine.connect() as connection:
        for table in tables:
            state[table] = connection.execute(sa.text(
                f"SELECT md5(coalesce(string_agg((to_jsonb(t) - 'last_active')::text, '|' "
                f"ORDER BY (to_jsonb(t) - 'last_active')::text), '')) FROM \"{table}\" t")).scalar()
    return state


def _log_in(app, user: dict) -> None:
    page = app.get("/user/login")
    token = TOKEN_RE.search(page.body).group(1)
    response = app.post("/user/login", data={"login": user["name"], "password": PASSWORD,
                                             "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302, response.body[:500]


def _fresh_token(app) -> str:
    """A token of the logged-in session, from a page that renders a form."""
    page = app.get("/user/edit")
    return TOKEN_RE.search(page.body).group(1)


def _url(rule, arguments: dict[str, str]) -> str:
    values = {name: arguments.get(name, "no-such-view") for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


# --- the tests ------------------------------------------------------------------------------

@pytest.mark.usefixtures("with_plugins")
def test_every_post_route_of_the_extension_has_a_recipe(app):
    assert set(DATASET_TYPES) >= {"procurement", "commitment"} and "action-plan" in GROUP_TYPES
    routes = _post_routes(app.flask_app)
    assert any(endpoint.startswith(OWN_PREFIX) for endpoint in routes), "no route of ours found"
    assert set(routes) == set(RECIPES), {"POST route without a CSRF test": sorted(set(routes) - set(RECIPES)),
                                         "recipe of a route that is gone": sorted(set(RECIPES) - set(routes))}


def _post(app, url: str, data: dict, **kwargs) -> Any:
    """A POST whose outcome does not matter (priming): CKAN's own views raise on some
    anonymous posts (following needs a user), which the test client propagates."""
    try:
        return app.post(url, data=data, status=None, follow_redirects=False, **kwargs)
    except Exception as error:  # noqa: BLE001 - any outcome but a CSRF refusal will do
        assert not isinstance(error, CSRFError), f"{url}: {error}"
        return None


def _check_route(app, targets: Targets, endpoint: str) -> None:
    rules = _post_routes(app.flask_app).get(endpoint)
    assert rules, f"{endpoint} is not a POST route any more"
    url_arguments, form = RECIPES[endpoint]
    for rule in rules:
        url = _url(rule, url_arguments(targets))
        data = form(targets)
        # Priming: an anonymous request and an API-token request (of a user with no rights on
        # anything) to the same view; CKAN 2.12.0 exempted the view for the whole process.
        _post(app, url, data)
        _post(app, url, data, headers={"Authorization": targets["bystander_token"]})
        _log_in(app, targets["sysadmin"])
        before = _database_state()
        refused = app.post(url, data=data, status=None, follow_redirects=False)
        assert refused.status_code == 400, f"{url}: {refused.status_code} without a CSRF token"
        assert CSRF_REFUSAL in refused.body, f"{url}: refused, but not for CSRF: {refused.body[:500]}"
        changed = {table for table, digest in _database_state().items() if before.get(table) != digest}
        assert not changed, f"{url}: a refused POST changed {sorted(changed)}"

        # With the token: not refused. (Core's views of the types may still fail on their own
        # with this generic data, e.g. a resource view that does not exist; the extension's own
        # views must answer without an error.)
        accepted = _post(app, url, {**data, "_csrf_token": _fresh_token(app)})
        if accepted is not None:
            assert CSRF_REFUSAL not in accepted.body, f"{url}: refused for CSRF with a valid token"
        if endpoint.startswith(OWN_PREFIX):
            assert accepted is not None and accepted.status_code < 500, \
                f"{url}: {accepted and accepted.body[:1000]}"
        app.get("/user/_logout", status=None)


def _by_blueprint() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for endpoint in RECIPES:  # in the recipes' order: what deletes comes last
        groups.setdefault(endpoint.split(".", 1)[0], []).append(endpoint)
    return groups


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
@pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
@pytest.mark.parametrize("blueprint", sorted(_by_blueprint()))
def test_forms_refuse_a_post_without_token_even_after_priming_and_accept_their_token(app, targets, blueprint):
    for endpoint in _by_blueprint()[blueprint]:
        _check_route(app, targets, endpoint)


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
@pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
def test_own_forms_do_their_work_with_the_token(app, targets):
    """The extension's own forms, with the token, do what they are for (so the acceptance
    above is real work, not an error page without the word CSRF)."""
    _log_in(app, targets["sysadmin"])
    token = _fresh_token(app)
    dry_run = app.post(f"/harvest/{targets['source']['name']}/dry-run", data={"_csrf_token": token})
    assert dry_run.status_code == 200
    # The dry run reports what harvesting the fixture catalogue would create.
    assert "ogpcatalog-harvest-counts" in dry_run.body and "Egresos hospitalarios 2024" in dry_run.body
    procurement = targets["procurement"]
    resource_id = procurement["resources"][0]["id"]
    validate = app.post(f"/dataset/{procurement['name']}/ocds/{resource_id}/validate",
                        data={"_csrf_token": token}, follow_redirects=False)
    assert validate.status_code == 302
    assert validate.headers["Location"].endswith(f"/dataset/{procurement['name']}/ocds/{resource_id}")
    suggestions = app.post(f"/dataset/{procurement['name']}/ocds/suggestions",
                           data={"_csrf_token": token, "fields": ["ocds_version"]}, follow_redirects=False)
    assert suggestions.status_code == 302
    edited = app.post(f"/procurement/edit/{procurement['name']}",
                      data={"_csrf_token": token, "name": procurement["name"], "buyer": procurement["buyer"],
                            "title_translated-es": "Título nuevo", "owner_org": procurement["owner_org"],
                            "license_id": "cc-by", "save": ""}, follow_redirects=False)
    assert edited.status_code == 302, edited.body[:2000]
    assert call_action("package_show", id=procurement["id"])["title"] == "Título nuevo"
