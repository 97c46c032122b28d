# The two commands of the README (`make demo`, `make test`) and what stands behind them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: setup demo serve test lint format lock browser-deps

## Install Python and npm dependencies (idempotent: reruns only when the pins change).
setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Migrate the local SQLite database, load the Jilin 2022 demo, serve http://127.0.0.1:8000.
demo: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py run_daily_jobs
	@echo ""
	@echo "派驻监督工作平台 → http://$(HOST):$(PORT)/   (演示账号见上表，密码均为 Jiandu@2022)"
	@# The task queue's consumer runs beside the web server (daily reminders); both stop together.
	$(PY) manage.py run_huey --workers 1 --quiet & HUEY_PID=$$!; \
	trap 'kill $$HUEY_PID 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## Lint and run the whole suite (on SQLite, or on the database DATABASE_URL names).
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -q -n 2 $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Re-pin: write requirements.lock from what the venv has.
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
