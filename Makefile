# Two entry points (see README.md): `make demo` and `make test`. Each sets up
# what it needs first: a virtualenv in .venv with the project and its test
# extras, and (for the tests) Debian's Chromium for the browser tests,
# WebKitWebDriver and Xvfb for the WebKit (Safari's engine) test, and openssl,
# which makes the HTTPS test's certificate.
#   make demo PORT=5050 HOST=0.0.0.0    serve the demo elsewhere
#   make demo RESET=1                   start the demo again from empty
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
RESET ?=

.PHONY: demo test setup browser

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || [ -n "$$PACE_CHROMIUM" ] || missing="chromium fonts-dejavu-core"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	command -v WebKitWebDriver >/dev/null 2>&1 || missing="$$missing webkit2gtk-driver"; \
	command -v Xvfb >/dev/null 2>&1 || missing="$$missing xvfb"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Missing for the browser tests: $$missing (install Debian's packages)"; fi

demo: setup
	$(BIN)/pace-forms demo --host $(HOST) --port $(PORT)$(if $(RESET), --reset)

test: setup browser
	$(BIN)/pytest
