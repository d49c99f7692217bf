"""Who may write what. Roles are Django groups, so an administrator assigns them in the admin.

* Editors enter sources, authors, questions and forecasts (on anyone's behalf).
* Resolvers record, correct and annul resolutions.
* A forecaster is any user linked to an Author; they forecast only as that author.
"""

from __future__ import annotations

EDITORS = "Editors"
RESOLVERS = "Resolvers"

# Model permissions each group gets; the admin and the API both check these.
GROUP_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        f"{action}_{model}"
        for model in (
            "author",
            "source",
            "tag",
            "question",
            "option",
            "forecast",
            "forecastprobability",
            "discardedclaim",
        )
        for action in ("add", "change", "view")
    ]
    # A discarded draft's sentence is released for drafting again by deleting its row.
    + ["delete_discardedclaim"]
    # A wrong option of a question nobody has forecast (the admin refuses the rest).
    + ["delete_option"]
    + ["view_resolution", "view_questionscore", "view_scorecard", "view_forecastcorrection"]
    # The reminder log and the due queue (granted by migration 0006_celery_prompts).
    + ["view_duequestion", "view_resolutionprompt"]
    # The audit trail of question corrections (granted by migration 0015_ledger_guards).
    + ["view_questioncorrection"],
    RESOLVERS: [
        "view_duequestion",
        "view_resolutionprompt",
        "change_resolutionprompt",
        "add_resolution",
        "change_resolution",
        "view_resolution",
        "view_question",
        "view_forecast",
        "view_author",
        "view_source",
        "view_questioncorrection",
    ],
}


def is_editor(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=EDITORS).exists())
    )


def is_resolver(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=RESOLVERS).exists())
    )
