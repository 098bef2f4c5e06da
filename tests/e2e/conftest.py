"""Browser journeys against the portal that `make run` serves (`make e2e`).

They drive the machine's Chromium (headless, through Playwright) as the portal's users do,
and talk to the API only to prepare and clean up what a journey needs (users, memberships).
Every step saves a screenshot under ``test-results/e2e/<test>/``; a failing journey also
saves the HTML of the page it was on.

Every step also checks the page: axe-core (accessibility.py: WCAG 2.1 A/AA, no serious or
critical violation) and the language check (language.py: no UI text of the other language);
both are asserted when the journey ends, and written to ``test-results/e2e/<test>/checks.json``.
Only the journeys that set ``journey.language_strict = True`` (the visitors') fail on
language findings; the others record them there.

Settings (environment): ``PORTAL_URL`` (default http://127.0.0.1:5000), ``STATE_DIR``
(where `make run` keeps ``sysadmin.token`` and ``sysadmin.password``, and `make test-setup`
installs axe-core under ``node/``), ``CHROMIUM`` (default /usr/bin/chromium), ``AXE_CORE_JS``.
A portal that does not answer fails the journeys: they are not skipped.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from tests.e2e.accessibility import BLOCKING, Violation, axe_script, run_axe
from tests.e2e.language import Finding, check_page

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


def _user_texts(value: Any, language: str, out: set[str]) -> None:
    """The texts users wrote in an API answer, as a page in ``language`` may show them: of a
    bilingual value its ``language`` side (the other side only when that one is empty); a
    plain field that has a ``<field>_translated`` twin is left out (the page should show the
    twin)."""
    if isinstance(value, dict):
        if value and set(value) <= {"es", "en"}:
            chosen = value.get(language) or next((v for v in value.values() if v), "")
            _user_texts(chosen, language, out)
            return
        for key, item in value.items():
            if f"{key}_translated" in value or key in ("display_name", "id", "url", "image_url",
                                                         "revision_id", "state", "type"):
                continue
            _user_texts(item, language, out)
    elif isinstance(value, list):
        for item in value:
            _user_texts(item, language, out)
    elif isinstance(value, str) and value.strip():
        out.add(value.strip())


@pytest.fixture(scope="session")
def user_content(api) -> dict[str, set[str]]:
    """Per language, what users wrote (datasets, institutions, groups, action plans): the
    language check leaves it alone."""
    found = api("package_search", rows=1000, include_private=True, include_drafts=True)["results"]
    found += api("organization_list", all_fields=True, include_extras=True, limit=1000)
    for group_type in ("group", "action-plan"):
        found += api("group_list", all_fields=True, include_extras=True, type=group_type, limit=1000)
    found += [{"fullname": user.get("fullname")} for user in api("user_list", all_fields=True)]
    texts: dict[str, set[str]] = {"es": set(), "en": set()}
    for language, out in texts.items():
        _user_texts(found, language, out)
    return texts


class Journey:
    """A browser page that records each step as a screenshot, and checks each page it shows
    (axe-core, language) and how long each page took."""

    def __init__(self, page, folder: Path, portal_url: str, axe: Path | None = None,
                 user_content: dict[str, set[str]] | None = None):
        self.page, self.folder, self.url = page, folder, portal_url
        self.step_number = 0
        self.dialogs: list[str] = []
        self.axe = axe
        self.user_content = user_content or {"es": set(), "en": set()}
        # Journeys whose pages must all be in one language set this (the visitors'); the
        # others record their findings in checks.json.
        self.language_strict = False
        self.violations: list[Violation] = []
        self.findings: list[Finding] = []
        self.timings: list[dict[str, Any]] = []
        self.pages: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def go(self, path: str) -> None:
        started = time.monotonic()
        response = self.page.goto(self.url + path)
        self.timings.append({"path": path, "seconds": round(time.monotonic() - started, 3)})
        assert response is not None and response.status < 500, f"{path} answered {response and response.status}"

    def wrote(self, *texts: str) -> None:
        """Texts the journey typed: user content, whatever the page's language."""
        for language in self.user_content:
            self.user_content[language].update(t for t in texts if t)

    def step(self, name: str) -> None:
        self.step_number += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        label = f"{self.step_number:02d}-{slug}"
        self.page.screenshot(path=str(self.folder / f"{label}.png"), full_page=True)
        self.check(label)

    def check(self, label: str) -> None:
        """axe-core and the language check on the page as it is now."""
        if not self.page.url.startswith(self.url):
            return  # a page the test made itself (test_xss_check.py), not one of the portal's
        path = self.page.url.removeprefix(self.url) or "/"
        self.pages.append(f"{label} {path}")
        if self.axe is not None:
            self.violations.extend(run_axe(self.page, self.axe, f"{label} {path}"))
        language = (self.page.locator("html").get_attribute("lang") or "es")[:2]
        self.findings.extend(check_page(self.page, f"{label} {path} [{language}]", language,
                                        self.user_content.get(language, ())))

    def problems(self) -> list[str]:
        """What fails the journey: serious/critical axe violations, and language findings of
        a strict journey."""
        blocking = [str(v) for v in self.violations if v.impact in BLOCKING]
        foreign = [str(f) for f in self.findings] if self.language_strict else []
        return blocking + foreign

    def write_report(self) -> None:
        (self.folder / "checks.json").write_text(json.dumps({
            "pages": self.pages, "timings": self.timings,
            "axe": [vars(v) for v in self.violations],
            "language": [vars(f) for f in self.findings],
            "language_strict": self.language_strict,
        }, ensure_ascii=False, indent=1, default=list), encoding="utf-8")

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
def journey(request, browser, portal_url, state_dir, user_content) -> Iterator[Journey]:
    folder = RESULTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="es-EC")
    page = context.new_page()
    page.set_default_timeout(20_000)
    current = Journey(page, folder, portal_url, axe_script(state_dir),
                      {language: set(texts) for language, texts in user_content.items()})
    yield current
    failed = getattr(request.node, "journey_failed", False)
    if failed:
        (folder / "failure.html").write_text(page.content(), encoding="utf-8")
        page.screenshot(path=str(folder / "failure.png"), full_page=True)
    context.close()
    current.write_report()
    problems = current.problems()
    if problems and not failed:
        pytest.fail(f"{len(problems)} problems on the pages of this journey "
                    f"({folder / 'checks.json'}):\n" + "\n".join(problems[:60]), pytrace=False)


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
