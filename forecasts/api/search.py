"""``/api/search/?q=``: authors, questions, sources and quotes matching the words, by kind.

The same matching as the search page (``forecasts.models.search``): full-text
on PostgreSQL, words on SQLite; real records before synthetic ones unless
``records=synthetic``; ``records=real`` leaves the synthetic ones out.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasts.models.search import MAX_LENGTH, SearchError, search_ledger

LIMIT = 20


def _author(a) -> dict:
    return {"id": a.pk, "slug": a.slug, "name": a.name, "is_synthetic": a.is_synthetic}


def _question(q) -> dict:
    return {
        "id": q.pk,
        "slug": q.slug,
        "title": q.title,
        "state": q.state,
        "is_synthetic": q.is_synthetic,
    }


def _source(s) -> dict:
    return {
        "id": s.pk,
        "slug": s.slug,
        "title": s.title,
        "published_on": s.published_on,
        "is_synthetic": s.synthetic,
    }


def _quote(f) -> dict:
    return {
        "forecast": f.pk,
        "quote": f.quote,
        "author_slug": f.author.slug,
        "question_slug": f.question.slug,
        "stated_at": f.stated_at,
        "is_synthetic": f.synthetic,
    }


HIT = {"authors": _author, "questions": _question, "sources": _source, "quotes": _quote}


class SearchView(APIView):
    @extend_schema(
        summary="Search authors, questions, sources and quotes",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_LENGTH, "pattern": "^[^\\u0000]*$"},
                description=f"The words (at most {MAX_LENGTH} characters). On PostgreSQL, "
                "“quoted words” are a phrase and -word leaves a word out.",
            ),
            OpenApiParameter(
                "records",
                OpenApiTypes.STR,
                enum=["real", "synthetic"],
                description="Empty: all, real records first; real or synthetic: only those.",
            ),
        ],
        responses=inline_serializer(
            "SearchResults",
            {
                "query": serializers.CharField(),
                "records": serializers.CharField(),
                **{kind: serializers.ListField(child=serializers.DictField()) for kind in HIT},
            },
        ),
    )
    def get(self, request):
        text = request.query_params.get("q", "")
        records = request.query_params.get("records", "")
        try:
            results = search_ledger(text, records=records, limit=LIMIT)
        except SearchError as exc:
            field, message = str(exc).split(": ", 1)
            raise ValidationError({field: [message]}) from exc
        return Response(
            {
                "query": results.query,
                "records": results.records,
                **{kind: [HIT[kind](hit) for hit in found] for kind, found in results.groups()},
            }
        )
