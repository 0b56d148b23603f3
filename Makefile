# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install messages clean browser icaljs bench

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# Headless Chromium for the browser tests: installed from Debian's packages when missing.
browser:
	@./.ci/ensure-chromium

# ical.js (Thunderbird's parser) for the calendar tests, installed from npm when missing.
icaljs:
	@./tests/calendars/icaljs/ensure

test: $(TEST_STAMP) browser icaljs
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=$${DEBUG:-1} $(PY) manage.py check
	DEBUG=$${DEBUG:-1} $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n auto --dist loadfile

# Every benchmark against gunicorn + PostgreSQL + Redis on this machine (bench/README.md): about
# four minutes; figures in bench/results/latest.json and a table. Needs PostgreSQL and Redis
# running as for the tests, and wrk (Debian's package, installed here when missing).
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -q wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(PY) bench/all.py

# Regenerate the translation catalogues after changing user-facing strings, then translate.
messages: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests
	DEBUG=$${DEBUG:-1} $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
