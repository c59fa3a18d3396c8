"""Named actors: the gazetteer first, then acronyms the text defines, then the statistical NER.

The gazetteer gives canonical names for the groups, agencies and people analysts track.
An acronym defined in the text ("General Directorate of Intelligence (GDI)") links its
two forms for that document. People and organisations the gazetteer does not know come
from the statistical NER, kept only when they look like actors: not in a heading or
byline, not the document's own author, not a language, not a publication title, not
page furniture.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

import pycountry
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from claimtrail.extractors import gazetteer as gz
from claimtrail.extractors.context import block_kind, context
from claimtrail.extractors.places import GAZETTEER_KEY

PROSE_BLOCKS = {"paragraph", "list_item", "table_row", "caption", None}
PUBLICATION_CUES = {
    "magazine", "newspaper", "journal", "newsletter", "bulletin", "periodical",
    "publication", "outlet", "weekly", "daily", "book", "pamphlet", "video", "issue",
}
POSSESSIVE = re.compile(r"[’']s?$")
ACRONYM = re.compile(r"\(([A-Z][A-Za-z-]{1,9})\)")
LEADING_WORDS = {"the", "a", "an", "near", "in", "at", "outside", "from"}
CONNECTORS = {"of", "the", "for", "and", "in", "on", "to", "al", "bin", "ibn", "de", "-"}


@lru_cache(maxsize=1)
def trim_words() -> dict[str, set[str]]:
    """Titles around a name that the NER often swallows ("Richard Roe Fellow")."""
    words: dict[str, set[str]] = {"start": set(), "end": set()}
    with (gz.DATA / "name_trim.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            words[row["where"]].add(row["word"])
    return words


@lru_cache(maxsize=1)
def language_names() -> frozenset[str]:
    names = {lang.name.lower() for lang in pycountry.languages if " " not in lang.name}
    return frozenset(names | {"farsi", "dari", "pashto", "pushto", "arabic", "urdu"})


def fold(name: str) -> str:
    """The comparison key for names: case, punctuation, 'the' and possessive folded."""
    name = re.sub(r"[’']s$", "", name.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", " ", name).strip().lower()


def clean(span: Span) -> Span:
    """Drop a leading determiner and a trailing possessive or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    trim = trim_words()
    while start < end and (doc[start].lower_ in LEADING_WORDS or doc[start].is_punct or doc[start].pos_ == "ADP"
                           or (span.label_ == "PERSON" and doc[start].text in trim["start"])):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].text in trim["end"]):
        end -= 1
    return Span(doc, start, end, label=span.label_)


def acronym_spans(doc: Doc, known: dict[str, str], places: set[int]) -> list[Span]:
    """Spans for acronyms defined as 'Long Form (LF)', resolved to the long form's actor."""
    links: dict[str, str] = {}
    for m in ACRONYM.finditer(doc.text):
        letters = [c for c in m.group(1) if c.isupper()]
        opening = doc.char_span(m.start(), m.start() + 1)
        if opening is None or len(letters) < 2:
            continue
        reach = doc[max(0, opening.start - len(letters) * 2 - 2) : opening.start]
        words = [t for t in reversed(reach) if not t.is_space]
        if not words:
            continue
        initials, long_start = [], None
        for t in words:
            if t.text.lower() in CONNECTORS:
                continue
            if not t.text[:1].isupper():
                break
            initials.insert(0, t.text[0])
            long_start = t.i
            if len(initials) == len(letters):
                break
        if initials != letters or long_start is None:
            continue
        long_form = doc[long_start : words[0].i + 1]
        if fold(long_form.text) in known:
            links[m.group(1)] = known[fold(long_form.text)]
        elif not any(t.i in places for t in long_form):
            links[m.group(1)] = long_form.text
    spans = []
    for token in doc:
        if token.text in links:
            span = Span(doc, token.i, token.i + 1, label="actor")
            span._.norm = links[token.text]
            spans.append(span)
    return spans


@lru_cache(maxsize=1)
def known_actors() -> dict[str, str]:
    """Folded alias -> canonical name, for every actor of the gazetteer."""
    return {fold(e.phrase): e.norm for e in gz.entries() if e.label == gz.ACTOR}


@lru_cache(maxsize=1)
def institutions() -> dict[tuple[str, ...], str]:
    """Word sequences that make a country an actor ("Iraqi security forces"), by kind."""
    with (gz.DATA / "institutions.csv").open(encoding="utf-8", newline="") as f:
        return {tuple(row["phrase"].split()): row["kind"] for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def not_actor_heads() -> frozenset[str]:
    with (gz.DATA / "not_actor_heads.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["word"] for row in csv.DictReader(f))


def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name.split(",")[0]


def institution_spans(doc: Doc) -> list[Span]:
    """A country's institutions as actors: "Iraqi security forces", "Pakistan's foreign
    ministry", "the government of Iraq" (all governments are named "Government of X")."""
    table = institutions()
    longest = max(len(k) for k in table)
    found = []
    for place in doc.spans.get("country", []):
        start = place.end + (1 if place.end < len(doc) and doc[place.end].tag_ == "POS" else 0)
        for width in range(longest, 0, -1):
            words = tuple(t.lower_ for t in doc[start : start + width])
            after = doc[start + width] if start + width < len(doc) else None
            if len(words) == width and words in table and not (after is not None and after.pos_ in {"NOUN", "PROPN"}):
                span = Span(doc, place.start, start + width, label="actor")
                span._.norm = (f"Government of {country_name(place._.norm)}" if table[words] == "government"
                               else f"{place.text} {doc[start : start + width].text}")
                found.append(span)
                break
        before = doc[max(0, place.start - 2) : place.start]
        if [t.lower_ for t in before] == ["government", "of"]:
            span = Span(doc, before.start, place.end, label="actor")
            span._.norm = f"Government of {country_name(place._.norm)}"
            found.append(span)
    return found


def keep_ner(ent: Span, authors: set[str], places: set[int]) -> bool:
    doc = ent.doc
    key = fold(ent.text)
    if ent.label_ not in {"PERSON", "ORG"} or not key or block_kind(doc, ent) not in PROSE_BLOCKS:
        return False
    if key in authors or key in language_names() or any(t.i in places for t in ent):
        return False
    if any(c.isdigit() for c in ent.text) or "/" in ent.text or "@" in ent.text:
        return False
    if ent[-1].text in not_actor_heads() or "language" in key:
        return False
    if len(ent) == 1 and ent.label_ == "ORG":
        return False  # an acronym nobody defined, or a stray capitalised word ("Reports")
    if not ent[0].text[:1].isupper() or any(t.is_lower and t.lower_ not in CONNECTORS for t in ent):
        return False  # "Kabul & condole": a name is capitalised but for its connectors
    if ent.start > 0 and doc[ent.start - 1].lower_ == "near":
        return False  # "near Al Shadaddi": a place the gazetteer does not know
    window = doc[max(ent.sent.start, ent.start - 3) : ent.start]
    return not any(t.lower_ in PUBLICATION_CUES for t in window)


def titled(ent: Span) -> bool:
    """A lone name after a title ("President Trump") is a person, not a stray word."""
    return ent.start > 0 and ent.doc[ent.start - 1].text in trim_words()["start"]


@Language.component("claimtrail_actors")
def actors(doc: Doc) -> Doc:
    ctx = context(doc)
    known = known_actors()
    found: list[Span] = []
    for span in doc.spans.get(GAZETTEER_KEY, []):
        if span.label_ == gz.ACTOR:
            actor = Span(doc, span.start, span.end, label="actor")
            actor._.norm = span.id_
            found.append(actor)
    places = {t.i for key in ("country", "region") for s in doc.spans.get(key, []) for t in s}
    found += acronym_spans(doc, known, places)
    found += institution_spans(doc)
    authors = {fold(a) for a in ctx.authors}
    authors |= {f"{a.split()[0]} {a.split()[-1]}" for a in authors if len(a.split()) > 2}
    taken = {t.i for s in found for t in s}
    people: dict[str, str] = {}  # surname -> full name, for "Trump" after "Donald Trump"
    singles: list[Span] = []
    for ent in doc.ents:
        ent = clean(ent)
        while len(ent) and ent[0].i in taken:  # "Director of National Intelligence Tulsi Gabbard"
            ent = Span(doc, ent.start + 1, ent.end, label=ent.label_)
        if not len(ent) or any(t.i in taken for t in ent) or not keep_ner(ent, authors, places):
            continue
        if ent.label_ == "PERSON" and len(ent) == 1:
            singles.append(ent)
            continue
        actor = Span(doc, ent.start, ent.end, label="actor")
        actor._.norm = known.get(fold(ent.text), POSSESSIVE.sub("", ent.text))
        if ent.label_ == "PERSON":
            people.setdefault(POSSESSIVE.sub("", ent[-1].text), actor._.norm)
        found.append(actor)
    for ent in singles:
        name = POSSESSIVE.sub("", ent.text)
        if name in people or titled(ent):
            actor = Span(doc, ent.start, ent.end, label="actor")
            actor._.norm = people.get(name, name)
            found.append(actor)
    doc.spans["actor"] = sorted(filter_spans(found), key=lambda s: s.start)
    return doc
