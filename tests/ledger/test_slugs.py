"""Slugs: made from names and titles in one place, new ones suffixed -2, -3…"""

import pytest
from django.utils.text import slugify
from hypothesis import given
from hypothesis import strategies as st

from forecasts.ledger import slugs
from forecasts.models import Author, Question


def test_it_slugifies_a_name():
    assert slugs.slug_from("Stefan Wolff", max_length=200) == "stefan-wolff"
    assert slugs.slug_from("Zürich’s “best” forecasts!", max_length=200) == "zurichs-best-forecasts"


def test_it_cuts_to_the_field_and_drops_a_hyphen_left_at_the_cut():
    assert slugs.slug_from("Trump brokered a deal", max_length=6) == "trump"
    assert slugs.slug_from("Trump brokered a deal", max_length=6, trim=False) == "trump-"


def test_it_falls_back_when_nothing_of_the_text_is_left():
    assert slugs.slug_from("“…”", max_length=80, fallback="claim") == "claim"
    assert slugs.slug_from("", max_length=80) == ""


@given(st.text(max_size=300), st.integers(min_value=1, max_value=250))
def test_it_makes_the_slugs_the_four_old_helpers_made(text, max_length):
    # drafting/drafts.py and commands/draft_claims.py: cut, trimmed, with a fallback
    assert slugs.slug_from(text, max_length=max_length, fallback="claim") == (
        slugify(text)[:max_length].strip("-") or "claim"
    )
    # api/serializers.py and api/writes.py: cut, nothing trimmed
    assert slugs.slug_from(text, max_length=max_length, trim=False) == slugify(text)[:max_length]


@pytest.mark.django_db
def test_it_suffixes_a_taken_slug_with_the_first_free_number(django_assert_num_queries):
    Author.objects.create(name="Ada", slug="ada")
    Author.objects.create(name="Ada", slug="ada-2")
    Author.objects.create(name="Adam", slug="adam")
    with django_assert_num_queries(1):
        assert slugs.unique_slug(Author, "ada") == "ada-3"
    assert slugs.unique_slug(Author, "bo") == "bo"


@pytest.mark.django_db
def test_it_keeps_a_batch_unique_among_itself_in_one_query(question, django_assert_num_queries):
    with django_assert_num_queries(1):
        made = slugs.unique_slugs(Question, ["will-it-happen", "will-it-happen", "new", "new"])
    assert made == ["will-it-happen-2", "will-it-happen-3", "new", "new-2"]


@pytest.mark.django_db
def test_it_asks_nothing_for_an_empty_batch(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert slugs.unique_slugs(Question, []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ada-pundit", True), ("ada", True), ("Ada Pundit", False), ("ada_pundit", True), ("", True)],
)
def test_it_tells_a_slug_from_a_name(text, expected):
    assert slugs.is_slug(text) is expected
