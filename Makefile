# Two commands do all setup on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Development defaults; production sets these in its own environment.
export DJANGO_DEBUG ?= true

BACKUP ?= var/backup.json
# The seed articles' texts, attached to their sources by `make db` (as in settings).
SEED_ARTICLES_DIR ?= ../shared/seeds

WORKERS ?= 3
PORT ?= 8000

.PHONY: install db run serve test lint backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# Reinstall only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core, for the browser tests' accessibility checks, as pinned in package-lock.json.
# npm stamps package files with a 1985 date, hence the touch. Without npm the
# browser tests skip (and fail under CI).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: the browser accessibility tests will be skipped."; \
	fi

install: $(VENV)/.installed node_modules/axe-core/axe.min.js

# The seed loads into a new database, and a newer seed's additions load later; a
# record that editors changed is kept as it is (loaddata refuses to undo their work).
# The seed articles' texts are attached when their folder is there, editors' edits kept.
db:
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddata seed --keep-edited
	@if [ -d "$(SEED_ARTICLES_DIR)" ]; then \
		$(BIN)/python manage.py attach_source_texts --keep-edited "$(SEED_ARTICLES_DIR)"; \
	fi

run: install db
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# As in production: gunicorn, DEBUG off, static files collected for WhiteNoise.
# Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL) in
# the environment; DJANGO_HTTPS=false to try it over plain HTTP.
serve: export DJANGO_DEBUG = false
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn casetracker.wsgi --bind 127.0.0.1:8000 --workers $(WORKERS)

test: install
	$(BIN)/python -m pytest

# Everything, history included, to $(BACKUP); restore it into an empty database.
backup: install
	$(BIN)/python manage.py backup $(BACKUP)

restore: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py restore $(BACKUP)

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Benchmarks and the load test, against `make serve` on PostgreSQL; see docs/benchmarks.md.
.PHONY: bench load
bench: install
	$(BIN)/python bench/run.py

load: install
	$(BIN)/python bench/load.py
