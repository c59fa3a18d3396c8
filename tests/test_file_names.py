"""Any name a file system allows, and any entry a folder may hold, ends as a row of its
own: stored, or failed with the reason. One odd entry never costs the others."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from claimtrail.db import query_readonly
from claimtrail.flows.ingest import ingest

from claimtrail.files import discover_files, document_uri, local_path
from claimtrail.watch import Watcher, WatchOptions

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BRIEF = (SAMPLES / "iskp-finance-networks.txt").read_bytes()
RAW_NAME = b"report-\xff\xfe-2024.txt"  # not UTF-8: os.fsdecode gives lone surrogates


def hostile_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "good.txt").write_bytes(BRIEF)
    with open(os.path.join(os.fsencode(folder), RAW_NAME), "wb") as f:
        f.write(BRIEF + b"\nA second edition with 12 new raids.\n")
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.pdf").symlink_to(folder / "gone.pdf")
    (folder / "loop.html").symlink_to(folder / "loop.html")
    return folder


def test_a_name_that_is_not_utf8_has_a_lossless_readable_address(tmp_path: Path) -> None:
    path = os.fsdecode(os.path.join(os.fsencode(tmp_path), RAW_NAME))
    uri = document_uri(path)
    assert uri.startswith("file://") and uri.endswith("report-%FF%FE-2024.txt")
    assert local_path(uri) == path
    assert document_uri(str(tmp_path / "rapport-été.txt")) == str(tmp_path / "rapport-été.txt")  # valid text stays a path


@pytest.mark.flows
def test_every_entry_of_a_hostile_folder_gets_a_row(tmp_path: Path, db_url: str) -> None:
    folder = hostile_folder(tmp_path / "inbox")
    summary = ingest([str(folder)], db_url)
    outcomes = {Path(local_path(o.uri)).name: (o.status, o.error) for o in summary.outcomes}
    assert outcomes == {
        "good.txt": ("new", None),
        os.fsdecode(RAW_NAME): ("new", None),
        "pipe.txt": ("failed", "not a regular file (FIFO)"),
        "dangling.pdf": ("failed", "dangling symbolic link"),
        "loop.html": ("failed", "symbolic link loop"),
    }
    rows = dict(query_readonly(db_url, "select doc_uri, status from v_documents")[1])
    assert rows[document_uri(os.fsdecode(os.path.join(os.fsencode(folder), RAW_NAME)))] == "ok"
    assert sorted(rows.values()) == ["failed", "failed", "failed", "ok", "ok"]


def test_the_watcher_hands_over_odd_names_and_retries_a_failed_batch(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path / "inbox")
    handed: list[list[str]] = []

    def flaky(paths: list[str]) -> None:  # the database is down the first time
        handed.append(sorted(Path(p).name for p in paths))
        if len(handed) == 1:
            raise ConnectionError("database unavailable")

    stop = threading.Event()
    thread = threading.Thread(target=Watcher(folder, flaky, WatchOptions(settle=0.2)).run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while len(handed) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=10)
    expected = sorted(["good.txt", os.fsdecode(RAW_NAME), "pipe.txt", "dangling.pdf", "loop.html"])
    assert handed[:2] == [expected, expected]  # the same batch again, not dropped


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its mode")
def test_a_folder_that_cannot_be_listed_is_a_failed_row(tmp_path: Path) -> None:
    locked = tmp_path / "inbox" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        assert discover_files([str(tmp_path / "inbox")]) == [str(locked)]
    finally:
        locked.chmod(0o755)
