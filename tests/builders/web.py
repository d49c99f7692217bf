"""Web pages served from a loopback HTTP server, for the URL-drafting tests (no network).

``serve(routes)`` starts a real HTTP server on 127.0.0.1 in a thread; each
route answers with a status, headers and a body, or misbehaves on purpose
(``SLOW`` never sends a body, ``HUGE`` streams more than any limit).
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE_PARAGRAPHS = [
    "The Treasury's new fiscal rule arrives with the confidence of a department that has "
    "not yet met the voters. Ministers say it will bring borrowing down within three years, "
    "and the Chancellor insists the numbers add up.",
    "I am less sure. The rule depends on growth that the forecasters keep revising down, "
    "and on spending cuts that no party has yet named. Borrowing will almost certainly "
    "overshoot the target by the end of 2027, whatever the Treasury says in public.",
    "There is a further problem. Local councils are already asking for emergency loans, "
    "and their requests do not appear in the plan. It is likely that at least two more "
    "councils will declare effective bankruptcy this year.",
    "None of this means the rule is worthless. A rule that is broken in plain sight can "
    "still shame a government into caution, and the opposition has promised to keep it. "
    "But voters should not expect the deficit to shrink quickly, and they should watch "
    "what happens to the councils first.",
]
ARTICLE_TEXT = "\n".join(ARTICLE_PARAGRAPHS)


def article_html(
    *,
    title: str = "The fiscal rule will not survive contact with the councils",
    author: str = "Miriam Okafor",
    published: str = "2026-10-03",
    publisher: str = "The Ledger Review",
    paragraphs: list[str] | None = None,
) -> str:
    """A realistic article page: head metadata, navigation, the article, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or ARTICLE_PARAGRAPHS))
    byline = f'<meta name="author" content="{author}">' if author else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{title} | {publisher}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{publisher}">
{byline}
<meta property="article:published_time" content="{published}T07:00:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/politics">Politics</a>
<a href="/economy">Economy</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">{f"By {author}, " if author else ""}{published}</p>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten charts on inflation</a></li>
<li><a href="/b">The week in pictures</a></li></ul></aside></main>
<footer><p>Copyright {publisher}. All rights reserved.</p></footer>
</body></html>"""


INDEX_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>The Ledger Review</title></head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/economy">Economy</a></nav>
<ul><li><a href="/a">Ten charts on inflation</a></li><li><a href="/b">The week in pictures</a></li>
<li><a href="/c">Letters</a></li></ul><footer>Copyright The Ledger Review.</footer>
</body></html>"""

SLOW = "slow"  # accepts the request and never answers
HUGE = "huge"  # streams an endless page, without a Content-Length


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    behaviour: str = ""


def html(body: str, status: int = 200) -> Route:
    return Route(status, body, {"Content-Type": "text/html; charset=utf-8"})


def redirect(location: str, status: int = 302) -> Route:
    return Route(status, b"", {"Location": location, "Content-Type": "text/html"})


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    stop = threading.Event()

    def do_GET(self):  # noqa: N802 (the http.server API)
        route = self.routes.get(self.path)
        if route is None:
            route = html("<p>Not found</p>", status=404)
        if route.behaviour == SLOW:
            self.stop.wait(10)
            return
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        body = route.body.encode() if isinstance(route.body, str) else route.body
        if route.behaviour == HUGE:
            self.end_headers()
            chunk = b"<p>" + b"filler words " * 5000 + b"</p>\n"
            try:
                while not self.stop.is_set():
                    self.wfile.write(chunk)
            except OSError:  # the client stopped reading: what the test wants
                return
            return
        if "Content-Length" not in route.headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep the test output quiet
        pass


# A self-signed certificate for 127.0.0.1, for the tests only (see its README).
TLS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "tls"
TLS_CERT = str(TLS_DIR / "loopback-cert.pem")


@contextmanager
def serve(routes: dict[str, Route], *, tls: bool = False) -> Iterator[str]:
    """Serve ``routes`` on 127.0.0.1 on a free port; yields the base URL (no trailing slash).

    With ``tls``, over HTTPS with the test certificate (trust ``TLS_CERT`` to verify it).
    """
    handler = type("Handler", (_Handler,), {"routes": routes, "stop": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS_CERT, str(TLS_DIR / "loopback-key.pem"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        handler.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


# A newspaper's site with every kind of page the URL-drafting tests need, by path.
ARTICLE = "/opinion/fiscal-rule"
BAD_PAGES = {
    "/": "no article found on the page",
    "/huge": "over the 195 KB limit; stopped reading",
    "/report.pdf": "the URL gives application/pdf, not an HTML page",
    "/slow": "did not answer within 0.5 seconds",
    "/to-intranet": "“10.20.30.40” resolves to 10.20.30.40, a loopback, private or reserved",
}


def newspaper_routes() -> dict[str, Route]:
    """An article, its old address (a redirect), an index page and misbehaving pages."""
    return {
        ARTICLE: html(article_html()),
        "/": html(INDEX_HTML),
        "/huge": Route(behaviour=HUGE),
        "/declared-huge": Route(
            body=b"<p>x</p>", headers={"Content-Type": "text/html", "Content-Length": "999999999"}
        ),
        "/slow": Route(behaviour=SLOW),
        "/report.pdf": Route(body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}),
        "/old-link": redirect(ARTICLE, status=301),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-intranet": redirect("http://10.20.30.40/admin"),
        "/loop": redirect("/loop"),
        "/gone": html("<p>Gone</p>", status=410),
    }
