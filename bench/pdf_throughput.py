"""PDF conversion throughput (pages/s) against bare pdfplumber, and the guard's overhead.

Part 1 times, several times over, on the same PDFs (``../shared/corpus/pdf`` and
``../shared/corpus/policy/crs``; files pdfplumber cannot open are left out of all):

- **bare pdfplumber**: ``page.extract_text()`` for every page;
- **claimtrail**: ``convert()`` in this process (layout, tables, footnotes, furniture,
  metadata);
- **claimtrail, guarded**: ``convert_guarded()``, the same conversion in the worker
  process under a time and memory limit, as ``claimtrail ingest`` runs it.

Part 2 measures the guard's cost per document on the sample PDF: ``convert`` in-process
against ``convert_guarded`` (worker already running), medians over many runs, and the
one-off cost of starting a worker.

Usage: .venv/bin/python bench/pdf_throughput.py [--runs N] [--overhead-runs N]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

import pdfplumber

from claimtrail.extractors import guard
from claimtrail.extractors.convert import convert
from claimtrail.extractors.guard import convert_guarded
from claimtrail.schema import ConversionError, RawDocument

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = {"corpus/pdf": CORPUS / "pdf", "corpus/policy/crs": CORPUS / "policy" / "crs"}
SAMPLE = ROOT / "samples" / "central-asia-recruitment.pdf"


def pages_of(path: Path) -> int | None:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - encrypted, empty or broken: not part of the comparison
        return None


def bare(paths: list[Path]) -> None:
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


def ours(documents: list[RawDocument], guarded: bool) -> None:
    for raw in documents:
        try:
            convert_guarded(raw) if guarded else convert(raw)
        except ConversionError:
            pass  # a scanned page costs its time all the same


def throughput(runs: int) -> None:
    print(f"PDF conversion throughput, median of {runs} runs")
    header = (f"{'folder':18s} {'files':>5s} {'pages':>5s}  {'method':22s} {'median s':>8s} {'pages/s':>8s} "
              f"{'vs bare':>7s}")
    print(header)
    print("-" * len(header))
    for name, folder in FOLDERS.items():
        counted = {p: pages_of(p) for p in sorted(folder.glob("*.pdf"))}
        paths = [p for p, n in counted.items() if n]
        pages = sum(counted[p] or 0 for p in paths)
        documents = [RawDocument(uri=str(p), content=p.read_bytes()) for p in paths]
        methods = {
            "bare pdfplumber": lambda: bare(paths),
            "claimtrail": lambda: ours(documents, guarded=False),
            "claimtrail, guarded": lambda: ours(documents, guarded=True),
        }
        ours(documents[:2], guarded=True)  # start the worker outside the timings
        medians: dict[str, float] = {}
        for method, run in methods.items():
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                run()
                times.append(time.perf_counter() - start)
            medians[method] = statistics.median(times)
            ratio = medians[method] / medians["bare pdfplumber"]
            print(f"{name:18s} {len(paths):5d} {pages:5d}  {method:22s} {medians[method]:8.2f} "
                  f"{pages / medians[method]:8.1f} {ratio:6.2f}x")
    print()


def overhead(runs: int) -> None:
    raw = RawDocument(uri=str(SAMPLE), content=SAMPLE.read_bytes())
    convert(raw), convert_guarded(raw)  # warm both up
    inside, guarded = [], []
    for _ in range(runs):
        start = time.perf_counter()
        convert(raw)
        inside.append(time.perf_counter() - start)
        start = time.perf_counter()
        convert_guarded(raw)
        guarded.append(time.perf_counter() - start)
    starts = []
    for _ in range(5):  # a new worker: what the first document of a run, or one after a kill, waits
        guard.shutdown()
        start = time.perf_counter()
        convert_guarded(raw)
        starts.append(time.perf_counter() - start - statistics.median(guarded))
    tiny = RawDocument(uri="tiny.txt", content=b"Five plots were disrupted in Germany.")
    trips = []
    for _ in range(runs):
        start = time.perf_counter()
        convert_guarded(tiny)
        trips.append(time.perf_counter() - start)
    a, b = statistics.median(inside), statistics.median(guarded)
    print(f"Guard overhead on {SAMPLE.name} ({len(raw.content)} bytes), median of {runs} runs")
    print(f"  in-process convert     {a * 1000:7.1f} ms")
    print(f"  guarded convert        {b * 1000:7.1f} ms")
    print(f"  overhead per document  {(b - a) * 1000:7.1f} ms ({(b - a) / a:.1%})")
    print(f"  round trip, tiny text  {statistics.median(trips) * 1000:7.2f} ms (the pipe alone)")
    print(f"  starting a worker      {statistics.median(starts) * 1000:7.1f} ms once per run (median of 5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--overhead-runs", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    throughput(args.runs)
    overhead(args.overhead_runs)


if __name__ == "__main__":
    main()
