# Rantai: `make demo` serves the platform with demo data; `make test` runs every check. Both install
# what they need first (a virtualenv from requirements.lock, Pango and fonts for the PDFs, and Debian's
# Chromium for browser tests).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
export RANTAI_CHROMIUM := $(CHROMIUM)

.DEFAULT_GOAL := help
.PHONY: help install demo serve worker test lint format types contracts migrations-check pytest browser-deps pdf-deps i18n lock bench clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements.lock
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: pdf-deps $(STAMP) ## Create .venv with the locked dependencies and Rantai itself

demo: install ## Migrate, load reference and demo data into ./var/rantai.db (SQLite), print logins, serve on :8000 with the worker
	$(BIN)/rantai demo

serve: install ## Serve the platform and its background worker (RANTAI_DATABASE_URL selects the database)
	$(BIN)/rantai serve

worker: install ## Run the background worker alone (imports, index updates; RANTAI_JOBS_URL selects the queue)
	$(BIN)/rantai worker

test: install browser-deps lint types contracts migrations-check pytest ## Lint, types, import contracts, alembic check, all tests

lint: install ## Ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

types: install ## mypy --strict on src/
	$(BIN)/mypy

contracts: install ## import-linter: matching is pure, domains import no web framework, doors sit above domains
	$(BIN)/lint-imports

migrations-check: install ## Upgrade a scratch SQLite database, then `alembic check` (models and migrations agree)
	@rm -rf var/check && mkdir -p var/check
	RANTAI_DATABASE_URL=sqlite:///var/check/check.db $(BIN)/rantai db upgrade --no-reference
	RANTAI_DATABASE_URL=sqlite:///var/check/check.db $(BIN)/rantai db check

pytest: install ## The test suite (SQLite always; PostgreSQL too when RANTAI_TEST_DATABASE_URL is set)
	$(BIN)/pytest

browser-deps: ## Install Debian's Chromium for the browser tests when it is missing
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# WeasyPrint (the PO and BAST PDFs, issue #12) loads Pango and HarfBuzz through cffi at run time, and needs a
# font with the Indonesian (Latin) glyphs: DejaVu. HarfBuzz-Subset embeds only the glyphs used (fast; WeasyPrint
# falls back to fontTools without it, slower and deprecated).
PDF_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core

pdf-deps: ## Install the system libraries and fonts WeasyPrint needs (Pango, HarfBuzz, DejaVu) when missing
	@missing=; for lib in $(PDF_LIBS); do ldconfig -p | grep -q "$$lib" || missing=yes; done; \
	  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing=yes; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Pango, HarfBuzz and DejaVu fonts for the PDFs..."; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	  fi

i18n: install ## Extract messages and update the id/en catalogs (then translate the new Indonesian entries)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output -o var/messages.pot .
	$(BIN)/pybabel update -i var/messages.pot -d src/rantai/i18n/locales --no-fuzzy-matching --ignore-obsolete

lock: ## Re-resolve requirements.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install -q uv && $(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	# uv writes a dependency's requested extras away (fonttools, asked for as fonttools[woff] by
	# WeasyPrint); pip 23 in --require-hashes mode then calls the extra unpinned as soon as a newer
	# release exists. tests/unit/test_lock.py checks every such extra is written back here.
	sed -i 's/^fonttools==/fonttools[woff]==/' requirements.lock

bench: install ## Run the benchmarks under bench/ and refresh docs/benchmarks.md
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean: ## Remove the virtualenv, caches and local state (./var)
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
