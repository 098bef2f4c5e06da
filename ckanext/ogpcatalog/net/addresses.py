"""Which network addresses the portal's outbound requests may reach.

An address is *public* when it is none of: loopback, private (RFC 1918, unique local), link-local,
multicast, reserved, unspecified, the shared address space 100.64.0.0/10 (carrier-grade NAT, where
some clouds put their metadata service, e.g. 100.100.100.200), 0.0.0.0/8, the documentation and
benchmarking networks, or an IPv6 form that carries one of those IPv4 addresses (IPv4-mapped
``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``).
The rule is an explicit table (:data:`DENIED_NETWORKS`) on top of :mod:`ipaddress`'s flags, so
that it does not depend on the Python version's idea of "global".

Non-public addresses are refused unless listed in the one allow-list key
:data:`ALLOWED_ADDRESSES_KEY`, or in the older per-capability key of the request's *purpose*
(:data:`ALIAS_KEYS`, kept as aliases).
"""
from __future__ import annotations

import ipaddress
import logging
from typing import Iterable, Union

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

ALLOWED_ADDRESSES_KEY = "ckanext.ogpcatalog.net.allowed_addresses"
# Older keys, each read only for requests of its own purpose (documented aliases).
ALIAS_KEYS = {
    "harvest": "ckanext.ogpcatalog.harvest.allowed_private_addresses",
    "ocds": "ckanext.ogpcatalog.ocds.allowed_private_addresses",
    "link_check": "ckanext.ogpcatalog.metrics.link_check_allowed_private_addresses",
}

DENIED_NETWORKS: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(network) for network in (
    "0.0.0.0/8",          # "this network"
    "10.0.0.0/8",         # private
    "100.64.0.0/10",      # shared address space (carrier-grade NAT; 100.100.100.200 metadata)
    "127.0.0.0/8",        # loopback
    "169.254.0.0/16",     # link-local (169.254.169.254 metadata)
    "172.16.0.0/12",      # private
    "192.0.0.0/24",       # IETF protocol assignments
    "192.0.2.0/24",       # documentation
    "192.88.99.0/24",     # 6to4 relay anycast
    "192.168.0.0/16",     # private
    "198.18.0.0/15",      # benchmarking
    "198.51.100.0/24",    # documentation
    "203.0.113.0/24",     # documentation
    "224.0.0.0/4",        # multicast
    "240.0.0.0/4",        # reserved, broadcast
    "::/128",             # unspecified
    "::1/128",            # loopback
    "::/96",              # IPv4-compatible (deprecated)
    "::ffff:0:0/96",      # IPv4-mapped (checked again as IPv4, never allowed as such)
    "64:ff9b:1::/48",     # NAT64 local use
    "100::/64",           # discard
    "2001::/23",          # IETF protocol assignments (Teredo included)
    "2001:db8::/32",      # documentation
    "fc00::/7",           # unique local
    "fe80::/10",          # link-local
    "fec0::/10",          # site-local (deprecated)
    "ff00::/8",           # multicast
))
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")


def parse_address(value: str | IPAddress) -> IPAddress:
    """An address from ``getaddrinfo`` (an IPv6 zone ``%eth0`` is dropped)."""
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return value
    return ipaddress.ip_address(value.split("%", 1)[0])


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, 6to4, NAT64), or None."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_WELL_KNOWN or (int(address) >> 32 == 0 and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _denied(address: IPAddress) -> bool:
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global
            or any(address in network for network in DENIED_NETWORKS
                   if network.version == address.version))


def is_public(address: str | IPAddress) -> bool:
    """Whether ``address`` (and any IPv4 address it embeds) is a public unicast address."""
    ip = parse_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None and _denied(inner):
            return False
        if ip.ipv4_mapped is not None:
            return True  # the mapped form is the IPv4 address itself
    return not _denied(ip)


def _networks(values: Iterable[str], key: str) -> list[IPNetwork]:
    networks = []
    for item in values:
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            log.warning("Ignoring %r in %s: not an address or CIDR network", item, key)
    return networks


def allowed_networks(purpose: str | None = None) -> list[IPNetwork]:
    """The non-public networks requests of ``purpose`` may reach: :data:`ALLOWED_ADDRESSES_KEY`
    plus the purpose's alias key."""
    keys = [ALLOWED_ADDRESSES_KEY] + ([ALIAS_KEYS[purpose]] if purpose in ALIAS_KEYS else [])
    networks: list[IPNetwork] = []
    for key in keys:
        raw = tk.config.get(key) or []
        networks.extend(_networks(raw.split() if isinstance(raw, str) else raw, key))
    return networks


def address_allowed(address: str | IPAddress, purpose: str | None = None) -> bool:
    """Whether a request of ``purpose`` may connect to ``address``: public, or allow-listed
    (as written or as the IPv4 address it embeds)."""
    ip = parse_address(address)
    if is_public(ip):
        return True
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and embedded_ipv4(ip) is not None:
        candidates.append(embedded_ipv4(ip))
    return any(candidate in network for network in allowed_networks(purpose)
               for candidate in candidates if network.version == candidate.version)
