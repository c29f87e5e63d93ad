# Every target creates .venv and installs the project on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate load sync worker beat lint typecheck format check clean bench reliability

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# The curated files, then the dated public-feed snapshots in data/snapshots/ (offline; each file once, and never
# over a source that has been read live): a first run browses several hundred real models.
load: migrate
	$(PY) manage.py sync curated
	$(PY) manage.py sync snapshots

run: load
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2}

sync: migrate
	$(PY) manage.py sync all

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# lib/, the apps' domain and the sync pipeline, strictly (pyproject.toml: [tool.mypy] says what is left out and why).
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# What CI runs (.ci/run), on whatever database the environment names: lint, types, migrations, tests.
check: lint typecheck test

# Seeds a large synthetic catalog on PostgreSQL (BENCH_DATABASE_URL; dropped and recreated), serves it with
# gunicorn, loads it, times syncs and exports, and writes docs/performance.md. BENCH_SCALE=0.1 for a quick run.
bench: install
	$(PY) -m bench

# Loads the site while it syncs, cuts its database and its broker for a moment, kills a Celery worker mid-sync,
# checks the catalog by SQL after each (RELIABILITY_DATABASE_URL is dropped and recreated; Redis dbs 8 and 9 are
# flushed); writes docs/reliability.md. About 5 minutes; RELIABILITY_SECONDS=10 for a quick run.
reliability: install
	$(PY) -m reliability

clean:
	rm -rf $(VENV) var/*.sqlite3
