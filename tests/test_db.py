"""The database layer on both backends: what goes in comes out of the public views as the
contract describes, exactly once per content, and nothing but reads get through ``sql``."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from sqlalchemy import Engine, text

from claimtrail.db import (
    DatabaseError,
    ReadOnlyError,
    finish_run,
    is_stored,
    open_database,
    query_readonly,
    record_failure,
    start_run,
    store_document,
    summary,
)
from claimtrail.db import store as store_module
from claimtrail.schema.records import (
    Block,
    Claim,
    ConvertedDocument,
    Extraction,
    Link,
    Mention,
    RawDocument,
)

CONTRACT_COLUMNS = {
    "v_documents": [
        "doc_id", "doc_uri", "source_url", "title", "published", "authors", "media_type",
        "sha256", "status", "error", "text",
    ],
    "v_mentions": [
        "mention_id", "doc_id", "doc_uri", "kind", "text", "start_char", "end_char", "norm",
        "page",
    ],
    "v_claims": [
        "claim_id", "doc_id", "doc_uri", "source_url", "actor", "action", "value", "unit",
        "qualifier", "country", "date_start", "date_end", "quote", "start_char", "end_char",
        "page", "modality",
    ],
}  # fmt: skip

# Multi-byte characters before every span: curly apostrophe, Arabic, an astral emoji.
TITLE = "Borno’s long war"
SENTENCE = "In March 2024, the Nigerian Army conducted at least 36 raids in Nigeria."
TEXT = f"{TITLE}\nتقرير موجز 📄 — Fatima O’Neil\n{SENTENCE}\nSee the annex."


def span(needle: str, within: str = TEXT) -> tuple[int, int]:
    start = within.index(needle)
    return start, start + len(needle)


def mention(kind: str, surface: str, norm: str) -> Mention:
    start, end = span(surface)
    return Mention(kind, surface, start, end, norm)  # type: ignore[arg-type]


def make_document(
    content: bytes = b"<html>brief</html>", uri: str = "/data/brief.html"
) -> tuple[RawDocument, ConvertedDocument, Extraction]:
    raw = RawDocument(uri=uri, content=content, source_url="https://example.org/feed-link")
    sentence_start, sentence_end = span(SENTENCE)
    converted = ConvertedDocument(
        text=TEXT,
        media_type="text/html",
        blocks=[
            Block("title", *span(TITLE)),
            Block("paragraph", sentence_start, sentence_end),
        ],
        links=[Link("https://example.org/annex", *span("annex"))],
        title=TITLE,
        published="2024-04-02",
        authors=["Fatima O’Neil", "Ahmed Musa"],
        source_url="https://example.org/brief",
    )
    extraction = Extraction(
        mentions=[
            mention("date", "March 2024", "2024-03-01/2024-03-31"),
            mention("actor", "Nigerian Army", "Nigerian Army"),
            mention("count", "36", "36"),
            mention("country", "Nigeria", "NGA"),
        ],
        claims=[
            Claim(
                value=36.0, unit="raids", quote=SENTENCE, start_char=sentence_start,
                end_char=sentence_end, actor="Nigerian Army", action="conduct",
                qualifier="at least", country="NGA", date_start="2024-03-01",
                date_end="2024-03-31", modality="asserted",
            )
        ],
        pipeline_version="test-1",
    )  # fmt: skip
    return raw, converted, extraction


def rows(db_url: str, sql: str) -> list[tuple]:
    return query_readonly(db_url, sql)[1]


# --- views ----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", CONTRACT_COLUMNS)
def test_views_have_exactly_the_contract_columns(
    db_url: str, db_engine: Engine, view: str
) -> None:
    columns, _ = query_readonly(db_url, f"SELECT * FROM {view}")
    assert columns == CONTRACT_COLUMNS[view]


def test_view_column_types_match_the_contract(db_url: str, db_engine: Engine) -> None:
    integer = {"doc_id", "mention_id", "claim_id", "start_char", "end_char", "page"}
    expected_type = {"integer": "integer", "real": "double precision", "text": "text"}
    if db_url.startswith("sqlite"):
        expected_type = {"integer": "INTEGER", "real": "DOUBLE", "text": "TEXT"}
        sql = "SELECT name, type FROM pragma_table_info('{view}')"
    else:
        sql = ("SELECT column_name, data_type FROM information_schema.columns "
               "WHERE table_name = '{view}' ORDER BY ordinal_position")  # fmt: skip
    for view, columns in CONTRACT_COLUMNS.items():
        kinds = [
            "real" if c == "value" else "integer" if c in integer else "text" for c in columns
        ]
        assert rows(db_url, sql.format(view=view)) == [
            (c, expected_type[k]) for c, k in zip(columns, kinds, strict=True)
        ]


def test_stored_document_reads_back_through_the_views(db_url: str, db_engine: Engine) -> None:
    raw, converted, extraction = make_document()
    result = store_document(db_engine, raw, converted, extraction, run_id=None)
    assert result.status == "new"

    [doc] = rows(db_url, "SELECT * FROM v_documents")
    assert doc[0] == result.doc_id
    assert doc[1:] == (
        "/data/brief.html", "https://example.org/brief", TITLE, "2024-04-02",
        "Fatima O’Neil; Ahmed Musa", "text/html", hashlib.sha256(raw.content).hexdigest(),
        "ok", None, TEXT,
    )  # fmt: skip

    mentions = rows(db_url, "SELECT kind, text, start_char, end_char, norm, page, doc_uri "
                            "FROM v_mentions ORDER BY start_char")  # fmt: skip
    assert mentions == [
        (m.kind, m.text, m.start_char, m.end_char, m.norm, None, raw.uri)
        for m in sorted(extraction.mentions, key=lambda m: m.start_char)
    ]
    [claim] = rows(db_url, "SELECT * FROM v_claims")
    c = extraction.claims[0]
    assert claim[1:] == (
        result.doc_id, raw.uri, "https://example.org/brief", c.actor, c.action, 36.0, "raids",
        "at least", "NGA", "2024-03-01", "2024-03-31", SENTENCE, c.start_char, c.end_char,
        None, "asserted",
    )  # fmt: skip
    assert claim[6] == 36 and isinstance(claim[6], int)  # a whole value reads back as a whole number


def test_offsets_are_characters_not_bytes_in_sql(db_url: str, db_engine: Engine) -> None:
    store_document(db_engine, *make_document(), run_id=None)
    checked = rows(
        db_url,
        "SELECT m.text, substr(d.text, m.start_char + 1, m.end_char - m.start_char) "
        "FROM v_mentions m JOIN v_documents d ON d.doc_id = m.doc_id",
    )
    assert len(checked) == 4
    assert all(surface == sliced for surface, sliced in checked)
    [(quote, sliced)] = rows(
        db_url,
        "SELECT c.quote, substr(d.text, c.start_char + 1, c.end_char - c.start_char) "
        "FROM v_claims c JOIN v_documents d ON d.doc_id = c.doc_id",
    )
    assert quote == sliced == SENTENCE
    # The title contains a 3-byte character, the line below Arabic and a 4-byte emoji.
    assert len(TEXT[: span("March 2024")[0]].encode()) > span("March 2024")[0]


def test_offsets_that_do_not_match_the_text_are_refused(db_url: str, db_engine: Engine) -> None:
    raw, converted, extraction = make_document()
    start, end = span("Nigeria.")
    extraction.mentions.append(Mention("country", "Nigeria", start + 1, end, "NGA"))
    with pytest.raises(ValueError, match="country mention 'Nigeria'"):
        store_document(db_engine, raw, converted, extraction, run_id=None)
    assert summary(db_engine) == {"documents": 0, "failed": 0, "mentions": 0, "claims": 0}


# --- identity by content --------------------------------------------------------------------


def test_same_bytes_twice_are_unchanged_and_not_duplicated(db_url: str, db_engine: Engine) -> None:
    first = store_document(db_engine, *make_document(), run_id=None)
    again = store_document(db_engine, *make_document(), run_id=None)
    elsewhere = store_document(db_engine, *make_document(uri="/mirror/brief.html"), run_id=None)
    assert first.status == "new"
    assert again == elsewhere == store_module.StoreResult(first.doc_id, "unchanged")
    assert summary(db_engine) == {"documents": 1, "failed": 0, "mentions": 4, "claims": 1}
    assert rows(db_url, "SELECT doc_uri FROM v_documents") == [("/data/brief.html",)]


def test_is_stored_only_for_ok_documents(db_engine: Engine) -> None:
    raw, converted, extraction = make_document()
    sha = hashlib.sha256(raw.content).hexdigest()
    assert not is_stored(db_engine, sha)
    record_failure(db_engine, raw, "converter crashed", run_id=None)
    assert not is_stored(db_engine, sha)
    store_document(db_engine, raw, converted, extraction, run_id=None)
    assert is_stored(db_engine, sha)


def test_a_failure_is_a_row(db_url: str, db_engine: Engine) -> None:
    raw = RawDocument("/data/broken.pdf", b"%PDF-broken", media_type_hint="application/pdf")
    result = record_failure(db_engine, raw, "PDF has no text layer", run_id=None)
    assert result.status == "failed"
    sql = "SELECT doc_id, doc_uri, media_type, status, error, text FROM v_documents"
    assert rows(db_url, sql) == [
        (result.doc_id, raw.uri, "application/pdf", "failed", "PDF has no text layer", "")
    ]
    assert summary(db_engine)["failed"] == 1


def test_repeated_failure_updates_one_row(db_url: str, db_engine: Engine) -> None:
    raw = RawDocument(uri="/data/broken.pdf", content=b"%PDF-broken")
    first = record_failure(db_engine, raw, "first error", run_id=None)
    second = record_failure(db_engine, raw, "second error", run_id=None)
    assert first == second
    assert rows(db_url, "SELECT error FROM v_documents") == [("second error",)]


def test_success_after_failure_replaces_the_failed_row(db_url: str, db_engine: Engine) -> None:
    raw, converted, extraction = make_document()
    failed = record_failure(db_engine, raw, "converter crashed", run_id=None)
    stored = store_document(db_engine, raw, converted, extraction, run_id=None)
    assert stored == store_module.StoreResult(failed.doc_id, "new")
    assert rows(db_url, "SELECT status, error, title FROM v_documents") == [("ok", None, TITLE)]
    assert summary(db_engine) == {"documents": 1, "failed": 0, "mentions": 4, "claims": 1}


def test_success_removes_a_byteless_failure_of_the_same_uri(
    db_url: str, db_engine: Engine
) -> None:
    raw, converted, extraction = make_document(uri="https://example.org/brief")
    record_failure(db_engine, RawDocument(uri=raw.uri, content=b""), "HTTP 503", run_id=None)
    record_failure(db_engine, RawDocument(uri=raw.uri, content=b""), "HTTP 504", run_id=None)
    record_failure(db_engine, RawDocument("https://other.org/x", b""), "404", run_id=None)
    assert summary(db_engine)["failed"] == 2
    store_document(db_engine, raw, converted, extraction, run_id=None)
    assert rows(db_url, "SELECT doc_uri, status FROM v_documents ORDER BY doc_uri") == [
        ("https://example.org/brief", "ok"),
        ("https://other.org/x", "failed"),
    ]


def test_a_failure_never_overwrites_an_ok_document(db_url: str, db_engine: Engine) -> None:
    raw, converted, extraction = make_document()
    stored = store_document(db_engine, raw, converted, extraction, run_id=None)
    result = record_failure(db_engine, raw, "flaky second attempt", run_id=None)
    assert result == store_module.StoreResult(stored.doc_id, "unchanged")
    assert rows(db_url, "SELECT status, error, text FROM v_documents") == [("ok", None, TEXT)]


def test_concurrent_inserts_of_the_same_document_store_it_once(
    db_url: str, db_engine: Engine
) -> None:
    writers = 8
    barrier = threading.Barrier(writers)
    results: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            engine = open_database(db_url)  # as a separate process would
            barrier.wait()
            results.append(store_document(engine, *make_document(), run_id=None).status)
            engine.dispose()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["new"] + ["unchanged"] * (writers - 1)
    assert summary(db_engine) == {"documents": 1, "failed": 0, "mentions": 4, "claims": 1}


def test_losing_the_insert_race_reports_unchanged(
    db_url: str, db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window between lookup and insert, forced open: the unique sha256 decides."""
    first = store_document(db_engine, *make_document(), run_id=None)
    real_find = store_module._find
    blinded: list[bool] = []

    def find_once_blind(conn, sha, uri):  # type: ignore[no-untyped-def]
        if not blinded:
            blinded.append(True)
            return None
        return real_find(conn, sha, uri)

    monkeypatch.setattr(store_module, "_find", find_once_blind)
    again = store_document(db_engine, *make_document(), run_id=None)
    assert again == store_module.StoreResult(first.doc_id, "unchanged")
    assert summary(db_engine) == {"documents": 1, "failed": 0, "mentions": 4, "claims": 1}


# --- runs, summary, schema ------------------------------------------------------------------


def test_runs_record_counts_and_documents_point_to_them(db_engine: Engine) -> None:
    run_id = start_run(db_engine, "ingest")
    store_document(db_engine, *make_document(), run_id=run_id)
    finish_run(db_engine, run_id, {"new": 1, "unchanged": 0, "failed": 0})
    with db_engine.connect() as conn:
        kind, counts, finished = conn.execute(
            text("SELECT kind, counts, finished_at FROM runs WHERE id = :id"), {"id": run_id}
        ).one()
        doc_run = conn.execute(text("SELECT run_id FROM documents")).scalar_one()
    assert (kind, doc_run, finished is not None) == ("ingest", run_id, True)
    assert (counts if isinstance(counts, dict) else json.loads(counts)) == {
        "new": 1, "unchanged": 0, "failed": 0,
    }  # fmt: skip
    with pytest.raises(DatabaseError, match="no run with id"):
        finish_run(db_engine, run_id + 100, {})


def test_deleting_a_document_cascades(db_engine: Engine) -> None:
    store_document(db_engine, *make_document(), run_id=None)
    with db_engine.begin() as conn:
        conn.execute(text("DELETE FROM documents"))
    with db_engine.connect() as conn:
        left = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("blocks", "links", "mentions", "claims")]  # fmt: skip
    assert left == [0, 0, 0, 0]


def test_reopening_keeps_data_and_restores_missing_views(db_url: str, db_engine: Engine) -> None:
    store_document(db_engine, *make_document(), run_id=None)
    with db_engine.begin() as conn:
        conn.execute(text("DROP VIEW v_claims"))
    open_database(db_url).dispose()
    assert len(rows(db_url, "SELECT * FROM v_claims")) == 1
    assert summary(db_engine)["documents"] == 1


# --- read-only SQL --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "update documents set title = 'x'",
        "DROP VIEW v_documents",
        "INSERT INTO runs (kind) VALUES ('x')",
        "select 1; delete from documents",
        "SELECT 1;\nDELETE FROM documents;",
        "/* harmless */ -- really\n delete from documents",
        "create table t (x int)",
        "alter table documents add column x int",
        "replace into runs (kind) values ('x')",
        "attach database 'x.db' as x",
        "vacuum",
        "truncate documents",
        "pragma query_only = off",
        "begin",
        "copy documents to '/tmp/x'",
        "select ';'; delete from documents",
        "select $$;$$; delete from documents",
    ],
)
def test_sql_refuses_anything_but_one_read(db_url: str, db_engine: Engine, sql: str) -> None:
    """Refused as more than a read, or as no SQL at all by that database's own parser."""
    store_document(db_engine, *make_document(), run_id=None)
    with pytest.raises(DatabaseError, match=r"^claimtrail sql is read-only: .* refused$|^sql error: .*syntax error"):
        query_readonly(db_url, sql)
    assert summary(db_engine)["documents"] == 1


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "UPDATE documents SET title = 'x'",
        "WITH gone AS (DELETE FROM documents RETURNING id) SELECT * FROM gone",
        "SELECT * INTO copied FROM documents",
    ],
)
def test_the_database_itself_refuses_writes(
    db_url: str, db_engine: Engine, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    """With the parser's check switched off, the read-only connection still refuses."""
    store_document(db_engine, *make_document(), run_id=None)
    monkeypatch.setattr("claimtrail.db.query.read_only_statement", lambda sql, **_: None)
    with pytest.raises(DatabaseError):
        query_readonly(db_url, sql)
    assert summary(db_engine)["documents"] == 1


def test_the_database_itself_refuses_a_second_statement(
    db_url: str, db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_document(db_engine, *make_document(), run_id=None)
    monkeypatch.setattr("claimtrail.db.query.read_only_statement", lambda sql, **_: None)
    with pytest.raises(DatabaseError):
        query_readonly(db_url, "SELECT 1; SELECT 2")
    assert summary(db_engine)["documents"] == 1


def test_sql_runs_reads(db_url: str, db_engine: Engine) -> None:
    store_document(db_engine, *make_document(), run_id=None)
    assert query_readonly(db_url, "select count(*) as n from v_mentions;") == (["n"], [(4,)])
    # Literals with ';', '%', '?' and ':name' must reach the database untouched.
    assert rows(db_url, "SELECT kind FROM v_mentions WHERE norm LIKE '%NG%' AND ';?:x' <> ''") == [
        ("country",)
    ]
    assert rows(db_url, "WITH c AS (SELECT unit FROM v_claims) SELECT unit FROM c") == [("raids",)]
    assert rows(db_url, "SELECT 1 -- trailing comment; delete") == [(1,)]


def test_sql_errors_are_one_line_database_errors(db_url: str, db_engine: Engine) -> None:
    with pytest.raises(DatabaseError) as caught:
        query_readonly(db_url, "SELECT nope FROM v_documents")
    assert "\n" not in str(caught.value) and "nope" in str(caught.value)
    with pytest.raises(DatabaseError, match="no SQL statement"):
        query_readonly(db_url, "  -- nothing\n ;")


# --- opening ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://u:p@localhost/x", "unsupported database 'mysql'"),
        ("sqlite:////nonexistent/dir/x.db", "cannot open database sqlite:////nonexistent/dir"),
        (
            "postgresql+psycopg://u:secret@127.0.0.1:1/x",
            "cannot open database postgresql\\+psycopg://u:\\*\\*\\*@127.0.0.1:1/x",
        ),
    ],
)
def test_unusable_databases_give_one_line_errors(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message) as caught:
        open_database(url)
    assert "\n" not in str(caught.value) and "secret" not in str(caught.value)


def test_sql_on_a_missing_sqlite_file_does_not_create_it(tmp_path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(DatabaseError, match="no such file"):
        query_readonly(f"sqlite:///{path}", "SELECT 1")
    assert not path.exists()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()
