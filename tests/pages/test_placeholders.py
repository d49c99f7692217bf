"""No placeholder reaches a reader: every public page, for authors with 0, 1, 2 and many
scored questions, with and without filters, says in words what it cannot show.

Pages are found from the URL patterns themselves (``forecasts.urls``), so a page
added later is read here too: each pattern's slug is filled with every author,
question, source and tag on record.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.urls import URLPattern, reverse

from forecasts import urls as page_urls
from forecasts.models.quantity import day_number
from tests.builders.quantity_pages import (
    CLOSES,
    KNOWN,
    OPENS,
    date_question,
    numeric_question,
    quantity_questions,
    store_quantity_scores,
    value_forecast,
    value_resolution,
)
from tests.builders.sized_records import sized_records

pytestmark = pytest.mark.django_db

FILTERS = (
    "",
    "?tag=elections",
    "?since=2024-02-01&until=2024-03-15",
    "?since=2030-01-01",  # a period with nothing in it
    "?recorded_before_outcome=on",
    "?tag=trade&since=2024-01-01&recorded_before_outcome=on",
)

LEAKS = {
    "None": re.compile(r"\bNone\b"),
    "nan": re.compile(r"\bnan\b", re.I),
    "dashes": re.compile(r"–––|---(?!-)|—{2,}"),
    "dash to dash": re.compile(r"–\s*to\s*–|–\s*–"),
    "empty figure": re.compile(r'<data data-field="[^"]*" value="">'),
    "empty cell": re.compile(r"<td[^>]*>\s*</td>"),
}


def has_data_marks(svg: str) -> bool:
    """Whether a drawn chart holds a data series with at least one mark (path or marker).

    The charts tag each series' group with ``data-series``; axes and guides are not in one.
    """
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return False
    return any(
        element is not group and element.tag.rsplit("}", 1)[-1] in ("path", "use")
        for group in root.iter()
        if group.get("data-series")
        for element in group.iter()
    )


def leaks(text: str, *, charts: bool = True) -> list[str]:
    """The kinds of placeholder found in a page's text, with a little context.

    ``charts``: also look for charts drawn without data (not for a badge, which is
    an SVG image of its own and no chart)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    found = []
    for name, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: …{text[max(match.start() - 80, 0) : match.end() + 40]}…")
    for svg in re.findall(r"<svg\b.*?</svg>", text, re.S) if charts else []:
        if not has_data_marks(svg):
            found.append(f"empty chart: {svg[:200]}")
    return found


def page_paths(records) -> list[str]:
    """Every public page's path, each slug pattern once per object of its kind."""
    slugs = {
        "author": [a.slug for a in records.authors],
        "question": [q.slug for q in records.questions],
        "source": [records.source.slug],
        "tag": [t.slug for t in records.tags],
    }
    paths = []
    for pattern in page_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if "slug" not in pattern.pattern.converters:
            paths.append(reverse(pattern.name))
            continue
        kind = pattern.name.split("-")[0]
        paths += [reverse(pattern.name, kwargs={"slug": slug}) for slug in slugs[kind]]
    return paths


def with_quantities(records):
    """The sized records with numeric and date questions too: three resolved and scored
    (a log scale, a clamped date; intervals, quantiles, points alone), one without a
    range and one still open."""
    made = quantity_questions(records.authors[2:5], tags=[records.tags[0]])
    unranged = numeric_question(
        "unranged-2025", range_low=None, range_high=None, unit="", opens_at=OPENS,
        closes_at=CLOSES, resolve_by=KNOWN,
    )  # fmt: skip
    value_forecast(unranged, records.authors[2], stated_at=OPENS, low=1.0, high=5.0, coverage=0.5)
    value_resolution(unranged, 0.0, known_at=KNOWN)
    store_quantity_scores(unranged)
    pending = date_question(
        "pending-date", first=date(2030, 1, 1), last=date(2030, 12, 31),
        resolve_by=datetime(2099, 1, 1, tzinfo=UTC), closes_at=datetime(2098, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    value_forecast(pending, records.authors[0], stated_at=OPENS, value=day_number(date(2030, 6, 1)))
    records.questions += [*made.values(), unranged, pending]
    return records


def test_no_page_shows_a_placeholder_for_any_record_size_or_filter(client):
    records = with_quantities(sized_records())
    found = {}
    for path in page_paths(records):
        for query in FILTERS:
            response = client.get(path + query)
            assert response.status_code == 200, (path + query, response.status_code)
            svg = response["Content-Type"].startswith("image/svg+xml")
            problems = leaks(response.content.decode(), charts=not svg)
            if problems:
                found[path + query] = problems[:3]
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_checker_catches_each_kind_of_leak():
    assert leaks("<p>Rank None</p>")
    assert leaks("<p>Brier nan</p>")
    assert leaks("<td>–––</td>")
    assert leaks("95% interval – to –")
    assert leaks('<data data-field="brier_low" value="">x</data>')
    assert leaks('<svg role="img"><g class="axis"><path d="M0 0"/></g></svg>')
    assert leaks('<svg role="img"><g data-series="brier"></g></svg>')
    assert not leaks(
        "<p>Nonetheless, a financial 95% interval 0.1 to 0.2</p>"
        '<svg><g data-series="brier"><path d="M0 0"/></g></svg>'
    )


def test_a_single_scored_question_says_why_there_is_no_interval(client):
    records = sized_records()
    html = client.get(records.authors[1].get_absolute_url()).content.decode()
    assert "one question is too few to say how far the score could move" in html


def test_a_record_with_nothing_to_calibrate_says_so_instead_of_an_empty_chart(client):
    records = sized_records()
    chooser = records.authors[-1]
    html = client.get(chooser.get_absolute_url()).content.decode()
    assert "none of the scored questions is a yes/no question" in html
    assert 'aria-label="Calibration chart' not in html
