"""Countries and regions from the gazetteer matches, with their ambiguities settled.

The span rulers propose; this component decides. A demonym denotes its country only
before a common noun ("Tajik nationals") or as a plural noun ("Tunisians"), not as a
language in a list ("Pashto, Tajik, Urdu"). A city or an ambiguous country name
("Jordan", "Washington") inside a longer name the NER found ("Washington Institute")
is part of that name, not a place. Places inside an actor's name ("U.S. Central Command")
belong to the actor. A country inside a longer organisation name ("the U.K. Maritime
Trade Operations center", "the U.S. Embassy") or joined by a hyphen to what follows
("U.S.-flagged ships", "Iran-backed militias") qualifies a thing, as a nationality does:
it stays a country mention but never places a claim. A town opening a facility's name
("Erbil Air Base") locates the facility; a town name inside a date ("March 12") is the month.

A town or province name ("Mopti", "Helmand", from ``gazetteer``) counts only in context: it resolves to a country the document names
otherwise (Tadmur with Syria), or, failing that, to a city of a million people or more
(Mosul), or, when a locative word puts it on the map ("near Raqqa", "in Kandahar"), to
a town of 100,000 people or more that dwarfs every namesake elsewhere (ten times larger).
A province is placed only by a country the document names. Everything else
("Police", a town in Poland, at the start of a sentence) stays prose.
"""

from __future__ import annotations

from functools import partial

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from claimtrail.extractors import gazetteer as gz
from claimtrail.extractors.gazetteer import GAZETTEER_KEY

PLACE_LABELS = {gz.COUNTRY, gz.CITY, gz.AMBIGUOUS, gz.DEMONYM, gz.REGION}
MAJOR_CITY = 1_000_000
LOCATED_TOWN = 100_000  # "near Raqqa": a town of this size, ten times its largest namesake, needs no other context
DOMINANCE = 10
LOCATIVE = {"in", "near", "outside", "around", "at", "across", "inside", "from", "into", "of"}
NAME_TYPES = {"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "EVENT", "LAW", "DATE", "TIME"}
DATE_NAMES = {"DATE", "TIME"}  # "March 12", "in May": the month, not the town
LOCATED_NAMES = {"FAC"}  # "Erbil Air Base" is at Erbil; "Washington Institute" is not in Washington
QUALIFYING_NAMES = {"ORG", "PRODUCT", "LAW", "WORK_OF_ART", "EVENT"}
AROUND_A_PLACE = {"near", "in", "at", "the", "outside", "around", "and"}


def city_country(span: Span, named: set[str], major_city: int = MAJOR_CITY, located_town: int = LOCATED_TOWN) -> str | None:
    """The country of a town name, given the countries the document names otherwise: else
    its largest namesake's, if that has ``major_city`` people, or ``located_town`` people
    after "near", "in"... and ten times its next namesake."""
    candidates = [(code, int(population)) for code, population in
                  (item.split(":") for item in span.id_.split("|"))]
    in_context = [c for c in candidates if c[0] in named]
    if in_context:
        return in_context[0][0]
    code, population = candidates[0]
    before = span.doc[span.start - 1] if span.start else None
    runner_up = candidates[1][1] if len(candidates) > 1 else 0
    located = before is not None and before.lower_ in LOCATIVE and population >= DOMINANCE * runner_up
    return code if population >= major_city or located and population >= located_town else None


Names = dict[int, tuple[int, int, str]]  # token index -> (start, end, label) of the NER name holding it


def rest_of_name(span: Span, names: Names, other_places: set[int] = frozenset()) -> list[Token]:
    """The words of the NER name around ``span`` besides "in", "the", punctuation and other
    places: none when the name is the place itself ("the Persian Gulf", "near Raqqa") or a
    list of places ("Mali, Burkina Faso")."""
    outer = names.get(span.start)
    if outer is None:
        return []
    doc = span.doc
    return [t for t in (*doc[outer[0] : span.start], *doc[span.end : outer[1]])
            if not (t.lower_ in AROUND_A_PLACE or t.is_punct or t.is_space or t.i in other_places)]


def is_qualifier(span: Span, names: Names, other_places: set[int]) -> bool:
    """A country naming whose organisation or make a thing is, not where it is:
    "U.K. Maritime Trade Operations", "U.S.-flagged ships", "Iran-backed militias"."""
    doc = span.doc
    hyphened = span.end + 1 < len(doc) and doc[span.end].text == "-" and not doc[span.end - 1].whitespace_ \
        and not doc[span.end].whitespace_ and doc[span.end + 1].is_alpha
    outer = names.get(span.start)
    return hyphened or outer is not None and outer[2] in QUALIFYING_NAMES and bool(rest_of_name(span, names, other_places))


def is_place(span: Span, names: Names) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if span.label_ == gz.DEMONYM:
        if span[-1].tag_ == "NNPS" or span.text.endswith(("ans", "is", "ks")):
            return True
        return after is not None and after.pos_ == "NOUN" and not after.is_title
    if span.label_ in (gz.CITY, gz.AMBIGUOUS):
        # Part of a longer name the NER saw as one thing ("Washington Institute", "Jordan Peterson").
        outer = names.get(span.start)
        if outer is None:
            return True
        if outer[2] in DATE_NAMES:
            return False
        if outer[2] in LOCATED_NAMES and outer[0] == span.start:
            return True
        return not rest_of_name(span, names)
    return True


@Language.factory("claimtrail_places", default_config={"major_city": MAJOR_CITY, "located_town": LOCATED_TOWN})
def make_places(nlp: Language, name: str, major_city: int, located_town: int) -> partial[Doc]:  # noqa: ARG001 - spaCy's signature
    """Countries and regions from the gazetteer rulers' matches (``claimtrail_gazetteer``)."""
    return partial(places, major_city=major_city, located_town=located_town)


def places(doc: Doc, major_city: int = MAJOR_CITY, located_town: int = LOCATED_TOWN) -> Doc:
    candidates = list(doc.spans.get(GAZETTEER_KEY, []))
    actor_tokens = {i for s in candidates if s.label_ == gz.ACTOR for i in range(s.start, s.end)}
    names = {i: (e.start, e.end, e.label_) for e in doc.ents if e.label_ in NAME_TYPES for i in range(e.start, e.end)}
    found = [
        s for s in filter_spans([s for s in candidates if s.label_ in PLACE_LABELS])
        if not (set(range(s.start, s.end)) & actor_tokens) and is_place(s, names)
    ]
    place_tokens = {i for s in found for i in range(s.start, s.end)}
    named = {s.id_ for s in found if s.label_ in (gz.COUNTRY, gz.DEMONYM, gz.AMBIGUOUS)}
    countries, regions = [], []
    for span in found:
        norm = city_country(span, named, major_city, located_town) if span.label_ == gz.CITY else span.id_
        if norm is None:
            continue
        place = Span(doc, span.start, span.end, label="region" if span.label_ == gz.REGION else "country")
        place._.norm = norm
        place._.town = span.label_ == gz.CITY
        # "Tajik nationals", "DPRK leader": the country qualifies people or things, it is not
        # a place; a town does not ("a Kabul mosque" is in Kabul).
        place._.nationality = span.label_ == gz.DEMONYM or span.label_ != gz.CITY and (
            span.root.dep_ in {"compound", "amod", "nmod"} and span.root.head.pos_ == "NOUN") or is_qualifier(span, names, place_tokens)
        (regions if span.label_ == gz.REGION else countries).append(place)
    doc.spans["country"] = countries
    doc.spans["region"] = regions
    return doc
