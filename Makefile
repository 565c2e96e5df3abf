# Two commands matter: `make run` (local demo on embedded defaults) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000

.PHONY: run test bench load faults lint messages mutate install clean audit-deps backup restore

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt '.[test]'
	touch $(STAMP)

# Local demo: SQLite and a filesystem Celery broker under var/, worker + beat beside the server.
run: export DEBUG ?= true
run: export SITE_URL ?= http://$(HOST)
run: $(STAMP)
	mkdir -p var
	@# Commands the README shows (.venv/bin/python manage.py ...) read these defaults.
	printf 'DEBUG=%s\nSITE_URL=%s\n' "$$DEBUG" "$$SITE_URL" > var/dev.env
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) generate_monthly_reports
	@echo "Serving http://$(HOST)/ with a Celery worker and beat; Ctrl-C stops all."
	@$(BIN)/celery -A itsm worker -B -Q celery,mail --concurrency=2 --loglevel=INFO \
		--schedule var/celerybeat-schedule & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 0' INT TERM; \
	$(MANAGE) runserver $(HOST)

test: export SECRET_KEY ?= insecure-key-for-tests-only
# Tests run with DEBUG off over plain HTTP; the HTTPS redirect has its own test.
test: export SECURE_SSL_REDIRECT ?= false
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Mutation testing, outside CI (slow): mutants of the rules in [tool.mutmut] that no test kills.
# All of them: `make mutate`; one module: `make mutate MUTANTS='tickets.workflow*'`.
mutate: export SECRET_KEY ?= insecure-key-for-tests-only
mutate: export SECURE_SSL_REDIRECT ?= false
mutate: $(STAMP)
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Simulated people against a private gunicorn + PostgreSQL + Redis + Celery stack on loopback
# (tools/load.py); LOAD_USERS=10 LOAD_SECONDS=20 for a quick run. Exits 1 on any error.
load: $(STAMP)
	$(BIN)/python tools/load.py

# Redis, the worker, PostgreSQL and SMTP failing under way (tools/faults.py); FAULTS=redis for one.
faults: $(STAMP)
	$(BIN)/python tools/faults.py $(FAULTS)

# Known vulnerabilities in the locked dependencies; accepted advisories in .pip-audit-ignore.
audit-deps: $(STAMP)
	$(BIN)/python tools/audit_deps.py

# PostgreSQL (DATABASE_URL) and MEDIA_ROOT into var/backups/<timestamp>/.
backup: $(STAMP)
	$(MANAGE) backup

# `make restore BACKUP=var/backups/<timestamp>` into DATABASE_URL; FORCE=1 replaces a non-empty one.
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<timestamp> [FORCE=1]"; exit 2; }
	$(MANAGE) restore "$(BACKUP)" $(if $(filter 1,$(FORCE)),--force)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: export DEBUG ?= true
messages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
