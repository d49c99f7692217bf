"""Moving ledger data in and out in bulk: the CSV import of forecasts, CSV/JSON exports.

* ``imports``: every row checked with the ledger's own rules
  (``forecasts.ledger``), then all rows written or none;
* ``exports``: forecasts with their scores, and scorecards, streamed a chunk at
  a time in constant memory.

May import ``forecasts.ledger``, ``forecasts.standings`` and
``forecasts.models``; the API's transfer endpoints call it, never the reverse.
"""
