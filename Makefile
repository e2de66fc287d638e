# The two commands of the README: `make demo` and `make test`. Each bootstraps uv (into
# .tools/, never the system Python) and the project's environment first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11 under either name; uv refuses any other version (requires-python in pyproject).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# The interpreter itself, not a version-manager shim: given a different path for the same
# Python, `uv sync` would delete and rebuild .venv on every call.
PYTHON_EXE = $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv's version is pinned so uv.lock is read and written the same way on every machine.
UV_VERSION := 0.13.9
RUN := $(UV) run --frozen --no-sync

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: help setup browser demo test lint ci clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-7s %s\n", $$1, $$2}'

$(UV):
	@[ -n "$(PYTHON)" ] || { echo "error: no python3.11 or python3 found; Loopkeeper needs Python 3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)  ## install uv and the locked environment (.venv)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON_EXE)

# The demo's dates are pinned: its company, night, mail and reports are the README's on any day
# (a month of feedback up to the day before the night; the README's report examples ask for
# October 2026 and ISO week 2026-W46, both inside it).
DEMO_END := 2026-11-21
DEMO_NIGHT := 2026-11-22

demo: setup  ## generate demo data (once) and run one nightly on it (warehouse/, data/mail/)
	@if [ -d data/inbox/accounts ]; then echo "data/inbox exists: reusing it (make clean to start over)"; \
	else $(RUN) loopkeeper demo-data --out data/inbox --end $(DEMO_END); fi
	$(RUN) loopkeeper nightly --inbox data/inbox --warehouse warehouse/loopkeeper.duckdb --mail-dir data/mail --date $(DEMO_NIGHT)

# The report test opens a report in headless Chromium (Debian's package). Installed once, as root
# (CI); elsewhere it says so and that one test skips with the reason.
browser:  ## install Debian's chromium for the report's browser test (if missing)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	( [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium ) || \
	echo "note: chromium is not installed and could not be (needs root and apt-get); the browser test will skip" >&2

test: setup browser  ## run the test suite
	$(RUN) pytest

lint: setup  ## ruff, mypy and sqlfluff
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) sqlfluff lint dbt_project/models

ci: test lint  ## what .ci/run runs

clean:  ## remove generated data, warehouse and environments
	rm -rf data warehouse .venv $(TOOLS)
