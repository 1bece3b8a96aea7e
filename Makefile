# GAN Workshop. Two commands on a fresh machine with Python 3.11+ and pip:
#   make lab    set up .venv (first time only) and open the course in JupyterLab
#   make test   set up .venv (first time only) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab refuses to run as root unless told; containers and cloud machines often are root.
# Test files run side by side on every core (training notebooks stay one after another: tests/conftest.py).
# A test that kills its worker process fails and the run ends; without --max-worker-restart=0, xdist
# restarts the worker and the file-by-file scheduling can wait forever for the crashed file.
TEST_WORKERS ?= auto
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test build bench bench-grading venv clean-venv

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/01_what_is_a_gan.ipynb

test: $(STAMP)
	@bash scripts/install-chromium.sh
	@bash scripts/install-hub-deps.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n $(TEST_WORKERS) --max-worker-restart=0

# Regenerate learner, solution and nbgrader notebooks from lessons/*.py (and execute the solutions).
build: $(STAMP)
	$(BIN)/python -m lessons.build

bench: $(STAMP)
	$(BIN)/python bench/check_latency.py

# Autograde throughput (submissions per minute) of lesson 02 and the training lesson; see bench/README.md.
bench-grading: $(STAMP)
	$(BIN)/python bench/grading_throughput.py

venv: $(STAMP)

# The environment is rebuilt only when the package definition or the pinned versions change.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course environment needs Python 3.11 or newer (nbgrader 0.9.6 does); found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[course,dev]'
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
