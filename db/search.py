"""Full-text search over passages (the ``blocks`` of every stored document).

One query language on both backends, the one search boxes use: words are all required,
``"a phrase"`` must appear as such, ``OR`` between two terms accepts either, and
``-word`` excludes. PostgreSQL reads it natively (``websearch_to_tsquery``, English
stemming, GIN index); for SQLite it is translated to an FTS5 query (porter stemmer).
Filters keep passages that mention a country (ISO alpha-3) inside the passage, and
passages dated on or after a day: by a date mentioned in the passage, or by the
document's publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from claimtrail.db.engine import driver_message, is_postgres
from claimtrail.db.errors import DatabaseError

_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')
_SINCE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class SearchHit:
    doc_id: int
    doc_uri: str
    source_url: str | None
    title: str | None
    page: int | None
    start_char: int
    end_char: int
    text: str
    rank: float  # higher is better, comparable within one search only


def fts5_query(query: str) -> str:
    """The user's query as an FTS5 expression (every term quoted, so no FTS5 syntax leaks)."""
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for match in _TERM.finditer(query):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word == "OR":
            pending_or = bool(positive)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = phrase if phrase is not None else word
        if not term or not term.strip():
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        if negated:
            negative.append(quoted)
        elif pending_or:
            positive[-1] = f"({positive[-1]} OR {quoted})"
        else:
            positive.append(quoted)
        pending_or = False
    if not positive:
        raise DatabaseError(f"nothing to search for in {query!r}: give at least one word that is not excluded")
    expression = " AND ".join(positive)
    return expression + "".join(f" NOT {n}" for n in negative)


def since_day(value: str) -> str:
    """``2022``, ``2022-03`` or ``2022-03-15`` as the first day it names (``YYYY-MM-DD``);
    anything else, ``2022-13`` or ``2023-02-29`` among them, is refused."""
    day = ((value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]) if _SINCE.match(value) else ""
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        raise DatabaseError(f"--since {value!r}: expected a real date as YYYY, YYYY-MM or YYYY-MM-DD") from None


_FILTERS = {
    "country": "EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = b.doc_id AND m.kind = 'country' "
               "AND m.norm = :country AND m.start_char >= b.start_char AND m.end_char <= b.end_char)",
    # A date mention's norm is "YYYY-MM-DD/YYYY-MM-DD": its end day is from character 12 on.
    "since": "(d.published >= :since OR EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = b.doc_id "
             "AND m.kind = 'date' AND m.start_char >= b.start_char AND m.end_char <= b.end_char "
             "AND substr(m.norm, 12) >= :since))",
}
_COLUMNS = "d.id, d.uri, d.source_url, d.title, b.page, b.start_char, b.end_char, b.text"


def search(engine: Engine, query: str, country: str | None = None, since: str | None = None,
           limit: int = 20) -> list[SearchHit]:
    """The best ``limit`` passages for ``query`` in stored documents, best first."""
    translated = fts5_query(query)  # also refuses a query with nothing to find, on both backends
    params: dict[str, object] = {"limit": limit}
    where = ["d.status = 'ok'"]
    if country:
        params["country"] = country.upper()
        where.append(_FILTERS["country"])
    if since:
        params["since"] = since_day(since)
        where.append(_FILTERS["since"])
    if is_postgres(engine):
        params["q"] = query
        sql = (f"SELECT {_COLUMNS}, ts_rank(to_tsvector('english', coalesce(b.text, '')), q) AS rank "
               "FROM blocks b JOIN documents d ON d.id = b.doc_id, websearch_to_tsquery('english', :q) q "
               f"WHERE to_tsvector('english', coalesce(b.text, '')) @@ q AND {' AND '.join(where)} "
               "ORDER BY rank DESC, b.id LIMIT :limit")
    else:
        params["q"] = translated
        sql = (f"SELECT {_COLUMNS}, -bm25(blocks_fts) AS rank "
               "FROM blocks_fts JOIN blocks b ON b.id = blocks_fts.rowid JOIN documents d ON d.id = b.doc_id "
               f"WHERE blocks_fts MATCH :q AND {' AND '.join(where)} ORDER BY rank DESC, b.id LIMIT :limit")
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(sql), params).all()
    except DBAPIError as exc:
        raise DatabaseError(f"search failed: {driver_message(exc)}") from None
    return [SearchHit(*row) for row in rows]
