"""Full-text search over passages: one query language on SQLite (FTS5) and PostgreSQL
(tsvector), filters by country and date, and every hit traceable to its text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.db import DatabaseError, open_database
from claimtrail.db.search import fts5_query, search, since_day


@pytest.fixture(scope="module")
def samples_db(samples_url: str) -> Iterator[Engine]:
    """The samples, stored once per backend: searching never writes."""
    engine = open_database(samples_url)
    yield engine
    engine.dispose()


def document_text(engine: Engine, doc_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(text("select text from v_documents where doc_id = :id"), {"id": doc_id}).scalar()


def test_words_are_stemmed_and_every_hit_points_at_its_passage(samples_db: Engine) -> None:
    hits = search(samples_db, "arrested", limit=50)

    assert len(hits) >= 5  # "arrests", "Arrests", "arrested" in two samples
    assert {Path(h.doc_uri).name for h in hits} >= {"iskp-plots-europe.html", "iskp-finance-networks.txt"}
    for hit in hits:
        assert "arrest" in hit.text.lower()
        assert document_text(samples_db, hit.doc_id)[hit.start_char:hit.end_char] == hit.text
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)


def test_phrases_alternatives_and_exclusions(samples_db: Engine) -> None:
    phrase = search(samples_db, '"Cologne Cathedral"')
    either = search(samples_db, '"Cologne Cathedral" OR "no such words here"')
    excluded = search(samples_db, '"Cologne Cathedral" -worshippers')

    assert len(phrase) == 1 and "Cologne Cathedral spent the season" in phrase[0].text
    assert [h.text for h in either] == [h.text for h in phrase]
    assert excluded == []  # the only passage with the phrase also says "worshippers"
    assert search(samples_db, '"Cathedral Cologne"') == []


def test_country_filter_keeps_passages_that_mention_it(samples_db: Engine) -> None:
    hits = search(samples_db, "arrests", country="deu", limit=50)

    assert hits
    with samples_db.connect() as conn:
        for hit in hits:
            mentioned = conn.execute(text(
                "select count(*) from v_mentions where doc_id = :d and kind = 'country' and norm = 'DEU' "
                "and start_char >= :s and end_char <= :e"), {"d": hit.doc_id, "s": hit.start_char, "e": hit.end_char})
            assert mentioned.scalar() >= 1, hit.text
    assert len(hits) < len(search(samples_db, "arrests", limit=50))


def test_since_keeps_passages_dated_on_or_after(samples_db: Engine) -> None:
    hits = search(samples_db, "plots OR attacks", since="2024-07", limit=100)
    everything = search(samples_db, "plots OR attacks", limit=100)

    assert hits and len(hits) < len(everything)
    with samples_db.connect() as conn:
        for hit in hits:
            published = conn.execute(text("select published from v_documents where doc_id = :d"),
                                     {"d": hit.doc_id}).scalar()
            ends = conn.execute(text(
                "select norm from v_mentions where doc_id = :d and kind = 'date' and start_char >= :s "
                "and end_char <= :e"), {"d": hit.doc_id, "s": hit.start_char, "e": hit.end_char}).scalars().all()
            assert (published or "") >= "2024-07-01" or any(n.split("/")[1] >= "2024-07-01" for n in ends), hit.text


def test_the_search_command(samples_url: str) -> None:
    found = CliRunner().invoke(app, ["search", '"Cologne Cathedral"', "--db", samples_url, "--format", "csv"])
    nothing = CliRunner().invoke(app, ["search", "--db", samples_url, "--", "-everything"])
    bad_since = CliRunner().invoke(app, ["search", "plots", "--since", "last year", "--db", samples_url])

    assert found.exit_code == 0, found.output
    assert found.output.splitlines()[0].startswith("doc_id,doc_uri,source_url,title,page,start_char,end_char,text")
    assert "Cologne Cathedral spent the season" in found.output
    assert nothing.exit_code == 1 and "give at least one word" in nothing.output
    assert bad_since.exit_code == 2 and "expected a real date as YYYY, YYYY-MM or YYYY-MM-DD" in bad_since.output


@pytest.mark.parametrize(("query", "expected"), [
    ("drone strikes", '"drone" AND "strikes"'),
    ('"drone strikes" Iran', '"drone strikes" AND "Iran"'),
    ("drone OR missile attacks", '("drone" OR "missile") AND "attacks"'),
    ("attacks -Syria", '"attacks" NOT "Syria"'),
    ('NEAR(a b) "quote""d"', '"NEAR(a" AND "b)" AND "quote" AND "d"'),  # FTS5 syntax never leaks
])
def test_the_query_language_in_fts5(query: str, expected: str) -> None:
    assert fts5_query(query) == expected


def test_since_takes_a_year_a_month_or_a_day() -> None:
    assert [since_day(v) for v in ("2022", "2022-03", "2022-03-15")] == ["2022-01-01", "2022-03-01", "2022-03-15"]
    with pytest.raises(DatabaseError):
        since_day("03/2022")
