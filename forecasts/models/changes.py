"""Deletions from the big append-mostly tables, for the API's validators.

The API's ETags (``forecasts.api.conditional``) notice a new forecast by the
largest id and a changed question by its ``updated_at``; a deleted forecast
leaves neither behind, and counting a million rows on every poll is what the
validators exist to avoid. Each deletion (an editor removing a forecast in
the admin) appends a row here instead: an insert, which takes no lock other
writers wait for.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class RowDeletion(models.Model):
    table = models.CharField(max_length=80)
    row_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.table} #{self.row_id}"
