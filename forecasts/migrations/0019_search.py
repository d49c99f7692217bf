"""Search: synthetic sources marked, and full-text indexes (PostgreSQL only).

* ``Source.is_synthetic``: the synthetic demo world's source was known only by
  its slug; it is now marked like the world's authors and questions (and the
  one already loaded, if any, is marked here), so lists can put it last.
* One GIN index per searched kind.

Each index is on the very expression ``forecasts.models.search.vector`` builds
(``to_tsvector('english', …)`` over the searched fields), so a search's
``@@`` can use it. SQLite searches with ``LIKE`` and gets no index. The model
state is unchanged: the indexes are an optimisation the ORM never needs to know.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

CONFIG = "english"
INDEXES = (
    ("author", "author_search_gin", ("name", "description")),
    ("question", "question_search_gin", ("title",)),
    ("source", "source_search_gin", ("title", "publisher")),
    ("forecast", "forecast_search_gin", ("quote", "phrase")),
)


def _indexes(apps):
    for model_name, index_name, fields in INDEXES:
        model = apps.get_model("forecasts", model_name)
        yield model, GinIndex(SearchVector(*fields, config=CONFIG), name=index_name)


DEMO_SOURCE_SLUG = "synthetic-demo-world"  # forecasts.demo.loader.SOURCE_SLUG


def mark_demo_source(apps, schema_editor):
    Source = apps.get_model("forecasts", "Source")
    Source.objects.filter(slug=DEMO_SOURCE_SLUG).update(is_synthetic=True)


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
    dependencies = [("forecasts", "0018_metaculus_scores")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="is_synthetic",
            field=models.BooleanField(
                default=False, help_text="Generated demo data (the synthetic world's source)."
            ),
        ),
        migrations.RunPython(mark_demo_source, migrations.RunPython.noop),
        migrations.RunPython(add, remove),
    ]
