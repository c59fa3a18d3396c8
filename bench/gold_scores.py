"""Per-kind extraction scores of gold files, each and pooled, in one compact table.

    .venv/bin/python bench/gold_scores.py tests/gold/*.json ../shared/gold/*.json [--json OUT]

The same scoring as ``claimtrail eval`` (claimtrail.evaluation), ingested into a scratch
SQLite file; pooled scores add up true and false positives and negatives over the files,
metadata counts right fields (title, published, authors), attribution the gold counts
whose claim carries the right actor and period. ``--json`` saves the figures, so a
before/after comparison compares measured numbers.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from claimtrail.evaluation import KINDS, Score, evaluate_gold_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        reports = evaluate_gold_files(args.gold, f"sqlite:///{scratch}/gold.db")
    pooled = {kind: Score() for kind in (*KINDS, "attribution")}
    meta_right = meta_total = 0
    rows = []
    for path, report in zip(args.gold, reports):
        for kind in KINDS:
            pooled[kind].add(report.scores[kind])
        pooled["attribution"].add(report.attribution)
        right = len(report.metadata) - len(report.metadata_wrong())
        meta_right, meta_total = meta_right + right, meta_total + len(report.metadata)
        rows.append({"file": path.name, **{k: round(report.scores[k].f1, 3) for k in KINDS},
                     "attribution": round(report.attribution.recall, 3), "metadata": f"{right}/{len(report.metadata)}",
                     "errors": {k: {"false_positives": report.scores[k].false_positives,
                                    "false_negatives": report.scores[k].false_negatives} for k in KINDS}
                     | {"attribution": report.attribution.false_negatives,
                        "metadata": report.metadata_wrong()}})
    width = max(len(r["file"]) for r in rows)
    print(f"{'file':{width}}  " + "  ".join(f"{k[:9]:>9}" for k in (*KINDS, "attribution", "metadata")))
    for r in rows:
        print(f"{r['file']:{width}}  " + "  ".join(f"{r[k]:>9}" for k in (*KINDS, "attribution", "metadata")))
    summary = {kind: {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
               for kind, s in pooled.items()}
    summary["metadata"] = {"right": meta_right, "fields": meta_total, "share": round(meta_right / meta_total, 3)}
    print("pooled: " + "; ".join(
        f"{k} F1 {v['f1']:.2f} (P {v['precision']:.2f} R {v['recall']:.2f})" for k, v in summary.items() if "f1" in v)
        + f"; metadata {meta_right}/{meta_total}")
    if args.json:
        args.json.write_text(json.dumps({"files": rows, "pooled": summary}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
