"""The wheel is what a portal installs: it must carry the catalogues, schemas and data files."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "ckanext-ogpcatalog"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("ckanext_ogpcatalog-*.whl"))


def test_wheel_ships_the_translation_catalogues(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    for language in ("es", "en"):
        assert f"ckanext/ogpcatalog/i18n/{language}/LC_MESSAGES/{DOMAIN}.mo" in names
        assert f"ckanext/ogpcatalog/i18n/{language}/LC_MESSAGES/{DOMAIN}.po" in names
    assert f"ckanext/ogpcatalog/i18n/{DOMAIN}.pot" in names


def test_wheel_ships_config_declarations_and_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    assert "ckanext/ogpcatalog/search/config_declaration.yaml" in names
    assert any(n.startswith("ckanext/ogpcatalog/demo/") and n.endswith(".yaml") for n in names)
    assert "ckanext/ogpcatalog/codelists/ocds-method.yaml" in names


def test_installed_wheel_points_ckan_at_its_own_catalogues(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    script = ("import ckanext.ogpcatalog.plugin as p, pathlib; "
              "d = pathlib.Path(p.i18n_directory()); "
              f"print(d); assert (d / 'es' / 'LC_MESSAGES' / '{DOMAIN}.mo').is_file()")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(tmp_path))
