# Renja: `make run` serves the app with demo data; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
YEAR ?= 2026

.PHONY: run test install setup lock migrations-check bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Reinstall only when the lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py seed_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",)

run: setup
	@echo "Renja berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Page times and query counts at Kukar's size and 10x, on a throw-away database (see scripts/bench.py).
bench: install
	$(BIN)/python scripts/bench.py

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate the pinned lock file from pyproject.toml in a throw-away venv.
lock:
	rm -rf .lockenv && $(PY) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet ".[test]"
	{ echo "# Pinned versions installed by make (regenerate with: make lock)."; \
	  .lockenv/bin/python -m pip freeze --exclude renja; } > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) db.sqlite3 media .pytest_cache
