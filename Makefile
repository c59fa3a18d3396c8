# claimtrail's two entry points (see README): `make demo` and `make test`.
# Both set everything up from scratch on a fresh Debian/Ubuntu machine with Python 3.11+.
.PHONY: setup demo test postgres

VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export PREFECT_SERVER_ANALYTICS_ENABLED := false

# uv installs the locked dependencies in seconds; plain pip works too (pip install -e '.[test]').
setup: $(BIN)/claimtrail
$(BIN)/claimtrail: pyproject.toml uv.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(PYTHON) -m uv sync --quiet --frozen --extra test --python $(PYTHON)
	touch $@

# Ingest the team's sample briefs into ./claimtrail.db and show what came out.
demo: setup
	$(BIN)/claimtrail ingest samples
	$(BIN)/claimtrail sql "select value, unit, country, date_start, quote from v_claims limit 15"

# The whole suite, on a SQLite file and on a real PostgreSQL server.
test: setup
	CLAIMTRAIL_TEST_PG_URL="$$(timeout 900 bash .ci/pg.sh)" $(BIN)/pytest

# PostgreSQL for the tests: installs/starts a local server if needed and prints its URL, e.g.
#   export CLAIMTRAIL_TEST_PG_URL="$(make -s postgres)"
postgres:
	@bash .ci/pg.sh
