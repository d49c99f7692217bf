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
            "Send it as `Authorization: Token <key>`. A wrong username or password is a "
            "401; repeated ones from one address lock it out for a while: 429, with "
            "Retry-After."
        ),
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError as refused:
            # The axes backend flags the request it was given (this DRF request)
            # when this attempt was refused, or used up the last one allowed.
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None) from None
            if _wrong_credentials(refused):
                # Well formed but not a known username and password: 401, not a 400.
                raise exceptions.AuthenticationFailed(
                    "Unable to sign in with that username and password."
                ) from None
            raise


def _wrong_credentials(refused: exceptions.ValidationError) -> bool:
    """DRF's token serializer refuses a wrong password with the code "authorization"."""
    codes = refused.get_codes()
    return isinstance(codes, dict) and codes.get("non_field_errors") == ["authorization"]
