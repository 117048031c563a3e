# Renja: `make run` serves the app with demo data; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
YEAR ?= 2026

.PHONY: run worker test lint format install system-deps setup lock migrations-check bench sync-eval load mutate clean

# Debian packages: WeasyPrint's libraries and fonts (berita acara PDF), poppler-utils (tests read PDFs as text),
# Chromium for the browser journeys (Playwright drives it; it never downloads a browser of its own).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core poppler-utils \
	chromium libatomic1 wamerican wbritish

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Both lock files: what the server runs (requirements.lock) and the development tools (requirements-dev.lock: tests,
# Playwright, axe, mutmut, ruff, import-linter). Every package is pinned with its hashes; reinstalls only when a lock
# file changes.
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

install: system-deps $(VENV)/.installed

# Installs only what is missing (apt-get as root, else through sudo).
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Memasang paket sistem: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi; \
		$$sudo apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py seed_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",)

# The app and, beside it, the task worker (sync recomputes run there, off the request); Ctrl+C stops both.
run: setup
	@echo "Renja berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The task worker alone (for a server started otherwise).
worker: install
	$(BIN)/python manage.py db_worker

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, formatting and the layer contract (CI runs this before the tests); `make format` rewrites the files.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Page times and query counts at Kukar's size and 10x, on a throw-away database (see scripts/bench.py).
bench: install
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_sync.py

# Precision, recall and F1 of the overlap detector on the labelled sets, next to the trigram baseline.
sync-eval: install
	$(BIN)/python scripts/sync_eval.py

# 50 simulated users for 60 s against gunicorn on 127.0.0.1 (PostgreSQL; see scripts/load.py). Stops by itself.
load: install
	$(BIN)/python scripts/load.py

# Mutation testing of the rule modules with the fast tests (mutmut; scripts/mutate.py), not in CI: stops after
# MUTATE_TIMEOUT seconds (what it did not reach shows as "not checked"), then prints the score per module and each
# surviving mutant. MUTATE_PATHS="renja/permissions.py forum/services.py" restricts it to those modules, and
# MUTATE_NAMES="forum.services.x__ensure_draft__mutmut_*" to those functions (mutant-name globs).
MUTATE_TIMEOUT ?= 2400
mutate: install
	-MUTATE_PATHS="$(MUTATE_PATHS)" MUTATE_NAMES="$(MUTATE_NAMES)" timeout $(MUTATE_TIMEOUT) $(BIN)/python scripts/mutate.py
	$(BIN)/python scripts/mutate.py report

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate both lock files with pip-tools in a throw-away venv, keeping the current pins (LOCK_ARGS=--upgrade to
# move them): requirements.lock from pyproject's dependencies, requirements-dev.lock from its `test` extra, held to
# the versions the production lock chose (packages both need appear in both, with the same pin and hashes).
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" .lockenv/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--allow-unsafe --no-emit-find-links --no-emit-index-url $(LOCK_ARGS)
lock:
	rm -rf .lockenv && $(PY) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet "pip-tools>=7.5,<8"
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml
	.lockenv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"], sep="\n")' \
		| $(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock -
	rm -rf .lockenv

clean:
	rm -rf $(VENV) db.sqlite3 media .pytest_cache mutants
