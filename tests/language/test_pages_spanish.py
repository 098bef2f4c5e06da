"""The pages that ministries and administrators use most are entirely in Spanish under `es`,
CKAN core's and ckanext-harvest's strings included (the extension's catalogue supplies what
their Spanish catalogues lack, and corrects what they get wrong).

Each page is fetched as the user who works with it; its visible text (text nodes, and the
placeholder, title, aria-label and alt attributes and the labels of submit buttons, leaving out
what is marked as another language, such as the English column of the bilingual forms) is
searched for common English words.
"""
from __future__ import annotations

import datetime
import re

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup, Comment, Doctype

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import set_lang
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

# Words and phrases of CKAN's and ckanext-harvest's English interface: matched whole and
# case-sensitively ("Popular", "Editor", "Manual", "Error", "has" are Spanish too: not here).
ENGLISH = (
    "the", "and", "of", "to", "for", "with", "your", "you", "this", "is", "are", "or", "in",
    "on", "by", "from", "have", "been", "not", "no results", "found", "here", "there",
    "Add", "Search", "Create", "Update", "Delete", "Edit", "View", "Manage", "New", "Home",
    "Dataset", "Datasets", "Organization", "Organizations", "Group", "Groups",
    "Resource", "Resources", "License", "Licenses", "Format", "Formats", "Tags", "Tag",
    "Description", "Title", "Name", "Private", "Public", "Visibility", "Harvest", "Harvesting",
    "Source", "Sources", "Job", "Jobs", "Save", "Cancel", "Remove", "Log in", "Login", "Log out",
    "Username", "Password", "Register", "Forgot", "Remember", "Show more", "Show less", "Filter",
    "Filters", "Order by", "Sort by", "Relevance", "Last Modified", "Name Ascending",
    "Name Descending", "Followers", "Follow", "Unfollow", "Activity Stream", "News feed",
    "Dashboard", "About", "Explore", "Preview", "Download", "Upload", "Link", "Clear",
    "Image", "Data", "More", "Information", "Additional", "Field", "Value", "Author",
    "Maintainer", "Version", "State", "Created", "Last", "Updated", "Metadata", "Required",
    "required", "Submit", "Next", "Previous", "Back", "Close", "Loading", "Settings", "Status",
    "Frequency", "Daily", "Weekly", "Monthly", "Configuration", "Type", "Refresh",
    "Reindex", "Finished", "Running", "Errors", "Powered by", "Menu", "Toggle",
    "Skip", "content", "Go", "Showing", "results", "Unknown", "Other", "Open", "URL link",
    "Stage", "Draft", "Active", "Deleted", "Yes", "Sign up", "Account", "Profile",
    "My", "Sysadmin", "Admin", "Member", "Members", "Published", "Publish", "Package",
    "Language", "Languages", "Docs", "Contact", "Welcome", "Please", "optional", "Always",
    "Biweekly", "Current", "Navigate", "Position", "Mimetype", "True", "False", "active",
    "draft", "close", "Procurement", "Commitment", "Commitments", "Action plan",
    # dates: babel formats them for the request's locale ("22 de noviembre de 2026")
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "ago", "Just now", "minutes", "hours", "days",
)
ENGLISH_RE = re.compile(
    r"(?<![\w@./-])(" + "|".join(sorted(map(re.escape, ENGLISH), key=len, reverse=True))
    + r")(?![\w@-])")

# Proper names, technical terms and the test's own content, removed before the search.
ALLOWED = [
    re.compile(p) for p in (
        r"\S+@\S+",                           # email addresses
        r"\bhttps?://\S+",                    # URLs
        r"\b(CKAN|API|JSON|CSV|OCDS|OGP|URL|DCAT|RDF|SPARQL|Markdown|OpenID|RSS|HTML|XML)\b",
        # licence names (CKAN's licence titles, as its Spanish catalogue keeps them)
        r"Creative Commons (Attribution Share-Alike|Attribution|CCZero|Non-Commercial)",
        r"Open Data Commons (Attribution License|Open Database License \(ODbL\)"
        r"|Public Domain Dedication and Licence \(PDDL\))",
        r"UK Open Government Licence \(OGL\)",
        r"GNU Free Documentation License",
        r"Open Contracting Partnership",
        r"Open Definition",                   # "Definición de Conocimiento Abierto - Open Definition"
        r"Open Database",                     # "Licencia Open Database" (ODbL)
        r"English",                           # the language switcher names each language
    )
]


def visible_strings(html: str) -> list[str]:
    """The text a visitor reads: text nodes and the attributes shown by browsers and screen
    readers, without scripts, styles or machine values."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    # Content declared in another language: the English column of the bilingual forms.
    for tag in soup.find_all(lambda t: t.name != "html" and t.get("lang")
                             and not t["lang"].startswith("es")):
        tag.decompose()
    strings = [s.strip() for s in soup.find_all(string=True)
               if not isinstance(s, (Comment, Doctype))]
    for tag in soup.find_all(True):
        for attribute in ("placeholder", "title", "aria-label", "alt"):
            if tag.get(attribute):
                strings.append(tag[attribute].strip())
        if tag.name == "input" and tag.get("type") in ("submit", "button", "reset"):
            if tag.get("value"):
                strings.append(tag["value"].strip())
    return [s for s in strings if s]


def english_strings(html: str) -> list[str]:
    found = []
    for text in visible_strings(html):
        cleaned = text
        for pattern in ALLOWED:
            cleaned = pattern.sub(" ", cleaned)
        if ENGLISH_RE.search(cleaned) and text not in found:
            found.append(text)
    return found


@pytest.fixture
def portal():
    """A ministry with an editor, a dataset with a resource, an action plan with a commitment."""
    sysadmin = factories.SysadminWithToken(name="administrador", fullname="Luis Andrade",
                                           about="")
    editor = factories.UserWithToken(name="editora", fullname="Ana Pérez", about="")
    organization = factories.Organization(
        name="mintel", title="Ministerio de Telecomunicaciones",
        description="Ministerio rector de las telecomunicaciones.",
        users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = factories.Dataset(
        name="puntos-wifi", owner_org=organization["id"], license_id="cc-by",
        title_translated={"es": "Puntos de acceso wifi gratuito"},
        notes_translated={"es": "Ubicación de los puntos de acceso público a internet."},
        tags=[{"name": "conectividad"}], theme=["GOVE"], frequency="ANNUAL",
        contact=[{"name": "Dirección de Datos", "email": "datos@mintel.example.gob"}],
        version="1.0")
    resource = factories.Resource(
        package_id=dataset["id"], url="https://datos.example.gob/wifi.csv", format="CSV",
        name="Puntos wifi 2024", description="Listado de puntos.")
    factories.Group(type="action-plan", name="ecuador-2019-2022",
                    title_translated={"es": "Primer Plan de Acción 2019-2022"},
                    description_translated={"es": "Plan de acción nacional de Ecuador."},
                    country_or_locality="Ecuador", plan_scope="national")
    call_action("package_create", {"user": sysadmin["name"], "ignore_auth": True},
                type="commitment", name="ec0003", owner_org=organization["id"],
                ogp_id="EC0003", action_plan="ecuador-2019-2022",
                title_translated={"es": "Contratación abierta"},
                milestones=[{"description": {"es": "Publicar los datos"},
                             "evidence_datasets": ["puntos-wifi"]}])
    call_action("harvest_source_create", {"user": sysadmin["name"]},
                name="catalogo-mintel", title="Catálogo DCAT del Ministerio",
                url="https://datos.example.gob/mintel/catalogo.ttl", source_type="dcat_rdf",
                frequency="WEEKLY", owner_org=organization["id"])
    return {"sysadmin": sysadmin["token"], "editor": editor["token"],
            "dataset": dataset["name"], "resource": resource["id"]}


def _pages(portal):
    sysadmin, editor, anonymous = portal["sysadmin"], portal["editor"], None
    dataset, resource = portal["dataset"], portal["resource"]
    return [
        ("/dataset/", anonymous),
        ("/dataset/?q=wifi&tags=conectividad", anonymous),
        ("/dataset/new", editor),
        ("/procurement/new", editor),
        ("/commitment/new", editor),
        (f"/dataset/{dataset}", editor),
        (f"/dataset/{dataset}/resource/{resource}", editor),
        (f"/dataset/{dataset}/resource/new", editor),
        ("/organization/", anonymous),
        ("/organization/mintel", editor),
        ("/organization/about/mintel", editor),
        ("/action-plan/", anonymous),
        ("/action-plan/ecuador-2019-2022", anonymous),
        ("/user/login", anonymous),
        ("/dashboard/datasets", editor),
        ("/harvest/", sysadmin),
        ("/harvest/new", sysadmin),
        ("/harvest/catalogo-mintel", sysadmin),
        ("/harvest/admin/catalogo-mintel", sysadmin),
        ("/commitment/ec0003", anonymous),
        ("/user/editora", anonymous),
        ("/user/editora", editor),
        ("/dataset/activity/puntos-wifi", editor),
        ("/organization/activity/mintel", editor),
        ("/publishers", sysadmin),
        ("/publishers/mintel", editor),
    ]


def test_the_most_used_pages_have_no_english_left(app, portal):
    english = {}
    for path, token in _pages(portal):
        headers = {"Authorization": token} if token else {}
        response = app.get(path, headers=headers, status=200)
        found = english_strings(response.body)
        if found:
            english[path] = found

    report = "\n".join(f"{path}:\n" + "\n".join(f"    {s!r}" for s in found)
                       for path, found in english.items())
    assert not english, f"English left on the Spanish pages:\n{report}"


def test_the_extension_catalogue_replaces_core_spanish(app, portal):
    """A msgid in the extension's catalogue wins over CKAN core's translation of it, not only
    over a missing one: core's es says "Otra (Public Domain)" and "Actrulizar {object_type}"."""
    body = app.get("/dataset/new", headers={"Authorization": portal["editor"]}).body
    assert "Otra (dominio público)" in body
    assert "Otra (Public Domain)" not in body

    with app.flask_app.test_request_context("/es/"):
        set_lang("es")
        assert tk._("Update {object_type}") == "Actualizar {object_type}"
        assert tk._("Forgot your password?") == "¿Olvidó su contraseña?"


def test_dataset_page_dates_are_written_in_the_visitors_language(app, portal):
    today = datetime.date.today()
    spanish = format_date(today, "long", locale="es")   # "22 de noviembre de 2026"
    english = format_date(today, "long", locale="en")   # "November 22, 2026"
    path = f"/dataset/{portal['dataset']}"

    assert spanish in app.get(path).body
    assert english not in app.get(path).body
    assert english in app.get(f"/en{path}").body


def test_the_detector_finds_english():
    html = ('<p>Conjuntos de datos</p><button title="Search">Buscar</button>'
            '<p>Add Dataset</p><p>Licencia: Creative Commons Attribution</p>')
    assert english_strings(html) == ["Add Dataset", "Search"]


def test_every_walked_page_offers_the_language_switcher_to_its_english_url(app, portal):
    missing = []
    for path, token in _pages(portal):
        headers = {"Authorization": token} if token else {}
        soup = BeautifulSoup(app.get(path, headers=headers, status=200).body, "html.parser")
        switcher = soup.select_one("form.lang-select select[name=url]")
        options = {o.get("lang"): o.get("value") for o in switcher.find_all("option")} if switcher else {}
        english_url = "/en" + path.split("?")[0]
        if not options.get("en", "").startswith(english_url.rstrip("/")) or "es" not in options:
            missing.append((path, options))
    assert missing == []


def test_the_english_url_of_a_page_serves_it_in_english(app, portal):
    response = app.get("/en/dataset/", status=200)
    assert '<html lang="en"' in response.body
    assert '<html lang="es"' in app.get("/dataset/", status=200).body
