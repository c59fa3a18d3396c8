"""Schema migrations: an older database is refused for writing until `claimtrail db upgrade`,
which keeps every row. On both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.db import SchemaError, migrate, open_database, views
from claimtrail.db.search import search

HEAD = migrate.head()  # the revision this claimtrail creates and upgrades to

runner = CliRunner()

ROWS = [
    "INSERT INTO runs (kind, started_at) VALUES ('ingest', '2026-01-05 02:00:00+00:00')",
    "INSERT INTO documents (uri, media_type, sha256, status, text, run_id, created_at) VALUES "
    "('/reports/brief.txt', 'text/plain', 'abc123', 'ok', 'In 2024, 12 plots were disrupted in Germany.', "
    "(SELECT max(id) FROM runs), '2026-01-05 02:00:01+00:00')",
    "INSERT INTO mentions (doc_id, kind, text, start_char, end_char, norm) VALUES "
    "((SELECT max(id) FROM documents), 'country', 'Germany', 36, 43, 'DEU'), "
    "((SELECT max(id) FROM documents), 'count', '12', 9, 11, '12')",
    "INSERT INTO blocks (doc_id, kind, start_char, end_char) VALUES ((SELECT max(id) FROM documents), 'paragraph', 0, 44)",
    "INSERT INTO claims (doc_id, value, unit, country, date_start, date_end, quote, start_char, end_char) VALUES "
    "((SELECT max(id) FROM documents), 12, 'plots', 'DEU', '2024-01-01', '2024-12-31', "
    "'In 2024, 12 plots were disrupted in Germany.', 0, 44)",
]


# The views of CONTRACT.md, as the first revision had them (later views use later tables).
CONTRACT_VIEWS = [f"CREATE VIEW {name} AS {views.VIEWS[name]}" for name in ("v_documents", "v_mentions", "v_claims")]


def database_at_first_revision(url: str) -> None:
    """What claimtrail's first migration made, with views and a document stored in it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(conn, migrate.BASELINE)
        for statement in CONTRACT_VIEWS + ROWS:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.mark.flows
def test_an_old_database_is_refused_then_upgraded_without_losing_rows(db_url: str) -> None:
    database_at_first_revision(db_url)

    with pytest.raises(SchemaError, match=rf"older schema \(revision 0001, current {HEAD}\): run `claimtrail db upgrade`"):
        open_database(db_url)
    refused = runner.invoke(app, ["ingest", "samples/iskp-finance-networks.txt", "--db", db_url])
    assert refused.exit_code == 1 and "claimtrail db upgrade" in refused.output
    readable = runner.invoke(app, ["sql", "select value, unit, country from v_claims", "--db", db_url,
                                   "--format", "csv"])
    assert readable.output.splitlines()[1] == "12,plots,DEU"  # reading needs no upgrade

    upgraded = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    again = runner.invoke(app, ["db", "upgrade", "--db", db_url])

    assert upgraded.exit_code == 0 and f"from schema revision 0001 to {HEAD}" in upgraded.output
    assert again.exit_code == 0 and f"current (schema revision {HEAD})" in again.output
    engine = open_database(db_url)
    with engine.connect() as conn:
        claim = conn.execute(text("select doc_uri, value, unit, country, date_start, quote from v_claims")).one()
        mentions = conn.execute(text("select count(*) from v_mentions")).scalar()
        indexes = {i["name"] for i in inspect(conn).get_indexes("claims")}
    assert tuple(claim) == ("/reports/brief.txt", 12.0, "plots", "DEU", "2024-01-01",
                            "In 2024, 12 plots were disrupted in Germany.")
    assert mentions == 2
    assert "ix_claims_date_start" in indexes  # what revision 0002 adds
    with engine.connect() as conn:  # revision 0004: each document found at its own address
        assert conn.execute(text("select uri from v_locations")).scalars().all() == ["/reports/brief.txt"]
    found = search(engine, "disrupting")  # revision 0003: passages indexed, the old ones too
    assert [(h.doc_uri, h.text) for h in found] == [("/reports/brief.txt", "In 2024, 12 plots were disrupted in Germany.")]
    engine.dispose()
    ingested = runner.invoke(app, ["ingest", "samples/iskp-finance-networks.txt", "--db", db_url])
    assert ingested.exit_code == 0, ingested.output


def test_a_database_from_before_migrations_is_taken_as_the_first_revision(db_url: str) -> None:
    database_at_first_revision(db_url)
    engine = create_engine(db_url)
    with engine.begin() as conn:  # claimtrail made these very tables before it had migrations
        conn.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()

    with pytest.raises(SchemaError, match="revision 0001"):
        open_database(db_url)
    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])

    assert result.exit_code == 0 and f"from schema revision 0001 to {HEAD}" in result.output
    engine = open_database(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from v_claims")).scalar() == 1
    engine.dispose()


def test_a_database_from_a_newer_claimtrail_is_refused(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()

    with pytest.raises(SchemaError, match="revision 9999, made by a newer claimtrail"):
        open_database(db_url)
    assert runner.invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 1


@pytest.mark.flows
def test_a_new_database_is_created_at_the_current_schema(db_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])

    assert result.exit_code == 0 and f"from schema revision (empty) to {HEAD}" in result.output
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert migrate.state(conn).current
        assert set(views.VIEWS) <= set(inspect(conn).get_view_names())
    engine.dispose()


def test_the_migrations_build_exactly_the_models(db_url: str) -> None:
    # A model changed without a migration (or the reverse) shows up here as a difference.
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from claimtrail.db.models import Base

    open_database(db_url).dispose()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": migrate.include_name}), Base.metadata)
    engine.dispose()

    assert differences == []
