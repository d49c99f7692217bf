"""Page-number pagination with a client-chosen page size, within bounds the schema states."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 500
LAST_PAGE = {"type": "string", "enum": ["last"]}


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Results per page (1–{MAX_PAGE_SIZE}, default 50)."
    page_query_description = "A page number (from 1), or `last`."

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
