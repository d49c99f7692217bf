"""Request body parsers that refuse what a lenient parser would let through."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def read_limited(stream, limit: int | None) -> bytes:
    """Read at most ``limit`` bytes, refusing a longer body instead of truncating it.

    DRF reads request bodies from the stream, which bypasses Django's own
    DATA_UPLOAD_MAX_MEMORY_SIZE check on ``request.body``; this restores it,
    whether or not the client sent a Content-Length.
    """
    if limit is None:  # the limit is switched off in settings
        return stream.read() if stream is not None else b""
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
    return raw


# No Reckon request body nests deeper than a few levels (a forecast's option
# probabilities are the deepest, at three); this leaves room and stops a body
# of thousands of brackets from exhausting Python's recursion limit.
MAX_JSON_DEPTH = 32


class StrictJSONParser(parsers.JSONParser):
    """JSON only, size-limited, at most MAX_JSON_DEPTH deep, NaN / Infinity refused."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_limited(stream, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            # parse_constant is only called for NaN, Infinity and -Infinity.
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc
        except RecursionError:
            raise _too_deep() from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(f"JSON parse error: the body nests more than {MAX_JSON_DEPTH} levels deep.")


def _depth(data: object) -> int:
    """How deeply lists and objects nest in parsed JSON (counted without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in item)
    return deepest


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows; give a finite number.")


class CSVParser(parsers.BaseParser):
    """A CSV body (``text/csv``), handed to the view as text."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_limited(stream, settings.RECKON_IMPORT_MAX_BYTES)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError("The CSV file must be UTF-8 encoded.") from exc
