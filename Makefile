# ane-kb: every target creates .venv on first use and installs the exact pins of requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install validate validate-base export changelog site serve test typecheck bench clean

help:
	@echo "make serve     - build the site in both languages, serve it at http://127.0.0.1:8000 under the site_url's path"
	@echo "make test      - validate the KB and run every test"
	@echo "make site      - validate, export and build the site into site/"
	@echo "make validate  - lint every record (python -m generator validate)"
	@echo "make export    - write src/ane_kb/data/kb.json and the README counts"
	@echo "make bench     - run the benchmark scripts in benchmarks/"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 is required (python3.11 or python3 on PATH)"; exit 2; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "make: Python 3.11 or newer is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	grep -v '^coreai-core==' requirements.lock > $(VENV)/requirements-base.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements-base.lock
	@# coreai-core (the coreai extra) has wheels only for some platforms; where none fits, the .aimodel tests
	@# skip, and under CI=true that skip fails the run.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --only-binary=:all: --no-deps \
	  "$$(grep '^coreai-core==' requirements.lock)" \
	  || echo "make: no coreai-core wheel for this platform; Core AI (.aimodel) checks are not installed"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/python -m generator validate

validate-base: $(STAMP)
	@test -n "$(BASE)" || { echo "make validate-base needs BASE=<git ref>"; exit 2; }
	$(BIN)/python -m generator validate --base $(BASE)

changelog: $(STAMP)
	@test -n "$(SINCE)" || { echo "make changelog needs SINCE=<git ref>"; exit 2; }
	@$(BIN)/python -m generator changelog --since $(SINCE)

export: $(STAMP)
	$(BIN)/python -m generator export

site: $(STAMP)
	$(BIN)/python -m generator build

# The site is served under the path of kb/_vocab/settings.yaml's site_url (e.g. /ane-kb/), as its host serves it,
# with 404.html for missing pages.
serve: site
	$(BIN)/python -m generator.site.serve site --port 8000 --bind 127.0.0.1

typecheck: $(STAMP)
	$(BIN)/python -m mypy --strict src/ane_kb

test: $(STAMP)
	$(BIN)/python -m generator validate
	$(BIN)/python -m mypy --strict src/ane_kb
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/site.py
	$(BIN)/python benchmarks/check.py
	$(BIN)/python benchmarks/browser.py
	$(BIN)/python benchmarks/placement.py
	$(BIN)/python benchmarks/zoo.py

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache src/*.egg-info
