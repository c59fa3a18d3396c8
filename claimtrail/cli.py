"""The ``claimtrail`` command line: a thin layer over the flows, the database and the scorer."""

from __future__ import annotations

import json
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperGroup, TyperOption

from claimtrail.extractors.guard import DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT
from claimtrail.settings import QUERY_TIMEOUT_S, quiet_prefect

if TYPE_CHECKING:
    from typer._click import Command, Parameter

quiet_prefect()  # before anything imports Prefect


class _Group(TyperGroup):
    """A command group whose help shows readable value types.

    typer 0.29 prints Python annotations as types (``--help <bool>``, ``PATHS...
    <list[str]>``) and, for arguments, even over a metavar. Here a flag shows no type, an
    argument its name only, and an option its metavar, else click's names (``TEXT``,
    ``INTEGER``, ``table|csv|json``).
    """

    def get_params(self, ctx: typer.Context) -> list[Parameter]:
        return [_readable(param, ctx) for param in super().get_params(ctx)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        for param in command.get_params(ctx) if command is not None else ():
            _readable(param, ctx)
        return command


_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "int range": "INTEGER", "float": "NUMBER",
               "float range": "NUMBER", "path": "PATH", "Path": "PATH"}


def _readable(param: Parameter, ctx: typer.Context) -> Parameter:
    if isinstance(param, TyperArgument):
        param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # its name says it
    elif isinstance(param, TyperOption) and param.metavar is None:
        label = "" if param.is_flag else param.display_type(ctx).strip("<>")
        param.metavar = _TYPE_NAMES.get(label, label)
    return param


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # messages carry paths and URLs: never cut them

DbOption = Annotated[
    str | None,
    typer.Option("--db", metavar="URL", help="SQLAlchemy URL; default $CLAIMTRAIL_DB, else the configuration's "
                                             "database, else sqlite:///claimtrail.db"),
]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", metavar="FILE",
                 help="Configuration file; default $CLAIMTRAIL_CONFIG, else ./claimtrail.toml"),
]


def _print_version(wanted: bool) -> None:
    if wanted:
        from claimtrail import __version__

        console.print(f"claimtrail {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print claimtrail's version and exit.")] = False,
) -> None:
    """Turn policy briefs and analyst reports into a queryable database of sourced facts."""


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


RawOption = Annotated[bool, typer.Option(
    "--raw", help="CSV cells exactly as stored: no ' before text starting with = + - @ (which spreadsheets run as formulas).",
)]
TABLE_ROWS = 1000  # rows `claimtrail sql` shows in a table unless --limit says otherwise
USAGE_ERROR = 2  # the exit status of a bad argument or configuration, as for Click's own usage errors


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as one error line, never read as Rich markup (it carries paths, keys,
    URLs and SQL, where brackets are common), and return the exit to raise."""
    errors.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    return typer.Exit(code=code)


def database_url(db: str | None, config: str | None) -> str:
    """The one resolution of the database, for every command: ``--db``, else
    ``$CLAIMTRAIL_DB``, else the configuration's ``database`` (``--config``,
    ``$CLAIMTRAIL_CONFIG`` or ``./claimtrail.toml``, when there is one), else
    ``./claimtrail.db``."""
    from claimtrail.config import ConfigError, resolve_db_url

    try:
        return resolve_db_url(db, config)
    except ConfigError as exc:
        raise fail(str(exc), USAGE_ERROR) from None


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) and http(s) URLs.")],
    db: DbOption = None,
    config: ConfigOption = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.001, metavar="SECONDS",
        help="Time one document's conversion may take; past it the document is recorded as failed.",
    )] = DEFAULT_TIMEOUT,
    max_bytes: Annotated[int, typer.Option(
        "--max-bytes", min=0, metavar="BYTES", help="Larger files are recorded as failed without being read.",
    )] = DEFAULT_MAX_BYTES,
    max_memory: Annotated[int, typer.Option(
        "--max-memory", min=0, metavar="MB",
        help="Memory one document's conversion may use (0: no limit); past it the document is recorded as failed.",
    )] = DEFAULT_MAX_MEMORY_MB,
) -> None:
    """Ingest documents once and print a summary; failed documents are recorded, not fatal."""
    if any(_is_url(p) for p in paths):  # addresses go through the fetching run flow
        return _ingest_with_urls(paths, database_url(db, config), timeout, max_bytes, max_memory)
    from claimtrail import db as database
    from claimtrail import preflight
    from claimtrail.files import discover_files

    url = database_url(db, config)
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    started = time.monotonic()
    engine = _open_or_fail(url)
    try:
        plan = preflight.plan(engine, discover_files(paths), max_bytes)
        summary = None if plan.todo else preflight.record_run(engine, plan, "ingest")  # no Prefect, no model
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    if summary is None:
        from claimtrail.flows.ingest import ingest as ingest_flow

        with _progress("ingesting", len(plan.todo) + len(plan.unchanged)) as advance:
            summary = ingest_flow(paths, url, on_document=advance, timeout=timeout,
                                  max_bytes=max_bytes, max_memory_mb=max_memory or None, plan=plan)
    totals = database.summary(engine)
    table = Table(title=f"run {summary.run_id}: {len(summary.outcomes)} documents seen "
                        f"in {_duration(time.monotonic() - started)}")
    for column in ("new", "unchanged", "failed", "documents in db", "mentions", "claims"):
        table.add_column(column, justify="right")
    table.add_row(*(str(summary.count(s)) for s in ("new", "unchanged", "failed")),
                  str(totals["documents"]), str(totals["mentions"]), str(totals["claims"]))
    console.print(table)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            console.print(f"failed {outcome.uri}: {outcome.error}", markup=False, highlight=False)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One read-only SQL statement.")],
    db: DbOption = None,
    config: ConfigOption = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.001, metavar="SECONDS", help="Stop the query after this long.",
    )] = QUERY_TIMEOUT_S,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, metavar="ROWS", help=f"Rows to print at most; default {TABLE_ROWS:,} in a table, all in csv/json.",
    )] = None,
    raw: RawOption = False,
    allow_privileged_role: Annotated[bool, typer.Option(
        "--allow-privileged-role",
        help="Run even as a PostgreSQL superuser or a role that can reach the server's files, programs or other "
             "sessions (refused by default: use a read-only analyst role).",
    )] = False,
) -> None:
    """Run one read-only SQL query against the database: a SELECT (WITH, VALUES) or an EXPLAIN of one."""
    from claimtrail import db as database
    from claimtrail.export import write_csv

    max_rows = limit or (TABLE_ROWS if format is Format.table else None)
    try:
        result = database.run_query(database_url(db, config), query, timeout=timeout, max_rows=max_rows,
                                    allow_privileged=allow_privileged_role)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    columns, rows = result.columns, result.rows
    if format is Format.json:
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=1))
    elif format is Format.csv:
        write_csv(sys.stdout, columns, rows, raw)
    else:
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(Text(column))
        for row in rows:
            table.add_row(*(Text(_cell(column, v)) for column, v in zip(columns, row)))
        console.print(table)
    if result.more:
        errors.print(f"... and {result.more:,} more row{'s' if result.more > 1 else ''} (--limit ROWS shows more)",
                     highlight=False, markup=False)


@app.command("eval")
def evaluate(
    gold_files: Annotated[list[Path], typer.Argument(help="Gold files (claimtrail-gold/1).", exists=True)],
    db: Annotated[str | None, typer.Option("--db", help="Scratch database; default a temporary SQLite file.")] = None,
) -> None:
    """Ingest the gold files' documents into a scratch database and score the extraction."""
    from claimtrail.evaluation import KINDS, Score, evaluate_gold_files

    with tempfile.TemporaryDirectory() as scratch:
        url = db or f"sqlite:///{Path(scratch) / 'eval.db'}"
        reports = evaluate_gold_files(gold_files, url)
    totals = {kind: Score() for kind in KINDS}
    table = Table(title="extraction against gold")
    for column in ("document", *KINDS, "attribution", "metadata"):
        table.add_column(column)
    for report in reports:
        for kind in KINDS:
            totals[kind].add(report.scores[kind])
        meta_ok = sum(expected == found for expected, found in report.metadata.values())
        table.add_row(
            Path(report.document).name,
            *(f"F1 {report.scores[k].f1:.2f} (P {report.scores[k].precision:.2f} R {report.scores[k].recall:.2f})" for k in KINDS),
            f"{report.attribution.recall:.2f}",
            f"{meta_ok}/{len(report.metadata)}",
        )
    table.add_row("[bold]all[/]", *(f"[bold]F1 {totals[k].f1:.2f}[/]" for k in KINDS), "", "")
    console.print(table)
    for report in reports:
        for kind in KINDS:
            score = report.scores[kind]
            if score.false_positives or score.false_negatives:
                console.print(f"{Path(report.document).name} {kind}: "
                              f"FP {score.false_positives} FN {score.false_negatives}", markup=False, highlight=False)
        for name, (expected, found) in report.metadata.items():
            if expected != found:
                console.print(f"{Path(report.document).name} {name}: expected {expected!r}, got {found!r}",
                              markup=False, highlight=False)



@app.command()
def search(
    query: Annotated[list[str], typer.Argument(
        metavar="QUERY...", help='Words (all required), "a phrase", a OR b, -excluded; one argument or several.',
    )],
    country: Annotated[str | None, typer.Option("--country", metavar="ISO3",
                                                help="Only passages that mention this country.")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="YYYY[-MM[-DD]]",
        help="Only passages dated on or after this (a date in the passage, or the document's publication).",
    )] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many passages, best first.")] = 20,
    db: DbOption = None,
    config: ConfigOption = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    raw: RawOption = False,
) -> None:
    """Full-text search over the passages of every stored document, with where each one is."""
    from dataclasses import asdict, astuple, fields

    from claimtrail import db as database
    from claimtrail.db.search import SearchHit, search as search_passages, since_day
    from claimtrail.export import write_csv

    try:
        since = since and since_day(since)
    except database.DatabaseError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    engine = _read_only_or_fail(database_url(db, config), QUERY_TIMEOUT_S)
    try:
        hits = search_passages(engine, " ".join(query), country=country, since=since, limit=limit)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if format is Format.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=1))
    elif format is Format.csv:
        write_csv(sys.stdout, [f.name for f in fields(SearchHit)], [astuple(h) for h in hits], raw)
    elif not hits:
        console.print("no passage matches", highlight=False)
    else:
        table = Table("document", "page", "chars", "passage", show_lines=True)
        for hit in hits:
            table.add_row(Text(_short_name(hit.source_url or hit.doc_uri)), "" if hit.page is None else str(hit.page),
                          f"{hit.start_char}-{hit.end_char}", Text(hit.text))
        console.print(table)


@app.command()
def reprocess(
    db: DbOption = None,
    config: ConfigOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Every document, not only the outdated ones.")] = False,
) -> None:
    """Extract again, from the stored text, every document extracted by another pipeline version.

    A version names claimtrail, its rule code and files, and the spaCy model. Nothing is
    fetched or converted again.
    """
    url = database_url(db, config)
    _open_or_fail(url)
    from claimtrail.flows.reprocess import reprocess as reprocess_flow

    started = time.monotonic()
    with _progress("reprocessing") as advance:
        summary = reprocess_flow(url, everything, on_document=advance)
    console.print(f"run {summary.run_id}: {summary.count('reprocessed')} documents extracted again with pipeline "
                  f"{summary.version} in {_duration(time.monotonic() - started)}, "
                  f"{summary.count('failed')} failed (they keep their extraction)",
                  highlight=False, soft_wrap=True)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            console.print(f"failed {outcome.uri}: {outcome.error}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="csv, jsonl, parquet, or acled (an ACLED-style CSV).")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default standard output.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    raw: RawOption = False,
) -> None:
    """Export every claim with its provenance and a deep link to its quote."""
    from claimtrail import db as database
    from claimtrail.db.export import claims_with_provenance
    from claimtrail.export import ExportFormat, write

    try:
        fmt = ExportFormat(format)
    except ValueError:
        raise fail(f"--format {format!r}: use one of {', '.join(f.value for f in ExportFormat)}", USAGE_ERROR) from None
    if fmt is ExportFormat.parquet and output is None:
        raise fail("a Parquet export needs a file: give --output FILE", USAGE_ERROR)
    engine = _read_only_or_fail(database_url(db, config))
    try:
        count = write(claims_with_provenance(engine), fmt, output or sys.stdout, raw)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if output is not None:
        console.print(f"wrote {count} claims to {output}", highlight=False, markup=False, soft_wrap=True)


@app.command()
def audit(
    db: DbOption = None,
    config: ConfigOption = None,
    sample: Annotated[int, typer.Option("--sample", min=0, metavar="N", help="How many claims to draw.")] = 30,
    seed: Annotated[int, typer.Option("--seed", help="The draw's seed: the same seed draws the same claims.")] = 0,
    format: Annotated[Format, typer.Option("--format", help="Output format of the sample.")] = Format.table,
    raw: RawOption = False,
) -> None:
    """Claims for a person to judge: how many carry an actor, country and period (by document
    type), and a seeded random sample of claims with their quotes."""
    from dataclasses import asdict, fields

    from claimtrail import db as database
    from claimtrail.db.audit import AuditClaim, coverage, sample_claims
    from claimtrail.export import write_csv

    engine = _read_only_or_fail(database_url(db, config))
    try:
        shares, claims = coverage(engine), sample_claims(engine, sample, seed)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if format is Format.json:
        print(json.dumps({"coverage": [asdict(c) for c in shares], "sample": [asdict(c) for c in claims]},
                         ensure_ascii=False, indent=1))
        return
    if format is Format.csv:
        write_csv(sys.stdout, [f.name for f in fields(AuditClaim)], [tuple(asdict(c).values()) for c in claims], raw)
        return
    table = Table(title="claims with each attribute, by document type")
    for column in ("media type", "documents", "claims", "actor", "country", "period"):
        table.add_column(column, justify="left" if column == "media type" else "right")
    for c in shares:
        table.add_row(Text(c.media_type), str(c.documents), str(c.claims),
                      *(f"{c.share(n):.0%}" for n in (c.with_actor, c.with_country, c.with_period)))
    console.print(table)
    sampled = Table(title=f"{len(claims)} claims drawn with seed {seed}: is each a count, and is each attribute right?",
                    show_lines=True)
    for column in ("id", "count", "actor", "country", "period", "quote"):
        sampled.add_column(column, overflow="fold")
    for c in claims:
        count = " ".join(x for x in (c.qualifier, f"{c.value:g}", c.unit or "?") if x)
        period = f"{c.date_start}/{c.date_end}" if c.date_start else ""
        sampled.add_row(*(Text(cell) for cell in (str(c.claim_id), count, c.actor or "", c.country or "", period,
                                                   c.quote)))  # Text: a document's brackets are not markup
    console.print(sampled)


@app.command("datasette-metadata")
def datasette_metadata(db: DbOption = None, config: ConfigOption = None) -> None:
    """Print Datasette's metadata for the SQLite database: a title and description for each
    view and column, and the README's querying guide as canned queries
    (`datasette claimtrail.db -m metadata.json`)."""
    from claimtrail import db as database
    from claimtrail.datasette_metadata import datasette_metadata as metadata

    try:
        url = database.engine.parse_url(database_url(db, config))
    except database.DatabaseError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    name = Path(url.database).stem if url.get_backend_name() == "sqlite" and url.database else "claimtrail"
    print(json.dumps(metadata(name), ensure_ascii=False, indent=2))


@app.command()
def show(
    doc: Annotated[str, typer.Argument(metavar="DOC", help="The document: its id, address (path or URL) or file name.")],
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="Write a self-contained review page to FILE.")] = None,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in the browser (with --html, else a temporary file).")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """One document with every mention highlighted by kind and its claims beside it: in the
    terminal, or as an HTML page (--html) whose claims scroll to their quotes."""
    from claimtrail import db as database
    from claimtrail.db.review import document_review, find_document
    from claimtrail.pages import document_page, document_renderables

    engine = _read_only_or_fail(database_url(db, config))
    try:
        review = document_review(engine, find_document(engine, doc))
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if html is None and not open_page:
        for part in document_renderables(review):
            console.print(part, highlight=False)
        return
    _write_page(document_page(review), html, open_page)


@app.command()
def report(
    since: Annotated[str, typer.Option("--since", metavar="DATE|yesterday|RUN_ID",
                                       help="Where the period starts: a date, yesterday, or a run (and the runs after it).")] = "yesterday",
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="Write the report to FILE and each document's page into documents/ beside it.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The documents and claims stored since then, by actor and by country, and the failures."""
    from claimtrail import db as database
    from claimtrail.report import grouped, parse_since, read_period, write_report

    try:
        start = parse_since(since)
    except ValueError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    engine = _read_only_or_fail(database_url(db, config))
    try:
        period = write_report(engine, start, html) if html else read_period(engine, start)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    console.print(f"since {start.label}: {len(period.documents)} documents, {len(period.claims)} claims, "
                  f"{len(period.failures)} failures", highlight=False, markup=False)
    if html:
        console.print(f"wrote {html}", highlight=False, markup=False, soft_wrap=True)
        return
    for key in ("actor", "country"):
        table = Table(title=f"claims by {key}")
        for column in (key, "claims", "documents"):
            table.add_column(column, justify="left" if column == key else "right")
        for name, claims in grouped(period.claims, key):
            table.add_row(Text(name or "(none)"), str(len(claims)), str(len({c["doc_id"] for c in claims})))
        console.print(table)
    if period.failures:
        failures = Table(title="failures")
        failures.add_column("address", overflow="fold")
        failures.add_column("reason", overflow="fold")
        for failure in period.failures:
            failures.add_row(Text(failure["doc_uri"]), Text(failure["error"] or ""))
        console.print(failures)


def _write_page(page: str, path: Path | None, open_page: bool) -> None:
    """Write ``page`` to ``path`` (a temporary file when None) and open it when asked."""
    import webbrowser

    if path is None:
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as file:
            file.write(page)
        path = Path(file.name)
    else:
        path.write_text(page, encoding="utf-8")
    console.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)
    if open_page:
        webbrowser.open(path.resolve().as_uri())


db_app = typer.Typer(cls=_Group, help="The database itself: its schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, config: ConfigOption = None) -> None:
    """Bring the database to this claimtrail's schema, keeping every row (a new one is created)."""
    from claimtrail import db as database

    url = database_url(db, config)
    try:
        before, after = database.upgrade_database(url)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    if before == after:
        console.print(f"the database is current (schema revision {after})", highlight=False)
    else:
        console.print(f"upgraded the database from schema revision {before or '(empty)'} to {after}", highlight=False)


# --------------------------------------------------------------------------- sources and runs

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _is_url(arg: str) -> bool:
    return bool(_URL.match(arg))


@app.command()
def init(config: ConfigOption = None) -> None:
    """Write a commented example configuration (./claimtrail.toml); never overwrites a file."""
    from claimtrail.config import ConfigError, config_path, write_example

    try:
        path = write_example(config_path(config))
    except ConfigError as exc:
        raise fail(str(exc)) from None
    console.print(Text.assemble(f"wrote {path}: its example sources are commented out; uncomment or add yours, "
                                "then run ", ("claimtrail run", "bold")), highlight=False, soft_wrap=True)


NO_SOURCE_EXIT = 2  # `claimtrail run` with no source configured
FAILED_EXIT = 3  # `claimtrail run` where every source failed (with --strict: anything failed)


@app.command("run")
def run_command(
    config: ConfigOption = None,
    db: DbOption = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 3 when anything failed (a source or one document), not only when every source did.",
    )] = False,
) -> None:
    """One pass over every source in the configuration, now (what the nightly run does).

    Exit status:
    0: the run finished (failed documents are recorded: see claimtrail runs);
    2: no source is configured;
    3: every source failed (with --strict: any source or document failed);
    1: another error (the configuration, the database).
    """
    from claimtrail.config import ConfigError, extract_with, load_config

    try:
        settings = load_config(config, db=db)
    except ConfigError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    extract_with(settings)
    if not settings.sources:
        raise fail(f"{settings.path}: no source is configured; add a [[source]] table "
                   "(the example that claimtrail init writes has them commented out)", NO_SOURCE_EXIT)
    summary = _run_unless_unchanged(settings, "run")
    _print_run(summary, settings.database)
    failed = [s.name for s in summary.sources if s.outcomes and all(o.status == "failed" for o in s.outcomes)]
    every = len(failed) == len(summary.sources)
    if every or (strict and summary.count("failed")):
        fail(f"every source failed: {', '.join(failed)}" if every else f"--strict: {summary.count('failed')} failed")
        raise typer.Exit(FAILED_EXIT)


@app.command()
def runs(
    db: DbOption = None,
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs, newest first.")] = 10,
) -> None:
    """The recent runs with their counts and failures."""
    from claimtrail import db as database
    from claimtrail.db.runs import recent_runs

    engine = _read_only_or_fail(database_url(db, config))
    try:
        records = recent_runs(engine, limit)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    if not records:
        console.print("no runs yet")
        return
    statuses = ("new", "updated", "unchanged", "failed")
    table = Table(title=f"the {len(records)} most recent runs")
    for column in ("run", "kind", "started (UTC)", "took", *statuses):
        table.add_column(column, justify="left" if column in ("kind", "started (UTC)") else "right", no_wrap=True)
    for r in records:
        took = _duration((r.finished_at - r.started_at).total_seconds()) if r.finished_at else r.status
        if r.status == "interrupted":
            took = f"interrupted after {took}" if r.finished_at else "interrupted"
        table.add_row(str(r.id), r.kind, f"{r.started_at:%Y-%m-%d %H:%M}", took,
                      *(str(r.count(s)) if s in r.counts else "" for s in statuses))
    console.print(table)
    for r in records:
        if r.failures:
            console.print(f"run {r.id}: {len(r.failures)} failed", highlight=False)
            for f in r.failures[:20]:
                where = f"{f.source}: " if f.source else ""
                console.print(f"  {where}{f.uri}: {f.error}", markup=False, highlight=False)
            if len(r.failures) > 20:
                console.print(f"  ... and {len(r.failures) - 20} more", highlight=False)


@contextmanager
def _flow_session() -> Iterator[None]:
    """Prefect for a one-shot command: its API server starts while an extraction worker
    loads the spaCy model.

    SIGTERM stops the command as Ctrl-C does — the run is closed as ``interrupted``, worker
    processes and the Prefect server are stopped — and the exit status is 128 + the
    signal's number (130 for Ctrl-C, 143 for SIGTERM). Long-running commands handle both
    signals themselves (:func:`_until_signalled`).
    """
    from claimtrail.extractors.guard import prestart
    from claimtrail.prefect_api import PrefectServerError, flow_session

    received: list[int] = []

    def interrupt(signum: int, _frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        with flow_session(warm_up=lambda: prestart("extract")):
            yield
    except PrefectServerError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        signum = received[-1] if received else signal.SIGINT
        errors.print(f"interrupted ({signal.Signals(signum).name}): the run is recorded as interrupted",
                     markup=False, highlight=False)
        raise typer.Exit(code=128 + signum) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress(label: str, total: int | None = None) -> Iterator[Callable[[Any], None]]:
    """A flow session (:func:`_flow_session`) with one progress line — documents done (of
    ``total`` when known), elapsed time, time left, and the document just finished —
    yielding the ``on_document`` callback that the flows call after each document."""
    with _flow_session(), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                   TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[last]}"),
                                   console=console, transient=True) as progress:
        bar = progress.add_task(label, total=total, last="")

        def advance(outcome: Any) -> None:
            progress.update(bar, advance=1, last=escape(_short_name(outcome.uri)))

        yield advance


URI_COLUMNS = frozenset({"doc_uri", "uri", "source_url", "previous_doc_uri"})


def _cell(column: str, value: object) -> str:
    """A value as a table shows it: a document's address by its file name (CSV and JSON
    keep the whole address), nothing for NULL."""
    if value is None:
        return ""
    return _short_name(value) if column in URI_COLUMNS and isinstance(value, str) else str(value)


def _short_name(uri: str) -> str:
    """A document's file name (a path's, or a URL's last segment), for a line on screen."""
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return unquote(name) if uri.startswith(("http://", "https://", "file://")) else name


def _open_or_fail(url: str):  # noqa: ANN202 - an Engine; sqlalchemy is imported lazily
    from claimtrail import db as database

    try:
        return database.open_database(url)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None


def _read_only_or_fail(url: str, timeout: float | None = None):  # noqa: ANN202 - an Engine
    """An engine that cannot write (see :func:`claimtrail.db.read_only_engine`), for commands that only read."""
    from claimtrail import db as database

    try:
        return database.read_only_engine(url, timeout)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
def _duration(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``2 h 03 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _print_run(summary, url: str) -> None:  # noqa: ANN001 - a schema.outcomes.RunSummary
    from claimtrail import db as database
    from claimtrail.schema.outcomes import STATUSES

    took = _duration((summary.finished_at - summary.started_at).total_seconds())
    table = Table(title=f"run {summary.run_id}: {len(summary.outcomes)} documents from "
                        f"{len(summary.sources)} sources in {took}")
    table.add_column("source")
    table.add_column("kind")
    for status in STATUSES:
        table.add_column(status, justify="right")
    for source in summary.sources:
        table.add_row(source.name, source.kind, *(str(source.count(s)) for s in STATUSES))
    table.add_row("[bold]all[/]", "", *(f"[bold]{summary.count(s)}[/]" for s in STATUSES))
    console.print(table)
    for name, outcome in summary.failures():
        console.print(f"failed {name} {outcome.uri}: {outcome.error}", markup=False, highlight=False)
    totals = database.summary(database.open_database(url))
    console.print(f"database: {totals['documents']} documents, {totals['mentions']} mentions, "
                  f"{totals['claims']} claims", highlight=False)


def _ingest_with_urls(paths: list[str], url: str, timeout: float, max_bytes: int, max_memory: int) -> None:
    """``claimtrail ingest`` given http(s) addresses (and maybe files): one run of the
    fetching flow (kind "ingest"), addresses as a ``urls`` source, files and folders as
    ``folder`` sources."""
    from urllib.parse import urlsplit

    from claimtrail.config import Config, FolderSource, UrlsSource
    from claimtrail.fetch import FetchSettings
    from claimtrail.runoptions import RunOptions

    urls = [p for p in paths if _is_url(p)]
    bad = [u for u in urls if urlsplit(u).scheme.lower() not in ("http", "https") or not urlsplit(u).hostname]
    if bad:
        raise fail(f"only http and https addresses can be fetched: {', '.join(bad)}")
    files = [p for p in paths if not _is_url(p)]
    missing = [p for p in files if not Path(p).exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    sources = [UrlsSource("urls", tuple(dict.fromkeys(urls)))]
    sources += [FolderSource(p, Path(p).resolve()) for p in dict.fromkeys(files)]
    options = RunOptions(FetchSettings(max_bytes=max_bytes), timeout=timeout, max_memory_mb=max_memory or None,
                         max_file_bytes=max_bytes)
    summary = _run_unless_unchanged(Config(database=url, sources=tuple(sources)), "ingest", options)
    _print_run(summary, url)


def _run_unless_unchanged(config, kind: str, options=None):  # noqa: ANN001, ANN202 - Config, RunOptions -> RunSummary
    """The run flow over ``config``'s sources, unless the pre-flight (:mod:`claimtrail.preflight`)
    finds every page answering 304 and every file stored: then only the run's record, without
    starting Prefect or loading the model."""
    from claimtrail import db as database
    from claimtrail import preflight
    from claimtrail.runoptions import RunOptions

    options = options or RunOptions()
    engine = _open_or_fail(config.database)
    try:
        unchanged = preflight.unchanged_sources(engine, config, options)
        if unchanged is not None:
            return preflight.record_unchanged_run(engine, unchanged, kind, config)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    from claimtrail.flows.run import run as run_flow

    with _progress("ingesting" if kind == "ingest" else "running") as advance:
        return run_flow(config, options=options, kind=kind, on_document=advance)


# --------------------------------------------------------------------------- long-running commands


@contextmanager
def _until_signalled() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM (the previous handlers come back afterwards)."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _report_document(outcome) -> None:  # noqa: ANN001 - a flows.ingest.Outcome
    detail = f": {outcome.error}" if outcome.error else ""
    console.print(f"{outcome.status:9} {outcome.uri}{detail}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="The folder to watch (searched recursively).",
                                           exists=True, file_okay=False, resolve_path=True)],
    db: DbOption = None,
    config: ConfigOption = None,
    polling: Annotated[bool, typer.Option(
        "--polling", help="Scan the folder instead of using inotify (network mounts, where inotify sees nothing).",
    )] = False,
    settle: Annotated[float | None, typer.Option(
        "--settle", min=0.0, metavar="SECONDS",
        help="How long a file must stay unchanged to count as complete when no close event says so "
             "(files there at start; every file with --polling). Default 1, or 5 with --polling.",
    )] = None,
) -> None:
    """Ingest the documents in FOLDER, then every one dropped into it, until Ctrl-C or SIGTERM.

    A file is read once its writer has closed it or it was renamed into place; *.part,
    *.tmp and dotfiles are left alone. Failed documents are recorded and stay where they
    are: nothing in the folder is ever moved or deleted.
    """
    from claimtrail.extractors.guard import prestart
    from claimtrail.prefect_api import PrefectServerError, deferred_flow_session
    from claimtrail.watch import WatchOptions

    url = database_url(db, config)
    _open_or_fail(url)
    # Ready at once: Prefect and the model start in the background, needed only for new content.
    with _until_signalled() as stop, deferred_flow_session(warm_up=lambda: prestart("extract")) as flows_ready:
        console.print(f"watching {folder} (Ctrl-C to stop)", highlight=False, soft_wrap=True)
        from claimtrail.flows.watch import watch_folder

        try:
            watch_folder(folder, url, stop, WatchOptions(polling=polling, settle=settle),
                         on_document=_report_document, before_flow=flows_ready)
        except PrefectServerError as exc:
            raise fail(str(exc)) from None
    console.print("stopped", highlight=False)


@app.command()
def serve(
    config: ConfigOption = None,
    db: DbOption = None,
    prefect_port: Annotated[int, typer.Option(
        "--prefect-port", min=1, max=65535,
        help="Port of the local Prefect server started when PREFECT_API_URL is not set (its UI is there too).",
    )] = 4200,
    polling: Annotated[bool, typer.Option("--polling", help="Watch the folder by scanning, not inotify.")] = False,
) -> None:
    """Run the nightly schedule through Prefect and watch the configured folder, until Ctrl-C or SIGTERM.

    Without PREFECT_API_URL a local Prefect server is started and supervised (its state in
    ~/.local/share/claimtrail/prefect-server); with it, the deployment is served on that server.
    """
    from claimtrail.config import ConfigError, extract_with, load_config
    from claimtrail.prefect_api import PrefectServerError
    from claimtrail.watch import WatchOptions

    try:
        settings = load_config(config, db=db)
    except ConfigError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    extract_with(settings)
    _open_or_fail(settings.database)
    from claimtrail.flows.serve import ServeOptions, deployment_name, serve as serve_flows

    def ready(api_url: str) -> None:
        schedule = settings.schedule
        console.print(f"serving {deployment_name()} ({schedule.cron}, {schedule.timezone}); next run "
                      f"{schedule.next_run():%Y-%m-%d %H:%M %Z}", highlight=False, soft_wrap=True)
        console.print(f"Prefect UI: {api_url.removesuffix('/').removesuffix('/api')}", highlight=False, soft_wrap=True)
        if settings.watch is not None:
            console.print(f"watching {settings.watch}", highlight=False, soft_wrap=True)
        console.print("Ctrl-C or SIGTERM stops", highlight=False)

    with _until_signalled() as stop:
        try:
            serve_flows(settings, stop, ServeOptions(prefect_port, WatchOptions(polling=polling)),
                        on_ready=ready, on_document=_report_document)
        except PrefectServerError as exc:
            raise fail(str(exc)) from None
    console.print("stopped", highlight=False)


@app.command()
def deploy(
    work_pool: Annotated[str, typer.Option("--work-pool", help="The Prefect work pool whose workers run it.")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Register the nightly deployment on a team's Prefect server (PREFECT_API_URL) for a work
    pool's workers, instead of running it with `claimtrail serve`."""
    import os

    from claimtrail.config import ConfigError, load_config

    if not os.environ.get("PREFECT_API_URL"):
        raise fail("PREFECT_API_URL is not set: deploy registers on a shared Prefect server "
                   "(without one, use claimtrail serve)")
    try:
        settings = load_config(config, db=db)
    except ConfigError as exc:
        raise fail(str(exc), USAGE_ERROR) from None
    from claimtrail.flows.serve import deploy as deploy_flow, deployment_name

    deployment_id = deploy_flow(settings, work_pool)
    console.print(f"deployed {deployment_name()} ({settings.schedule.cron}, {settings.schedule.timezone}) "
                  f"to work pool {work_pool}: {deployment_id}; start workers with "
                  f"[bold]prefect worker start --pool {work_pool}[/]", highlight=False, soft_wrap=True)
