"""Token sign-in: ``POST /api/auth/token/`` with a username and password."""

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from forecasts.api.parsers import StrictJSONParser


class ObtainToken(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created on first use)."""

    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]

    @extend_schema(summary="Get an API token", description="Send it as `Authorization: Token <key>`.")
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
