"""Token sign-in: ``POST /api/auth/token/`` with a username and password.

Wrong passwords count towards the login lockout (django-axes, configured in
config/settings.py): once a client address has used up its attempts, this
endpoint answers 429 with the wait, like the admin login, until the lockout
expires. The attempts are kept in the database, so the lockout holds while
Redis (and with it the ordinary rate limits) is down.
"""

from axes.helpers import get_cool_off
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from forecasts.api.parsers import StrictJSONParser


class LockedOut(exceptions.Throttled):
    default_detail = "Too many failed sign-ins from this address; try again later."
    default_code = "locked_out"


class ObtainToken(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created on first use)."""

    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Send it as `Authorization: Token <key>`. Repeated wrong passwords from one "
            "address lock it out for a while: 429, with Retry-After."
        ),
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # The axes backend flags the request it was given (this DRF request)
            # when this attempt was refused, or used up the last one allowed.
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None) from None
            raise
