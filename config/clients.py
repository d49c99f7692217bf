"""Who is asking: the client's IP address, trusting forwarded headers only from our proxies.

Rate limits and the login lockout count per client address. ``X-Forwarded-For``
is written by whoever sends the request, so taken at face value it lets any
client choose a fresh address per request and never be limited. Reckon reads
it only when the request came from a proxy listed in ``RECKON_TRUSTED_PROXIES``
(addresses or networks): then, walking the header from the right (the entry
the nearest proxy appended), the first address that is not itself a trusted
proxy is the client. With no proxies configured, the client is the peer
address (``REMOTE_ADDR``) and the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(text: str) -> bool:
    """Whether ``text`` is an address inside RECKON_TRUSTED_PROXIES."""
    address = _address(text)
    networks = _networks(tuple(settings.RECKON_TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The address to count this request against (``request`` is Django's or DRF's)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not is_trusted_proxy(peer):
        return peer
    client = peer
    for hop in reversed(forwarded.split(",")):
        if _address(hop) is None:
            break  # garbage before this point was written by the client, not a proxy
        client = hop.strip()
        if not is_trusted_proxy(client):
            break
    return client
