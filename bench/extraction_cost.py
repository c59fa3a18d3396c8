"""Extraction cost against the bare spaCy pipeline on the same text (issue target: <= 1.3x).

Converts a set of real documents once, then times, several times over, (a) the bare
``en_core_web_sm`` pipeline on each converted text, (b) claimtrail's ``extract`` one
document at a time and (c) ``extract_many`` (all documents through ``nlp.pipe``);
prints per-run totals, their medians and the ratios of medians.
Usage: .venv/bin/python bench/extraction_cost.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract, extract_many, load_model, load_pipeline
from claimtrail.schema import RawDocument

SHARED = Path(__file__).resolve().parents[2] / "shared"
PATTERNS = ["seeds/*.txt", "corpus/policy/crs/*.md", "corpus/policy/crt2019_excerpts/*.txt",
            "corpus/policy/re3d_*/*.txt", "corpus/policy/wikipedia/*.md"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    paths = sorted(p for pattern in PATTERNS for p in SHARED.glob(pattern))
    documents = [convert(RawDocument(uri=str(p), content=p.read_bytes())) for p in paths]
    characters = sum(len(d.text) for d in documents)
    bare = load_model()
    load_pipeline()
    for d in documents[:3]:  # warm both up
        bare(d.text), extract(d)
    timings: dict[str, list[float]] = {"bare spaCy": [], "claimtrail extract": [], "claimtrail extract_many": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        for d in documents:
            bare(d.text)
        timings["bare spaCy"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for d in documents:
            extract(d)
        timings["claimtrail extract"].append(time.perf_counter() - start)
        start = time.perf_counter()
        extract_many(documents)
        timings["claimtrail extract_many"].append(time.perf_counter() - start)
    print(f"{len(documents)} documents, {characters} characters, {args.runs} runs")
    medians = {name: statistics.median(times) for name, times in timings.items()}
    for name, times in timings.items():
        print(f"{name:20s} median {medians[name]:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    for name in ("claimtrail extract", "claimtrail extract_many"):
        print(f"ratio of medians, {name}: {medians[name] / medians['bare spaCy']:.2f}x  (target <= 1.30x)")


if __name__ == "__main__":
    main()
