"""The client address rate limits and the login lockout count by (config/clients.py)."""

import pytest
from django.test import RequestFactory

from config.clients import client_ip


def address(remote: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_it_ignores_forwarded_addresses_when_no_proxy_is_trusted(settings):
    settings.RECKON_TRUSTED_PROXIES = []
    assert address("192.0.2.5", "203.0.113.9") == "192.0.2.5"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # A trusted proxy in front: the address it appended is the client.
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
        # A client that wrote its own header first: the proxy's entry still wins.
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        # Two trusted proxies in a row are both skipped.
        ("10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        # A request straight from the internet cannot name a client.
        ("192.0.2.5", "203.0.113.9", "192.0.2.5"),
        # Garbage where the proxy's entry should be: the proxy is the client.
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("2001:db8::1", "203.0.113.9", "2001:db8::1"),
    ],
)
def test_it_believes_forwarded_addresses_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    settings.RECKON_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(remote, forwarded) == expected
