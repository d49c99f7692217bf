"""OpenAPI details drf-spectacular cannot infer.

Error responses, id-or-slug fields, which operations need no credentials, that
an empty query parameter means "not given", and how to type a token into
Swagger's Authorize box. The schema states the bounds the server enforces, so
a client (or schemathesis) that keeps to it is never refused for its shape.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.authentication import TokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from forecasts.api.conditional import ConditionalMixin
from forecasts.api.fields import MAX_ID
from forecasts.api.filters import ID_OR_SLUG_SCHEMA

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
    "400": (
        "Bad input: a field, filter or body failed validation; nothing was written.",
        VALIDATION,
    ),
    "401": ("Credentials were given but are invalid, or a write needs credentials.", DETAIL),
    "403": ("Signed in, but your role does not allow this.", DETAIL),
    "404": ("No such object, or no such page of results.", DETAIL),
    "406": ("The Accept header asks for a format this endpoint does not offer.", DETAIL),
    "429": ("Too many requests; retry after the number of seconds in Retry-After.", DETAIL),
}
BODY_ERRORS = {
    "413": ("The request body is larger than the server accepts.", DETAIL),
    "415": ("The Content-Type of the body is not one this endpoint accepts.", DETAIL),
    "409": (
        "Well formed, but it clashes with what the ledger holds (a slug already taken).",
        VALIDATION,
    ),
}


ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "A weak validator of this answer: send it back in If-None-Match.",
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 2000},
    "description": "The ETag of an earlier answer: 304 with no body while nothing it could "
    "show has changed (docs/api.md, Conditional requests).",
}
NOT_MODIFIED = "Not Modified: the answer whose ETag was sent in If-None-Match still holds."


class ReckonAutoSchema(AutoSchema):
    """Reckon's operations: common errors, anonymous access where allowed, empty filters."""

    def get_auth(self):
        """Offer "no credentials" (``{}``) wherever an anonymous request is let through.

        drf-spectacular only knows DRF's stock permission classes; Reckon's own
        (reads for everyone, writes by role) are asked directly.
        """
        auths = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self) -> bool:
        request = self.view.request
        if request is None:
            return False
        signed_in = request.user
        request.user = AnonymousUser()
        try:
            return all(p.has_permission(request, self.view) for p in self.view.get_permissions())
        finally:
            request.user = signed_in

    def _conditional(self) -> bool:
        return self.method == "GET" and isinstance(self.view, ConditionalMixin)

    def _get_parameters(self):
        parameters = _empty_means_absent(super()._get_parameters())
        if self._conditional():
            parameters.append(IF_NONE_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._conditional() and direction == "response":
            if "200" in responses:
                responses["200"].setdefault("headers", {})["ETag"] = ETAG_HEADER
            responses["304"] = {"description": NOT_MODIFIED, "headers": {"ETag": ETAG_HEADER}}
        errors = dict(COMMON_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERRORS)
        for code, (description, schema) in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=schema, description=description),
                    code,
                    direction=direction,
                )
        return responses


def _empty_means_absent(parameters: list[dict]) -> list[dict]:
    """Every query parameter (filters, search, ordering, paging, periods) reads ``?name=``
    as not given: say so, or a client keeping to the schema could not send it."""
    for parameter in parameters:
        if parameter.get("in") == "query":
            parameter["allowEmptyValue"] = True
    return parameters


class TokenAuthorizeScheme(TokenScheme):
    """The token scheme, explaining what to paste into Swagger's Authorize box."""

    priority = 1

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "Paste the whole header value, `Token <key>`: the word Token, one space, then "
            "your key, e.g. `Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b`. A bare key "
            "is not recognised: you stay anonymous and writes answer 401. Get your key with "
            "`POST /api/auth/token/` (username and password); reads need no token."
        )
        return definition


class SlugOrIdFieldExtension(OpenApiSerializerFieldExtension):
    """Related objects are written by id or slug and read back as ids."""

    target_class = "forecasts.api.fields.SlugOrIdRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        model = self.target.queryset.model._meta.verbose_name
        if direction == "request":
            choices = [
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                ID_OR_SLUG_SCHEMA,
            ]
            if self.target.allow_null:  # DRF reads "" as null for related fields
                choices.append({"type": "string", "maxLength": 0})
            return {"oneOf": choices, "description": f"The {model}'s id, or its slug."}
        return {"type": "integer", "description": f"The {model}'s id."}
