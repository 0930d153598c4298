# The two set-up commands of the README, and a few more for operations.
# Nothing to install by hand beyond Python 3.11+ and make: the first target creates .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format messages serve bench load clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo data and serve http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: ruff, migrations in step with models, the whole pytest suite (browser tests included)
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the catalogues after changing user-facing strings, then compile them
messages: install-dev
	$(PY) manage.py makemessages --locale vi --locale en --no-obsolete --no-location --ignore '.venv/*' --ignore 'static/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

## make serve: production-like on 127.0.0.1:$(PORT): collectstatic, migrate, gunicorn (gunicorn.conf.py).
## The environment decides the rest (DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DATABASE_URL): docs/deploy.md
serve: install
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py migrate --no-input
	GUNICORN_PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py

## make bench: each page's median time (cold and 304) and queries beside the layout floor, and the exports'
## memory, on the current database, with DEBUG off (BENCH_ARGS="--save district.json" or "--compare district.json"): docs/scaling.md
BENCH_ARGS ?=
bench: install
	export DJANGO_DEBUG=false DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  && $(PY) manage.py collectstatic --no-input -v 0 && $(PY) manage.py bench $(BENCH_ARGS)

## make load: 50 users for 2 minutes against gunicorn + PostgreSQL (LOAD_DATABASE_URL); needs
## `.venv/bin/pip install locust==2.47.0`: docs/scaling.md
load: install
	$(PY) loadtest/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
