"""Score stored extractions against gold files (format ``claimtrail-gold/1``).

The matching rules are the gold files' own (see their ``note``):

- countries and actors are sets per document; actor names and aliases are compared with
  case, punctuation, a leading "the" and a possessive "'s" folded away (two extracted
  names of one gold actor are one actor, not a false positive);
- dates are the document's distinct intervals; one matches a gold date when its start
  begins with the gold ``start`` and its end with one of the gold ``end`` values
  (default: the start);
- counts are claims matched on value, unit stem (any accepted stem begins a word of the
  unit; an empty list accepts any unit) and country (absent in the gold means none);
- dates and counts are matched one to one (maximum bipartite matching); anything that
  matches neither a required nor an optional item is a false positive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("countries", "dates", "counts", "actors")


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives


@dataclass(slots=True)
class Extracted:
    """What the database holds for one document, as the views expose it."""

    metadata: dict[str, Any]
    mentions: list[dict[str, Any]]
    claims: list[dict[str, Any]]


@dataclass(slots=True)
class Report:
    document: str
    scores: dict[str, Score]
    metadata: dict[str, tuple[Any, Any]]  # field -> (expected, found)
    attribution: Score

    def metadata_wrong(self) -> dict[str, tuple[Any, Any]]:
        """The metadata fields whose value is wrong (authors compared as a set)."""
        return {field: (expected, found) for field, (expected, found) in self.metadata.items()
                if (sorted(expected) != sorted(found or []) if isinstance(expected, list) else expected != found)}


def gold_document(gold_path: Path, gold: dict, shared: Path | None = None) -> Path:
    """A gold ``document`` is relative to the gold file, else to the shared folder above gold/."""
    beside = (gold_path.parent / gold["document"]).resolve()
    if beside.exists():
        return beside
    return ((shared or gold_path.parent.parent) / gold["document"]).resolve()


def fold(name: str) -> str:
    name = re.sub(r"[’']s\b", "", name.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", " ", name).strip().lower()


def max_matching(left: Sequence[Any], right: Sequence[Any], ok: Callable[[Any, Any], bool]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's algorithm): left index -> right index."""
    edges = [[j for j, r in enumerate(right) if ok(l, r)] for l in left]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(left)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def split_matching(system: list, required: list, optional: list, ok: Callable, label: Callable) -> Score:
    score = Score()
    matched = max_matching(system, required, ok)
    rest = [s for i, s in enumerate(system) if i not in matched]
    neutral = max_matching(rest, optional, ok) if optional else {}
    score.tp = len(matched)
    score.fn = len(required) - len(matched)
    score.false_negatives = [label(g) for j, g in enumerate(required) if j not in matched.values()]
    score.false_positives = [label(s) for i, s in enumerate(rest) if i not in neutral]
    score.fp = len(score.false_positives)
    return score


def score_countries(gold: dict, found: Extracted) -> Score:
    system = {m["norm"] for m in found.mentions if m["kind"] == "country"}
    required, optional = set(gold["required"]), set(gold.get("optional", []))
    return Score(
        tp=len(system & required), fn=len(required - system), fp=len(system - required - optional),
        false_positives=sorted(system - required - optional), false_negatives=sorted(required - system),
    )


def actor_keys(item: dict | str) -> set[str]:
    if isinstance(item, str):
        return {fold(item)}
    return {fold(item["name"]), *(fold(a) for a in item.get("aliases", []))}


def score_actors(gold: dict, found: Extracted) -> Score:
    """Sets, as the gold note says: a required actor is found when any extracted name or
    surface form matches one of its aliases; an extracted actor is a false positive only
    when it matches no required and no optional actor."""
    actors: dict[str, set[str]] = {}
    for m in found.mentions:
        if m["kind"] == "actor":
            actors.setdefault(m["norm"], {fold(m["norm"])}).add(fold(m["text"]))
    required = [actor_keys(g) for g in gold["required"]]
    allowed = set().union(*required, *(actor_keys(o) for o in gold.get("optional", [])))
    found_keys = set().union(*actors.values()) if actors else set()
    missed = [g["name"] for g, keys in zip(gold["required"], required) if not keys & found_keys]
    extra = sorted(name for name, keys in actors.items() if not keys & allowed)
    return Score(tp=len(required) - len(missed), fn=len(missed), fp=len(extra),
                 false_positives=extra, false_negatives=missed)


def date_ok(interval: str, g: dict) -> bool:
    start, _, end = interval.partition("/")
    ends = g.get("end") or [g["start"]]
    return start.startswith(g["start"]) and any(end.startswith(e) for e in ends)


def score_dates(gold: dict, found: Extracted) -> Score:
    system = sorted({m["norm"] for m in found.mentions if m["kind"] == "date" and m["norm"]})
    return split_matching(
        system, gold["required"], gold.get("optional", []), ok=date_ok,
        label=lambda x: x if isinstance(x, str) else x["text"],
    )


def unit_ok(unit: str | None, stems: list[str]) -> bool:
    if not stems:
        return True
    words = re.findall(r"\w+", (unit or "").lower())
    return any(stem == "" and not words or stem and any(w.startswith(stem) for w in words) for stem in stems)


def count_ok(claim: dict, g: dict) -> bool:
    return (
        float(claim["value"]) == float(g["value"])
        and unit_ok(claim["unit"], g.get("unit", []))
        and claim["country"] == g.get("country")
    )


def score_counts(gold: dict, found: Extracted) -> Score:
    optional = [{"value": c["value"], "unit": [u], "country": c["country"]} for c in found.claims
                for u in gold.get("optional_units", []) if unit_ok(c["unit"], [u])]
    return split_matching(
        found.claims, gold["required"], optional, ok=count_ok,
        label=lambda x: f'{x.get("text") or x["value"]} [{x.get("unit")}, {x.get("country")}]',
    )


def score_attribution(gold: dict, found: Extracted, actors: dict | None = None) -> Score:
    """Of the gold counts that name an actor or a period, how many claims carry them; a
    claim's actor is right when it is the gold actor under any of the aliases that the
    gold's ``actors`` section gives it."""
    score = Score()
    aliases: dict[str, set[str]] = {}
    for item in (actors or {}).get("required", []) + (actors or {}).get("optional", []):
        keys = actor_keys(item)
        for key in keys:
            aliases.setdefault(key, set()).update(keys)
    wanted = [g for g in gold["required"] if "actor" in g or "date" in g]
    matched = max_matching(wanted, found.claims, lambda g, c: count_ok(c, g))
    for i, g in enumerate(wanted):
        claim = found.claims[matched[i]] if i in matched else None
        good = claim is not None
        if good and "actor" in g:
            accepted = aliases.get(fold(g["actor"]), {fold(g["actor"])})
            good = claim["actor"] is not None and fold(claim["actor"]) in accepted
        if good and "date" in g:
            good = (claim["date_start"] or "").startswith(g["date"])
        score.tp += good
        score.fn += not good
        if not good:
            score.false_negatives.append(g["text"])
    return score


def score_document(gold: dict, found: Extracted, document: str) -> Report:
    scores = {
        "countries": score_countries(gold["countries"], found),
        "dates": score_dates(gold["dates"], found),
        "counts": score_counts(gold["counts"], found),
        "actors": score_actors(gold["actors"], found),
    }
    expected = gold.get("metadata", {})
    got = found.metadata
    metadata = {
        "title": (expected.get("title"), got.get("title")),
        "published": (expected.get("published"), got.get("published")),
        "authors": (expected.get("authors"), (got.get("authors") or "").split("; ") if got.get("authors") else []),
    }
    return Report(document, scores, metadata, score_attribution(gold["counts"], found, gold["actors"]))


def load_gold(path: Path) -> dict:
    gold = json.loads(path.read_text(encoding="utf-8"))
    if gold.get("format") != "claimtrail-gold/1":
        raise ValueError(f"{path}: not a claimtrail-gold/1 file")
    return gold


def fetch(url: str, uri: str) -> Extracted | None:
    """Read one document's extraction back through the public views."""
    from claimtrail.db import query_readonly

    quoted = uri.replace("'", "''")
    columns, rows = query_readonly(url, f"select doc_id, title, published, authors from v_documents where doc_uri = '{quoted}'")
    if not rows:
        return None
    metadata = dict(zip(columns, rows[0]))
    doc_id = int(metadata["doc_id"])

    def read(sql: str) -> list[dict[str, Any]]:
        names, result = query_readonly(url, sql)
        return [dict(zip(names, row)) for row in result]

    return Extracted(
        metadata=metadata,
        mentions=read(f"select kind, text, norm from v_mentions where doc_id = {doc_id}"),
        claims=read(f"select value, unit, country, actor, date_start from v_claims where doc_id = {doc_id}"),
    )


def evaluate_gold_files(gold_files: Sequence[Path], url: str) -> list[Report]:
    """Ingest every gold file's document into ``url`` and score each against its gold."""
    from claimtrail.flows.ingest import ingest

    golds = [(path, load_gold(path)) for path in gold_files]
    documents = [str(gold_document(path, gold)) for path, gold in golds]
    ingest(documents, url)
    return [
        score_document(gold, fetch(url, document) or Extracted({}, [], []), document)
        for (_, gold), document in zip(golds, documents, strict=True)
    ]
