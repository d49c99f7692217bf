"""OpenAPI details drf-spectacular cannot infer: error responses and id-or-slug fields."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "required": ["detail"],
}
# A 400 is either field errors ({"probability": ["..."]}, nested for nested
# input) or a detail message (malformed JSON, a bad filter value...).
VALIDATION = {
    "type": "object",
    "description": "Field names mapped to lists of messages; `non_field_errors` for the "
    "whole object; or a single `detail` message.",
    "additionalProperties": {},
}

COMMON_ERRORS = {
    "400": ("Bad input: a field, filter or body failed validation; nothing was written.", VALIDATION),
    "401": ("Credentials were given but are invalid, or a write needs credentials.", DETAIL),
    "403": ("Signed in, but your role does not allow this.", DETAIL),
    "404": ("No such object, or no such page of results.", DETAIL),
    "406": ("The Accept header asks for a format this endpoint does not offer.", DETAIL),
    "429": ("Too many requests; retry after the number of seconds in Retry-After.", DETAIL),
}
BODY_ERRORS = {
    "413": ("The request body is larger than the server accepts.", DETAIL),
    "415": ("The Content-Type of the body is not one this endpoint accepts.", DETAIL),
}


class ReckonAutoSchema(AutoSchema):
    """Adds the error responses every Reckon endpoint can give to each operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(COMMON_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERRORS)
        for code, (description, schema) in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=schema, description=description), code, direction=direction
                )
        return responses


class SlugOrIdFieldExtension(OpenApiSerializerFieldExtension):
    """Related objects are written by id or slug and read back as ids."""

    target_class = "forecasts.api.fields.SlugOrIdRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        model = self.target.queryset.model._meta.verbose_name
        if direction == "request":
            return {
                "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}],
                "description": f"The {model}'s id, or its slug.",
            }
        return {"type": "integer", "description": f"The {model}'s id."}
