"""Page-number pagination with a client-chosen page size, within bounds the schema states.

Each list's count is remembered while the data stands. Counting reads every row
the filters keep (a list of half a million scores: 34 ms a page), and the count
cannot change without a write or a question's status moving with the clock: both
move the stamps the request's ETag was worked out from (``conditional.stamps``).
So a list's count is kept under those stamps with everything else the list
depends on (its path and query but the page, the client, the database), and a
later page of the same list, or the same page again, reads only its rows. A
count kept so is exactly as current as a 304 answered for the same request.
"""

from django.db import connection
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from forecasts.api import compiled

MAX_PAGE_SIZE = 500
LAST_PAGE = {"type": "string", "enum": ["last"]}


class RememberedCount:
    """A queryset for Django's paginator whose count is remembered under ``key``."""

    def __init__(self, queryset: QuerySet, key: tuple) -> None:
        self.queryset, self.key = queryset, key
        self.ordered = queryset.ordered

    def count(self) -> int:
        found = compiled.known_count(self.key)
        if found is None:
            found = self.queryset.count()
            compiled.remember_count(self.key, found)
        return found

    def __getitem__(self, index):
        return self.queryset[index]


def count_key(request, paginator) -> tuple | None:
    """What a list's count depends on, or None when the request read no stamps (no ETag:
    not a JSON read, or an answer from the public cache)."""
    current = getattr(request, "_reckon_stamps", None)
    if current is None:
        return None
    skipped = {paginator.page_query_param, paginator.page_size_query_param}
    items = compiled.query_items(request.query_params, skipped=skipped)
    user = request.user.pk if request.user.is_authenticated else None
    return ("list", request.path, items, user, connection.vendor, current)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Results per page (1–{MAX_PAGE_SIZE}, default 50)."
    page_query_description = "A page number (from 1), or `last`."

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, QuerySet):  # the kept lists remember their own counts
            key = count_key(request, self)
            if key is not None:
                queryset = RememberedCount(queryset, key)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        """The requested page size; a value outside 1–500, or not a number, is a 400.

        DRF's own paginator quietly falls back to the default (or caps at the
        maximum), so a typo such as ``page_size=5O`` silently returned 50 rows.
        An empty value means "not given", as for every filter.
        """
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"oneOf": [{"type": "integer", "minimum": 1}, LAST_PAGE]}
        return parameters
