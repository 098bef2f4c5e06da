"""The Spanish catalogue is complete and current: every message of the code (and of
upstream_messages.py) is in the .po, and the compiled .mo is the .po's translations.
(tests/logic/test_validators.py checks that no message is untranslated or fuzzy.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "i18n" / "es" / "LC_MESSAGES" / "ckanext-ogpcatalog"


def _po():
    with open(CATALOGUE.with_suffix(".po"), "rb") as po:
        return read_po(po)


def test_every_message_of_the_code_is_in_the_spanish_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    # The same extraction as `make i18n` (scripts/i18n.sh).
    subprocess.run([sys.executable, "setup.py", "-q", "extract_messages", "--output-file",
                    str(pot), "--input-dirs", "ckanext", "--keywords", "N_plural:1,2"],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as template:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(template) if m.id}
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in _po() if m.id}

    assert sorted(extracted - in_catalogue) == [], "run `make i18n` and translate"


def _entries(catalog) -> dict:
    """msgid -> msgstr of the translated messages, plural forms as tuples."""
    def key(value):
        return value if isinstance(value, str) else tuple(value)
    return {key(m.id): key(m.string) for m in catalog
            if m.id and not m.fuzzy and all([m.string] if isinstance(m.string, str) else m.string)}


def test_the_compiled_catalogue_is_the_po():
    translated = _entries(_po())
    with open(CATALOGUE.with_suffix(".mo"), "rb") as mo:
        compiled = _entries(read_mo(mo))

    assert compiled == translated, "run `make i18n` to compile the catalogue"
