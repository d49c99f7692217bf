"""``reckon_json_number(float8)``: a float as the API's renderer writes it (PostgreSQL only).

The question list's rows are written as JSON text by PostgreSQL
(``forecasts.api.written``); their numbers must read byte for byte as orjson
writes the same float. PostgreSQL gives the shortest digits that read back the
same value (``float8out`` with ``extra_float_digits`` at 1, its default, which the
function sets for its own calls whatever the session's), as orjson does, but lays
them out otherwise:

* a whole number without a fraction (``3``): orjson writes ``3.0``;
* an exponent from 15 up (``1e+15``): orjson writes a fixed number below 10^16
  (``1000000000000000.0``), and ``1e+16`` from there, as PostgreSQL does;
* an exponent of -5 (``1.5e-05``): orjson writes ``0.000015``; from -6 down both
  write an exponent, orjson without its leading zero (``1e-6`` for ``1e-06``);
* a whole number from 10^16 up to 10^21, which PostgreSQL writes with every digit
  of its exact value (``3.3133065432173232e+16``) where orjson writes the fewest that
  read back the same (``3.313306543217323e+16``);
* NaN and the infinities, which the models' constraints keep out, as null.

``tests/api/test_written.py`` holds this to orjson on many thousands of floats.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION reckon_json_number(v double precision) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET extra_float_digits = 1 AS $$
DECLARE
    t text := v::text;               -- the fewest digits that read back the same
    m text := split_part(t, 'e', 1);  -- the digits, with the point and sign
    x int;                            -- the exponent, when written with one
    s text := CASE WHEN v < 0 THEN '-' ELSE '' END;
    d text := replace(ltrim(m, '-'), '.', '');  -- the digits alone
    whole numeric;
BEGIN
    IF v IS NULL OR v IN ('NaN', 'Infinity', '-Infinity') THEN
        RETURN 'null';
    END IF;
    IF strpos(t, 'e') = 0 THEN
        RETURN CASE WHEN strpos(t, '.') = 0 THEN t || '.0' ELSE t END;
    END IF;
    x := split_part(t, 'e', 2)::int;
    IF x BETWEEN 16 AND 20 AND v = trunc(v) THEN
        -- Written with every digit of its exact value: keep the fewest that read back.
        FOR k IN 1..17 LOOP
            whole := round(t::numeric, k - 1 - x);
            IF whole::float8 = v THEN
                d := rtrim(ltrim(whole::text, '-'), '0');
                m := s || left(d, 1) || rtrim('.' || substr(d, 2), '.');
                EXIT;
            END IF;
        END LOOP;
    END IF;
    IF x >= 16 THEN
        RETURN m || 'e+' || x;
    ELSIF x <= -6 THEN
        RETURN m || 'e' || x;
    ELSIF x = -5 THEN
        RETURN s || '0.0000' || d;
    END IF;
    RETURN s || rpad(d, 16, '0') || '.' || COALESCE(NULLIF(substr(d, 17), ''), '0');
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS reckon_json_number(double precision)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0036_author_name_indexes")]

    operations = [migrations.RunPython(create, drop)]
