"""What Prefect costs a one-file ingest: the CLI end to end vs the same stages called directly.

Runs each variant several times on a fresh SQLite file and prints medians and their ratio.
Usage: .venv/bin/python bench/prefect_overhead.py [FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "seeds" / "iskp-goes-global.txt"

DIRECT = """
import sys
from pathlib import Path
from claimtrail import db
from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract
from claimtrail.schema import RawDocument
path, url = sys.argv[1], sys.argv[2]
raw = RawDocument(uri=path, content=Path(path).read_bytes())
converted = convert(raw)
db.store_document(db.open_database(url), raw, converted, extract(converted))
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    claimtrail = str(Path(sys.executable).with_name("claimtrail"))
    results: dict[str, list[float]] = {"claimtrail ingest (Prefect flow)": [], "same stages, no Prefect": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            results["claimtrail ingest (Prefect flow)"].append(
                timed([claimtrail, "ingest", args.file, "--db", f"sqlite:///{tmp}/a.db"]))
            results["same stages, no Prefect"].append(
                timed([sys.executable, "-c", DIRECT, args.file, f"sqlite:///{tmp}/b.db"]))
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, times in results.items():
        print(f"{name:36s} median {medians[name]:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    flow, direct = medians.values()
    print(f"Prefect adds {flow - direct:.2f} s per one-file ingest (ratio {flow / direct:.2f}x)")


if __name__ == "__main__":
    main()
