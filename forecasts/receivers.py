"""Signal receivers: they translate a signal into the ledger service that handles it.

``ForecastsConfig.ready()`` (``forecasts/apps.py``) connects them, each with a
``dispatch_uid`` so a second ``ready()`` does not connect it twice. The logic
stays in the ledger; a receiver only works out which rows the signal is about.
"""

from __future__ import annotations

from forecasts import ledger


def question_tags_changed(*, instance, action: str, reverse: bool, pk_set, **_) -> None:
    """``m2m_changed`` on ``Question.tags``: rescore the questions whose tags changed.

    ``instance`` is a question (tags added, removed or cleared from it) or, with
    ``reverse``, a tag (added to or removed from questions, or deleted).
    """
    if action == "pre_clear" and reverse:  # a tag taken off every question: which ones?
        question_ids = list(instance.questions.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove") and pk_set:
        question_ids = list(pk_set) if reverse else [instance.pk]
    elif action == "post_clear" and not reverse:
        question_ids = [instance.pk]
    else:
        return
    ledger.rescore_retagged(question_ids=question_ids)
