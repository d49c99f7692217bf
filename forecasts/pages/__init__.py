"""The public pages: short function views, their filter form, charts and quotes.

* ``views``: home, leaderboard, author, question, source and tag pages, and
  the scoring explainer, each in a fixed number of queries;
* ``forms``: the topic and period filter; ``charts``: which SVG charts a page
  shows, cached; ``drawings``: each drawn by matplotlib; ``plotting``: the rules
  they all keep (two widths, no text over text, colour-blind safe series);
  ``timelines``: forecasts over time as step series; ``quotes``: where each
  claim sits in a source's text; ``claim_rows`` and ``forecast_rows``: the long
  tables' rows written in Python; ``paging``: long lists a page at a time.

An interface: it reads scores only through ``forecasts.standings`` (never
computing a score itself) and the ledger through ``forecasts.models``.
"""
