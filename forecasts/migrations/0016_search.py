"""Full-text search indexes (PostgreSQL only): one GIN index per searched kind.

Each index is on the very expression ``forecasts.models.search.vector`` builds
(``to_tsvector('english', …)`` over the searched fields), so a search's
``@@`` can use it. SQLite searches with ``LIKE`` and gets no index. The model
state is unchanged: the indexes are an optimisation the ORM never needs to know.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
INDEXES = (
    ("author", "author_search_gin", ("name", "description")),
    ("question", "question_search_gin", ("title", "resolution_criteria")),
    ("source", "source_search_gin", ("title", "publisher")),
    ("forecast", "forecast_search_gin", ("quote", "phrase")),
)


def _indexes(apps):
    for model_name, index_name, fields in INDEXES:
        model = apps.get_model("forecasts", model_name)
        yield model, GinIndex(SearchVector(*fields, config=CONFIG), name=index_name)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0015_ledger_guards")]

    operations = [migrations.RunPython(add, remove)]
