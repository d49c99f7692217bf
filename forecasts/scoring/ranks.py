"""Ranks on a board, and how they move when the scores change.

Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Ranks of scores sorted best first: equal scores share the best of their places.

    ``[0.1, 0.1, 0.2]`` ranks ``[1, 1, 3]``.
    """
    ranks: list[int] = []
    for place, score in enumerate(scores, start=1):
        tied = place > 1 and score == scores[place - 2]
        ranks.append(ranks[-1] if tied else place)
    return ranks


def ranks_by_key(order: Mapping[Key, tuple]) -> dict[Key, int]:
    """Competition ranks of the keys sorted by ``order`` (its first item is the score)."""
    keys = sorted(order, key=lambda key: order[key])
    places = competition_ranks([order[key][0] for key in keys])
    return dict(zip(keys, places, strict=True))


def rank_moves(before: Mapping[Key, tuple], after: Mapping[Key, tuple]) -> dict[Key, int]:
    """Places each key gains (positive) or loses (negative) from ``before`` to ``after``.

    Both map the same keys to sort keys whose first item is the score, lower
    ranking first; ties share a rank (``competition_ranks``).
    """
    if set(before) != set(after):
        raise ValueError("before and after must rank the same keys")
    old, new = ranks_by_key(before), ranks_by_key(after)
    return {key: old[key] - new[key] for key in before}
