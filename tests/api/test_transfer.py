"""Bulk transfer: the all-or-nothing CSV import and the CSV/JSON exports."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from forecasts.models import Author, Forecast, QuestionScore, Scorecard
from forecasts.transfer.imports import ImportFailed, import_forecasts
from tests import builders
from tests.builders.late_claims import late_claims

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "question,author,stated_at,probability,option_probabilities,source,phrase,scale\n"
NOV_12 = datetime(2024, 11, 12, 12, tzinfo=UTC)


@pytest.fixture
def frozen_at() -> datetime:
    """Stop the clock while the question fixtures are open (they close 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def sample_ledger(question, choice_question, author, source):
    builders.author("Bo Analyst")
    return question


def post_csv(client, text: str, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.generic(
        "POST", f"/api/forecasts/import/{query}", text.encode(), content_type="text/csv"
    )


GOOD = HEADER + (
    "will-it-happen,ada-pundit,2024-11-12T10:00:00Z,0.7,,what-next,likely,icd203\n"
    "will-it-happen,bo-analyst,2025-03-01T08:00:00+01:00,0.25,,,,\n"
    "who-wins,ada-pundit,2025-02-20T00:00:00Z,,Red=0.2;Blue=0.5;Green=0.3,what-next,,\n"
)


def test_it_imports_a_valid_file_in_one_go(client_for, editor, sample_ledger):
    response = post_csv(client_for(editor), GOOD)
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 3, "rows": 3, "dry_run": False}
    binary = Forecast.objects.filter(question__slug="will-it-happen").order_by("probability")
    assert [(f.author.slug, f.probability) for f in binary] == [
        ("bo-analyst", 0.25),
        ("ada-pundit", 0.7),
    ]
    assert binary[1].source.slug == "what-next" and binary[1].phrase == "likely"
    choice = Forecast.objects.get(question__slug="who-wins")
    assert [(p.option.label, p.probability) for p in choice.option_probabilities.all()] == [
        ("Red", 0.2),
        ("Blue", 0.5),
        ("Green", 0.3),
    ]
    assert {f.entered_by for f in Forecast.objects.all()} == {editor}


def test_it_accepts_a_multipart_upload(client_for, editor, sample_ledger):
    upload = SimpleUploadedFile("forecasts.csv", GOOD.encode(), content_type="text/csv")
    response = client_for(editor).post(
        "/api/forecasts/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert Forecast.objects.count() == 3


def test_it_writes_nothing_and_reports_every_bad_row_with_line_and_field(
    client_for, editor, sample_ledger
):
    text = GOOD + (
        "will-it-happen,nobody,2025-01-01T00:00:00Z,0.5,,,,\n"  # line 5: unknown author
        "will-it-happen,ada-pundit,2025-01-01T00:00:00Z,nan,,what-next,,\n"  # line 6: NaN
        "who-wins,ada-pundit,2025-01-01T00:00:00Z,,Red=0.5;Blue=0.6;Green=0,what-next,,\n"  # 7: sum
        "will-it-happen,ada-pundit,2025-09-01T00:00:00Z,0.5,,,,\n"  # line 8: future/after close
        "will-it-happen,ada-pundit,2025-01-01T00:00:00,0.5,,what-next,,\n"  # line 9: naive time
        "will-it-happen,ada-pundit,2025-01-01T00:00:00Z,1.5,,what-next,,\n"  # line 10: out of range
        "will-it-happen,ada-pundit,2025-01-01T00:00:00Z,0.5,,what-next,,tarot\n"  # line 11: scale
    )
    response = post_csv(client_for(editor), text)
    assert response.status_code == 400
    body = response.json()
    assert body["n_errors"] == 7
    assert [(e["line"], e["field"]) for e in body["errors"]] == [
        (5, "author"),
        (6, "probability"),
        (7, "option_probabilities"),
        (8, "stated_at"),
        (9, "stated_at"),
        (10, "probability"),
        (11, "scale"),
    ]
    assert Forecast.objects.count() == 0


def test_it_counts_lines_of_quoted_multiline_fields(sample_ledger):
    text = "question,author,stated_at,probability,quote\n" + (
        'will-it-happen,ada-pundit,2025-03-01T08:00:00Z,0.5,"two\nlines"\n'
        "will-it-happen,nobody,2025-03-01T08:00:00Z,0.5,\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_forecasts(text)
    assert [(e.line, e.field) for e in failed.value.errors] == [(4, "author")]


def test_it_refuses_a_file_with_unknown_or_missing_columns(client_for, editor, sample_ledger):
    response = post_csv(
        client_for(editor), "question,writer,when\nwill-it-happen,ada-pundit,2025\n"
    )
    assert response.status_code == 400
    fields = {(e["line"], e["field"]) for e in response.json()["errors"]}
    assert {
        (1, "writer"),
        (1, "when"),
        (1, "author"),
        (1, "stated_at"),
        (1, "probability"),
    } <= fields


def test_it_refuses_a_ragged_row(client_for, editor, sample_ledger):
    response = post_csv(client_for(editor), HEADER + "will-it-happen,ada-pundit\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 2


def test_it_refuses_forecasts_on_annulled_questions_in_a_file(
    client_for, editor, sample_ledger, question
):
    builders.annul(question, reason="Ambiguous.", outcome_known_at=datetime(2025, 1, 1, tzinfo=UTC))
    response = post_csv(client_for(editor), GOOD)
    assert response.status_code == 400
    assert {(e["line"], e["field"]) for e in response.json()["errors"]} == {
        (2, "question"),
        (3, "question"),
    }
    assert Forecast.objects.count() == 0


def test_it_checks_without_writing_on_a_dry_run(client_for, editor, sample_ledger):
    response = post_csv(client_for(editor), GOOD, dry_run="true")
    assert response.status_code == 200
    assert response.json() == {"created": 0, "rows": 3, "dry_run": True}
    assert Forecast.objects.count() == 0


def test_it_lets_only_editors_import(client_for, forecaster, resolver, api_client, sample_ledger):
    assert post_csv(api_client, GOOD).status_code == 401
    assert post_csv(client_for(forecaster), GOOD).status_code == 403
    assert post_csv(client_for(resolver), GOOD).status_code == 403
    assert Forecast.objects.count() == 0


def test_it_refuses_a_file_that_is_not_utf8(client_for, editor, sample_ledger):
    response = client_for(editor).generic(
        "POST",
        "/api/forecasts/import/",
        "question,author\n\xe9\n".encode("latin-1"),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_it_validates_with_a_fixed_number_of_queries(sample_ledger, django_assert_max_num_queries):
    rows = "".join(
        f"will-it-happen,{'ada-pundit' if i % 2 else 'bo-analyst'},"
        f"2025-03-01T0{i // 60}:{i % 60:02d}:00Z,0.{i % 9 + 1},,,,\n"
        for i in range(300)
    )
    # SQLite splits the one bulk insert into batches by its limit of 999 query variables:
    # 300 rows of a forecast's 24 columns make 8 of them.
    with django_assert_max_num_queries(12 if connection.vendor == "postgresql" else 15):
        assert import_forecasts(HEADER + rows) == 300
    assert Forecast.objects.count() == 300


def _json(response):
    return json.loads(b"".join(response.streaming_content))


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def scored_ledger(sample_ledger, question, author, source, resolver):
    builders.forecast(
        question,
        author,
        source=source,
        probability=0.8,
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        phrase="likely",
        at=datetime(2024, 11, 12, 1, tzinfo=UTC),  # recorded before the outcome was known
    )
    resolution = builders.resolve(
        question,
        "yes",
        known_at=datetime(2025, 2, 1, tzinfo=UTC),
        evidence_note="Reported.",
        by=resolver,
    )
    QuestionScore.objects.create(
        author=author,
        question=question,
        resolution=resolution,
        brier=0.04,
        brier_final=0.04,
        log_loss=0.2231,
        relative_brier=-0.1,
        baseline=67.8,
        peer=None,  # nobody else forecast it
        n_forecasts=1,
    )
    Scorecard.objects.create(
        author=author,
        n_scored=1,
        brier=0.04,
        brier_0_2=0.08,
        skill=0.84,
        n_baseline=1,
        baseline=67.8,
    )
    return question


@pytest.mark.parametrize("path", ["/api/forecasts/export.csv", "/api/forecasts/export/?format=csv"])
def test_it_exports_forecasts_with_their_scores_as_csv(api_client, scored_ledger, path):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert (row["question_slug"], row["author_slug"], row["probability"], row["phrase"]) == (
        "will-it-happen",
        "ada-pundit",
        "0.8",
        "likely",
    )
    assert (row["outcome"], row["brier"], row["brier_0_2"], row["log_loss"], row["counted"]) == (
        "yes",
        "0.04",
        "0.08",
        "0.2231",
        "True",
    )
    assert (row["baseline"], row["peer"]) == ("67.8", "")


def test_it_exports_forecasts_as_json_with_filters(
    api_client, scored_ledger, choice_question, author
):
    options = list(choice_question.options.all())
    builders.forecast(
        choice_question,
        author,
        stated_at=datetime(2025, 3, 1, tzinfo=UTC),
        option_probabilities={o.pk: p for o, p in zip(options, [0.6, 0.3, 0.1], strict=True)},
    )
    everything = _json(api_client.get("/api/forecasts/export.json"))
    assert len(everything) == 2
    only = _json(
        api_client.get("/api/forecasts/export/", {"format": "json", "question": "who-wins"})
    )
    assert [r["option_probabilities"] for r in only] == ["Red=0.6;Blue=0.3;Green=0.1"]
    assert only[0]["brier"] is None


def test_it_answers_a_bad_export_filter_in_json(api_client, scored_ledger):
    response = api_client.get("/api/forecasts/export.csv", {"author": "nobody"})
    assert response.status_code == 404  # the author named does not exist
    assert response["Content-Type"].startswith("application/json")
    assert "author" in response.json()


def test_it_exports_scorecards(api_client, scored_ledger):
    rows = _csv(api_client.get("/api/scorecards/export.csv"))
    assert [
        (r["author_slug"], r["tag"], r["n_scored"], r["brier"], r["brier_0_2"]) for r in rows
    ] == [("ada-pundit", "", "1", "0.04", "0.08")]
    assert [(r["n_baseline"], r["baseline"], r["n_peer"], r["peer"]) for r in rows] == [
        ("1", "67.8", "0", "")
    ]


def test_it_streams_a_large_export_in_constant_queries(
    api_client, sample_ledger, author, django_assert_max_num_queries
):
    import_forecasts(
        HEADER
        + "".join(
            f"will-it-happen,ada-pundit,2025-03-01T0{i // 3600}:{i // 60 % 60:02d}:{i % 60:02d}Z"
            ",0.5,,,,\n"
            for i in range(4500)
        )
    )
    with django_assert_max_num_queries(20):  # 3 chunks of 2,000 at 5 queries each, and auth
        rows = _csv(api_client.get("/api/forecasts/export.csv"))
    assert len(rows) == 4500


def test_it_writes_with_bulk_create_where_copy_is_unavailable(sample_ledger, monkeypatch):
    from forecasts.transfer import imports

    monkeypatch.setattr(imports.connection, "vendor", "sqlite")  # the embedded default's path
    text = HEADER + "who-wins,ada-pundit,2025-03-01T08:00:00Z,,Red=0.25;Blue=0.25;Green=0.5,,,\n"
    assert import_forecasts(text) == 1
    forecast = Forecast.objects.get()
    assert [p.probability for p in forecast.option_probabilities.all()] == [0.25, 0.25, 0.5]


def test_it_exports_as_counted_only_the_forecasts_the_score_used(api_client, resolver):
    world = late_claims(by=resolver)
    rows = {int(r["forecast_id"]): r for r in _csv(api_client.get("/api/forecasts/export.csv"))}
    marks = {
        name: (rows[f.pk]["counted"], rows[f.pk]["final"])
        for name, f in [
            ("cora early", world.cora_early),
            ("cora after the close", world.cora_after_close),
            ("dan early", world.dan_early),
            ("dan in hindsight", world.dan_hindsight),
        ]
    }
    assert marks == {
        "cora early": ("True", "True"),
        "cora after the close": ("False", "False"),
        "dan early": ("True", "True"),
        "dan in hindsight": ("False", "False"),
    }
    assert float(rows[world.cora_early.pk]["brier_final"]) == pytest.approx(0.04)  # 0.8 on yes


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ('=HYPERLINK("http://x.example","c")', '\'=HYPERLINK("http://x.example","c")'),
        ("+1 on that", "'+1 on that"),
        ("-2 points, likely", "'-2 points, likely"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("Quite likely = yes", "Quite likely = yes"),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    api_client, scored_ledger, source, quote, shown
):
    bo = Author.objects.get(slug="bo-analyst")
    builders.forecast(scored_ledger, bo, source=source, stated_at=NOV_12, quote=quote)

    rows = _csv(api_client.get("/api/forecasts/export.csv"))
    raw = b"".join(api_client.get("/api/forecasts/export.csv").streaming_content).decode()

    assert [r["quote"] for r in rows if r["author_slug"] == "bo-analyst"] == [shown]
    assert [r["relative_brier"] for r in rows if r["author_slug"] == "ada-pundit"] == ["-0.1"]
    cells = [cell for line in raw.splitlines()[1:] for cell in next(csv.reader([line]))]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert _json(api_client.get("/api/forecasts/export.json"))[1]["quote"] == quote


def test_it_refuses_a_repeated_forecast_in_the_file_or_in_the_ledger(
    client_for, editor, sample_ledger, author, source
):
    builders.forecast(
        sample_ledger, author, source=source, stated_at=datetime(2025, 1, 5, tzinfo=UTC)
    )
    text = HEADER + (
        "will-it-happen,bo-analyst,2025-03-01T08:00:00Z,0.2,,,,\n"
        "will-it-happen,bo-analyst,2025-03-01T09:00:00+01:00,0.8,,,,\n"  # the same moment
        "will-it-happen,ada-pundit,2025-01-05T00:00:00Z,0.4,,what-next,,\n"  # already stored
        "will-it-happen,ada-pundit,2025-01-06T00:00:00Z,0.4,,what-next,,\n"
    )

    response = post_csv(client_for(editor), text)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "stated_at"), (4, "stated_at")]
    assert "Line 2 already gives" in errors[0]["message"]
    assert "Ada Pundit already has a forecast" in errors[1]["message"]
    assert Forecast.objects.count() == 1
