"""Countries and regions from the gazetteer matches, with their ambiguities settled.

The span rulers propose; this component decides. A demonym denotes its country only
before a common noun ("Tajik nationals") or as a plural noun ("Tunisians"), not as a
language in a list ("Pashto, Tajik, Urdu"). A city or an ambiguous country name
("Jordan", "Washington") inside a longer name the NER found ("Washington Institute")
is part of that name, not a place. Places inside an actor's name ("U.S. Central Command")
belong to the actor.

A town or province name ("Mopti", "Helmand", from ``gazetteer``) counts only in context: it resolves to a country the document names
otherwise (Tadmur with Syria), or, failing that, to a city of a million people or more
(Mosul), or, when a locative word puts it on the map ("near Raqqa", "in Kandahar"), to
a town of 100,000 people or more that dwarfs every namesake elsewhere (ten times larger).
A province is placed only by a country the document names. Everything else
("Police", a town in Poland, at the start of a sentence) stays prose.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from claimtrail.extractors import gazetteer as gz

GAZETTEER_KEY = "ct_gazetteer"
PLACE_LABELS = {gz.COUNTRY, gz.CITY, gz.AMBIGUOUS, gz.DEMONYM, gz.REGION}
MAJOR_CITY = 1_000_000
LOCATED_TOWN = 100_000  # "near Raqqa": a town of this size, ten times its largest namesake, needs no other context
DOMINANCE = 10
LOCATIVE = {"in", "near", "outside", "around", "at", "across", "inside", "from", "into", "of"}
NAME_TYPES = {"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "EVENT", "LAW"}


def city_country(span: Span, named: set[str]) -> str | None:
    """The country of a town name, given the countries the document names otherwise."""
    candidates = [(code, int(population)) for code, population in
                  (item.split(":") for item in span.id_.split("|"))]
    in_context = [c for c in candidates if c[0] in named]
    if in_context:
        return in_context[0][0]
    code, population = candidates[0]
    before = span.doc[span.start - 1] if span.start else None
    runner_up = candidates[1][1] if len(candidates) > 1 else 0
    located = before is not None and before.lower_ in LOCATIVE and population >= DOMINANCE * runner_up
    return code if population >= MAJOR_CITY or located and population >= LOCATED_TOWN else None


def is_place(span: Span, names: dict[int, tuple[int, int]]) -> bool:
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
        beyond = [*doc[outer[0] : span.start], *doc[span.end : outer[1]]]
        return all(t.lower_ in {"near", "in", "at", "the", "outside", "around"} or t.is_punct for t in beyond)
    return True


@Language.component("claimtrail_places")
def places(doc: Doc) -> Doc:
    candidates = list(doc.spans.get(GAZETTEER_KEY, []))
    actor_tokens = {i for s in candidates if s.label_ == gz.ACTOR for i in range(s.start, s.end)}
    names = {i: (e.start, e.end) for e in doc.ents if e.label_ in NAME_TYPES for i in range(e.start, e.end)}
    found = [
        s for s in filter_spans([s for s in candidates if s.label_ in PLACE_LABELS])
        if not (set(range(s.start, s.end)) & actor_tokens) and is_place(s, names)
    ]
    named = {s.id_ for s in found if s.label_ in (gz.COUNTRY, gz.DEMONYM, gz.AMBIGUOUS)}
    countries, regions = [], []
    for span in found:
        norm = city_country(span, named) if span.label_ == gz.CITY else span.id_
        if norm is None:
            continue
        place = Span(doc, span.start, span.end, label="region" if span.label_ == gz.REGION else "country")
        place._.norm = norm
        # "Tajik nationals", "DPRK leader": the country qualifies people or things, it is not
        # a place; a town does not ("a Kabul mosque" is in Kabul).
        place._.nationality = span.label_ == gz.DEMONYM or span.label_ != gz.CITY and (
            span.root.dep_ in {"compound", "amod", "nmod"} and span.root.head.pos_ == "NOUN")
        (regions if span.label_ == gz.REGION else countries).append(place)
    doc.spans["country"] = countries
    doc.spans["region"] = regions
    return doc
