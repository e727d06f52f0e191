# Two commands for a newcomer: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint catalog bench bench-compare fuzz vsix e2e clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Show sip-lsp working on the shipped examples.
demo: $(STAMP)
	$(VENV)/bin/sip-lsp explain 604
	$(VENV)/bin/sip-lsp compare 202 604
	$(VENV)/bin/sip-lsp check --exit-zero examples/
	$(VENV)/bin/sip-lsp table examples/kamailio/failover-on-busy.cfg
	$(VENV)/bin/sip-lsp simulate examples/kamailio/failover-on-busy.cfg --status 486

## Run every test.
test: $(STAMP)
	$(PY) -m pytest -q

## ruff (lint, format) and mypy --strict, as the pre-commit hooks run them.
lint: $(STAMP)
	$(VENV)/bin/ruff check sip_lsp tests bench
	$(VENV)/bin/ruff format --check sip_lsp tests bench
	$(VENV)/bin/mypy

catalog: $(STAMP)
	$(PY) -m sip_lsp.catalog build
	$(PY) -m sip_lsp.site build-package

bench: $(STAMP)
	$(PY) bench/run.py

## Every bench row of REV (one or more commits) beside this tree's, with the ratio: make bench-compare REV=main~3
bench-compare: $(STAMP)
	$(PY) bench/compare.py $(REV)

fuzz: $(STAMP)
	SIP_LSP_FUZZ_CASES=10000 $(PY) -m pytest -q tests/test_fuzz.py tests/test_server_storm.py

## The VS Code extension as a .vsix under editors/vscode/dist/.
vsix:
	cd editors/vscode && npm ci --no-audit --no-fund && npm run package

## Real VS Code (code-server in headless Chromium) against the built .vsix; the reference site in Chromium.
e2e: $(STAMP) vsix
	editors/vscode/e2e/setup.sh
	node --test editors/vscode/e2e/
	SIP_LSP_REQUIRE_CHROMIUM=1 $(PY) -m pytest -q tests/test_site.py -k chromium

clean:
	rm -rf $(VENV) build dist *.egg-info
