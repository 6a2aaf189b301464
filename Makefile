# The two commands most people need:
#   make run    install everything the app needs and start it (make run ARGS="--help")
#   make test   install the test needs, then lint, format check and the whole test suite
#               (extra pytest arguments: make test ARGS="-k speech -x")

SHELL := /bin/bash
VENV := .venv
ARGS ?=

.PHONY: run test lint format bench setup setup-lean setup-dev clean distclean

run:
	bash scripts/run.sh $(ARGS)

test:
	bash scripts/test.sh $(ARGS)

# Install only (runtime, lean or development); all are quick when nothing is missing.
setup:
	bash scripts/setup.sh

# The app without torch and transformers: for models that have a CTranslate2 copy.
setup-lean:
	bash scripts/setup.sh --lean

setup-dev:
	bash scripts/setup.sh --dev

$(VENV)/bin/ruff:
	bash scripts/setup.sh --dev

lint: $(VENV)/bin/ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/bin/ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Streaming latency on generated test conversations (needs the development packages).
bench: setup-dev
	$(VENV)/bin/python benchmarks/streaming_latency.py $(ARGS)

# Generated files: caches, build output, the cached test speech and benchmark results.
clean:
	rm -rf .test-cache .pytest_cache .ruff_cache build dist benchmarks/out
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Also the virtual environment; the next make run/test recreates it.
distclean: clean
	rm -rf $(VENV) *.egg-info
