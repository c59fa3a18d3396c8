"""Extraction scored against gold files with the gold's own matching rules.

The seed brief's gold comes with the project (../shared/gold); the samples' gold files
are ours (tests/gold). The thresholds are the issue's targets, not today's scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrail.evaluation import KINDS, evaluate_gold_files

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT.parent / "shared" / "gold" / "iskp-goes-global.json"
SAMPLE_GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    url = f"sqlite:///{tmp_path_factory.mktemp('gold') / 'gold.db'}"
    return {Path(r.document).name: r for r in evaluate_gold_files([SEED_GOLD, *SAMPLE_GOLD], url)}


@pytest.mark.parametrize("kind", KINDS)
def test_seed_scores_at_least_point_95(reports: dict, kind: str) -> None:
    score = reports["iskp-goes-global.txt"].scores[kind]
    assert score.f1 >= 0.95, (score.false_positives, score.false_negatives)


def test_seed_metadata_is_right(reports: dict) -> None:
    report = reports["iskp-goes-global.txt"]
    assert report.metadata["title"] == ("ISKP Goes Global: External Operations from Afghanistan",) * 2
    assert report.metadata["published"] == ("2023-09-11", "2023-09-11")
    assert report.metadata["authors"] == (["Aaron Y. Zelin"], ["Aaron Y. Zelin"])


def test_seed_counts_carry_their_actor_and_period(reports: dict) -> None:
    attribution = reports["iskp-goes-global.txt"].attribution
    assert attribution.recall >= 0.9, attribution.false_negatives


# Counts in our samples include tables and nationality breakdowns that extraction v1 does
# not read yet; their floor guards against regressions until the extraction issue.
SAMPLE_FLOOR = {"countries": 0.85, "dates": 0.85, "actors": 0.85, "counts": 0.65}


@pytest.mark.parametrize("gold", [g.name for g in SAMPLE_GOLD])
@pytest.mark.parametrize("kind", KINDS)
def test_samples_against_our_gold(reports: dict, gold: str, kind: str) -> None:
    document = next(name for name in reports if Path(name).stem == Path(gold).stem)
    score = reports[document].scores[kind]
    assert score.f1 >= SAMPLE_FLOOR[kind], (score.false_positives, score.false_negatives)
