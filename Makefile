# provenance: `make demo` and `make test` work on a fresh machine (they set up what they need).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_STORE := out/sample.duckdb
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: setup sysdeps demo demo-data test test-fast lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,dashboard,report,bench,spark]'
	touch $(STAMP)

# System packages the tests need: Debian's Chromium for browser tests (Playwright cannot download
# browsers here), poppler-utils (pdftoppm) to look at rendered PDF reports, Java for PySpark,
# and fonts for the scripts the sample holds (Devanagari, Han) so PDFs do not print boxes.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	[ -n "$$(fc-list ':charset=0915' 2>/dev/null)" ] || missing="$$missing fonts-lohit-deva"; \
	[ -n "$$(fc-list ':charset=4e2d' 2>/dev/null)" ] || missing="$$missing fonts-droid-fallback"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo-data: setup
	rm -f $(DEMO_STORE) $(DEMO_STORE).wal
	mkdir -p out
	$(VENV)/bin/provenance ingest data/sample --store $(DEMO_STORE)
	$(VENV)/bin/provenance stats --store $(DEMO_STORE)
	$(VENV)/bin/provenance report --store $(DEMO_STORE) --all --format html --out out/reports --quiet

# Ingest the sample, print the summary, then serve the dashboard (Ctrl+C stops it).
demo: demo-data
	$(VENV)/bin/provenance dashboard --store $(DEMO_STORE) --host $(HOST) --port $(PORT)

test: setup sysdeps
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -m "not slow and not e2e"

lint: setup
	$(VENV)/bin/ruff check provenance dashboard tests

bench: setup
	$(PY) -m provenance.tools.bench e2e --n 10000

clean:
	rm -rf out bench-out .pytest_cache
