# lime-widget: `make demo` and `make test` work on a fresh machine with python3, node and npm.
# `make -k test` runs every stage even after a failure (what .ci/run does) and still fails.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HEADLESS ?=
NOTEBOOK ?= notebooks/quickstart.ipynb
# JupyterLab refuses to start as root without --allow-root
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
STAMP := $(VENV)/.lime-widget-installed

.PHONY: demo demo-headless test install build lint typecheck jstest pytest e2e conformance notebooks clean

ifeq ($(HEADLESS),)
demo: install
	$(BIN)/jupyter lab $(LAB_ROOT_FLAG) $(NOTEBOOK)
else
demo: demo-headless
endif

## Execute the quick-start notebook without a browser and write it as HTML.
demo-headless: install
	$(BIN)/python scripts/run_notebooks.py --html $(NOTEBOOK)

## Every check: lint, typecheck, JS unit tests, Python tests (browser e2e included), notebooks.
test: lint typecheck jstest pytest notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# pip runs `npm install` and the esbuild build through hatch-jupyter-builder.
$(STAMP): $(BIN)/python pyproject.toml package.json package-lock.json
	$(BIN)/python -m pip install -e ".[test]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(STAMP) node_modules/.package-lock.json build

## The bundle is rebuilt every time: a stale widget.js would test old front-end code.
build: node_modules/.package-lock.json
	npm run build

lint: install
	$(BIN)/ruff check .

typecheck: install
	npm run typecheck

jstest: install
	npm test

pytest: install
	$(BIN)/python -m pytest tests

e2e: install
	$(BIN)/python -m pytest tests/e2e

## lime's own test suite against lime-widget (also part of `pytest`, hence of `test`).
conformance: install
	$(BIN)/python -m pytest -v tests/test_lime_conformance.py

notebooks: install
	$(BIN)/python scripts/run_notebooks.py

clean:
	rm -rf lime_widget/static node_modules test-results notebooks/*.html
