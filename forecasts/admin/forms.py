"""Admin forms that validate through the services, so errors land on the right field."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django import forms
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Author, Forecast, Option, Question, Resolution


def _parse_option_probabilities(text: str) -> list[float] | None:
    """ "0.2, 0.5, 0.3" → [0.2, 0.5, 0.3], in the question's option order."""
    if not text.strip():
        return None
    values = []
    for part in text.replace(";", ",").split(","):
        try:
            value = float(part.strip())
        except ValueError as exc:
            raise ValidationError(f"“{part.strip()}” is not a number.") from exc
        try:
            values.append(ledger.rules.check_probability(value, "option_probabilities"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
    return values


class ForecastEntryForm(forms.ModelForm):
    """Enter a new forecast (inline on a source or a question, or on its own)."""

    option_probabilities = forms.CharField(
        required=False,
        help_text="Multiple choice: one probability per option, in order, e.g. 0.2, 0.5, 0.3.",
    )

    class Meta:
        model = Forecast
        fields = [
            "question",
            "author",
            "source",
            "stated_at",
            "probability",
            "option_probabilities",
            "quote",
            "phrase",
            "scale",
            "interval_low",
            "interval_high",
            "scale_point",
            "conversion_note",
        ]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3}),
            "conversion_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Inlines on a source may leave the date empty: the source's date is used.
        if "stated_at" in self.fields:
            self.fields["stated_at"].required = False

    def clean_option_probabilities(self) -> list[float] | None:
        return _parse_option_probabilities(self.cleaned_data.get("option_probabilities") or "")

    def clean(self):
        cleaned = super().clean()
        question: Question | None = cleaned.get("question") or getattr(
            self.instance, "question", None
        )
        source = cleaned.get("source") or getattr(self.instance, "source", None)
        if cleaned.get("stated_at") is None and source is not None and source.published_on:
            cleaned["stated_at"] = datetime.combine(source.published_on, time.min, tzinfo=UTC)
        if cleaned.get("stated_at") is None:
            self.add_error("stated_at", "When was it said? (Or pick a dated source.)")
        if question is None or self.errors:
            return cleaned
        low, high = cleaned.get("interval_low"), cleaned.get("interval_high")
        try:
            ledger.forecast_check(
                question=question,
                stated_at=cleaned["stated_at"],
                probability=cleaned.get("probability"),
                option_probabilities=cleaned.get("option_probabilities"),
                source=source,
                interval=(low, high) if low is not None and high is not None else None,
                scale_point=cleaned.get("scale_point"),
                author=self.cleaned_data.get("author"),
            )
        except ValidationError as exc:
            self._add_service_errors(exc)
        return cleaned

    def _add_service_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def create(self, *, entered_by) -> Forecast:
        """Write through the service (the form never saves a forecast itself)."""
        data = self.cleaned_data
        low, high = data.get("interval_low"), data.get("interval_high")
        return ledger.forecast_create(
            question=data.get("question") or self.instance.question,
            author=data["author"],
            source=data.get("source") or getattr(self.instance, "source", None),
            stated_at=data["stated_at"],
            probability=data.get("probability"),
            option_probabilities=data.get("option_probabilities"),
            quote=data.get("quote", ""),
            phrase=data.get("phrase", ""),
            scale=data.get("scale") or "numeric",
            interval=(low, high) if low is not None and high is not None else None,
            scale_point=data.get("scale_point"),
            conversion_note=data.get("conversion_note", ""),
            entered_by=entered_by,
        )


class ForecastCorrectionForm(forms.ModelForm):
    """Fix a typing mistake in a stored forecast; every change is audited."""

    correction_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was mistyped? Kept in the audit trail.",
    )

    class Meta:
        model = Forecast
        fields = list(ledger.CORRECTABLE_FORECAST_FIELDS)

    def clean(self):
        cleaned = super().clean()
        changes = {
            f: cleaned.get(f) for f in self.changed_data if f in ledger.CORRECTABLE_FORECAST_FIELDS
        }
        if self.errors or not changes:
            return cleaned
        try:
            ledger.forecast_correction_check(
                forecast=self.instance, changes=changes, reason=cleaned.get("correction_reason", "")
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = "correction_reason" if field == "reason" else field
                self.add_error(target if target in self.fields else None, messages)
        return cleaned


class ResolutionForm(forms.Form):
    """Resolve, correct or annul: asks for the outcome, when it was known and the evidence."""

    outcome = forms.ChoiceField(choices=Resolution.Outcome.choices)
    option = forms.ModelChoiceField(queryset=Option.objects.none(), required=False)
    outcome_known_at = forms.DateTimeField(
        help_text="When the outcome became public knowledge (UTC), e.g. 2025-03-01 12:00."
    )
    evidence_url = forms.URLField(required=False, assume_scheme="https")
    evidence_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required for a correction or an annulment.",
    )

    def __init__(self, *args, question: Question, mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.mode = mode
        self.fields["option"].queryset = question.options.all()
        allowed = ["yes", "no"] if question.is_binary else ["option"]
        if mode == "annul":
            allowed = []
            del self.fields["outcome"], self.fields["option"]
            self.fields["reason"].required = True
        else:
            self.fields["outcome"].choices = [
                (k, v) for k, v in Resolution.Outcome.choices if k in allowed
            ]
            if question.is_binary:
                del self.fields["option"]
        if mode == "correct":
            self.fields["outcome"].choices += [("annulled", "Annulled")]
            self.fields["reason"].required = True
        if mode == "resolve":
            del self.fields["reason"]

    def save(self, *, by) -> Resolution:
        """Call the matching service; its ValidationErrors are mapped onto the fields."""
        data = self.cleaned_data
        common = {
            "question": self.question,
            "outcome_known_at": data["outcome_known_at"],
            "evidence_url": data.get("evidence_url", ""),
            "evidence_note": data.get("evidence_note", ""),
            "by": by,
        }
        if self.mode == "annul":
            return ledger.question_annul(reason=data["reason"], **common)
        option = data.get("option")
        if self.mode == "correct":
            return ledger.resolution_correct(
                outcome=data["outcome"], option=option, reason=data["reason"], **common
            )
        return ledger.question_resolve(outcome=data["outcome"], option=option, **common)


class QuestionAdminForm(forms.ModelForm):
    """Editing a stored question: refuses edits that would silently change its scores.

    Moving the close before forecasts is refused unless ``change_reason`` is
    given: the admin then moves it through ``ledger.question_close_correct``,
    which records the reason and the forecasts that stop counting.
    """

    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for moving the close",
        help_text="Needed only to close before forecasts stated while the question was open: "
        "the move is then an audited correction listing the forecasts that stop counting.",
    )
    close_correction = False

    class Meta:
        model = Question
        fields = [
            "title",
            "slug",
            "kind",
            "tags",
            "resolution_criteria",
            "background",
            "opens_at",
            "closes_at",
            "resolve_by",
            "condition_question",
            "condition_outcome",
            "condition_option",
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None or self.errors:
            return cleaned
        reason = (cleaned.get("change_reason") or "").strip()
        try:
            ledger.question_change_check(
                question=self.instance,
                kind=cleaned.get("kind", self.instance.kind),
                closes_at=cleaned.get("closes_at"),
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if set(errors) == {"closes_at"} and reason:
                self.close_correction = True  # allowed, as an audited correction
                return cleaned
            if "closes_at" in errors:
                errors["closes_at"] = [
                    *errors["closes_at"],
                    "To close there anyway, give a reason for moving the close: "
                    "it is recorded as an audited correction.",
                ]
            for field, messages in errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class AuthorAdminForm(forms.ModelForm):
    """An author; linking an account lets it forecast as the author, so it is guarded.

    Only a superuser may link or unlink an account (``request_user`` is set by the
    admin), only an active one, and only one not linked to another author.
    """

    request_user = None

    class Meta:
        model = Author
        fields = ["name", "slug", "kind", "description", "url", "user", "is_synthetic"]

    def clean_user(self):
        account = self.cleaned_data.get("user")
        if "user" not in self.changed_data:
            return account
        if not getattr(self.request_user, "is_superuser", False):
            raise ValidationError(
                "Only a superuser may link an account to an author: the account could then "
                "submit forecasts as this author."
            )
        if account is None:
            return account
        if not account.is_active:
            raise ValidationError(f"The account “{account}” is inactive; it cannot be linked.")
        other = Author.objects.filter(user=account).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise ValidationError(f"The account “{account}” is already linked to {other}.")
        return account
