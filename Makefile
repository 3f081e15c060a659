# Two commands: `make report` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MPLBACKEND := agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: report test lint format lab bench sample notebooks curves clean help

help:
	@echo "make report     run every notebook on the sample data and render reports/ (HTML)"
	@echo "make test       lint, unit tests, papermill tests and nbval on the notebooks"
	@echo "make lab        open JupyterLab on notebooks/"
	@echo "make bench      run the benchmarks in benchmarks/ and print figure/target/measured"
	@echo "make notebooks  re-execute the notebooks in place on the sample data (stored outputs)"
	@echo "make sample     regenerate data/sample/ (byte-identical unless the generator changed)"
	@echo "make curves     add the capacity curves a sample report computes to the installed ones"

# (Re)install when .venv is missing or pyproject.toml is newer than the last install.
# pip's chatter goes to .venv/install.log, shown only when the install fails.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setting up $(VENV): installing aipolicy and its test extra (first run takes a minute or two)"
	@( $(BIN)/python -m pip install --upgrade pip \
	   && $(BIN)/python -m pip install -e '.[test]' ) > $(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "install failed: see $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)
	@echo "$(VENV) ready"

report: $(STAMP)
	$(BIN)/aipolicy report --source sample

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as in some containers): pytest
# then keeps the test modules it rewrites for assertions, and the next run collects in 3.8 s
# instead of 6.4 s per worker.
test: $(STAMP)
	$(BIN)/ruff check .
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check aipolicy tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format aipolicy tests benchmarks
	$(BIN)/ruff check --fix .

# JupyterLab refuses to start as root unless told to; containers mostly run as root, so only
# there it is allowed (with no browser to open). The server prints its URL with the token.
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root --no-browser,)
lab: $(STAMP)
	@echo "starting JupyterLab on notebooks/: open the http://127.0.0.1:... URL it prints below (Ctrl-C stops it)"
	$(BIN)/jupyter lab notebooks/ $(LAB_AS_ROOT)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

notebooks: $(STAMP)
	$(BIN)/python -m aipolicy.report.store_outputs

# The capacity curves the sample report needs and the package does not ship yet (for example
# after an aiconfigurator-core upgrade) are computed into a scratch cache and packed.
curves: $(STAMP)
	rm -rf .curves
	AIPOLICY_CACHE_DIR=$(CURDIR)/.curves $(BIN)/aipolicy report --source sample --out .curves/report -q
	$(BIN)/python -m aipolicy.costs.capacity.curve_snapshot .curves/capacity
	rm -rf .curves

sample: $(STAMP)
	$(BIN)/aipolicy sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
