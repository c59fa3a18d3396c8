"""The ``claimtrail`` command line: a thin layer over the flows, the database and the scorer."""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from claimtrail.settings import default_db_url, quiet_prefect

quiet_prefect()  # before anything imports Prefect

app = typer.Typer(
    help="Turn policy briefs and analyst reports into a queryable database of sourced facts.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL; default $CLAIMTRAIL_DB, else sqlite:///claimtrail.db"),
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (searched recursively).")],
    db: DbOption = None,
) -> None:
    """Ingest documents once and print a summary; failed documents are recorded, not fatal."""
    from claimtrail import db as database
    from claimtrail.flows.ingest import discover_files, ingest as ingest_flow
    from claimtrail.flows.warmup import warm_up

    url = db or default_db_url()
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    try:
        database.open_database(url)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    total = len(discover_files(paths))
    warm_up()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=True) as progress:
        bar = progress.add_task("ingesting", total=total)
        summary = ingest_flow(paths, url, on_document=lambda _: progress.advance(bar))
    totals = database.summary(database.open_database(url))
    table = Table(title=f"run {summary.run_id}: {len(summary.outcomes)} documents seen")
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
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run one read-only SQL query against the database (writes are refused)."""
    from claimtrail import db as database

    try:
        columns, rows = database.query_readonly(db or default_db_url(), query)
    except database.DatabaseError as exc:
        raise fail(str(exc)) from None
    if format is Format.json:
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=1))
    elif format is Format.csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


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

