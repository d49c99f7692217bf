"""Reckon's one Django app: a public ledger of forecasts, resolved and scored.

Each sub-package holds one concern and says in its docstring what it may
import. Dependencies point one way:

    admin, api, pages, management (commands), bench      the interfaces
      -> transfer, drafting, demo                         bulk data in and out
      -> ledger (writes), standings (reads of scores)
      -> engine (the set-based scorer)
      -> models
      -> scoring (pure maths: no Django, no database)

``tasks`` (thin Celery tasks), ``reminders`` and ``receivers`` sit beside them
at the top level; ``.importlinter`` in the repository root states these rules
as contracts and CI checks them.
"""
