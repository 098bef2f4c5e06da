"""Which addresses the guarded client may reach: the rule and the allow-list with its aliases."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.net.addresses import ALIAS_KEYS, address_allowed, is_public


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.0.0.3", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "100.100.100.200", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255",
    "240.0.0.1", "198.18.0.1", "192.0.0.8", "192.0.2.1",
    "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:100.100.100.200", "::ffff:169.254.169.254", "::127.0.0.1",
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1", "2001::1", "fe80::1%eth0",
])
def test_non_public_addresses_and_their_ipv6_forms_are_refused(address):
    assert not is_public(address)
    assert not address_allowed(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700:4700::1111",
                                     "::ffff:8.8.8.8", "2002:808:808::1"])
def test_public_addresses_are_allowed(address):
    assert is_public(address)
    assert address_allowed(address)


@pytest.mark.ckan_config("ckanext.ogpcatalog.net.allowed_addresses", "127.0.0.2 10.20.0.0/16")
def test_the_allow_list_key_admits_listed_addresses_for_every_purpose():
    for purpose in (None, *ALIAS_KEYS):
        assert address_allowed("127.0.0.2", purpose)
        assert address_allowed("10.20.3.4", purpose)
        assert address_allowed("::ffff:127.0.0.2", purpose)  # the mapped form of a listed one
        assert not address_allowed("127.0.0.1", purpose)
        assert not address_allowed("100.100.100.200", purpose)


@pytest.mark.parametrize("purpose", sorted(ALIAS_KEYS))
def test_each_old_key_is_an_alias_for_its_own_requests_only(purpose, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, ALIAS_KEYS[purpose], "127.0.0.1")
    assert address_allowed("127.0.0.1", purpose)
    for other in set(ALIAS_KEYS) - {purpose}:
        assert not address_allowed("127.0.0.1", other)
    assert not address_allowed("127.0.0.1")


@pytest.mark.ckan_config("ckanext.ogpcatalog.net.allowed_addresses", "not-a-network 127.0.0.2")
def test_a_malformed_allow_list_entry_is_ignored_not_fatal():
    assert address_allowed("127.0.0.2")
    assert not address_allowed("127.0.0.1")
