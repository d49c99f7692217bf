"""manage.py bench readings: runs at a tiny scale and reports its figures."""

import json
from io import StringIO

from django.core.management import call_command


def test_it_reports_the_cost_of_every_reading_against_the_headline():
    out = StringIO()
    call_command("bench", "readings", "--scale", "0.01", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["benchmark"] == "readings"
    assert figures["questions"] == 20
    assert figures["forecasts_per_question"] == 3
    for key in ("headline_pass_s", "readings_s", "readings_vs_headline"):
        assert figures[key] > 0, key
