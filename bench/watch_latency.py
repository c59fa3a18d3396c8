"""How soon a file dropped into a watched folder is queryable: `claimtrail watch` as a user runs it.

Starts `claimtrail watch` on an empty folder (SQLite, Prefect's temporary server), waits
for it to be up, then drops N distinct briefs one at a time, each written and closed, and
polls the database until the document is there. Prints the start-up time, the first
file's latency (it waits for Prefect and the model, which start in the background once
the watcher is ready) and the median of the others (close -> row visible in v_documents).

Usage: .venv/bin/python bench/watch_latency.py [--files N]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEF = (ROOT / "samples" / "iskp-finance-networks.txt").read_text(encoding="utf-8")


def visible(db: Path, path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("select 1 from v_documents where doc_uri = ?", (str(path),)).fetchone() is not None
    except sqlite3.Error:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inbox, db = Path(tmp) / "inbox", Path(tmp) / "watch.db"
        inbox.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        started = time.perf_counter()
        process = subprocess.Popen([str(Path(sys.executable).with_name("claimtrail")), "watch", str(inbox),
                                    "--db", f"sqlite:///{db}"], stdout=subprocess.PIPE, text=True, env=env)
        assert process.stdout is not None
        while "watching" not in process.stdout.readline():
            pass
        print(f"watch ready {time.perf_counter() - started:.2f} s after start (Prefect and the model still starting)")
        latencies: list[float] = []
        try:
            for number in range(args.files):
                path = inbox / f"brief-{number}.txt"
                path.write_text(BRIEF + f"\nIn {1990 + number}, {number + 2} plots were disrupted in Spain.\n",
                                encoding="utf-8")
                closed = time.perf_counter()
                while not visible(db, path):
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - closed)
                print(f"file {number + 1}: queryable {latencies[-1]:.2f} s after it was closed", flush=True)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    rest = latencies[1:] or latencies
    print(f"first file {latencies[0]:.2f} s; the next {len(rest)}: median {statistics.median(rest):.2f} s, "
          f"max {max(rest):.2f} s")


if __name__ == "__main__":
    main()
