"""The API's documentation pages (Swagger UI and Redoc), served under the site's CSP.

Both load their code from drf-spectacular-sidecar's static files. Swagger UI
uses the "split" view, whose start-up script is a second same-origin request
instead of an inline ``<script>``, so the strict ``script-src`` holds.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerDocs(SpectacularSwaggerSplitView):
    """Swagger UI: every script from this site, its one inline style nonced."""

    template_name = "forecasts/api_docs/swagger_ui.html"


# Redoc renders with styled-components, which writes <style> elements at run
# time and cannot be handed the response's nonce from outside its bundle; so
# this page alone allows inline *styles* (scripts stay strictly same-origin).
# No nonce in style-src here: browsers ignore 'unsafe-inline' next to one.
# Its search runs in a web worker that its own script builds from a blob: URL.
# (Its footer logo from cdn.redoc.ly stays blocked: nothing loads from elsewhere.)
REDOC_POLICY = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_replace(REDOC_POLICY), name="get")
class RedocDocs(SpectacularRedocView):
    """Redoc: scripts from this site only; inline styles allowed (see above)."""

    template_name = "forecasts/api_docs/redoc.html"
