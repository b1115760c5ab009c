# Golden Thread: `make demo` runs the platform with demo data, `make test` runs every test.
PYTHON ?= python3
PORT ?= 8000
# The demo listens on loopback only; BIND=0.0.0.0 exposes it (DEBUG on, published passwords).
BIND ?= 127.0.0.1
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
WITH_SERVICES := $(PY) -m goldenthread.platform.devtools.services --

.PHONY: install demo test lint format bench clean-local

$(INSTALLED): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install
	$(WITH_SERVICES) $(PY) -m goldenthread.platform.devtools.demo --port $(PORT) --bind $(BIND)

test: install
	$(WITH_SERVICES) $(PY) -m pytest $(PYTEST_ARGS)

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
