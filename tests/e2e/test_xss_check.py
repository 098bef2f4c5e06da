"""The stored-XSS journeys' check (``xss.assert_inert``) catches each way a payload can live
in a page: a check that cannot fail would make those journeys pass on a vulnerable portal."""
from __future__ import annotations

import pytest

from tests.e2e.xss import MARK, assert_inert

pytestmark = pytest.mark.e2e

VULNERABLE_PAGES = {
    "script ran": f"<p>x</p><script>window.{MARK}=1</script>",
    "dialog": "<script>alert(1)</script>",
    "javascript link": f'<a href="javascript:window.{MARK}=1">x</a>',
    "data address": f'<iframe src="data:text/html,<b>{MARK}</b>"></iframe>',
    "event attribute": '<img src="data:," onload="void 0">',
    "iframe srcdoc": '<iframe srcdoc="<p>x</p>"></iframe>',
    "script element not run yet": f'<script type="text/plain">window.{MARK}=1</script>',
    "broken embedded metadata": f'<script type="application/ld+json">{{"name": "</script><b>{MARK}"}}</script>',
}


@pytest.mark.parametrize("case", sorted(VULNERABLE_PAGES))
def test_check_catches_a_live_payload(journey, case):
    journey.page.set_content(f"<html><body>{VULNERABLE_PAGES[case]}</body></html>")
    journey.page.wait_for_timeout(100)
    with pytest.raises(AssertionError):
        assert_inert(journey, case)


def test_check_passes_escaped_payloads_and_harmless_addresses(journey):
    journey.page.set_content(
        f"<html><body><h1>&lt;script&gt;window.{MARK}=1&lt;/script&gt;</h1>"
        f'<a href="https://datos.example.gob/f.csv?q=%3Cscript%3E{MARK}">f</a>'
        f'<a href="javascript:;">menu</a>'
        f'<script type="application/ld+json">{{"name": "\\u003cscript\\u003e{MARK}"}}</script>'
        f'</body></html>')
    assert_inert(journey, "escaped")
