"""Forms of the public pages: the topic and period filter on scorecards and leaderboards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django import forms

from forecasts.models import Tag

# A period ends at the start of the day after ``until``; the last day a date can
# name has no day after it, so periods stop one day short of it.
LAST_DAY = date(9998, 12, 31)


class ScoreFilterForm(forms.Form):
    """Filter scores by topic (tag), by when the outcome became known, and to the claims
    recorded before their outcome was known.

    Built with the tags already loaded by the view, so validating costs no query.
    """

    tag = forms.ChoiceField(required=False, label="Topic")
    since = forms.DateField(
        required=False,
        label="Resolved from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Outcome known on or after this day (UTC).",
    )
    until = forms.DateField(
        required=False,
        label="Resolved until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Outcome known on or before this day (UTC).",
    )
    recorded_before_outcome = forms.BooleanField(
        required=False,
        label="Only claims recorded before the outcome was known",
        help_text="Leaves out claims entered afterwards, which count because a dated public "
        "source proves when they were made.",
    )

    def __init__(self, data, *, tags: Sequence[Tag]):
        super().__init__(data)
        self.tags = {t.slug: t for t in tags}
        self.fields["tag"].choices = [("", "All topics")] + [(t.slug, t.name) for t in tags]

    def clean_since(self):
        return self._within_range(self.cleaned_data["since"])

    def clean_until(self):
        return self._within_range(self.cleaned_data["until"])

    @staticmethod
    def _within_range(day: date | None) -> date | None:
        if day is not None and day > LAST_DAY:
            raise forms.ValidationError(f"Give a day no later than {LAST_DAY.isoformat()}.")
        return day

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the period is before its start.")
        return cleaned

    def filters(self) -> dict:
        """tag (a Tag or None), since and until (dates or None), and the switch
        recorded_before_outcome; no filter at all when invalid."""
        if not self.is_valid():
            return {"tag": None, "since": None, "until": None, "recorded_before_outcome": False}
        data = self.cleaned_data
        return {
            "tag": self.tags.get(data["tag"]),
            "since": data["since"],
            "until": data["until"],
            "recorded_before_outcome": data["recorded_before_outcome"],
        }


class LeaderboardFilterForm(ScoreFilterForm):
    """The score filters, and which mean score ranks the board."""

    order = forms.ChoiceField(
        required=False,
        label="Rank by",
        choices=[
            ("brier", "Brier (lowest first)"),
            ("baseline", "Metaculus Baseline (highest first)"),
            ("peer", "Metaculus Peer (highest first)"),
        ],
        help_text="Baseline: against chance. Peer: against the other authors.",
    )

    def filters(self) -> dict:
        """``ScoreFilterForm.filters`` and ``order`` (brier unless another is chosen)."""
        order = self.cleaned_data.get("order") if self.is_valid() else None
        return {**super().filters(), "order": order or "brier"}
