"""The language check of the journeys: a page in one language shows no UI text of the other.

Every visible text node of the page (and the texts a screen reader or a form shows: ``alt``,
``title``, ``aria-label``, ``placeholder``, button values) is read in the browser, except

- what sits in an element whose ``lang`` differs from the page's (content marked as being in
  another language, e.g. a value shown without its translation), or inside
  ``[data-user-content]``, ``code``, ``pre``, ``script``, ``style``;
- what users wrote: the values of datasets, institutions and groups in the page's language
  (and the values that have no translation into it), given as ``user_content``.

A text is foreign when

1. the catalogues say so: it is a message of the other language (a Spanish ``msgstr`` on an
   English page, an English ``msgid`` whose Spanish differs on a Spanish page), whole or as a
   format string with its placeholders filled, and not also a message of the page's language;
2. or the stop words say so: a text of 3+ words whose common function words are mostly of the
   other language;
3. or the vocabulary says so: most of its words (3+ letters) are words that only the other
   language's side of the catalogues uses ("Unpublish", "6 procurements found"). A text
   ``label: value`` is also judged part by part (a raw code after a translated label).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]

# Function words: frequent, short, and (mostly) not shared by the two languages.
STOP_WORDS = {
    "es": set("""el la los las un una unos unas del al de en y o que por para con sin sobre
        entre es son está están fue ser hay este esta estos estas ese esa su sus se lo le les
        ya no sí muy más como cuando donde qué cuál quién todos todas cada otro otra aquí
        también pero porque hasta desde según durante nuestro nuestra""".split()),
    "en": set("""the of and or to in on for with without about between is are was were be
        been this that these those its their there here which who what when where how all
        each other also but because until from by as at it an into your you our has have
        not no more most only than""".split()),
}
# Words both languages use: never evidence (a ``no``, ``a``, ``se`` alone says nothing).
SHARED = {"a", "no", "me", "e", "as", "son"}

# Texts either language shows as they are: names of languages, codes, formats, units.
NEUTRAL = {"English", "Español", "es", "en", "ES", "EN", "API", "DCAT", "DCAT-AP", "OCDS", "CSV",
           "JSON", "XLSX", "RDF", "Turtle", "XML", "PDF", "URL", "ID", "OGP", "CKAN", "UTC",
           "Email", "Login", "OK", "Total", "Admin", "Error"}

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdif]|%[sdif]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class Finding:
    page: str
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.page}: {self.text!r} ({self.why})"


def _catalogue_files() -> list[Path]:
    import ckan
    site = Path(ckan.__file__).resolve().parents[1]
    return [ROOT / "i18n/es/LC_MESSAGES/ckanext-ogpcatalog.po",
            site / "ckan/i18n/es/LC_MESSAGES/ckan.po",
            site / "ckanext/dcat/i18n/es/LC_MESSAGES/ckanext-dcat.po"]


@lru_cache(maxsize=1)
def catalogue_pairs() -> tuple[tuple[str, str], ...]:
    """(English msgid, Spanish msgstr) of every translated message, plural forms included."""
    from babel.messages.pofile import read_po

    pairs: list[tuple[str, str]] = []
    for path in _catalogue_files():
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
            strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            for english, spanish in zip(ids, strings):
                if english and spanish:
                    pairs.append((normalize(english), normalize(spanish)))
    return tuple(pairs)


@dataclass
class Messages:
    exact: set[str]
    patterns: re.Pattern | None


def _pattern(message: str) -> str | None:
    parts = _PLACEHOLDER.split(message)
    literal = "".join(parts)
    if len(parts) < 2 or len(_WORD.findall(literal)) < 2:
        return None
    return ".+?".join(re.escape(p) for p in parts)


@lru_cache(maxsize=2)
def messages_of(language: str) -> Messages:
    """The UI messages that are *only* of ``language`` (not identical in the other)."""
    pairs = catalogue_pairs()
    english = {e for e, _s in pairs}
    spanish = {s for _e, s in pairs}
    own, other = (english, spanish) if language == "en" else (spanish, english)
    only = {m for m in own - other if len(_WORD.findall(_PLACEHOLDER.sub("", m))) >= 1}
    exact = {m for m in only if not _PLACEHOLDER.search(m)}
    patterns = [p for p in (_pattern(m) for m in only if _PLACEHOLDER.search(m)) if p]
    compiled = re.compile("^(?:" + "|".join(patterns) + ")$") if patterns else None
    return Messages(exact, compiled)


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, set[str]]:
    """Per language, the words (3+ letters, lower case) its side of the catalogues uses at
    least four times as often as the other side (proper names and codes appear on both)."""
    from collections import Counter

    counts = {"en": Counter(), "es": Counter()}
    for english, spanish in catalogue_pairs():
        for language, text in (("en", english), ("es", spanish)):
            counts[language].update(w.casefold() for w in _WORD.findall(_PLACEHOLDER.sub(" ", text))
                                    if len(w) >= 3)
    return {language: {w for w, n in mine.items() if n > 4 * counts[other][w]}
            for language, other, mine in (("en", "es", counts["en"]), ("es", "en", counts["es"]))}


def vocabulary_language(text: str) -> str | None:
    """The language most of the text's words belong to (only one side's words counted)."""
    words = [w.casefold() for w in _WORD.findall(text) if len(w) >= 3]
    if not words:
        return None
    vocab = vocabularies()
    counts = {lang: sum(1 for w in words if w in found) for lang, found in vocab.items()}
    (first, first_n), (_second, second_n) = sorted(counts.items(), key=lambda kv: -kv[1])
    if first_n and first_n > second_n and first_n * 2 >= len(words):
        return first
    return None


def stop_word_language(text: str) -> str | None:
    """``es``, ``en`` or None (too short, or no clear majority) by function words."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < 3:
        return None
    counts = {lang: sum(1 for w in words if w in stops and w not in SHARED)
              for lang, stops in STOP_WORDS.items()}
    (first, first_n), (_second, second_n) = sorted(counts.items(), key=lambda kv: -kv[1])
    if (first_n >= 2 and second_n == 0) or (first_n >= 3 and first_n >= 3 * second_n):
        return first
    return None


def foreign_reason(text: str, page_language: str) -> str | None:
    other = "en" if page_language == "es" else "es"
    text = normalize(text)
    if not text or text in NEUTRAL or not _WORD.search(text):
        return None
    own, foreign = messages_of(page_language), messages_of(other)
    candidates = {text, text.rstrip(":.…*").strip()}
    if not candidates & own.exact:
        if candidates & foreign.exact:
            return f"a {other} UI message"
        if foreign.patterns and any(foreign.patterns.match(c) for c in candidates) and not (
                own.patterns and any(own.patterns.match(c) for c in candidates)):
            return f"a {other} UI message (format string)"
    if stop_word_language(text) == other:
        return f"{other} by its function words"
    parts = [text] + ([p for p in re.split(r"[:·|]", text) if p.strip()] if re.search(r"[:·|]", text) else [])
    for part in parts:
        if vocabulary_language(part) == other and not (part.strip() in own.exact):
            return f"{other} by its words" + ("" if part is text else f" ({part.strip()!r})")
    return None


# Reads the page's texts in the browser: [text, kind] pairs, kind "text" or an attribute name.
TEXTS_JS = r"""
(pageLang) => {
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'CODE', 'PRE', 'TEMPLATE', 'SVG']);
  const base = (pageLang || '').slice(0, 2);
  const other = (el) => {
    const marked = el.closest('[lang]');
    return marked && marked !== document.documentElement && marked.getAttribute('lang').slice(0, 2) !== base;
  };
  const excluded = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (skip.has(e.tagName) || e.hasAttribute('data-user-content')) return true;
    }
    return other(el);
  };
  const visible = (el) => {
    if (el.closest('.visually-hidden, .sr-only')) return true;
    return el.checkVisibility ? el.checkVisibility({checkOpacity: false, checkVisibilityCSS: true}) : !!el.offsetParent;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.replace(/\s+/g, ' ').trim();
    const el = n.parentElement;
    if (!text || !el || excluded(el) || !visible(el)) continue;
    out.push([text, 'text']);
  }
  for (const el of document.querySelectorAll('[alt], [title], [aria-label], [placeholder], input[type=submit][value], input[type=button][value]')) {
    if (excluded(el)) continue;
    for (const attr of ['alt', 'title', 'aria-label', 'placeholder', 'value']) {
      if (attr === 'value' && !(el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type))) continue;
      const value = (el.getAttribute(attr) || '').replace(/\s+/g, ' ').trim();
      if (value) out.push([value, attr]);
    }
  }
  out.push([document.title, 'title']);
  return out;
}
"""


def check_page(page, label: str, page_language: str, user_content: Iterable[str] = ()
               ) -> list[Finding]:
    """The foreign UI texts of ``page`` (a Playwright page), each once."""
    written = sorted({normalize(t) for t in user_content if t and len(t.strip()) > 2},
                     key=len, reverse=True)
    blob = "\n".join(written)
    seen: set[str] = set()
    findings = []
    for text, kind in page.evaluate(TEXTS_JS, page_language):
        text = normalize(text)
        if text in seen or (len(text) > 2 and text in blob):
            continue
        seen.add(text)
        # A UI text around user content ("Search datasets by tags: calidad del aire"): judged
        # without the user content.
        judged = text
        for value in written:
            if value in judged:
                judged = judged.replace(value, " ")
        judged = normalize(judged)
        reason = foreign_reason(judged, page_language)
        if reason:
            where = "" if kind == "text" else f" [{kind}]"
            findings.append(Finding(label, text[:160] + where, reason))
    return findings
