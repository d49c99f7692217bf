"""Sign-in is locked out after repeated wrong passwords; client addresses cannot be made up.

The lockout (django-axes) keeps its attempts in the database, so it is tested
here with the cache pointed at a Redis that is not there as well.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
LIMIT = 4


@pytest.fixture(autouse=True)
def lockout_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.RECKON_TRUSTED_PROXIES = []


def token_attempt(client, password: str, **extra):
    return client.post(
        TOKEN_URL, {"username": "edith", "password": password}, format="json", **extra
    )


def test_it_locks_the_token_sign_in_after_repeated_wrong_passwords(api_client, editor):
    codes = [token_attempt(api_client, f"guess-{n}").status_code for n in range(LIMIT + 2)]
    assert codes == [401] * (LIMIT - 1) + [429, 429, 429]
    # Locked out means locked out: the right password is refused too, and says how long.
    response = token_attempt(api_client, "pw-edith-123")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60


def test_it_lets_the_address_sign_in_again_once_the_lockout_expires(api_client, editor):
    for n in range(LIMIT):
        token_attempt(api_client, f"guess-{n}")
    assert token_attempt(api_client, "pw-edith-123").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = token_attempt(api_client, "pw-edith-123")
    assert response.status_code == 200
    assert response.json()["token"]


def test_it_does_not_lock_out_other_addresses(api_client, editor):
    for n in range(LIMIT):
        token_attempt(api_client, f"guess-{n}", REMOTE_ADDR="192.0.2.10")
    assert token_attempt(api_client, "pw-edith-123", REMOTE_ADDR="192.0.2.10").status_code == 429
    assert token_attempt(api_client, "pw-edith-123", REMOTE_ADDR="192.0.2.11").status_code == 200


def test_a_made_up_forwarded_address_does_not_escape_the_lockout(api_client, editor):
    codes = [
        token_attempt(api_client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(LIMIT + 1)
    ]
    assert codes[-2:] == [429, 429]


def test_it_locks_the_admin_login_after_repeated_wrong_passwords(editor):
    browser = Client()
    form = {"username": "edith", "next": "/admin/"}
    codes = [
        browser.post("/admin/login/", {**form, "password": f"guess-{n}"}).status_code
        for n in range(LIMIT + 1)
    ]
    assert codes == [200] * (LIMIT - 1) + [429, 429]
    response = browser.post("/admin/login/", {**form, "password": "pw-edith-123"})
    assert response.status_code == 429
    assert "too many login attempts" in response.content.decode()


def test_the_admin_and_the_api_share_one_count(api_client, editor):
    browser = Client()
    for n in range(LIMIT - 1):
        browser.post("/admin/login/", {"username": "edith", "password": f"guess-{n}"})
    assert token_attempt(api_client, "still-wrong").status_code == 429


def test_the_lockout_holds_while_redis_is_down(api_client, editor, redis_down):
    codes = [token_attempt(api_client, f"guess-{n}").status_code for n in range(LIMIT + 1)]
    assert codes[-2:] == [429, 429]
    assert token_attempt(api_client, "pw-edith-123").status_code == 429


def throttled_reads(api_client, settings, **extra) -> list[int]:
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None},
    }
    for address in ["192.0.2.90"] + [f"198.51.100.{n}" for n in range(5)]:
        cache.delete(f"throttle_anon_{address}")  # whatever an earlier run left
    return [
        api_client.get("/api/tags/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **extra).status_code
        for n in range(5)
    ]


def test_a_made_up_forwarded_address_does_not_escape_the_rate_limit(api_client, settings):
    codes = throttled_reads(api_client, settings, REMOTE_ADDR="192.0.2.90")
    assert codes == [200, 200, 200, 429, 429]


def test_a_trusted_proxy_names_the_client_it_forwards(api_client, settings):
    settings.RECKON_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # Five different clients behind the proxy: none reaches its limit of three.
    assert throttled_reads(api_client, settings, REMOTE_ADDR="10.1.2.3") == [200] * 5


def test_a_wrong_password_is_a_401_and_a_missing_field_a_400(api_client, editor):
    wrong = token_attempt(api_client, "not-her-password")
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Unable to sign in with that username and password."}
    assert wrong["WWW-Authenticate"] == "Token"
    missing = api_client.post(TOKEN_URL, {"username": "edith"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()
