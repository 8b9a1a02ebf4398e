# Escalation dynamics: `make help` lists the targets.
SHELL := /bin/bash
# One BLAS thread per process: the optimisers run in parallel processes on few cores.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KERNEL := escalation
STAMP := $(VENV)/.installed

.PHONY: help venv events reports pdf browser test test-fast lint format bench validate lab clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (escalation)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv from requirements.lock and register the Jupyter kernel

IRAQ_RAW := data/external/iraq-2007-2008/airstrikes.csv.gz data/external/iraq-2007-2008/insurgencies.csv.gz
IRAQ_EVENTS := data/processed/iraq_2007_2008_events.parquet

events: $(STAMP) $(IRAQ_EVENTS) ## Build data/processed/ from data/raw/ (and the Iraq table if stale)
	$(BIN)/escalation events

$(IRAQ_EVENTS): $(IRAQ_RAW) | $(STAMP)
	$(BIN)/escalation import --format iraq $(IRAQ_RAW) --out $@

reports: events ## Build the event table, then render every report set into reports/
	$(BIN)/escalation reports

pdf: events ## Render the report sets and print each brief and set to PDF (needs Chromium)
	$(BIN)/escalation reports --pdf

browser: ## Install headless Chromium and its driver (Debian/Ubuntu, as root) for tests and PDFs
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "chromium and chromedriver are installed"; \
	else \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi

test: $(STAMP) ## Run the whole test suite (notebooks and browser included)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the tests that need no kernel and no browser
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff format and the safe ruff fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## Run the benchmarks (speed and memory figures; slow)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

VALIDATE_REPS ?= 500
VALIDATE_HOURS ?= 12
# Finished cells are kept and unfinished p-value cells go on from their next replicate, so
# an interrupted study picks up where it stopped; VALIDATE_RESUME= starts every cell afresh.
VALIDATE_RESUME ?= --resume
VALIDATE_NULLS := independent_poisson shared_trend shared_daily_shocks autocorrelated_rates self_excitation_only
VALIDATE := nice -n 15 $(BIN)/python -m analysis.models.validation --out data/validation \
	--reps $(VALIDATE_REPS) --budget-hours $(VALIDATE_HOURS) --share-budget $(VALIDATE_RESUME)
validate: $(STAMP) ## Run the validation study (size and power by simulation; hours) into data/validation/
	$(VALIDATE) --name hawkes_cross_500d_n50 --sizes 50 --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name hawkes_cross_500d_n200 --sizes 200 --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name hawkes_cross_500d_n1000 --sizes 1000 --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name hawkes_cross_500d_n5000 --sizes 5000 --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name hawkes_cross_power --n-days 500 1000 2000 --sizes 1000 \
		--scenarios planted_cross_0.2
	$(VALIDATE) --name hawkes_cross_power_sizes --sizes 50 200 5000 --scenarios planted_cross_0.2
	$(VALIDATE) --name granger_500d --tests granger_weekly
	$(VALIDATE) --name models_nulls_500d --tests changepoint_scan \
		--scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name var_nulls_500d --tests var_granger --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name reaction_nulls_500d --tests reaction_events_joint --scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name incidence_nulls_500d --tests reaction_incidence_joint --sizes 50 200 1000 \
		--scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name power_1000_500d --sizes 1000 \
		--tests changepoint_scan rate_block --scenarios planted_step_1.5
	$(VALIDATE) --name reaction_var_power_1000_500d --sizes 1000 \
		--tests reaction_events_joint reaction_incidence_joint var_granger \
		--scenarios planted_cross_0.2
	$(VALIDATE) --name rates_incidence_500d --tests rate_block \
		--scenarios $(VALIDATE_NULLS)
	$(VALIDATE) --name power_1000_spans --n-days 1000 2000 --sizes 1000 \
		--tests var_granger changepoint_scan rate_block granger_weekly reaction_events_joint \
		reaction_incidence_joint \
		--scenarios planted_cross_0.2 planted_step_1.5
	$(VALIDATE) --name oracle_cross --n-days 500 1000 2000 4000 --sizes 1000 \
		--tests oracle_cross_score --scenarios planted_cross_0.2 independent_poisson self_excitation_only
	$(VALIDATE) --name reaction_4000d --n-days 4000 --sizes 1000 \
		--tests reaction_events_joint reaction_incidence_joint --scenarios planted_cross_0.2 $(VALIDATE_NULLS)
	$(VALIDATE) --name var_4000d --n-days 4000 --sizes 1000 --tests var_granger \
		--scenarios planted_cross_0.2 $(VALIDATE_NULLS)

lab: $(STAMP) ## Open JupyterLab with the project's kernel registered
	$(BIN)/jupyter lab --notebook-dir=.

clean: ## Remove rendered reports and caches (keeps .venv and data)
	rm -rf reports/* .cache .pytest_cache
	@touch reports/.gitkeep
