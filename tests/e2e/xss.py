"""Script payloads and the browser check that none of them ran, shared by the stored-XSS
journeys of harvested catalogues and imported commitment sheets.

Every payload, if it ran, sets ``window.__ogp_xss`` (or opens a dialog); the check also looks
for what a payload would leave in the DOM without running yet: a ``javascript:`` link, an
event-handler attribute, an ``iframe srcdoc``, a ``<script>`` element carrying the mark or
embedded JSON-LD metadata that a payload broke.
"""
from __future__ import annotations

MARK = "__ogp_xss"
PAYLOADS = [
    f"<script>window.{MARK}=1;alert(1)</script>",
    f'<img src=x onerror="window.{MARK}=2;alert(2)">',
    f'"><svg onload="window.{MARK}=3;alert(3)">',
    f"[enlace](javascript:window.{MARK}=4;alert(4))",
    f"</textarea><iframe srcdoc=\"<script>parent.{MARK}=5</script>\"></iframe>",
    f"'-alert(6)-'\"-window.{MARK}=6-\"",
    f"<a href=\"javascript:window.{MARK}=7\">clic</a>",
]
TEXT = " ".join(PAYLOADS)
# Titles and names have a declared maximum length (300 characters per language): they carry
# the payloads that matter in a one-line field (script, image, svg, iframe), the rest go in
# the descriptions.
TITLE_TEXT = " ".join(PAYLOADS[index] for index in (0, 1, 2, 4))


def assert_inert(journey, name: str) -> None:
    """Screenshot the step, then fail if any payload ran or sits in the DOM ready to run."""
    page = journey.page
    journey.step(name)
    assert page.evaluate(f"typeof window.{MARK}") == "undefined", f"a payload ran on {page.url}"
    assert not journey.dialogs, f"a payload opened a dialog on {page.url}: {journey.dialogs}"
    # (CKAN's own controls use `javascript:;` links: only the payloads' count; an https://
    # address that merely contains the mark, percent-encoded, is harmless)
    links = page.evaluate("""mark => [...document.querySelectorAll('[href], [src], [action], [formaction]')]
        .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
                  || e.getAttribute('formaction') || '')
        .filter(v => v.includes(mark)).filter(v => { try { return ['javascript:', 'data:', 'vbscript:']
                                   .includes(new URL(v, location.href).protocol); }
                       catch (error) { return false; } })""", MARK)
    assert not links, f"script addresses on {page.url}: {links}"
    assert page.locator("[onerror], [onload]").count() == 0, f"event handler attribute on {page.url}"
    assert page.locator("iframe[srcdoc]").count() == 0, f"an iframe of a payload on {page.url}"
    # Embedded metadata (JSON-LD) may quote a payload, but must stay valid JSON: a payload that
    # closed its <script> would leave it broken and start a script of its own.
    scripts = page.evaluate("""mark => [...document.scripts].filter(s => {
        if (s.type === 'application/ld+json') {
            try { JSON.parse(s.text); return false; } catch (error) { return true; }
        }
        return s.text.includes(mark);
    }).map(s => s.outerHTML.slice(0, 200))""", MARK)
    assert not scripts, f"a payload became or broke a <script> element on {page.url}: {scripts}"


def assert_shown_as_text(journey, needle: str = f"<script>window.{MARK}=1") -> None:
    """The payload is on the page as text the reader sees (escaped), not silently dropped."""
    text = journey.page.locator("body").inner_text()
    assert needle in text, f"{needle!r} is not shown as text on {journey.page.url}"
