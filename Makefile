# Two entry points (see README.md): `make demo` and `make test`. Each sets up
# what it needs first: a virtualenv in .venv with the project and its test
# extras, exactly as pinned (with hashes) in requirements.lock, and (for the
# tests) Debian's Chromium for the browser tests, WebKitWebDriver and Xvfb for
# the WebKit (Safari's engine) test, and openssl, which makes the HTTPS test's
# certificate. `make test` also checks the locked packages for known
# vulnerabilities (pip-audit) before running the tests.
#   make demo PORT=5050 HOST=0.0.0.0    serve the demo elsewhere
#   make demo RESET=1                   start the demo again from empty
#   make lock                           pin pyproject.toml's dependencies again (uv), after changing them
#   make audit [AUDIT_STRICT=1]         known vulnerabilities in the lock; strict: a package not audited fails too
#   make sbom                           a CycloneDX SBOM of the lock in sbom.cdx.json
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
RESET ?=
LOCK := requirements.lock
# Accepted vulnerabilities, one ID a line with why (requirements.audit-ignore).
AUDIT_IGNORE := $(addprefix --ignore-vuln ,$(shell sed -e 's/\#.*//' requirements.audit-ignore))
AUDIT_STRICT ?=
UV_VERSION ?= 0.13.9

.PHONY: demo test setup browser lock audit sbom

# Every package from the lock, each checked against its hash; then the project
# itself without dependencies, so nothing unpinned comes in.
$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(BIN)/.installed

# For Python 3.11+ on every platform (universal), with the test extras. No
# index URL is written into the lock.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
		--no-progress --custom-compile-command "make lock" -o $(LOCK)

# PyPI's vulnerability data (pip-audit -s pypi); a known vulnerability fails
# the run unless requirements.audit-ignore accepts it.
audit: setup
	$(BIN)/pip-audit --require-hashes --disable-pip -r $(LOCK) -s pypi --progress-spinner off \
		$(if $(AUDIT_STRICT),--strict) $(AUDIT_IGNORE)

sbom: setup
	$(BIN)/cyclonedx-py requirements --pyproject pyproject.toml --output-reproducible --of JSON -o sbom.cdx.json $(LOCK)
	@echo "Wrote sbom.cdx.json"

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

test: setup browser audit
	$(BIN)/pytest
