"""The set-based scorer: stored scores computed from the whole ledger with NumPy and SQL.

Two entry points, both in ``rescoring``: ``rescore_question(question_id=...)``
after one question's resolution or forecasts change, and ``rescore_all()`` to
rebuild every stored score from the ledger. Around them:

* ``ledger_arrays``: the ledger read as NumPy columns (packed by the server);
* ``pair_scores`` and ``crowd``: per (author, question) scores and the crowd,
  the array twins of ``forecasts.scoring`` (a test checks they agree);
* ``card_totals``: the running totals a scorecard is kept as, and its figures;
* ``score_tables`` and ``score_digests``: writing score rows and knowing what
  changed; ``bulkload``: the COPY layer (binary COPY on PostgreSQL);
* ``chunks``: a full rescore a range of question ids at a time, its card
  totals merged exactly; ``card_rows``: scored pairs in the writers' shape;
  ``cold_start``: the bulk load into an empty score table; ``prefetch`` and
  ``chunk_writer``: the next chunk read on a second connection and the last
  one written in a thread while a chunk is scored; ``parallel``: the
  chunks as Celery work (a run, its chunks' stored totals, the merge);
* ``quantities`` and ``quantity_tables``: numeric and date questions, scored
  apart from the Brier path into QuantityScore rows and QuantityRecords (the
  binary ledger reads them as drafts); both rescores call them, per question
  and per chunk, and rebuild the records after;
* ``memory``: keeping freed heap for the next arrays; ``reconciliation``: the
  periodic jobs that repair scores a broker outage left stale; ``stopwatch``:
  a full rescore's seconds by phase.

May import: ``forecasts.models`` and ``forecasts.scoring``. Never the read side
(``standings``), the writes (``ledger``) or an interface (admin, api, pages,
commands). ``bulkload`` is used from here, and otherwise only by the synthetic
world's loader and the benchmarks, which write and read millions of rows.
"""
