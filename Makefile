# tubewarehouse: `make demo` runs the main job, `make test` the whole test suite.
# Both install what they need first (Python venv, npm packages for the reports).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Telemetry is switched off by the project itself (flows/env.py) in everything it launches.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install browser demo test bench lint format docs clean screenshots

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

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
