#!/usr/bin/env bash
# Make a local PostgreSQL server available for claimtrail's tests and print its SQLAlchemy URL.
#
#   export CLAIMTRAIL_TEST_PG_URL="$(bash .ci/pg.sh)"
#
# Idempotent: installs PostgreSQL (Debian/Ubuntu) only when missing, starts the "main" cluster
# only when it is down, creates the role and database only when absent. Stdout carries the URL
# and nothing else, so the script can feed an environment variable; all logs go to stderr.
set -euo pipefail

ROLE=claimtrail
PASSWORD=claimtrail
SUPERUSER=claimtrail_superuser  # same password; tests/test_sql_safety.py checks what `claimtrail sql` refuses
DATABASE=claimtrail_test

exec 3>&1 1>&2

if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
    as_postgres() { runuser -u postgres -- "$@"; }
else
    as_root() { sudo "$@"; }
    as_postgres() { sudo -u postgres "$@"; }
fi

if ! command -v pg_lsclusters >/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    echo "pg.sh: installing PostgreSQL" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

version="$(pg_lsclusters -h | awk '$2 == "main" { print $1 }' | sort -V | tail -n 1)"
if [ -z "$version" ]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    echo "pg.sh: creating cluster $version/main" >&2
    as_root pg_createcluster "$version" main
fi
line="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"')"
port="$(awk '{ print $3 }' <<<"$line")"
if [ "$(awk '{ print $4 }' <<<"$line")" != "online" ]; then
    echo "pg.sh: starting cluster $version/main" >&2
    # The server is a daemon: it must not inherit any descriptor beyond 0-2. Fd 3 is the
    # caller's $(...) pipe, and a daemon holding it (or a CI runner's pipe) open makes the
    # caller wait for an end of file that never comes.
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd="${fd##*/}"
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done
        exec </dev/null
        as_root pg_ctlcluster "$version" main start
    )
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$port" >&2

# CREATEDB lets the test fixtures give every test its own throw-away database; CREATEROLE lets
# a test check the documented read-only analyst role. The superuser (a test server only, on
# 127.0.0.1) lets tests show that `claimtrail sql` refuses a superuser's session.
as_postgres psql -v ON_ERROR_STOP=1 -q -p "$port" -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$SUPERUSER') THEN
        CREATE ROLE $SUPERUSER;
    END IF;
END
\$\$;
ALTER ROLE $ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$PASSWORD';
ALTER ROLE $SUPERUSER WITH LOGIN SUPERUSER PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE') \gexec
SQL

echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE" >&3
