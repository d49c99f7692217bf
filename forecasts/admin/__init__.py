"""The Django admin: the editors' and resolvers' desk.

Every write that spans models goes through the services of forecasts.ledger, so the admin,
the API and background jobs enforce the same rules.
"""

from forecasts.admin import (  # noqa: F401  (registers ModelAdmins)
    drafts,
    forecasts,
    ledger,
    prompts,
    questions,
)
