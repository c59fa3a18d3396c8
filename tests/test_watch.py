"""The watched folder: when a dropped file is complete, and ``claimtrail watch`` end to end.

The watcher tests use real files and real inotify (and the polling observer) in a
temporary folder; the command test runs ``claimtrail watch`` as a process, as a user does,
against Prefect's test server.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from processes import claimtrail_process, terminate, wait_until
from sqlalchemy import text

from claimtrail.db import open_database
from claimtrail.watch import Watcher, WatchOptions

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BRIEF = (SAMPLES / "iskp-finance-networks.txt").read_bytes()


class Recorder:
    """The watcher's ``handle``: every batch, with each file's size when it was handed over."""

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, int]]] = []
        self.lock = threading.Lock()

    def __call__(self, paths: list[str]) -> None:
        with self.lock:
            self.batches.append([(Path(p).name, Path(p).stat().st_size) for p in paths])

    def names(self) -> list[str]:
        with self.lock:
            return [name for batch in self.batches for name, _ in batch]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.names()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.names()


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Callable[..., tuple[Path, Recorder]]]:
    """Start a watcher on a fresh folder (after ``prepare(folder)``); stopped at the end."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(options: WatchOptions | None = None,
              prepare: Callable[[Path], None] = lambda _: None) -> tuple[Path, Recorder]:
        folder = tmp_path / "inbox"
        folder.mkdir()
        prepare(folder)
        recorder = Recorder()
        thread = threading.Thread(target=Watcher(folder, recorder, options).run, args=(stop,), daemon=True)
        thread.start()
        threads.append(thread)
        time.sleep(0.3)  # the observer is up
        return folder, recorder

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def write_slowly(path: Path, data: bytes, chunks: int = 4, pause: float = 1.5) -> None:
    """A writer that keeps the file open and stalls between chunks (a slow download)."""
    step = -(-len(data) // chunks)
    with path.open("wb") as f:
        for start in range(0, len(data), step):
            f.write(data[start:start + step])
            f.flush()
            os.fsync(f.fileno())
            time.sleep(pause)


def test_files_already_there_are_handed_over(watching) -> None:
    folder, recorder = watching(prepare=lambda f: [(f / name).write_bytes(BRIEF) for name in ("a.txt", "b.md")])

    assert sorted(recorder.wait_for(2)) == ["a.txt", "b.md"]


def test_a_file_written_slowly_is_handed_over_once_complete(watching) -> None:
    # Each stall (1.5 s) is longer than the settle window (1 s): a size-stable debounce
    # would hand the file over after its first chunk.
    folder, recorder = watching()

    write_slowly(folder / "slow.txt", BRIEF)

    assert recorder.wait_for(1) == ["slow.txt"]
    time.sleep(1.5)
    assert recorder.batches == [[("slow.txt", len(BRIEF))]]


def test_in_transit_names_wait_for_the_rename(watching) -> None:
    folder, recorder = watching()

    (folder / "report.pdf.part").write_bytes(b"%PDF-1.4 half")
    (folder / ".hidden.txt").write_bytes(BRIEF)
    (folder / "scratch.tmp").write_bytes(BRIEF)
    time.sleep(2.0)
    assert recorder.names() == []
    (folder / "brief.txt.part").write_bytes(BRIEF)
    (folder / "brief.txt.part").rename(folder / "brief.txt")

    assert recorder.wait_for(1) == ["brief.txt"]
    time.sleep(1.0)
    assert recorder.names() == ["brief.txt"]


def test_a_burst_of_files_is_one_batch(watching) -> None:
    folder, recorder = watching()

    for number in range(6):
        (folder / f"brief-{number}.txt").write_bytes(BRIEF)

    assert len(recorder.wait_for(6)) == 6
    assert len(recorder.batches) == 1


def test_subfolders_and_folders_moved_in_are_watched(watching, tmp_path: Path) -> None:
    folder, recorder = watching()
    (folder / "2026" / "november").mkdir(parents=True)
    (folder / "2026" / "november" / "deep.txt").write_bytes(BRIEF)
    elsewhere = tmp_path / "download"
    elsewhere.mkdir()
    (elsewhere / "moved.txt").write_bytes(BRIEF)

    elsewhere.rename(folder / "download")

    assert sorted(recorder.wait_for(2)) == ["deep.txt", "moved.txt"]


def test_polling_waits_for_the_size_to_settle(watching) -> None:
    # Without inotify only time says a writer is done: the settle window (3 s here) must
    # outlast the writer's stalls (1 s).
    folder, recorder = watching(WatchOptions(polling=True, settle=3.0, poll_interval=0.5))

    write_slowly(folder / "slow.txt", BRIEF, pause=1.0)

    assert recorder.wait_for(1, timeout=20) == ["slow.txt"]
    assert recorder.batches == [[("slow.txt", len(BRIEF))]]


# --------------------------------------------------------------------------- the command


@pytest.mark.flows
def test_watch_ingests_dropped_files_until_stopped(tmp_path: Path, db_url: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "already-there.txt").write_bytes(BRIEF)
    engine = open_database(db_url)

    def rows() -> list[tuple[str, str, str | None]]:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text("select doc_uri, status, error from v_documents"))]

    def documents() -> dict[str, tuple[str, str | None]]:
        return {Path(uri).name: (status, error) for uri, status, error in rows()}

    process = claimtrail_process("watch", str(inbox), "--db", db_url)
    try:
        wait_until(lambda: "already-there.txt" in documents(), 90, process)
        (inbox / "plots.html").write_bytes((SAMPLES / "iskp-plots-europe.html").read_bytes())
        (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a PDF body")
        writer = threading.Thread(target=write_slowly, args=(inbox / "slow.md", BRIEF.replace(b"ISKP", b"IS-K")))
        writer.start()
        wait_until(lambda: {"plots.html", "broken.pdf", "slow.md"} <= documents().keys(), 60, process)
        writer.join()
        time.sleep(1.0)
    finally:
        output = terminate(process) if process.poll() is None else process.communicate()[0]
    found, stored = documents(), rows()
    engine.dispose()

    assert found["already-there.txt"] == ("ok", None)
    assert found["plots.html"] == ("ok", None)
    assert found["slow.md"] == ("ok", None)  # read once, complete: one document, not a failed half
    assert found["broken.pdf"][0] == "failed" and found["broken.pdf"][1]
    assert len(stored) == 4  # each file once
    assert (inbox / "broken.pdf").exists()  # failed files stay where they are
    assert "failed    " in output and "stopped" in output
