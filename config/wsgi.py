"""The WSGI application gunicorn (and runserver) serve.

Wrapped so a request body sent without a Content-Length (chunked) is either
read within the largest body any route accepts or refused: see config/chunked.py.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.chunked import ChunkedBodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _largest_body() -> int | None:
    """The largest body any route accepts: an import, else an ordinary request (None: no cap)."""
    limits = [settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.RECKON_IMPORT_MAX_BYTES]
    return None if None in limits else max(limits)


application = ChunkedBodyLimit(
    get_wsgi_application(),
    limit=_largest_body(),
    spool_bytes=settings.FILE_UPLOAD_MAX_MEMORY_SIZE or 2_621_440,
)

# Load matplotlib as the worker boots, not in the first request that draws a chart.
import forecasts.pages.plotting  # noqa: E402, F401
