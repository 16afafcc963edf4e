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

.PHONY: run dev test check bench test-tools clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m dashboard_app.launch --port $(PORT)

# Development: the page on $(PORT) and the backend on $(PORT)+1, reloaded on every edit.
dev: $(VENV)/.runtime
	$(PY) -m dashboard_app.launch --dev --port $(PORT)

check: $(VENV)/.runtime
	$(PY) -m dashboard_app.launch --check

# Debian's chromium for the browser tests, and PostgreSQL for the app-database tests.
test-tools:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(VENV)/.dev test-tools
	$(PY) -m pytest

bench: $(VENV)/.dev test-tools
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .web .states data
