"""JSON out through orjson: the same bytes as DRF's renderer for the API's bodies, faster.

DRF's ``JSONRenderer`` (compact, UTF-8, no NaN) runs the standard library's
encoder; orjson writes the same text for what API bodies hold (dicts, lists,
strings, ints, finite floats, booleans, null), several times faster; floats
are written the shortest way that reads back the same (``1e-05`` becomes
``1e-5``, the same number). A NaN, which the models' constraints keep out of
the tables, is written as null where DRF's renderer failed. Anything
else (a lazy translation, a date a body left unformatted) goes through DRF's
own encoder, so it renders as before. A client asking for indented JSON
(``Accept: application/json; indent=2``) gets DRF's renderer itself.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder()
# Datetimes go through DRF's encoder (``Z`` for UTC, as before); int keys become strings.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()


def _default(value):
    return _fallback.default(value)


def dumps(data) -> bytes:
    """A body as compact UTF-8 JSON; U+2028 and U+2029 escaped, as DRF does for JavaScript."""
    body = orjson.dumps(data, default=_default, option=OPTIONS)
    if _LINE_SEPARATOR in body or _PARAGRAPH_SEPARATOR in body:
        body = body.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
    return body


class FastJSONRenderer(JSONRenderer):
    """``application/json`` rendered by orjson (see the module's docstring)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        if self.get_indent(accepted_media_type, renderer_context) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        return dumps(data)
