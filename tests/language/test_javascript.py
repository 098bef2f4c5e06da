"""Strings shown by JavaScript: CKAN builds its JS catalogue (`ckan translation js`, served at
/api/i18n/<lang>) from every plugin's catalogue, for the messages that a .pot finds in a .js
file. The extension's catalogue reaches it (its translations of core's JS messages replace or
fill core's), Babel extracts the extension's own JS messages, and its JS modules show no text
outside CKAN's JS i18n."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ckan.lib.i18n import build_js_translations

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "ckanext" / "ogpcatalog" / "assets"
POT = ROOT / "i18n" / "ckanext-ogpcatalog.pot"

# `_('...')`, `this._('...')`, `ckan.i18n._('...')`, `ngettext('...', '...')`: the first literal.
JS_MESSAGE_RE = re.compile(r"""\b(?:_|ngettext)\(\s*(['"])((?:\\.|(?!\1).)*)\1""")
# Text written into the page without CKAN's JS i18n.
HARD_CODED_TEXT_RE = re.compile(
    r"""(?:createTextNode|\.text|\.html|\.append|\.attr\(\s*['"](?:title|aria-label|placeholder|alt)['"]\s*,)"""
    r"""\(?\s*(['"])[^'"]*[A-Za-z]{3}[^'"]*\1"""
    r"""|\.(?:textContent|innerHTML|innerText|title)\s*=\s*(['"])[^'"]*[A-Za-z]{3}""")
COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)

# Messages of CKAN core's JS modules used on the portal's pages (confirm-action, autocomplete,
# image-upload, htmx notifications) that core's es catalogue lacks or writes for Spain.
CORE_JS_IN_OUR_CATALOGUE = {
    "Please Confirm": "Confirme, por favor",
    "Searching...": "Buscando...",
    "Notification": "Notificación",
    "File": "Archivo",
    "Upload a file on your computer": "Subir un archivo desde su computadora",
}


def _js_files() -> list[Path]:
    return sorted(ASSETS.rglob("*.js"))


def _js_messages() -> dict[str, Path]:
    return {match.group(2): path for path in _js_files()
            for match in JS_MESSAGE_RE.finditer(path.read_text(encoding="utf-8"))}


@pytest.fixture
def js_catalogues(app, ckan_config, monkeypatch, tmp_path):
    """`ckan translation js` into a fresh storage directory, as the portal runs it."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    build_js_translations()

    def served(lang: str) -> dict:
        return json.loads(app.get(f"/api/i18n/{lang}", status=200).body)

    return served


def test_the_spanish_js_catalogue_carries_the_extension_translations(js_catalogues):
    spanish = js_catalogues("es")

    assert {msgid: spanish.get(msgid, [None, None])[1] for msgid in CORE_JS_IN_OUR_CATALOGUE} \
        == CORE_JS_IN_OUR_CATALOGUE


def test_every_message_of_the_extension_js_is_served_translated(js_catalogues):
    spanish = js_catalogues("es")

    untranslated = [msgid for msgid in _js_messages()
                    if not (spanish.get(msgid) and spanish[msgid][-1])]
    assert untranslated == [], "add them to the catalogue (make i18n) and translate them"


def test_the_english_js_catalogue_has_no_spanish(js_catalogues):
    english = js_catalogues("en")

    assert not set(CORE_JS_IN_OUR_CATALOGUE.values()) & {
        value[-1] for key, value in english.items() if key and isinstance(value, list)}


def test_the_extension_js_modules_show_no_text_outside_i18n():
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for path in _js_files()
             for match in HARD_CODED_TEXT_RE.finditer(
                 COMMENT_RE.sub("", path.read_text(encoding="utf-8")))]

    assert found == []


def test_every_js_message_is_in_the_template_with_its_js_occurrence():
    """CKAN puts in the JS catalogue only the msgids that a .pot lists in a .js file."""
    with open(POT, "rb") as template:
        in_js = {m.id for m in read_po(template)
                 if m.id and any(path.endswith(".js") for path, _line in m.locations)}

    assert sorted(set(_js_messages()) - in_js) == [], "run `make i18n`"


def test_babel_extraction_of_make_i18n_covers_javascript(tmp_path):
    """setup.py's message_extractors (the mapping of `make i18n`) read CKAN JS modules."""
    # Read from setup.py's source (running setup.py depends on the setuptools version).
    setup_call = next(node for node in ast.walk(ast.parse((ROOT / "setup.py").read_text()))
                      if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setup")
    extractors = next(k.value for k in setup_call.keywords if k.arg == "message_extractors")
    mapping = ast.literal_eval(extractors)["ckanext"]
    module = tmp_path / "ogpcatalog" / "assets" / "javascript" / "modules" / "sample.js"
    module.parent.mkdir(parents=True)
    module.write_text("this.ckan.module('ogpcatalog-sample', function ($) {\n"
                      "  return { initialize: function () {\n"
                      "    this.el.text(this._('Loading the chart'));\n"
                      "    ckan.i18n.ngettext('%(num)d point', '%(num)d points', 2);\n"
                      "  } };\n});\n", encoding="utf-8")

    extracted = [message for _file, _line, message, *_rest in extract_from_dir(
        tmp_path, method_map=[(pattern, method) for pattern, method, _options in mapping],
        keywords={"_": None, "ngettext": (1, 2)})]

    assert extracted == ["Loading the chart", ("%(num)d point", "%(num)d points")]
