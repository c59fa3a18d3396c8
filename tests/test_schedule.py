"""When the nightly run fires next, as ``claimtrail serve`` prints it."""

from __future__ import annotations

from datetime import UTC, datetime

from claimtrail.config import Schedule


def test_the_next_run_is_in_the_schedule_time_zone() -> None:
    late_evening = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # already 00:00 in Paris
    nightly = Schedule("0 2 * * *", "Europe/Paris").next_run(late_evening)
    assert nightly.isoformat() == "2026-12-08T02:00:00+01:00"
    assert Schedule("30 1 * * 1", "UTC").next_run(late_evening).isoformat() == "2026-12-14T01:30:00+00:00"  # Mondays
