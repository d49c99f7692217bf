"""The Murphy decomposition in plain words, term by term, as the author page explains it."""

from __future__ import annotations

MURPHY_TERMS = [
    (
        "reliability",
        "Reliability (calibration error)",
        "How far the probabilities given were from how often such things happened, bin by bin. "
        "0 is perfect calibration; lower is better.",
    ),
    (
        "resolution",
        "Resolution (discrimination)",
        "How well the forecasts told apart what happened from what did not: how far each bin's "
        "outcome rate is from the overall rate. Higher is better, and it is subtracted.",
    ),
    (
        "uncertainty",
        "Uncertainty (how hard the questions were)",
        "Base rate × (1 − base rate): the Brier score of always forecasting the base rate. "
        "No forecaster controls it.",
    ),
    ("base_rate", "Base rate", "The share of these questions whose answer was yes."),
    (
        "within_bin_variance",
        "Within-bin variance",
        "How much the forecasts inside each bin differ from the bin's mean forecast "
        "(a correction because forecasts are grouped into bins); added.",
    ),
    (
        "within_bin_covariance",
        "Within-bin covariance",
        "How forecasts and outcomes move together inside each bin (the second binning "
        "correction); subtracted.",
    ),
    (
        "brier",
        "Brier score of the decomposed forecasts",
        "Reliability − resolution + uncertainty + within-bin variance − within-bin covariance.",
    ),
]


def murphy_terms(murphy: dict) -> list[dict]:
    """Each term of the Murphy decomposition with its value and a line in plain words."""
    return [
        {"key": key, "name": name, "value": murphy.get(key), "explanation": text}
        for key, name, text in MURPHY_TERMS
        if key in murphy
    ]
