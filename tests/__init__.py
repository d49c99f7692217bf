"""Reckon's tests: tests/<part>/ mirrors forecasts/<part>/; tests.builders builds their data."""
