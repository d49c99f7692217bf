"""The one read side for scores: scorecards, ranks, leaderboards and records for a period.

The pages, the API and the exports take every score they show from here, so
that a figure, a rank or a period's record is worked out once and reads the
same everywhere:

* ``scorecards``: an author's card, overall or for a tag, stored or for a
  period (``scorecard``, ``author_scorecards``), the names of its figures
  (``FIGURES``), and its calibration table and Murphy terms, derived from
  its totals (``binned_figures``);
* ``leaderboard``: the one ranking, lowest mean Brier first, ties sharing a
  rank ("1, 1, 3": ``competition_ranks``), and the board built with it
  (``leaderboard``);
* ``periods``: records for the questions whose outcome became known in
  [since, until), read with the ORM and summed as the stored cards are
  (``period_cards``, ``author_period_cards``, ``period_bounds``);
* ``folded``: folded calibration tables (per stated level, as authors grade
  their lists) and per-source scorecards (``folded_record``,
  ``source_scorecards``);
* ``records``: an author's claims, sorted into scored, pending and left out
  (``author_record``, read light; ``complete`` for the claims a page prints);
* ``quantities``: the numeric record of numeric and date questions, apart from
  the Brier cards (``author_quantity_records``, ``author_quantity_record``,
  ``question_quantity_scores``);
* ``counted``: which forecasts the scores used and each pair's final one,
  by the timing rule of ``forecasts.scoring.timing`` (``counted_on_question``,
  ``counted_in_pairs``), for "Scored as", the export and the crowd.

Dependencies point one way. Modules here may import ``forecasts.models``,
``forecasts.scoring`` and ``forecasts.engine``'s readers and card totals
(``engine.score_rows``, ``engine.card_totals``), but not the engine's COPY
layer (``engine.bulkload``), the write side (``forecasts.ledger``) or any
interface (admin, api, pages, management commands), all of which may import
this package.
"""
