# The few commands a newcomer needs. `make run` and `make test` are the quick start.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reckon
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9

.PHONY: run test lint format migrations-check bench-smoke clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## run: the whole service on SQLite with no external services (web, worker, beat)
run: $(VENV)/.installed
	$(PY) manage.py bootstrap
	$(VENV)/bin/honcho start -f Procfile

## test: the whole test suite against PostgreSQL and Redis
test: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var/ staticfiles/ artifacts/
