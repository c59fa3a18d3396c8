"""What a period added, for a person to check in minutes (``claimtrail report``): its
documents and claims grouped by actor and by country, two small charts, links to each
document's review page, and the period's failures with their reasons.

The charts are SVG drawn by the template from the bar geometry computed here: no plotting
library, nothing fetched.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from claimtrail.db.review import PeriodReview, document_review, period_review
from claimtrail.pages import document_page, render_page

DOCUMENTS = "documents"  # the folder next to a report that holds its documents' pages
CHART_BARS = 12
CHART_WIDTH = 240  # pixels for the longest bar


@dataclass(frozen=True, slots=True)
class Since:
    """Where a report's period starts: a moment, or a run (that run and every later one)."""

    moment: datetime | None = None
    run_id: int | None = None

    @property
    def label(self) -> str:
        return f"run {self.run_id}" if self.run_id is not None else f"{self.moment:%Y-%m-%d %H:%M} UTC"


def parse_since(value: str, now: datetime | None = None) -> Since:
    """``yesterday`` (its midnight, UTC), a date ``YYYY-MM-DD`` (its midnight, UTC), or a run id."""
    now = now or datetime.now(UTC)
    if value == "yesterday":
        return Since(datetime.combine(now.date() - timedelta(days=1), time(), UTC))
    if value.isdigit():
        return Since(run_id=int(value))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return Since(datetime.combine(date.fromisoformat(value), time(), UTC))
        except ValueError:
            pass
    raise ValueError(f"--since {value!r}: give yesterday, a date YYYY-MM-DD or a run id")


def read_period(engine: Engine, since: Since) -> PeriodReview:
    return period_review(engine, since=since.moment, run_id=since.run_id)


def grouped(claims: list[dict[str, Any]], key: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Claims by ``key`` (actor or country), the largest group first, claims without one last."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        groups[claim[key] or ""].append(claim)
    return sorted(groups.items(), key=lambda item: (not item[0], -len(item[1]), item[0]))


def bars(counts: Counter[str]) -> list[dict[str, Any]]:
    """Horizontal bars for the largest ``CHART_BARS`` counts: label, count and length in pixels."""
    top = counts.most_common(CHART_BARS)
    most = max((n for _, n in top), default=1)
    return [{"label": label, "count": n, "length": max(1, round(CHART_WIDTH * n / most))} for label, n in top]


def report_page(period: PeriodReview, since: Since, generated: datetime | None = None) -> str:
    """The report as one self-contained HTML page; each document links to ``documents/ID.html``."""
    claims = period.claims
    charts = [("claims by country", bars(Counter(c["country"] for c in claims if c["country"]))),
              ("claims by month of their period", bars(Counter(c["date_start"][:7] for c in claims if c["date_start"])))]
    return render_page("report.html", since=since.label, generated=generated or datetime.now(UTC),
                       documents=period.documents, claims=claims, by_actor=grouped(claims, "actor"),
                       by_country=grouped(claims, "country"), failures=period.failures, charts=charts,
                       documents_folder=DOCUMENTS)


def write_report(engine: Engine, since: Since, path: Path) -> PeriodReview:
    """Write the report to ``path`` and each of its documents' review pages into
    ``documents/`` beside it; the period read."""
    period = read_period(engine, since)
    pages = path.parent / DOCUMENTS
    pages.mkdir(parents=True, exist_ok=True)
    for document in period.documents:
        page = document_page(document_review(engine, document["doc_id"]))
        (pages / f"{document['doc_id']}.html").write_text(page, encoding="utf-8")
    path.write_text(report_page(period, since), encoding="utf-8")
    return period
