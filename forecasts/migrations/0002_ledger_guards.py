"""Database guards for the rules that protect a track record (PostgreSQL).

CHECK constraints in 0001 cover single-row rules on every database. These
triggers cover the rules that span rows or tables, so that no code path
(a raw query, a bulk load, a bug) can break them:

* forecasts and their option probabilities are immutable; the audited
  correction service lifts the guard for one transaction with
  ``set_config('reckon.allow_forecast_write', 'on', true)``;
* a forecast cannot be stated after its question closed, after the outcome
  was known, or on an annulled question;
* a multiple-choice forecast's probabilities sum to 1 (± 1e-6), checked at
  commit so the rows can be written one by one.

SQLite (the embedded first-run default) relies on the services' validation.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION reckon_forecast_immutable() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('reckon.allow_forecast_write', true), '') <> 'on' THEN
        RAISE EXCEPTION 'forecasts are immutable: record a new forecast instead'
            USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER forecast_immutable BEFORE UPDATE OR DELETE ON forecasts_forecast
    FOR EACH ROW EXECUTE FUNCTION reckon_forecast_immutable();
CREATE TRIGGER forecast_probability_immutable BEFORE UPDATE OR DELETE
    ON forecasts_forecastprobability
    FOR EACH ROW EXECUTE FUNCTION reckon_forecast_immutable();

CREATE FUNCTION reckon_forecast_timing() RETURNS trigger AS $$
DECLARE
    q_closes timestamptz;
    r_outcome text;
    r_known timestamptz;
BEGIN
    SELECT closes_at INTO q_closes FROM forecasts_question WHERE id = NEW.question_id;
    IF NEW.stated_at > q_closes THEN
        RAISE EXCEPTION 'forecast stated after the question closed' USING ERRCODE = '23514';
    END IF;
    SELECT outcome, outcome_known_at INTO r_outcome, r_known
        FROM forecasts_resolution WHERE question_id = NEW.question_id AND is_current;
    IF r_outcome = 'annulled' THEN
        RAISE EXCEPTION 'forecast on an annulled question' USING ERRCODE = '23514';
    END IF;
    IF r_known IS NOT NULL AND NEW.stated_at >= r_known THEN
        RAISE EXCEPTION 'forecast stated after the outcome was known' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER forecast_timing BEFORE INSERT OR UPDATE OF stated_at, question_id
    ON forecasts_forecast
    FOR EACH ROW EXECUTE FUNCTION reckon_forecast_timing();

CREATE FUNCTION reckon_option_probabilities_sum() RETURNS trigger AS $$
DECLARE
    total double precision;
BEGIN
    SELECT sum(probability) INTO total
        FROM forecasts_forecastprobability WHERE forecast_id = NEW.forecast_id;
    IF abs(total - 1.0) > 1e-6 THEN
        RAISE EXCEPTION 'option probabilities of forecast % sum to %, not 1', NEW.forecast_id, total
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER forecast_option_probabilities_sum
    AFTER INSERT OR UPDATE ON forecasts_forecastprobability
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reckon_option_probabilities_sum();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS forecast_option_probabilities_sum ON forecasts_forecastprobability;
DROP TRIGGER IF EXISTS forecast_timing ON forecasts_forecast;
DROP TRIGGER IF EXISTS forecast_probability_immutable ON forecasts_forecastprobability;
DROP TRIGGER IF EXISTS forecast_immutable ON forecasts_forecast;
DROP FUNCTION IF EXISTS reckon_option_probabilities_sum();
DROP FUNCTION IF EXISTS reckon_forecast_timing();
DROP FUNCTION IF EXISTS reckon_forecast_immutable();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: the SQL has literal % signs and no parameters.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
