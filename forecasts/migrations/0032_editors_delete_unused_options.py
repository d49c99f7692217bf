"""Editors may delete a question's options while nobody has forecast it.

Editors could add and edit options but not delete one, so a wrong option on a
draft waited for a superuser. Since ``0031`` the admin refuses any change to
the options of a question with forecasts or a resolution (and an option a
forecast, a resolution or a condition names is protected by its foreign
key), so deleting is safe for the rest.
"""

from django.db import migrations

from forecasts.migrations._grants import granting

# Frozen copy of what forecasts/ledger/roles.py grants for options beyond 0003's.
GRANTS = {"Editors": ["delete_option"]}


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0031_options_on_choice_questions_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(*granting(GRANTS))]
