"""Admin forms that validate through the services, so errors land on the right field.

Editors type probabilities as percentages ("5" is 5%); the ledger stores 0–1.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.admin.quantities import (
    QUANTITY_SETTINGS,
    ValueField,
    read_value,
    typed_values,
    value_as_typed,
)
from forecasts.models import Author, Forecast, Option, Question, Resolution


def percent_text(value: float | None) -> str:
    """0.675 → "67.5": a stored probability as the admin shows it for editing."""
    return "" if value is None else f"{round(value * 100, 6):g}"


def _percent(text: str) -> float:
    """ "5" or "5%" → 0.05; the message says what was wrong."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"“{text.strip()}” is not a number.") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValidationError(f"Enter a percentage from 0 to 100 (5 means 5%), not {text.strip()}.")
    return float(number / 100)


class PercentField(forms.CharField):
    """A probability typed as a percentage, 0 to 100 ("5" is 5%); cleans to 0–1.

    Decimal arithmetic keeps "67.5" exactly 0.675, the number the scales print.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "size": 6, "placeholder": "%"})

    def prepare_value(self, value):
        return percent_text(value) if isinstance(value, float | int) else value

    def clean(self, value) -> float | None:
        text = super().clean(value)
        return _percent(text) if text else None

    def has_changed(self, initial, data) -> bool:
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def _parse_option_probabilities(text: str) -> list[float] | None:
    """ "20, 50, 30" (percentages) → [0.2, 0.5, 0.3], in the question's option order."""
    if not text.strip():
        return None
    return [_percent(part) for part in text.replace(";", ",").split(",")]


def side_choice(
    help_text: str = "Changing it flips P(yes) to the other side (100% minus the author's number).",
) -> forms.TypedChoiceField:
    """ "Which side the question asks": True for the author's, False for the opposite."""
    return forms.TypedChoiceField(
        label="Which side the question asks",
        choices=[
            ("", "— not confirmed —"),
            ("True", "YES is what the author asserts"),
            ("False", "YES is the opposite of what the author asserts"),
        ],
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        required=False,
        help_text=help_text,
    )


def authors_number() -> PercentField:
    return PercentField(
        label="Author's number (%)",
        help_text="What the author's words give to the outcome they assert, in percent.",
    )


VALUE_FIELDS = ("value", "value_low", "value_high")  # typed by the question's kind
VALUE_HELP_SHORT = "Numeric and date questions only; a date as YYYY-MM-DD."

SOURCE_HELP = (
    "Required for a historical claim (stated more than "
    f"{ledger.rules.HISTORICAL_GRACE.days} day before it is entered): pick a source with a "
    "publication date, which proves when it was said."
)


class ForecastEntryForm(forms.ModelForm):
    """Enter a new forecast (inline on a source or a question, or on its own)."""

    probability = PercentField(label="Probability (%)", help_text="P(yes) in percent: 5 is 5%.")
    interval_low = PercentField(label="Interval low (%)")
    interval_high = PercentField(label="Interval high (%)")
    scale_point = PercentField(label="Scale point (%)")
    option_probabilities = forms.CharField(
        required=False,
        help_text="Multiple choice: one percentage per option, in order, e.g. 20, 50, 30.",
    )
    stated_probability = authors_number()
    question_agrees = side_choice(
        "With what the author asserts: does YES mean it, or the opposite? P(yes) follows."
    )
    value = ValueField(label="Value (point)", help_text="“About 3%”: 3. " + VALUE_HELP_SHORT)
    value_low = ValueField(label="Interval low")
    value_high = ValueField(label="Interval high")
    coverage = PercentField(label="Coverage (%)", help_text="How sure of the interval: 80 is 80%.")
    quantiles = forms.CharField(
        required=False,
        help_text="Quantiles as level (%): value, e.g. 5: 1.8, 50: 2.6, 95: 3.4 "
        "(dates as YYYY-MM-DD on a date question).",
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
            "stated_outcome",
            "stated_probability",
            "question_agrees",
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
        if "source" in self.fields:
            self.fields["source"].help_text = SOURCE_HELP

    def clean_option_probabilities(self) -> list[float] | None:
        return _parse_option_probabilities(self.cleaned_data.get("option_probabilities") or "")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        question: Question | None = cleaned.get("question") or getattr(
            self.instance, "question", None
        )
        source = cleaned.get("source") or getattr(self.instance, "source", None)
        if cleaned.get("stated_at") is None and source is not None and source.published_on:
            cleaned["stated_at"] = datetime.combine(source.published_on, time.min, tzinfo=UTC)
        if cleaned.get("stated_at") is None:
            self.add_error("stated_at", "When was it said? (Or pick a dated source.)")
        self._read_the_words()
        if question is None or self.errors:
            return cleaned
        low, high = cleaned.get("interval_low"), cleaned.get("interval_high")
        try:
            self.values = typed_values(cleaned, kind=question.kind)
            # Read by the question's kind: the numbers the model's checks then see.
            cleaned.update({k: v for k, v in self.values.items() if k != "quantiles"})
            ledger.forecast_check(
                question=question,
                stated_at=cleaned["stated_at"],
                probability=cleaned.get("probability"),
                option_probabilities=cleaned.get("option_probabilities"),
                source=source,
                interval=(low, high) if low is not None and high is not None else None,
                scale_point=cleaned.get("scale_point"),
                author=self.cleaned_data.get("author"),
                **self.values,
            )
        except ValidationError as exc:
            self._add_service_errors(exc)
        return cleaned

    def _read_the_words(self) -> None:
        """A claim entered with the outcome the author asserts needs their number and the
        side the question asks; P(yes) follows from them when left empty."""
        data = self.cleaned_data
        if not (data.get("stated_outcome") or "").strip():
            return
        stated, agrees = data.get("stated_probability"), data.get("question_agrees")
        if stated is None:
            self.add_error("stated_probability", "Give the author's number for what they assert.")
        if agrees is None:
            self.add_error("question_agrees", "Choose which side of the claim YES means.")
        if stated is None or agrees is None:
            return
        derived = ledger.rules.probability_on_question(stated, agrees=agrees)
        if data.get("probability") is None:
            data["probability"] = derived
        elif abs(data["probability"] - derived) > 1e-9:
            side = "what the author asserts" if agrees else "the opposite"
            self.add_error(
                "probability",
                f"YES is {side}, so the author's {percent_text(stated)}% makes "
                f"{percent_text(derived)}% on this question; leave it empty or fix one of them.",
            )

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
            stated_probability=data.get("stated_probability"),
            stated_outcome=data.get("stated_outcome", ""),
            question_agrees=data.get("question_agrees"),
            entered_by=entered_by,
            **self.values,
        )


class ForecastCorrectionForm(forms.ModelForm):
    """Fix a typing mistake in a stored forecast; every change is audited.

    Correcting which side the question asks (``question_agrees``) flips P(yes)
    and the scale's numbers to that side; the service says what follows.
    """

    probability = PercentField(label="Probability (%)", help_text="P(yes) in percent: 5 is 5%.")
    interval_low = PercentField(label="Interval low (%)")
    interval_high = PercentField(label="Interval high (%)")
    scale_point = PercentField(label="Scale point (%)")
    stated_probability = authors_number()
    question_agrees = side_choice()
    value = ValueField(label="Value (point)")
    value_low = ValueField(label="Interval low")
    value_high = ValueField(label="Interval high")
    coverage = PercentField(label="Coverage (%)", help_text="How sure of the interval: 80 is 80%.")
    correction_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was mistyped? Kept in the audit trail.",
    )

    class Meta:
        model = Forecast
        fields = list(ledger.CORRECTABLE_FORECAST_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.question.kind if self.instance.question_id else ""
        for name in VALUE_FIELDS:  # shown as typed: dates as dates on a date question
            self.initial[name] = value_as_typed(kind, getattr(self.instance, name))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        try:
            for name in VALUE_FIELDS:
                cleaned[name] = read_value(
                    cleaned.get(name) or "", kind=self.instance.question.kind, field=name
                )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field, messages)
            return cleaned
        changes = {
            f: cleaned.get(f) for f in self.changed_data if f in ledger.CORRECTABLE_FORECAST_FIELDS
        }
        if self.errors or not changes:
            return cleaned
        try:
            derived = ledger.forecast_correction_check(
                forecast=self.instance, changes=changes, reason=cleaned.get("correction_reason", "")
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = "correction_reason" if field == "reason" else field
                self.add_error(target if target in self.fields else None, messages)
            return cleaned
        # What follows from the change (P(yes) after a flipped direction) is what the
        # model's constraints are checked against; the service derives it again on save.
        self.cleaned_data.update({f: v for f, v in derived.items() if f in self.fields})
        return cleaned


class ResolutionForm(forms.Form):
    """Resolve, correct or annul: asks for the outcome, when it was known and the evidence."""

    # Nothing is preselected: a resolver who submits without choosing is asked to choose.
    outcome = forms.ChoiceField(
        choices=Resolution.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."},
    )
    option = forms.ModelChoiceField(queryset=Option.objects.none(), required=False)
    value = ValueField(
        label="Value",
        help_text="Numeric questions: the reported number in the unit (beyond a closed end it "
        "resolves to that end, and says so). Date questions: the date, YYYY-MM-DD.",
    )
    outcome_known_at = forms.DateTimeField(
        label="Outcome known at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the outcome became public knowledge (UTC); pick it in the calendar.",
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
        if question.is_quantity:
            allowed = ["value"]
        else:
            del self.fields["value"]
        if mode == "annul":
            allowed = []
            del self.fields["outcome"], self.fields["option"]
            self.fields["reason"].required = True
        else:
            self.fields["outcome"].choices = [
                (k, v) for k, v in Resolution.Outcome.choices if k in allowed
            ]
            if question.is_binary or question.is_quantity:
                del self.fields["option"]
        if mode == "correct":
            self.fields["outcome"].choices += [("annulled", "Annulled")]
            self.fields["reason"].required = True
        if mode == "resolve":
            del self.fields["reason"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "value" in self.fields:
            try:
                cleaned["value"] = read_value(
                    cleaned.get("value") or "", kind=self.question.kind, field="value"
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
                return cleaned
            if cleaned.get("outcome") == "value" and cleaned["value"] is None:
                self.add_error("value", "Give the value the question resolves to.")
        return cleaned

    def save(self, *, by) -> Resolution:
        """Call the matching service; its ValidationErrors are mapped onto the fields."""
        data = self.cleaned_data
        valued = {"value": data.get("value")} if "value" in self.fields else {}
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
                outcome=data["outcome"], option=option, reason=data["reason"], **valued, **common
            )
        return ledger.question_resolve(outcome=data["outcome"], option=option, **valued, **common)


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
            *QUANTITY_SETTINGS,
        ]

    range_low = ValueField(label="Range: low end")
    range_high = ValueField(label="Range: high end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for end in ("range_low", "range_high"):
                self.initial[end] = value_as_typed(self.instance.kind, getattr(self.instance, end))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        _check_quantity_settings(self, cleaned)
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


def _check_quantity_settings(form: QuestionAdminForm, cleaned: dict) -> None:
    """Read the range by the question's kind (dates as dates), then check the unit, range
    and log scale with the ledger's rules, each message on its field."""
    kind = cleaned.get("kind") or form.instance.kind
    try:
        for end in ("range_low", "range_high"):
            cleaned[end] = read_value(cleaned.get(end) or "", kind=kind, field=end)
        settings = {name: cleaned.get(name) for name in QUANTITY_SETTINGS}
        settings["unit"] = settings["unit"] or ""
        if form.instance.pk is not None and kind == form.instance.kind:
            ledger.question_range_check(question=form.instance, **settings)
        else:
            ledger.rules.check_quantity_settings(kind=kind, **settings)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)


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
