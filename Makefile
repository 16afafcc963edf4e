# The two commands of the README: `make run` and `make test`. Both set up what they need,
# and are quick the second time (stamp files record what is installed).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 3000

export REFLEX_USE_SYSTEM_BUN = 1
export REFLEX_TELEMETRY_ENABLED = false
export REFLEX_CHECK_LATEST_VERSION = false
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test check bench chromium clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m dashboard_app.launch --port $(PORT)

check: $(VENV)/.runtime
	$(PY) -m dashboard_app.launch --check

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.dev chromium
	$(PY) -m pytest

bench: $(VENV)/.dev chromium
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .web .states data
