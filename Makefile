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
	.ci/ensure-chromium
	.ci/ensure-postgres
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -m "not slow"

test-all: install
	.ci/ensure-chromium
	.ci/ensure-postgres
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# the Dagster instance `make demo` wrote (.dagster_home beside the warehouse, or $DAGSTER_HOME): its runs, metadata
# and checks show in the UI
ui: install
	LEADFLOW_INBOX=$(SAMPLE) LEADFLOW_WAREHOUSE=$(WAREHOUSE) \
		DAGSTER_HOME=$$($(BIN)/python -m pipelines.instance $(WAREHOUSE)) $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf $(VENV) data .dagster_home test-artifacts
