"""The hardened fetcher and the payload guards against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import socket
import time

import pytest

from ckanext.ogpcatalog.dcat import fetch as fetch_module
from ckanext.ogpcatalog.dcat import guards
from ckanext.ogpcatalog.dcat.fetch import FetchError, UnsafeUrlError, check_url, fetch

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

ALLOW_LOCAL = pytest.mark.ckan_config(
    "ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")
pytestmark = pytest.mark.usefixtures("english_reports")
DEFAULT_LANGUAGE_GETTEXT = fetch_module._default_language_gettext  # before english_reports


@ALLOW_LOCAL
class TestFetch:
    def test_fetches_a_catalogue(self, server):
        result = fetch(server.url("/file/catalog.ttl"))
        assert result.content == hs.fixture("catalog.ttl")
        assert result.content_type == "text/turtle"

    def test_decompresses_gzip(self, server):
        url = server.script("/gzipped", hs.gzipped("catalog.ttl"))
        assert fetch(url).content == hs.fixture("catalog.ttl")

    def test_follows_a_redirect_and_checks_it(self, server):
        url = server.script("/moved", hs.redirect("/file/catalog.ttl", 301))
        assert fetch(url).url == server.url("/file/catalog.ttl")

    def test_redirect_loop_is_refused(self, server):
        server.script("/loop-a", hs.redirect("/loop-b"))
        url = server.script("/loop-b", hs.redirect("/loop-a"))
        with pytest.raises(FetchError, match="loop"):
            fetch(url)

    def test_too_many_redirects(self, server):
        for n in range(8):
            server.script(f"/hop/{n}", hs.redirect(f"/hop/{n + 1}"))
        with pytest.raises(FetchError, match="more than 5"):
            fetch(server.url("/hop/0"))

    def test_redirect_to_a_private_address_is_refused(self, server):
        url = server.script("/to-metadata", hs.redirect("http://169.254.169.254/latest/meta-data"))
        with pytest.raises(UnsafeUrlError, match="169.254.169.254"):
            fetch(url)

    def test_redirect_to_a_file_url_is_refused(self, server):
        url = server.script("/to-file", hs.redirect("file:///etc/passwd"))
        with pytest.raises(UnsafeUrlError, match="Only http and https"):
            fetch(url)

    def test_connection_refused(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        with pytest.raises(FetchError, match="Could not connect"):
            fetch(f"http://127.0.0.1:{port}/catalog.ttl")

    def test_server_error(self, server):
        url = server.serve("/error", b"Internal error: stack trace here", "text/plain", 500)
        with pytest.raises(FetchError) as raised:
            fetch(url)
        assert "500" in str(raised.value)
        assert "stack trace" not in str(raised.value)

    def test_wrong_content_type(self, server):
        url = server.serve("/image", b"\x89PNG\r\n", "image/png")
        with pytest.raises(FetchError, match="image/png"):
            fetch(url)

    def test_html_content_type(self, server):
        with pytest.raises(FetchError, match="HTML"):
            fetch(server.url("/file/maintenance.html"))

    def test_drip_feed_stops_at_the_deadline(self, server):
        url = server.script("/drip", hs.drip_feed)
        started = time.monotonic()
        with pytest.raises(FetchError, match="longer than 2 seconds"):
            fetch(url, deadline=2)
        assert time.monotonic() - started < 5

    def test_truncated_body(self, server):
        url = server.script("/truncated", hs.truncated)
        with pytest.raises(FetchError, match="broke"):
            fetch(url)

    def test_oversize_by_declared_length(self, server):
        url = server.serve("/big", b"#" * 5000)
        with pytest.raises(FetchError, match="larger than the limit of 2048"):
            fetch(url, max_bytes=2048)

    def test_oversize_without_length_is_cut_while_streaming(self, server):
        url = server.script("/endless", hs.endless)
        with pytest.raises(FetchError, match="larger than the limit"):
            fetch(url, max_bytes=1024 * 1024)

    def test_lying_content_length_reads_no_more_than_declared(self, server):
        url = server.script("/lying", hs.lying_length)
        result = fetch(url, max_bytes=1024 * 1024)
        assert len(result.content) == 100

    def test_gzip_bomb(self, server):
        url = server.script("/bomb", hs.gzip_bomb)
        started = time.monotonic()
        with pytest.raises(FetchError, match="larger than the limit"):
            fetch(url, max_bytes=5 * 1024 * 1024)
        assert time.monotonic() - started < 10


class TestUrlChecks:
    @pytest.mark.parametrize("url", ["file:///etc/passwd", "/etc/passwd", "ftp://example.org/x",
                                     "gopher://127.0.0.1/"])
    def test_non_http_urls_are_refused(self, url):
        with pytest.raises(UnsafeUrlError):
            check_url(url)

    @pytest.mark.parametrize("url", ["http://127.0.0.1:5000/catalog", "http://10.1.2.3/",
                                     "http://[::1]/", "http://169.254.169.254/",
                                     "http://192.168.0.10/", "http://0.0.0.0/"])
    def test_private_addresses_are_refused_by_default(self, url):
        with pytest.raises(UnsafeUrlError, match="private or reserved"):
            check_url(url)

    @pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses",
                             "10.20.0.0/16")
    def test_allowed_networks(self):
        assert check_url("http://10.20.3.4/catalog.ttl")[3] == "10.20.3.4"
        with pytest.raises(UnsafeUrlError):
            check_url("http://10.21.3.4/catalog.ttl")


def test_background_messages_are_in_the_portal_default_language(app):
    """Outside a request (the harvest consumers) messages use the default locale, Spanish."""
    assert DEFAULT_LANGUAGE_GETTEXT("Harvest Sources") == "Fuentes de recolección"


class TestPayloadGuards:
    def test_billion_laughs_is_refused_quickly(self):
        started = time.monotonic()
        with pytest.raises(guards.GuardError, match="entities"):
            guards.check_payload(hs.fixture("billion_laughs.rdf"), "xml", "http://x/")
        assert time.monotonic() - started < 1

    def test_xxe_is_refused_without_reading_the_file(self):
        with pytest.raises(guards.GuardError) as raised:
            guards.check_payload(hs.fixture("xxe.rdf"), "xml", "http://x/")
        assert "root:" not in str(raised.value)

    def test_remote_jsonld_context_is_not_refused_whole(self):
        # dcat/contexts.py replaces or leaves it out before parsing (test_remote_context.py)
        body = hs.fixture("remote_context.jsonld")
        assert guards.check_payload(body, "json-ld", "http://x/") == body

    @pytest.mark.parametrize("body", [b"", b"   \n", b"{}", b"[]"])
    def test_empty_documents_are_refused(self, body):
        with pytest.raises(guards.GuardError, match="empty"):
            guards.check_payload(body, "json-ld" if body.strip() else None, "http://x/")

    def test_html_page_is_refused(self):
        with pytest.raises(guards.GuardError, match="HTML"):
            guards.check_payload(hs.fixture("maintenance.html"), None, "http://x/")

    def test_malformed_xml_is_reported_without_content(self):
        with pytest.raises(guards.GuardError) as raised:
            guards.check_payload(b"<rdf:RDF><secret-token-123", "xml", "http://x/")
        assert "secret-token-123" not in str(raised.value)

    def test_mass_deletion_threshold(self):
        assert guards.check_deletions(10, 2, 0.5, False) is None
        assert guards.check_deletions(10, 6, 0.5, False) is not None
        assert guards.check_deletions(10, 10, 0.5, True) is None
