"""Browser journeys against the portal that `make run` serves (`make e2e`).

They drive the machine's Chromium (headless, through Playwright) as the portal's users do,
and talk to the API only to prepare and clean up what a journey needs (users, memberships).
Every step saves a screenshot under ``test-results/e2e/<test>/``; a failing journey also
saves the HTML of the page it was on.

Settings (environment): ``PORTAL_URL`` (default http://127.0.0.1:5000), ``STATE_DIR``
(where `make run` keeps ``sysadmin.token`` and ``sysadmin.password``), ``CHROMIUM``
(default /usr/bin/chromium). A portal that does not answer fails the journeys: they are
not skipped.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results" / "e2e"


def pytest_configure(config):
    # CKAN's pytest plugin loads test.ini for the other suites; journeys need none of it.
    config.addinivalue_line("markers", "e2e: browser journeys against a running portal")


@pytest.fixture(scope="session")
def portal_url() -> str:
    url = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")
    try:
        requests.get(f"{url}/api/3/action/status_show", timeout=10).raise_for_status()
    except requests.RequestException as error:
        pytest.fail(f"the portal at {url} does not answer ({error}): start it with `make run`")
    return url


@pytest.fixture(scope="session")
def state_dir() -> Path:
    return Path(os.environ.get("STATE_DIR", "/var/lib/ogpcatalog"))


class Api:
    """The portal's action API with the sysadmin's token (set-up and clean-up only)."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def __call__(self, action: str, **data: Any) -> Any:
        response = requests.post(f"{self.url}/api/3/action/{action}", json=data,
                                 headers={"Authorization": self.token}, timeout=60)
        body = response.json()
        if not body.get("success"):
            raise AssertionError(f"{action} failed: {body.get('error')}")
        return body["result"]


@pytest.fixture(scope="session")
def api(portal_url, state_dir) -> Api:
    token_file = state_dir / "sysadmin.token"
    if not token_file.exists():
        pytest.fail(f"{token_file} does not exist: `make run` writes it")
    return Api(portal_url, token_file.read_text().strip())


@pytest.fixture(scope="session")
def sysadmin_login(state_dir) -> tuple[str, str]:
    return "admin", (state_dir / "sysadmin.password").read_text().strip()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(executable):
        pytest.fail(f"Chromium not found at {executable}: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


class Journey:
    """A browser page that records each step as a screenshot."""

    def __init__(self, page, folder: Path, portal_url: str):
        self.page, self.folder, self.url = page, folder, portal_url
        self.step_number = 0
        self.dialogs: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def go(self, path: str) -> None:
        response = self.page.goto(self.url + path)
        assert response is not None and response.status < 500, f"{path} answered {response and response.status}"

    def step(self, name: str) -> None:
        self.step_number += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.step_number:02d}-{slug}.png"), full_page=True)

    def login(self, user: str, password: str) -> None:
        self.go("/user/login")
        self.page.fill("#field-login", user)
        self.page.fill("#field-password", password)
        self.page.press("#field-password", "Enter")
        self.page.wait_for_load_state()
        assert "/user/login" not in self.page.url, f"login as {user} failed"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.journey_failed = report.failed


@pytest.fixture
def journey(request, browser, portal_url) -> Iterator[Journey]:
    folder = RESULTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="es-EC")
    page = context.new_page()
    page.set_default_timeout(20_000)
    current = Journey(page, folder, portal_url)
    yield current
    if getattr(request.node, "journey_failed", False):
        (folder / "failure.html").write_text(page.content(), encoding="utf-8")
        page.screenshot(path=str(folder / "failure.png"), full_page=True)
    context.close()


@pytest.fixture
def unique() -> str:
    """A word no demo content contains: names what a journey creates, and finds it again."""
    return "e2e" + secrets.token_hex(4)


@pytest.fixture
def ministry_editor(api, unique) -> Iterator[dict[str, str]]:
    """A new user, editor of one demo institution; removed afterwards with what it created."""
    institution = "sercop"
    password = secrets.token_urlsafe(12)
    user = api("user_create", name=f"editor-{unique}", email=f"editor-{unique}@example.org",
               password=password, fullname="Editora de prueba")
    api("organization_member_create", id=institution, username=user["name"], role="editor")
    institution_id = api("organization_show", id=institution)["id"]
    yield {"name": user["name"], "password": password, "institution": institution,
           "institution_id": institution_id}
    found = api("package_search", q=unique, include_private=True, include_drafts=True, rows=100)
    for dataset in found["results"]:
        api("dataset_purge", id=dataset["id"])
    api("organization_member_delete", id=institution, username=user["name"])
    api("user_delete", id=user["name"])
