# learningcity: the two commands that matter are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
DEMO_SIZE ?= small
LOCALES := -l ar -l zh_Hans -l fr -l ru -l es

.PHONY: install demo serve test test-fast lint format messages bench bench-finder bench-index bench-plan bench-outreach bench-network bench-matching bench-participation bench-credentials bench-events clean

install: $(VENV)/.installed

# The index engine is a package of its own in this repository (packages/compindex);
# the platform depends on it, so it is installed first.
$(VENV)/.installed: pyproject.toml packages/compindex/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e packages/compindex
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Links in the demo's emails point at the address it serves.
demo: export SITE_URL = http://$(HOST)
# The background worker (imports, index runs, the periodic schedule) runs beside the
# web server and stops with it.
demo: install
	$(BIN)/learningcity migrate --noinput
	$(BIN)/learningcity seed-demo --size $(DEMO_SIZE)
	@echo "Serving the demo at http://$(HOST)/ with its background worker (Ctrl-C to stop)"
	@$(BIN)/learningcity run_huey & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT HUP INT TERM; \
	$(BIN)/learningcity runserver $(HOST)

serve: install
	$(BIN)/learningcity runserver $(HOST)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser" -x

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy learningcity bench
	$(BIN)/mypy --strict learningcity/engines
	$(BIN)/mypy --strict packages/compindex/src
	$(BIN)/learningcity makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract UI strings into the six catalogues and compile them.
messages: install
	cd learningcity && ../$(BIN)/learningcity makemessages $(LOCALES) --no-obsolete --no-location --ignore '*/vendor/*'
	cd learningcity && ../$(BIN)/learningcity compilemessages

bench: bench-index bench-finder bench-plan bench-outreach bench-network bench-matching bench-participation bench-credentials bench-events

bench-index: install
	$(BIN)/python bench/bench_index.py

# QUICK=1: shorter load runs (a few minutes instead of about ten).
bench-finder: install
	$(BIN)/python bench/bench_finder.py $(if $(QUICK),--quick)

# The public plan page and the festival programme at 500 actions and 1,000 events,
# and the printable programme.
bench-plan: install
	$(BIN)/python bench/bench_plan.py
	$(BIN)/python bench/bench_festival.py

bench-outreach: install
	$(BIN)/python bench/bench_outreach.py

# The network's directory and good-practice library at 1,000 cities and 10,000
# practices (temporary SQLite database, deployed settings), similar-practice lookups,
# page sizes.
bench-network: install
	$(BIN)/python bench/bench_network.py

# The conference's busy moments: 350 registrations, badge PDFs for 350 participants,
# check-in by QR, and 100 bookings of a 20-place site visit at once on PostgreSQL
# (BENCH_POSTGRES_URL; skipped, and said so, without a server).
bench-events: install
	$(BIN)/python bench/bench_events.py

# Verifiable credentials: sign and verify medians, a batch of 1,000 for a completed
# course with its progress, "find my way" in a catalogue of 100,000 opportunities.
bench-credentials: install
	$(BIN)/python bench/bench_credentials.py

# The programmes' matching: 10,000 people, 10,000 helpers, about 500,000 feasible
# pairs, through `learningcity programmes match` from CSV to result (median of runs).
bench-matching: install
	$(BIN)/python bench/bench_matching.py

# Civic participation: the proposal list at 100,000 proposals (p95), ballots cast for
# 60 s by 2 workers on PostgreSQL (BENCH_POSTGRES_URL; skipped without a server) with
# lost/double counts, and the tallies of 50,000 ballots over 100 projects by each rule.
bench-participation: install
	$(BIN)/python bench/bench_participation.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) data/*.sqlite3* artefacts .pytest_cache .mypy_cache .ruff_cache
