# tubewarehouse: `make demo` runs the main job, `make test` the whole test suite.
# Both install what they need first (Python venv, npm packages for the reports).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Telemetry is switched off by the project itself (flows/env.py) in everything it launches.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install browser demo test bench lint format docs clean screenshots lock lock-upgrade

install: $(STAMP)

# Exactly the versions in requirements-dev.lock (hashes checked; the lock is complete, so
# nothing is resolved anew), in a venv made anew whenever the lock changes so nothing a
# previous lock installed lingers; then the project itself, and pip's consistency check.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

# Refresh the locks: `make lock` resolves what pyproject.toml added or changed and keeps every
# other pin; `make lock-upgrade` moves every package to the newest version pyproject.toml
# allows. Either way the whole test suite then runs on the new lock (the venv is rebuilt from
# it): commit requirements*.lock only when it passes. npm's lock is refreshed the same way.
LOCK_ARGS := pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: $(STAMP)
	$(BIN)/uv pip compile $(LOCK_ARGS) $(UPGRADE) --extra dev -o requirements-dev.lock
	$(BIN)/uv pip compile $(LOCK_ARGS) -c requirements-dev.lock -o requirements.lock
	cd reports && npm install --package-lock-only --no-audit --no-fund $(if $(UPGRADE),,--prefer-dedupe)
	$(MAKE) test

lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

# Debian's chromium renders the reports in the browser tests (test tools cannot download one).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(BIN)/ytw demo

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The benchmarks whose numbers the README quotes, then one table (about 40 minutes, ~25 GB free).
bench: $(STAMP)
	$(BIN)/python -m bench

# The README's screenshots of the reports (docs/screenshots/*.png), from a throwaway warehouse
# holding a month of the demo world (about 5 min; replaces reports/build). The demo's titles
# include Japanese and emoji: without Debian's Noto fonts they would show as empty boxes.
screenshots: $(STAMP) browser
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" && fc-list 2>/dev/null | grep -q "Noto Color Emoji" || { \
		echo "installing Debian's Noto CJK and emoji fonts for the screenshots"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-cjk fonts-noto-color-emoji >/dev/null; }
	$(BIN)/python -m tests.reports.screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	-$(BIN)/ytw db stop
	rm -rf target logs .pytest_cache .ruff_cache reports/build reports/.evidence
