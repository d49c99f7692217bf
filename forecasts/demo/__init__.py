"""The synthetic demo world, clearly labelled as such, and its loader.

* ``simulation``: authors with known forecasting styles on questions whose
  outcomes follow a hidden, exactly calibrated probability (pure NumPy);
* ``loader``: writes a world to the database in bulk (COPY on PostgreSQL,
  through ``forecasts.engine.bulkload``) and removes it again.

Used by ``manage.py demo_world``, ``bootstrap`` and the benchmarks; nothing in
the ledger, the read side or the engine depends on it.
"""
