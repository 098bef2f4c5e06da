"""The language check itself (no browser, no portal): what it takes for the other language."""
from __future__ import annotations

import pytest

from tests.e2e.language import foreign_reason


@pytest.mark.parametrize("text", [
    "6 procurements found", 'No procurements found for "zzzz"', "Access denied:", "Activities",
    "Harvest", "The portal publishes the data of the ministries", "Resources",
])
def test_english_ui_text_is_foreign_on_a_spanish_page(text):
    assert foreign_reason(text, "es"), text


@pytest.mark.parametrize("text", [
    "Conjuntos de datos", "Buscar conjuntos de datos", "Validado el diciembre 7, 2026", "Inicio",
    "Este es un párrafo amigable para la portada", "Licencia",
])
def test_spanish_ui_text_is_foreign_on_an_english_page(text):
    assert foreign_reason(text, "en"), text


@pytest.mark.parametrize("text, language", [
    ("Contratación pública", "es"), ("Compromisos", "es"), ("Publishers dashboard", "en"),
    ("Datasets", "en"), ("CSV", "es"), ("2026-12-07", "en"), ("Portal", "en"), ("Total", "es"),
])
def test_own_language_and_neutral_text_pass(text, language):
    assert foreign_reason(text, language) is None, text
