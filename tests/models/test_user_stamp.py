"""The change stamp and the user table: a login leaves it; what a page shows moves it.

Django writes a user's ``last_login`` on every login; before migration
``0030_user_stamp_not_on_login`` that moved the stamp, so each login made every
ETag stale and cleared what the pages remember.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.urls import reverse

from forecasts.models.changes import change_stamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolver():
    return get_user_model().objects.create_user(
        "rita", password="a long pass phrase 123", is_staff=True
    )


def test_a_login_leaves_the_stamp(resolver, client):
    before = change_stamp()
    update_last_login(None, resolver)
    assert change_stamp() == before
    credentials = {"username": "rita", "password": "a long pass phrase 123"}
    response = client.post(reverse("admin:login"), {**credentials, "next": "/"})
    assert response.status_code == 302, response.content[:300]
    resolver.refresh_from_db()
    assert resolver.last_login is not None
    assert change_stamp() == before


def test_a_new_name_moves_the_stamp(resolver):
    before = change_stamp()
    resolver.first_name = "Rita"
    resolver.save(update_fields=["first_name"])
    assert change_stamp() != before


def test_a_full_save_moves_the_stamp(resolver):
    before = change_stamp()
    resolver.save()  # every column set, ``last_login`` among them
    assert change_stamp() != before


def test_a_new_user_and_a_deleted_one_move_it(resolver):
    before = change_stamp()
    other = get_user_model().objects.create_user("sam")
    after_insert = change_stamp()
    assert after_insert != before
    other.delete()
    assert change_stamp() != after_insert
