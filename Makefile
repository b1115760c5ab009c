# Golden Thread: `make demo` runs the platform with demo data, `make test` runs every test.
PYTHON ?= python3
PORT ?= 8000
# The demo listens on loopback only; BIND=0.0.0.0 exposes it (DEBUG on, published passwords).
BIND ?= 127.0.0.1
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Every package at one exact version with its hashes, resolved from pyproject.toml's ranges by
# `make lock`: installs are the same on every machine until the lock is changed on purpose.
LOCK := requirements.lock
UV := $(VENV)/bin/uv
WITH_SERVICES := $(PY) -m goldenthread.platform.devtools.services --

.PHONY: install lock demo test lint format bench clean-local

# The locked packages, then the project itself with them (setuptools, its build backend,
# included) and nothing else.
$(INSTALLED): $(LOCK) pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

install: $(INSTALLED)

# After changing a range in pyproject.toml: `make lock`, then commit both files. Versions
# already locked are kept where they still fit; LOCK_ARGS="--upgrade-package django" (or
# "--upgrade") moves them on.
lock: $(UV)
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)

$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv

demo: install
	$(WITH_SERVICES) $(PY) -m goldenthread.platform.devtools.demo --port $(PORT) --bind $(BIND)

# The suite runs in TEST_WORKERS processes (pytest-xdist), each with a test database, a Redis
# database and a Celery worker of its own. --dist load hands each process tests in collection
# order, which keeps pytest-django's order (rolled-back tests before committed-data ones) in
# each (docs/architecture.md). TEST_WORKERS=0 runs it in this process (or PYTEST_ARGS="-n 0").
TEST_WORKERS ?= 2
test: install
	$(WITH_SERVICES) $(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(WITH_SERVICES) $(PY) bench/run_all.py

clean-local:
	rm -rf .local
