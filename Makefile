# Layer by Layer: every target sets up the project's venv first when it is missing or stale.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
WHO    ?= student
# JupyterLab refuses to run as root unless told (containers often run as root).
LAB    := $(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup demo test gpu-check release lab grade feedback export site lint format clean

# The course's JupyterLab defaults (no news pop-up, no update check), for `make lab` and the tests.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/layer-by-layer.json

setup: $(VENV)/.installed $(LAB_SETTINGS)

# Debian packages a target uses (command:package): installed when missing if we are root,
# otherwise named so that you can install them.
define need
	@missing=""; for pair in $(1); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing (Debian packages)"; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "note: please install$$missing (sudo apt-get install$$missing)"; fi; \
	fi
endef

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,site]"
	$(PY) -c "import torch; assert torch.__version__.split('+')[0] == '2.13.0', torch.__version__"
	touch $@

$(LAB_SETTINGS): course/lab-settings.json $(VENV)/.installed
	mkdir -p $(dir $@) && cp $< $@

demo: setup           ## build the course, then grade the sample class with nbgrader
	$(call need,bwrap:bubblewrap)
	$(PY) -m autograder demo

test: setup           ## the whole test suite (kernel isolation and browser tests included)
	$(call need,bwrap:bubblewrap chromium:chromium)
	$(PY) -m pytest

gpu-check: setup      ## every exercise's variants, the forbidden-op catalogue, the conv bench: one table
	$(PY) bench/gpu_check.py

release: setup        ## course/*.md → source/ → release/
	$(PY) -m autograder build

lab: setup            ## JupyterLab on release/ (WHO=author: on course/)
ifeq ($(WHO),author)
	$(LAB) --notebook-dir=course
else
	$(LAB) --notebook-dir=release
endif

grade: setup          ## autograde everything in submitted/
	$(call need,bwrap:bubblewrap)
	$(PY) -m autograder grade

feedback: setup       ## feedback HTML for autograded submissions
	$(PY) -m autograder feedback

export: setup         ## grades.csv from the gradebook
	$(PY) -m autograder export

site: setup           ## the course website → build/site/html (executes every chapter)
	$(PY) -m autograder.build.site

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf build .pytest_cache
