"""The search page: authors, questions, sources and quotes matching the words typed.

The matching is ``forecasts.models.search.search_ledger`` (full-text on
PostgreSQL, words on SQLite), the code ``/api/search/`` uses too.
"""

from __future__ import annotations

from django.shortcuts import render

from forecasts.models.search import RECORDS, SearchError, search_ledger

HEADINGS = {
    "authors": "Authors",
    "questions": "Questions",
    "sources": "Sources",
    "quotes": "Quotes",
}
RECORD_CHOICES = (
    ("", "Real records first, then synthetic"),
    ("real", "Real records only"),
    ("synthetic", "Synthetic demo records only"),
)


def search(request):
    """Results grouped by kind; a query the database cannot take is a 400 saying why."""
    text = request.GET.get("q", "")
    records = request.GET.get("records", "")
    records = records if records in RECORDS else ""
    error = ""
    try:
        results = search_ledger(text, records=records)
    except SearchError as exc:
        error = str(exc).split(": ", 1)[1]
        results = None
    return render(
        request,
        "forecasts/search.html",
        {
            "q": text[:200].replace("\x00", ""),
            "records": records,
            "record_choices": RECORD_CHOICES,
            "results": results,
            "groups": [(kind, HEADINGS[kind], found) for kind, found in results.groups()]
            if results
            else [],
            "error": error,
        },
        status=400 if error else 200,
    )
