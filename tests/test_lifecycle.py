"""A command that is stopped — politely (SIGTERM, Ctrl-C) or not (SIGKILL) — leaves no
process behind and no run "running" for ever, and what it stored stays good.

The commands run as real processes, as a user or systemd runs them, without
``PREFECT_API_URL``: each starts its own temporary Prefect server, which must go with it.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from claimtrail.db import open_database, query_readonly
from claimtrail.db.runs import recent_runs
from processes import claimtrail_process, harness_api_url, wait_until

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def a_folder_of_briefs(folder: Path, copies: int) -> Path:
    """``copies`` distinct briefs (each sample with a line of its own), enough to take a while."""
    folder.mkdir()
    text = (SAMPLES / "iskp-finance-networks.txt").read_text(encoding="utf-8")
    for n in range(copies):
        (folder / f"brief-{n:03}.txt").write_text(f"{text}\nCopy {n}: 4{n} raids were reported in 2023.\n",
                                                   encoding="utf-8")
    return folder


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children, their children...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def none_left(pids: set[int], timeout: float = 10.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return {p for p in pids if alive(p)}


def stored_documents(url: str) -> int:
    try:
        return int(query_readonly(url, "select count(*) from v_documents")[1][0][0])
    except Exception:  # noqa: BLE001 - the database may not exist yet
        return 0


def start_ingest(folder: Path, url: str) -> subprocess.Popen[str]:
    """``claimtrail ingest`` with its own temporary Prefect server, stopped once it is busy."""
    process = claimtrail_process("ingest", str(folder), "--db", url, env={"PREFECT_API_URL": None})
    wait_until(lambda: stored_documents(url) >= 1, 240, process)
    return process


def test_sigterm_stops_ingest_cleanly_and_records_the_run_as_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    process = start_ingest(a_folder_of_briefs(tmp_path / "briefs", 40), url)
    children = descendants(process.pid)
    assert children, "the command runs a Prefect server and workers"
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, output
    assert "interrupted" in output
    assert none_left(children) == set()
    [run] = recent_runs(open_database(url))
    assert run.status == "interrupted" and run.finished_at is not None
    assert 1 <= run.count("new") < 40


@pytest.mark.flows
def test_after_sigkill_no_process_survives_and_the_next_run_marks_the_dead_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claimtrail.db'}"
    folder = a_folder_of_briefs(tmp_path / "briefs", 40)
    process = start_ingest(folder, url)
    children = descendants(process.pid)
    process.kill()
    process.wait(timeout=10)
    assert none_left(children) == set(), "children must notice their parent is gone"
    [killed] = recent_runs(open_database(url))
    assert killed.status == "running"  # nobody could record anything

    again = claimtrail_process("ingest", str(folder), "--db", url)  # the session's Prefect server: faster
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    second, first = recent_runs(open_database(url))
    assert first.id == killed.id and first.status == "interrupted"
    assert second.status == "finished" and second.count("new") + second.count("unchanged") == 40


@pytest.mark.flows
@pytest.mark.parametrize("seed", [3])
def test_a_kill_at_a_random_moment_then_a_rerun_equals_a_clean_run(tmp_path: Path, seed: int) -> None:
    """SIGKILL at a random point of an ingest; running it again gives exactly the database
    a clean ingest gives: no half-stored document, none missing, none twice."""
    folder = a_folder_of_briefs(tmp_path / "briefs", 12)
    env = {"PREFECT_API_URL": harness_api_url()}
    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    process = claimtrail_process("ingest", str(folder), "--db", killed_url, env=env)
    wait_until(lambda: stored_documents(killed_url) >= 1, 240, process)
    time.sleep(random.Random(seed).uniform(0.0, 2.0))
    process.kill()
    process.wait(timeout=10)
    for url in (killed_url, f"sqlite:///{tmp_path / 'clean.db'}"):
        rerun = claimtrail_process("ingest", str(folder), "--db", url, env=env)
        output, _ = rerun.communicate(timeout=600)
        assert rerun.returncode == 0, output

    def content(url: str) -> list[tuple]:
        return query_readonly(url, "select d.sha256, m.kind, m.start_char, m.end_char, m.norm from v_mentions m "
                                   "join v_documents d on d.doc_id = m.doc_id order by 1, 2, 3, 4")[1]

    assert content(killed_url) == content(f"sqlite:///{tmp_path / 'clean.db'}")
    with sqlite3.connect(tmp_path / "killed.db") as conn:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
