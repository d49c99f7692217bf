"""Every error the API gives is JSON with a status that says whose fault it was.

Validation errors map field names to lists of messages (``{"probability":
["..."]}``); every other error is ``{"detail": "..."}``. Django's own
ValidationError (raised by the services) becomes a 400 keyed by the same
field names, and nothing that reaches this handler becomes an HTML page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from forecasts.api.parsers import RequestTooLarge
from forecasts.ledger import rules

logger = logging.getLogger("forecasts.api")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the ledger's current state; reload and retry."
    default_code = "conflict"


def translate(exc: Exception) -> Exception:
    """Turn errors raised below the API layer into DRF exceptions with the right status."""
    if isinstance(exc, DjangoValidationError):
        if _codes(exc) == {rules.CONFLICT}:
            return Conflict(detail=as_serializer_error(exc))
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return RequestTooLarge(f"The request body is larger than {limit} bytes.")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("The request was malformed.")
    if isinstance(exc, IntegrityError):
        # The services validate first; reaching a database guard means a
        # concurrent write changed things in between.
        return Conflict()
    if isinstance(exc, DataError):
        return exceptions.ParseError("A value is out of the range the database can store.")
    return exc


def _codes(exc: DjangoValidationError) -> set[str | None]:
    errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    return {error.code for field in errors for error in field}


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's handler, plus the translations above and a JSON 500 for anything else."""
    response = drf_exception_handler(translate(exc), context)
    if response is not None:
        return response
    view = context.get("view")
    logger.exception(
        "Unhandled error in %s", type(view).__name__ if view else "the API", exc_info=exc
    )
    set_rollback()
    return Response({"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_or_default(default_view, status_code: int, detail: str):
    """Wrap one of Django's error views: JSON under /api/, Django's page elsewhere."""

    def view(request, *args, **kwargs):
        if _is_api(request):
            return JsonResponse({"detail": detail}, status=status_code)
        return default_view(request, *args, **kwargs)

    view.__name__ = default_view.__name__
    return view
