"""Fetching an article from a URL: one careful GET, then its main text and metadata.

An editor pastes a URL; Reckon fetches the page on their behalf from inside
its own network, so the fetch is guarded as any server-side request must be:

* only ``http`` and ``https``, no credentials in the URL;
* the host is resolved here and **every** address it resolves to is checked:
  loopback, private, link-local, shared, multicast and reserved addresses are
  refused, except inside ``allowed_networks`` (``RECKON_FETCH_ALLOW_NETWORKS``:
  the tests allow 127.0.0.1/32, a private deployment may allow its intranet).
  The connection then goes to the address that was checked (the name is kept
  for TLS and the Host header), so a second DNS answer cannot swap in another
  address;
* redirects are followed by hand, at most ``MAX_REDIRECTS``, each new location
  checked the same way;
* a timeout on connecting and on each read, and an overall deadline, so a
  server that trickles bytes cannot hold a worker;
* a size limit: a ``Content-Length`` over it is refused unread, and the body is
  read in chunks and abandoned as soon as it passes the limit;
* only HTML (``text/html``, ``application/xhtml+xml``) is read.

The page's main text and its title, author, date and publisher come from
trafilatura. Every refusal is a :class:`FetchError` whose message names the
problem; nothing here touches the database (plain Python, like the detector).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

import trafilatura
import urllib3

MAX_PAGE_BYTES = 3 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
# Fewer words than this is a cookie wall, an index page or an error page, not an article.
MIN_ARTICLE_WORDS = 80
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK_BYTES = 64 * 1024
USER_AGENT = "Reckon/1.0 (forecast ledger; fetches one article an editor asked for)"


class FetchError(Exception):
    """A URL that could not be drafted from; the message says why, for the editor."""


@dataclass(frozen=True)
class Page:
    url: str  # where the page was found, after redirects
    body: bytes
    content_type: str


@dataclass(frozen=True)
class FetchedArticle:
    """An article's main text and what the page says about it, for the editor to confirm."""

    url: str
    text: str
    title: str = ""
    author: str = ""
    published_on: date | None = None
    publisher: str = ""


def fetch_article(
    url: str,
    *,
    allowed_networks: Sequence[str] = (),
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_PAGE_BYTES,
    ca_certs: str | None = None,
) -> FetchedArticle:
    """Fetch ``url`` and extract its article; a FetchError naming the problem otherwise."""
    page = fetch_page(
        url,
        allowed_networks=allowed_networks,
        timeout=timeout,
        max_bytes=max_bytes,
        ca_certs=ca_certs,
    )
    return extract_article(page.body, page.url)


def fetch_page(
    url: str,
    *,
    allowed_networks: Sequence[str] = (),
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_PAGE_BYTES,
    ca_certs: str | None = None,
) -> Page:
    """The HTML at ``url``, following redirects, within the limits above.

    ``ca_certs`` is a CA bundle to trust instead of the system's (for tests).
    """
    deadline = time.monotonic() + 3 * timeout
    for _ in range(MAX_REDIRECTS + 1):
        pool, response = _get(url, allowed_networks, timeout, ca_certs)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url} redirects without saying where to.")
                url = urljoin(url, location.strip())
                continue
            return _read_page(url, response, max_bytes=max_bytes, deadline=deadline)
        finally:  # one connection a request, never reused: unread bytes die with it
            response.close()
            pool.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects; stopped at {url}.")


def checked_address(url: str, *, allowed_networks: Sequence[str] = ()) -> tuple[str, str, int, str]:
    """Scheme, host, port and the one checked IP address to connect to for ``url``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"“{parts.scheme}:”" if parts.scheme else "no scheme"
        raise FetchError(f"only http and https URLs can be fetched, not {shown}.")
    if parts.username or parts.password:
        raise FetchError("a URL with a user name or password in it is not fetched.")
    host = parts.hostname
    if not host:
        raise FetchError("the URL has no host name.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise FetchError("the URL's port is not a number from 1 to 65535.") from error
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"the host name “{host}” does not resolve.") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
    refused = [a for a in addresses if not _is_public(a) and not any(a in net for net in allowed)]
    if refused:
        raise FetchError(
            f"“{host}” resolves to {refused[0]}, a loopback, private or reserved address: "
            "Reckon fetches only public addresses."
        )
    return scheme, host, port, str(addresses[0])


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _get(
    url: str, allowed_networks: Sequence[str], timeout: float, ca_certs: str | None
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """The connection pool (to the checked address) and the response, its body unread."""
    scheme, host, port, ip = checked_address(url, allowed_networks=allowed_networks)
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    headers = {
        "Host": (f"[{host}]" if ":" in host else host)
        + ("" if port == default_port else f":{port}"),
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    }
    timeouts = urllib3.Timeout(connect=timeout, read=timeout)
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        # Connect to the checked address; verify the certificate against the name.
        pool = urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeouts,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeouts, retries=False)
    try:
        response = pool.urlopen(
            "GET", target, headers=headers, redirect=False, preload_content=False
        )
        return pool, response
    except urllib3.exceptions.HTTPError as error:
        pool.close()
        raise _refusal(host, timeout, error) from error


def _refusal(host: str, timeout: float, error: urllib3.exceptions.HTTPError) -> FetchError:
    """What went wrong with a connection, in the editor's words."""
    if isinstance(error, urllib3.exceptions.NewConnectionError):  # a TimeoutError subclass
        return FetchError(f"{host} could not be reached (no connection could be made).")
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return FetchError(f"{host} did not answer within {timeout:g} seconds.")
    if isinstance(error, urllib3.exceptions.SSLError):
        return FetchError(f"{host}: the secure connection failed ({error}).")
    return FetchError(f"{host} could not be reached ({type(error).__name__}).")


def _read_page(
    url: str, response: urllib3.BaseHTTPResponse, *, max_bytes: int, deadline: float
) -> Page:
    if response.status != 200:
        raise FetchError(f"the server answered {response.status} {response.reason or ''}".strip())
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in HTML_TYPES:
        raise FetchError(
            f"the URL gives {media_type or 'a response with no Content-Type'}, not an HTML page."
        )
    limit = _size(max_bytes)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"the page is {int(declared):,} bytes, over the {limit} limit.")
    body = bytearray()
    try:
        for chunk in response.stream(CHUNK_BYTES):
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"the page is over the {limit} limit; stopped reading.")
            if time.monotonic() > deadline:
                raise FetchError("the page took too long to arrive; stopped reading.")
    except urllib3.exceptions.TimeoutError as error:
        raise FetchError("the server stopped sending the page; timed out.") from error
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"the page could not be read ({type(error).__name__}).") from error
    return Page(url, bytes(body), content_type)


def _size(count: int) -> str:
    """3 MB, 195 KB: a byte count for the editor."""
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.3g} MB"
    return f"{count / 1024:.0f} KB"


def extract_article(html: bytes | str, url: str) -> FetchedArticle:
    """The main text (one paragraph a line) and metadata of an HTML page."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    text = (getattr(document, "text", None) or "").strip() if document else ""
    words = len(text.split())
    if words < MIN_ARTICLE_WORDS:
        raise FetchError(
            f"no article found on the page ({words} words of main text; an article has at "
            f"least {MIN_ARTICLE_WORDS})."
        )
    return FetchedArticle(
        url=url,
        text=text,
        title=_field(document, "title"),
        author=_byline(_field(document, "author")),
        published_on=_date(_field(document, "date")),
        publisher=_field(document, "sitename"),
    )


def _field(document: object, name: str) -> str:
    value = getattr(document, name, None)
    return " ".join(str(value).split()) if value else ""


def _byline(value: str) -> str:
    """ "By Miriam Okafor" → "Miriam Okafor"; a bare "By" is no author."""
    return re.sub(r"^by\b\s*", "", value, flags=re.IGNORECASE).strip(" ,;")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
