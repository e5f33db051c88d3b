# Two commands on a fresh machine: `make demo` and `make test`. Only python3 and make are assumed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= data/sample
WAREHOUSE ?= data/leadflow.duckdb

.PHONY: install demo test test-all ui clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/leadflow sample-data $(SAMPLE) --seed 7 --people 3000
	$(BIN)/leadflow run --inbox $(SAMPLE) --warehouse $(WAREHOUSE)

test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -m "not slow"

test-all: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

ui: install
	LEADFLOW_INBOX=$(SAMPLE) LEADFLOW_WAREHOUSE=$(WAREHOUSE) DAGSTER_HOME=$(CURDIR)/.dagster_home \
		sh -c 'mkdir -p $$DAGSTER_HOME && $(BIN)/dagster dev -w workspace.yaml'

clean:
	rm -rf $(VENV) data .dagster_home
