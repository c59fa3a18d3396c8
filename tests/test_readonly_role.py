"""The read-only analyst role the README documents for PostgreSQL, checked on a real server."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from claimtrail.db import query_readonly
from claimtrail.flows.ingest import ingest

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

ROOT = Path(__file__).resolve().parents[1]


def readme_role_sql() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```sql\n(.*?)```", text, re.S) if "CREATE ROLE analyst" in b)
    return block


def test_the_documented_analyst_role_reads_and_cannot_write(pg_database: tuple[str, object]) -> None:
    url, _owner = pg_database
    ingest([str(ROOT / "samples" / "iskp-finance-networks.txt")], url)
    parsed = make_url(url)
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    owner = parsed.username
    sql = (readme_role_sql().replace("analyst", role).replace("'...'", "'secret'")
           .replace("DATABASE claims", f"DATABASE {parsed.database}").replace("FOR ROLE claimtrail", f"FOR ROLE {owner}"))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in sql.split(";"):
                if statement.strip() and not statement.strip().startswith("--"):
                    conn.exec_driver_sql(re.sub(r"--[^\n]*", "", statement))
        as_analyst = parsed.set(username=role, password="secret").render_as_string(hide_password=False)

        columns, rows = query_readonly(as_analyst, "select count(*) as claims from v_claims")
        assert columns == ["claims"] and rows[0][0] > 0
        conninfo = as_analyst.replace("postgresql+psycopg://", "postgresql://")
        refused = (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege)
        with psycopg.connect(conninfo) as conn, pytest.raises(refused):
            conn.execute("delete from claims")
    finally:
        with admin.connect() as conn:
            for statement in (
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public REVOKE SELECT ON TABLES FROM {role}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                f"REVOKE USAGE ON SCHEMA public FROM {role}",
                f"REVOKE CONNECT ON DATABASE {parsed.database} FROM {role}",
                f"DROP ROLE IF EXISTS {role}",
            ):
                conn.exec_driver_sql(statement)
        admin.dispose()
