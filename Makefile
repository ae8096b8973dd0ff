# Two set-up commands: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1
# `make run PORT=8001`: the server's port; links in e-mails (SITE_URL) follow it unless SITE_URL is set.
export PORT ?= 8000

.PHONY: run test install lint check browser-deps bench load clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Debian's chromium for the browser tests (never a downloaded browser), and a Chinese font for its pages.
browser-deps:
	(command -v chromium >/dev/null && dpkg -s fonts-wqy-microhei >/dev/null 2>&1) \
		|| (apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei)

# `make bench SIZE=100000` (decisions; default 20000), `LOAD=1` adds the load test; docs/performance.md.
bench: install
	SIZE=$(SIZE) LOAD=$(LOAD) $(BIN)/python bench/run.py

# The multi-worker load test alone (gunicorn on loopback, 50 simulated users, 60 s), on a generated data set.
load: install
	SIZE=$(SIZE) $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
