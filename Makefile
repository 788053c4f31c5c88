# make run: set up and run mall-pa on the example store.  make test: set up and run every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MEDIA  := music/.generated

.PHONY: run test lint typecheck unit bench media clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(MEDIA): $(STAMP) tools/make_example_media.py
	$(BIN)/python tools/make_example_media.py

media: $(MEDIA)

run: $(MEDIA)
	$(BIN)/mall-pa check --config mall-pa.toml  # today in the store's time zone, not the host's
	$(BIN)/mall-pa run --config mall-pa.toml

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(MEDIA)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(MEDIA)
	$(BIN)/python bench/simulate_day.py
	$(BIN)/python bench/separation.py
	$(BIN)/python bench/speech_page.py
	$(BIN)/python bench/render_hour.py
	$(BIN)/python bench/live_cost.py
	$(BIN)/python bench/emergency_latency.py
	$(BIN)/python bench/callback_worst.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/emergency_http.py
	$(BIN)/python bench/service_cost.py

clean:
	rm -rf $(VENV) music stings scripts_library/*.ogg .mall-pa .pytest_cache .mypy_cache .ruff_cache \
		tests/browser/artifacts
