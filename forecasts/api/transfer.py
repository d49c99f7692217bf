"""Bulk transfer: CSV/JSON exports (streamed) and the all-or-nothing CSV import of forecasts."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, renderers, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasts.api import filters, permissions
from forecasts.api.parsers import CSVParser, RequestTooLarge
from forecasts.api.views import forecasts_for
from forecasts.models import Scorecard
from forecasts.transfer import exports, imports

MAX_REPORTED_ERRORS = 1000


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data  # exports stream their own bytes; see ExportView.


class _Echo:
    def write(self, value):
        return value


def _csv_lines(columns, rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(
            ["" if row[c] is None else exports.spreadsheet_safe(row[c]) for c in columns]
        )


def _json_array(rows):
    yield "["
    for n, row in enumerate(rows):
        yield ("," if n else "") + json.dumps(row, allow_nan=False)
    yield "]"


class ExportView(generics.ListAPIView):
    """Streams every matching row (no pagination) as CSV or as a JSON array."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    filter_backends = [filters.ReferenceFilterBackend]
    pagination_class = None
    columns: tuple[str, ...] = ()
    filename = "export"

    # Turns the filtered queryset into one dict per row; set by each export.
    row_builder: Callable[[QuerySet], Iterable[dict]]

    def list(self, request, *args, **kwargs):
        rows = self.row_builder(self.filter_queryset(self.get_queryset()))
        if request.accepted_renderer.format == "csv":
            response = StreamingHttpResponse(
                _csv_lines(self.columns, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{self.filename}.csv"'
        else:
            response = StreamingHttpResponse(_json_array(rows), content_type="application/json")
        return response

    def get_format_suffix(self, **kwargs):
        # The .csv / .json routes name their suffix file_format rather than DRF's
        # "format", which schema generators leave out as a mere suffix variant.
        return kwargs.get("file_format") or super().get_format_suffix(**kwargs)

    def handle_exception(self, exc):
        # Errors are always JSON, whatever format the export was asked for.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["csv", "json"],
    description="csv (the default for the .csv route) or json; or choose with the Accept header.",
)


def _export_schema(summary: str, description: str, row: serializers.Serializer):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): row,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="CSV with a header row."
            ),
        },
    )


def _row_serializer(name: str, columns: tuple[str, ...]):
    return serializers.Serializer.__class__(
        name,
        (serializers.Serializer,),
        {c: serializers.JSONField(allow_null=True) for c in columns},
    )


ForecastExportRow = _row_serializer("ForecastExportRow", exports.FORECAST_COLUMNS)
ScorecardExportRow = _row_serializer("ScorecardExportRow", exports.SCORECARD_COLUMNS)


class ForecastExport(ExportView):
    filterset_class = filters.ForecastFilter
    columns = exports.FORECAST_COLUMNS
    filename = "reckon-forecasts"
    serializer_class = ForecastExportRow

    def get_queryset(self):
        return forecasts_for(self.request.user)

    row_builder = staticmethod(exports.forecast_rows)

    @_export_schema(
        "Export forecasts with their scores",
        "Every matching forecast in id order, with its author's score on the question and the "
        "outcome. Same filters as the forecast list. Streamed; not paginated.",
        ForecastExportRow(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ScorecardExport(ExportView):
    filterset_class = filters.ScorecardFilter
    columns = exports.SCORECARD_COLUMNS
    filename = "reckon-scorecards"
    serializer_class = ScorecardExportRow

    def get_queryset(self):
        return Scorecard.objects.all()

    row_builder = staticmethod(exports.scorecard_rows)

    @_export_schema(
        "Export scorecards",
        "Every matching stored scorecard: overall (tag empty) and per tag. "
        "Same filters as the scorecard list.",
        ScorecardExportRow(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


FILE_FORMAT_PARAMETER = OpenApiParameter(
    "file_format",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=["csv", "json"],
    description="The file's format, as its extension.",
)


def _file_route(view: type[ExportView], operation_id: str) -> type[ExportView]:
    """The export at ``export.csv`` / ``export.json``: the same view, its own operation."""
    # The extension decides the format; ``?format=`` is not read here, so not offered.
    schema = extend_schema(
        operation_id=operation_id,
        parameters=[FILE_FORMAT_PARAMETER, OpenApiParameter("format", exclude=True)],
    )
    return extend_schema_view(get=schema)(type(f"{view.__name__}File", (view,), {}))


ForecastExportFile = _file_route(ForecastExport, "forecasts_export_file")
ScorecardExportFile = _file_route(ScorecardExport, "scorecards_export_file")


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    field = serializers.CharField(help_text="The column at fault (empty for the whole row).")
    message = serializers.CharField()


class ImportRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    n_errors = serializers.IntegerField(required=False)
    errors = ImportErrorSerializer(
        many=True, required=False, help_text=f"The first {MAX_REPORTED_ERRORS} problems."
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Forecasts written (0 on a dry run).")
    rows = serializers.IntegerField(help_text="Rows checked.")
    dry_run = serializers.BooleanField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file, UTF-8.")


class ForecastImport(APIView):
    """``POST`` a CSV of forecasts: all rows are written, or none and every problem is listed."""

    permission_classes = [permissions.EditorsOnly]
    parser_classes = [CSVParser, MultiPartParser]

    @extend_schema(
        summary="Import forecasts from CSV (editors)",
        description="Send the CSV as the body (`Content-Type: text/csv`) or as the `file` field "
        "of a multipart form. Columns: question, author, stated_at (required), probability or "
        "option_probabilities (`Red=0.2;Blue=0.8`), source, quote, phrase, scale, interval_low, "
        "interval_high, scale_point, conversion_note. "
        "Nothing is written unless every row is valid.",
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Check only; write nothing.")
        ],
        request={"text/csv": OpenApiTypes.STR, "multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(ImportResultSerializer, description="Dry run: the file is valid."),
            400: OpenApiResponse(
                ImportRefusedSerializer,
                description="The file was refused and nothing was written: `errors` lists each "
                "problem with its line and column. "
                "A request without a file gets field errors instead.",
            ),
        },
        examples=[
            OpenApiExample(
                "Two forecasts",
                media_type="text/csv",
                request_only=True,
                value="question,author,stated_at,probability\nwill-it-happen,ada-pundit,2025-01-02T00:00:00Z,0.7\n",
            )
        ],
    )
    def post(self, request):
        text = self._text(request)
        dry_run = _flag(request.query_params.get("dry_run"))
        try:
            n = imports.import_forecasts(text, entered_by=request.user, dry_run=dry_run)
        except imports.ImportFailed as failed:
            return Response(
                {
                    "detail": "The file was refused; nothing was written.",
                    "n_errors": len(failed.errors),
                    "errors": [vars(e) for e in failed.errors[:MAX_REPORTED_ERRORS]],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = {"created": 0 if dry_run else n, "rows": n, "dry_run": dry_run}
        return Response(body, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)

    def _text(self, request) -> str:
        if isinstance(request.data, str):
            return request.data
        upload = request.data.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise ValidationError(
                {"file": ["Attach the CSV as 'file', or send it as a text/csv body."]}
            )
        if upload.size > settings.RECKON_IMPORT_MAX_BYTES:
            raise RequestTooLarge(
                f"The file is larger than {settings.RECKON_IMPORT_MAX_BYTES} bytes."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": ["The CSV file must be UTF-8 encoded."]}) from None


def _flag(value: str | None) -> bool:
    if value in (None, "", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise ValidationError({"dry_run": ["Give true or false."]})
