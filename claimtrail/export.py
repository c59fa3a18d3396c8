"""Exports of the claims with their provenance: CSV, JSON Lines, Parquet, and an
ACLED-style CSV for analysts whose tools already read that shape.

Every exported claim carries ``link``, a deep link to its quote: the web address with a
text fragment (``#:~:text=start,end``, which browsers scroll to and highlight), or for a
PDF the address with ``#page=N``; a local file becomes a ``file://`` URI the same way.

Every CSV claimtrail writes (these exports, ``claimtrail sql`` and ``search``) goes
through :func:`write_csv`, which keeps spreadsheets from running document text as a
formula: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'`` (OWASP's rule for CSV injection), unless ``raw`` is asked for.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pycountry

from claimtrail.db.export import COLUMNS
from claimtrail.db.store import web_address
from claimtrail.db.query import plain_number

FRAGMENT_WORDS = 4  # words of the quote's start and end in a text fragment
# ACLED's own column is for deaths: a count of people killed, or of deaths; other counts
# go to count/count_unit.
FATAL_ACTIONS = frozenset({"kill", "die", "murder", "execute", "slay"})
FATAL_UNITS = re.compile(r"\b(dead|deaths?|fatalit\w*|lives)\b", re.IGNORECASE)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ACLED_COLUMNS = ("event_date", "year", "country", "iso", "iso3", "actor1", "actor2", "fatalities", "count",
                 "count_unit", "qualifier", "source", "source_url", "notes", "link")


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    acled = "acled"


def deep_link(claim: dict[str, Any]) -> str:
    """The address of the claim's quote: its page for a PDF, else a text fragment."""
    address = web_address(claim["source_url"]) or claim["doc_uri"]
    if "://" not in address:
        address = Path(address).as_uri()
    address = address.split("#", 1)[0]
    if claim["media_type"] == "application/pdf" and claim["page"]:
        return f"{address}#page={claim['page']}"
    words = claim["quote"].split()
    if not words:
        return address
    if len(words) <= 2 * FRAGMENT_WORDS:
        fragment = _fragment(" ".join(words))
    else:
        fragment = f"{_fragment(' '.join(words[:FRAGMENT_WORDS]))},{_fragment(' '.join(words[-FRAGMENT_WORDS:]))}"
    return f"{address}#:~:text={fragment}"


def _fragment(words: str) -> str:
    # Text fragment directives reserve "-", "," and "&": they are percent-encoded too.
    return quote(words, safe="").replace("-", "%2D")


def records(claims: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for claim in claims:
        yield {**claim, "value": plain_number(claim["value"]), "link": deep_link(claim)}


def acled_rows(claims: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One ACLED-style row per claim (event_date: the start of its period, else the
    document's publication date; iso: ISO 3166 numeric, as ACLED has it)."""
    for claim in records(claims):
        day = claim["date_start"] or claim["published"] or ""
        country = pycountry.countries.get(alpha_3=claim["country"]) if claim["country"] else None
        fatal = claim["action"] in FATAL_ACTIONS or bool(claim["unit"] and FATAL_UNITS.search(claim["unit"]))
        yield {
            "event_date": day, "year": day[:4], "country": getattr(country, "common_name", None) or getattr(country, "name", ""),
            "iso": int(country.numeric) if country else "", "iso3": claim["country"] or "",
            "actor1": claim["actor"] or "", "actor2": "",
            "fatalities": plain_number(claim["value"]) if fatal else "",
            "count": "" if fatal else plain_number(claim["value"]), "count_unit": "" if fatal else claim["unit"] or "",
            "qualifier": claim["qualifier"] or "", "source": claim["title"] or claim["source_url"] or claim["doc_uri"],
            "source_url": claim["source_url"] or "", "notes": claim["quote"], "link": claim["link"],
        }


def inert(cell: object) -> object:
    """``cell``, with a ``'`` in front when it is text a spreadsheet would read as a formula."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Sequence[object]], raw: bool = False) -> int:
    """Write a header and ``rows`` as CSV, every cell :func:`inert` unless ``raw``; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(columns if raw else [inert(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow(row if raw else [inert(cell) for cell in row])
        count += 1
    return count


def write(claims: Iterable[dict[str, Any]], fmt: ExportFormat, out: IO[str] | Path, raw: bool = False) -> int:
    """Write the export; ``out`` is a text stream, or a path (required for Parquet). Returns the row count.
    ``raw`` leaves CSV cells as they are (see :func:`write_csv`)."""
    if fmt is ExportFormat.parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not isinstance(out, Path):
            raise ValueError("a Parquet export needs a file: give --output")
        rows = list(records(claims))
        schema = pa.schema([(c, pa.float64() if c == "value" else pa.int64() if c in (
            "claim_id", "doc_id", "start_char", "end_char", "page") else pa.string()) for c in (*COLUMNS, "link")])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), out)
        return len(rows)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as stream:
            return write(claims, fmt, stream, raw)
    count = 0
    if fmt is ExportFormat.jsonl:
        for row in records(claims):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    columns, rows = (ACLED_COLUMNS, acled_rows(claims)) if fmt is ExportFormat.acled else ((*COLUMNS, "link"), records(claims))
    return write_csv(out, columns, ([row[c] for c in columns] for row in rows), raw)
