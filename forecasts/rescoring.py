"""Stored scores from the ledger (set-based). Filled in by the scoring work."""


def rescore_question(*, question_id: int) -> None:
    raise NotImplementedError
