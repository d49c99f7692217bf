"""The OpenAPI schema: valid, complete, served with its docs page, and true of the API.

The schemathesis run generates requests from the schema and checks every
response: no 5xx, and status code, content type, headers and body all as
documented. RECKON_SCHEMATHESIS_EXAMPLES (examples per operation and role,
default 25) makes a longer run.
"""

import os
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from forecasts.ledger.roles import EDITORS, RESOLVERS
from tests import builders

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("RECKON_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_it_generates_a_valid_schema_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3")
    for path in (
        "/api/forecasts/import/",
        "/api/leaderboard/",
        "/api/authors/{id_or_slug}/scorecard/",
    ):
        assert f"  {path}:" in text


def test_it_serves_the_schema_as_json(api_client, db):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3")
    forecast_detail = schema["paths"]["/api/forecasts/{id}/"]
    assert set(forecast_detail) == {"get"}  # no put, patch or delete: forecasts are immutable
    post = schema["paths"]["/api/forecasts/"]["post"]
    assert {"201", "400", "401", "403", "413", "415", "429"} <= set(post["responses"])
    params = {p["name"] for p in schema["paths"]["/api/forecasts/"]["get"]["parameters"]}
    assert {"author", "question", "tag", "ordering", "page", "page_size", "search"} <= params
    for kind in ("forecasts", "scorecards"):  # the file routes, beside export/?format=
        export = schema["paths"][f"/api/{kind}/export.{{file_format}}"]["get"]
        (suffix,) = [p for p in export["parameters"] if p["in"] == "path"]
        assert (suffix["name"], suffix["schema"]["enum"]) == ("file_format", ["csv", "json"])


def test_it_serves_the_docs_page_from_local_assets(api_client, db):
    page = api_client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # The bundle ships in drf-spectacular-sidecar, so collectstatic (or runserver) serves it.
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


@pytest.fixture
def world(author, source, question, choice_question, resolver):
    """Something to find, and a user who may make every write (editor and resolver)."""
    builders.forecast(
        question, author, source=source, probability=0.5, stated_at=datetime(2025, 1, 2, tzinfo=UTC)
    )
    chief = builders.user("chief", groups=[EDITORS, RESOLVERS])
    return Token.objects.create(user=chief).key


statuses: Counter = Counter()


def _codes(failure: str) -> str:
    return ",".join(
        line.strip() for line in failure.splitlines() if line.strip().startswith("- ST")
    )


def exercise(operation, headers: dict, failures: list, mode=None, checks=CHECKS) -> int:
    """Send generated requests to one operation; return how many were sent."""
    sent = 0

    @given(case=operation.as_strategy(mode or schemathesis.GenerationMode.POSITIVE))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        nonlocal sent
        response = case.call(headers=headers)
        sent += 1
        statuses[f"{operation.method.upper()} {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as failure:  # collect every failure, report together
            failures.append(f"{operation.label}: {str(failure)[:3000]}")

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters)
        pass
    return sent


@pytest.fixture
def in_process_wsgi():
    """Keep the test's database connection open across requests sent straight to the WSGI app.

    Django closes connections when a request ends; its own test client switches
    that off, and schemathesis calls the application directly, so do the same.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_it_answers_generated_requests_as_its_schema_says(api_client, world, in_process_wsgi):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process_wsgi)
    roles = {"anonymous": {}, "editor": {"Authorization": f"Token {world}"}}
    sent = dict.fromkeys(roles, 0)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for role, headers in roles.items():
            sent[role] += exercise(operation, headers, failures)
    kinds = sorted({f"{f.split(':')[0]} {_codes(f)}" for f in failures})
    assert not failures, f"{len(failures)} failures: {kinds}\n\n" + "\n\n".join(failures[:3])
    print("schemathesis requests:", sent, "statuses:", sorted(statuses.items()))
    assert sum(sent.values()) >= 1000, sent


@pytest.mark.fuzz
def test_it_never_answers_malformed_requests_with_a_server_error(
    api_client, world, in_process_wsgi
):
    """Requests that break the schema on purpose: each must get a documented 4xx, never a 5xx."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process_wsgi)
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        sent += exercise(
            result.ok(),
            {"Authorization": f"Token {world}"},
            failures,
            mode=schemathesis.GenerationMode.NEGATIVE,
            checks=[not_a_server_error, status_code_conformance, content_type_conformance],
        )
    kinds = sorted({f"{f.split(':')[0]} {_codes(f)}" for f in failures})
    assert not failures, f"{len(failures)} failures: {kinds}\n\n" + "\n\n".join(failures[:3])
    assert sent >= 300, sent


@pytest.fixture
def schema(api_client, db) -> dict:
    return api_client.get("/api/schema/", {"format": "json"}).json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_it_marks_every_public_read_as_needing_no_credentials(schema):
    for path, method, operation in operations(schema):
        anonymous = {} in operation["security"]
        if method == "GET" or path == "/api/auth/token/":
            assert anonymous, f"{method} {path}"
        else:
            assert not anonymous, f"{method} {path}"


def test_it_tells_swagger_users_to_send_the_word_token_before_the_key(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["in"], scheme["name"]) == ("header", "Authorization")
    assert "`Token <key>`" in scheme["description"]
    assert "A bare key is not recognised" in scheme["description"]


def test_it_states_the_bounds_the_server_enforces(schema):
    def parameter(path: str, name: str) -> dict:
        (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
        return found["schema"]

    assert parameter("/api/questions/", "page_size") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
    }
    assert parameter("/api/leaderboard/", "min_n")["minimum"] == 1
    assert parameter("/api/scorecards/", "min_n")["minimum"] == 0
    assert parameter("/api/scorecards/", "overall") == {"type": "boolean"}
    assert parameter("/api/tags/", "search")["maxLength"] == 200
    slug = parameter("/api/forecasts/", "author")
    assert re.fullmatch(slug["pattern"], "ada-pundit")
    assert re.fullmatch(slug["pattern"], "12")
    for refused in ("0", "ê!", "ada pundit", ""):
        assert not re.fullmatch(slug["pattern"], refused), refused
    forecast = schema["components"]["schemas"]["ForecastRequest"]["properties"]
    assert (forecast["probability"]["minimum"], forecast["probability"]["maximum"]) == (0, 1)
    byline = schema["components"]["schemas"]["SourceRequest"]["properties"]["author"]
    assert {"type": "string", "maxLength": 0} in byline["oneOf"]  # "" means no byline


def test_it_answers_every_query_parameter_given_empty_as_if_it_were_absent(
    api_client, schema, world
):
    """The schema says ``allowEmptyValue`` for each query parameter; the server agrees."""
    checked = 0
    for path, method, operation in operations(schema):
        if method != "GET" or "{" in path:
            continue
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            assert param["allowEmptyValue"] is True, (path, param["name"])
            response = api_client.get(f"{path}?{param['name']}=")
            assert response.status_code == 200, (path, param["name"], response.content[:200])
            checked += 1
    assert checked >= 60


def test_it_offers_no_format_parameter_where_the_extension_decides(schema):
    for kind in ("forecasts", "scorecards"):
        by_extension = schema["paths"][f"/api/{kind}/export.{{file_format}}"]["get"]
        assert "format" not in {p["name"] for p in by_extension["parameters"]}
        by_query = schema["paths"][f"/api/{kind}/export/"]["get"]
        assert "format" in {p["name"] for p in by_query["parameters"]}


def test_it_treats_a_bare_key_as_no_credentials_as_the_authorize_box_says(api_client, editor):
    key = Token.objects.create(user=editor).key
    api_client.credentials(HTTP_AUTHORIZATION=key)
    assert api_client.get("/api/tags/").status_code == 200
    assert api_client.post("/api/tags/", {"name": "Bare"}, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.post("/api/tags/", {"name": "Bare"}, format="json").status_code == 201
