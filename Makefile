# The front door. `make run` serves the site with demo data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 5000
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)
# Every installed module is compiled to bytecode once, at install, so a fresh process
# (a `tracker` command such as a board report, a web worker, a test run) does not
# compile them again, as it would each time where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1

.PHONY: help install run test test-sqlite test-postgresql test-deps lint audit format bench loadtest vendor clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# Debian's Python leaves out venv (package python3-venv); install it when we can.
$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) -V)." >&2; exit 1; }
	@if ! $(PYTHON) -m venv $(TOOLS) >/dev/null 2>&1; then \
		rm -rf $(TOOLS); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
			$(PYTHON) -m venv $(TOOLS); \
		else \
			echo "Cannot create a virtual environment: install Python's venv module" \
				"(on Debian: sudo apt-get install python3-venv) and run make again." >&2; exit 1; \
		fi; \
	fi
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# WeasyPrint (board reports) needs Pango from the system; install it when we can.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends $(PANGO_PACKAGES) >/dev/null; \
		else \
			echo "Board reports need Pango: install $(PANGO_PACKAGES)" \
				"(on Debian: sudo apt-get install $(PANGO_PACKAGES)) and run make again." >&2; exit 1; \
		fi; \
	fi
	$(UV) sync --locked --all-groups
	@touch $@

install: $(VENV)/.installed ## Install the application and its tools into .venv

# Links in emails and printed pages point at the server started here, unless
# PUBLIC_BASE_URL is set in the environment or on the command line.
run: install ## Serve the site with demo data on SQLite at http://127.0.0.1:$(PORT)
	TRACKER_ENV=development $(BIN)/tracker db upgrade
	TRACKER_ENV=development $(BIN)/tracker demo-data --if-empty
	@echo "Staff sign-in: http://127.0.0.1:$(PORT)/login with a demo account listed above (see the README)."
	TRACKER_ENV=development PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" \
		$(BIN)/tracker run --host 127.0.0.1 --port $(PORT)

lint: install ## Check formatting, lint rules and types
	$(BIN)/ruff format --check tracker tests benchmarks migrations
	$(BIN)/ruff check tracker tests benchmarks migrations
	$(BIN)/mypy
	@$(MAKE) --no-print-directory audit

audit: install ## Check the locked dependencies for known vulnerabilities (pip-audit)
	@set -euo pipefail; requirements="$$(mktemp)"; trap 'rm -f "$$requirements"' EXIT; \
	$(UV) export --locked --all-groups --no-emit-project --format requirements-txt \
		--quiet > "$$requirements"; \
	$(BIN)/python -m tests.audit_dependencies "$$requirements"

format: install ## Reformat the code and apply safe lint fixes
	$(BIN)/ruff format tracker tests benchmarks migrations
	$(BIN)/ruff check --fix tracker tests benchmarks migrations

test-deps: install ## Install what the browser and HTML tests need (Chromium, npm tools)
	@bash tests/install-test-deps.sh

test-sqlite: test-deps ## Run every test on SQLite only
	@echo "=== Test suite on SQLite ==="
	$(BIN)/python -m pytest --db=sqlite

test-postgresql: test-deps ## Run every test on PostgreSQL only
	@if $(BIN)/python -m tests.databases; then \
		echo "=== Test suite on PostgreSQL ==="; \
		$(BIN)/python -m pytest --db=postgresql; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is unreachable, and CI must test on it: failing." >&2; exit 1; \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! PostgreSQL is unreachable: the suite ran on SQLite ONLY.          !!"; \
		echo "!! Start PostgreSQL or set TEST_DATABASE_URL to test on it as well.  !!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# Lint and the two passes run side by side, one process each, as `make lint`,
# `make test-sqlite` and `make test-postgresql` run them: lint waits on the network
# (pip-audit) and mypy is short, so it costs the passes little. Each writes its own log
# in test-artifacts/, printed whole when it ends (lint's first, then SQLite's), so their
# output never interleaves. The target fails if any of them fails.
TEST_LOGS := test-artifacts
test: install test-deps ## Run every test: lint, and the SQLite and PostgreSQL passes, side by side
	@mkdir -p $(TEST_LOGS)
	@run() { \
		local start=$$SECONDS status; \
		$(MAKE) --no-print-directory $$1 > $(TEST_LOGS)/$$1.log 2>&1; status=$$?; \
		echo "=== make $$1 took $$((SECONDS - start)) s and $$( \
			[ $$status = 0 ] && echo passed || echo FAILED) ===" >> $(TEST_LOGS)/$$1.log; \
		return $$status; \
	}; \
	echo "Running lint and the SQLite and PostgreSQL passes side by side; their logs are" \
		"$(TEST_LOGS)/lint.log, $(TEST_LOGS)/test-sqlite.log and $(TEST_LOGS)/test-postgresql.log."; \
	run lint & lint=$$!; \
	run test-sqlite & sqlite=$$!; \
	run test-postgresql & postgresql=$$!; \
	wait $$lint; lint_status=$$?; cat $(TEST_LOGS)/lint.log; \
	wait $$sqlite; sqlite_status=$$?; cat $(TEST_LOGS)/test-sqlite.log; \
	wait $$postgresql; postgresql_status=$$?; cat $(TEST_LOGS)/test-postgresql.log; \
	[ $$lint_status = 0 ] || echo "Lint failed: see above or $(TEST_LOGS)/lint.log." >&2; \
	[ $$sqlite_status = 0 ] || echo "The SQLite pass failed: see above or $(TEST_LOGS)/test-sqlite.log." >&2; \
	[ $$postgresql_status = 0 ] || echo "The PostgreSQL pass failed: see above or $(TEST_LOGS)/test-postgresql.log." >&2; \
	[ $$lint_status = 0 ] && [ $$sqlite_status = 0 ] && [ $$postgresql_status = 0 ]

bench: install ## Benchmarks against the large generated dataset; figures go to docs/benchmarks.md
	$(BIN)/python -m benchmarks

# wrk (the HTTP load generator) comes from the system; install it when we can.
# LOADTEST_SECONDS sets the length of each measurement; see benchmarks/loadtest/.
loadtest: install ## Public pages under load (gunicorn, wrk, PostgreSQL, Redis); figures go to docs/benchmarks.md
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "The load test needs wrk (on Debian: sudo apt-get install wrk); run make loadtest again." >&2; exit 1; \
		fi; \
	fi
	$(BIN)/python -m benchmarks.loadtest

# Pinned front-end packages, copied into static/vendor/ and committed, so the site
# needs no npm to run. Raise a version here, run `make vendor`, and commit the result.
NHSUK_FRONTEND_VERSION := 10.6.1
HTMX_VERSION := 2.0.11
VENDOR := static/vendor

# The precompiled CSS points at /assets/images/...; it is rewritten to a path relative
# to the stylesheet so the icons load from static/vendor/ wherever the site is mounted.
# Source maps are left out. The npm package of nhsuk-frontend ships no LICENSE file, so
# the committed copy of the repository's MIT licence is kept.
vendor: ## Refresh the pinned NHS.UK frontend and htmx files in static/vendor/ (needs npm)
	@command -v npm >/dev/null || { echo "make vendor needs npm (on Debian: apt-get install npm)." >&2; exit 1; }
	@set -euo pipefail; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	npm pack --silent --pack-destination "$$tmp" \
		nhsuk-frontend@$(NHSUK_FRONTEND_VERSION) htmx.org@$(HTMX_VERSION) >/dev/null; \
	mkdir "$$tmp/nhsuk" "$$tmp/htmx"; \
	tar -xzf "$$tmp/nhsuk-frontend-$(NHSUK_FRONTEND_VERSION).tgz" -C "$$tmp/nhsuk"; \
	tar -xzf "$$tmp/htmx.org-$(HTMX_VERSION).tgz" -C "$$tmp/htmx"; \
	src="$$tmp/nhsuk/package/dist/nhsuk"; dest="$(VENDOR)/nhsuk-frontend"; \
	if [ -f "$$tmp/nhsuk/package/LICENSE" ]; then \
		mkdir -p "$$dest" && cp "$$tmp/nhsuk/package/LICENSE" "$$tmp/nhsuk-LICENSE"; \
	elif [ -f "$$dest/LICENSE" ]; then \
		cp "$$dest/LICENSE" "$$tmp/nhsuk-LICENSE"; \
	else \
		echo "nhsuk-frontend's package has no LICENSE and $$dest/LICENSE is missing." >&2; exit 1; \
	fi; \
	rm -rf "$$dest" && mkdir -p "$$dest"; \
	sed -e 's#url(/assets/#url(assets/#g' -e '/sourceMappingURL=/d' \
		"$$src/nhsuk-frontend.min.css" > "$$dest/nhsuk-frontend.min.css"; \
	sed -e 's#//\# sourceMappingURL=.*$$##' "$$src/nhsuk-frontend.min.js" > "$$dest/nhsuk-frontend.min.js"; \
	cp -R "$$src/assets" "$$dest/assets"; \
	cp "$$tmp/nhsuk-LICENSE" "$$dest/LICENSE"; \
	echo "$(NHSUK_FRONTEND_VERSION)" > "$$dest/VERSION"; \
	dest="$(VENDOR)/htmx"; rm -rf "$$dest" && mkdir -p "$$dest"; \
	cp "$$tmp/htmx/package/dist/htmx.min.js" "$$dest/htmx.min.js"; \
	cp "$$tmp/htmx/package/LICENSE" "$$dest/LICENSE"; \
	echo "$(HTMX_VERSION)" > "$$dest/VERSION"; \
	echo "Copied nhsuk-frontend $(NHSUK_FRONTEND_VERSION) and htmx $(HTMX_VERSION) into $(VENDOR)/."

clean: ## Remove installed environments and caches (keeps instance/)
	rm -rf $(VENV) $(TOOLS) node_modules .pytest_cache .mypy_cache .ruff_cache
