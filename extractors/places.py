"""Countries and regions from the gazetteer matches, with their ambiguities settled.

The span ruler proposes; this component decides. A demonym denotes its country only
before a common noun ("Tajik nationals") or as a plural noun ("Tunisians"), not as a
language in a list ("Pashto, Tajik, Urdu"). A city or an ambiguous country name
("Jordan", "Washington") followed by another proper noun is part of a name
("Washington Institute"), not a place. Places inside an actor's name ("U.S. Central
Command") belong to the actor.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from claimtrail.extractors import gazetteer as gz

GAZETTEER_KEY = "ct_gazetteer"
PLACE_LABELS = {gz.COUNTRY, gz.CITY, gz.AMBIGUOUS, gz.DEMONYM, gz.REGION}


def is_place(span: Span) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if span.label_ == gz.DEMONYM:
        if span.text.endswith("s") and span[-1].tag_ == "NNPS" or span.text.endswith(("ans", "is", "ks")):
            return True
        return after is not None and after.pos_ == "NOUN" and not after.is_title
    if span.label_ in (gz.CITY, gz.AMBIGUOUS):
        if after is not None and after.pos_ == "PROPN" and after.is_title:
            return False
        if span.label_ == gz.AMBIGUOUS and before is not None and before.pos_ == "PROPN" and before.is_title:
            return False
    return True


@Language.component("claimtrail_places")
def places(doc: Doc) -> Doc:
    candidates = list(doc.spans.get(GAZETTEER_KEY, []))
    actor_tokens = {i for s in candidates if s.label_ == gz.ACTOR for i in range(s.start, s.end)}
    found = [
        s for s in filter_spans([s for s in candidates if s.label_ in PLACE_LABELS])
        if not (set(range(s.start, s.end)) & actor_tokens) and is_place(s)
    ]
    countries, regions = [], []
    for span in found:
        place = Span(doc, span.start, span.end, label="region" if span.label_ == gz.REGION else "country")
        place._.norm = span.id_
        (regions if span.label_ == gz.REGION else countries).append(place)
    doc.spans["country"] = countries
    doc.spans["region"] = regions
    return doc
