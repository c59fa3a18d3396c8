"""Claims: each count with the actor, action, country and period its sentence attaches.

Attachment follows the dependency parse rather than mere co-occurrence, because a
sentence often names several countries and dates that belong to other facts:

- country: a breakdown item's own country; else a country inside the counted noun's
  phrase or in a locative phrase of its verb ("thirteen individuals in the Maldives");
  else the only country of a list item or table row.
- period: a date inside the count's own phrase ("five in 2022"), the counted noun's
  phrase, or a temporal phrase of its verb; else the only date of a list item.
- actor: the subject (or passive agent) of the governing verb; else an actor named in
  the counted noun's phrase ("ISKP plots").
- modality: negated ("did not claim"), hypothetical ("could", "if"), reported
  ("according to", "X said"), else asserted.

The quote is the sentence clipped to its block, so a claim never quotes a heading.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claimtrail.extractors.context import context
from claimtrail.extractors.counts import CountInfo
from claimtrail.schema import Claim

LOCATIVE = {"in", "inside", "within", "across", "throughout", "from", "at", "into", "on"}
TEMPORAL = {"in", "during", "since", "between", "from", "by", "until", "through", "over", "after", "before"}
HYPOTHETICAL = {"could", "might", "may", "would", "should"}
REPORTING = {"say", "report", "claim", "state", "announce", "according", "estimate", "tell", "allege"}
ITEM_BLOCKS = {"list_item", "table_row"}


def governing_verb(token: Token) -> Token | None:
    """The first verb above ``token`` in the parse, within a few steps."""
    for _ in range(4):
        if token.pos_ in {"VERB", "AUX"} and token.dep_ != "amod":
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def subtree_ids(token: Token | None) -> set[int]:
    return {t.i for t in token.subtree} if token is not None else set()


def within(spans: Iterable[Span], ids: set[int]) -> list[Span]:
    return [s for s in spans if s.start in ids]


def adjacent(span: Span, dates: list[Span], reach: int = 6) -> list[Span]:
    """A date right after the count, before any punctuation: "six so far in 2023"."""
    starts = {d.start: d for d in dates}
    for token in span.doc[span.end : min(span.end + reach, span.sent.end)]:
        if token.i in starts:
            return [starts[token.i]]
        if token.is_punct or token.like_num:
            break
    return []


def phrase_ids(verb: Token | None, preps: set[str]) -> set[int]:
    """Tokens of the verb's direct prepositional phrases headed by one of ``preps``."""
    if verb is None:
        return set()
    return {i for child in verb.children if child.lower_ in preps for i in subtree_ids(child)}


def modality_of(verb: Token | None, sent: Span) -> str:
    if verb is None:
        return "asserted"
    if any(c.dep_ == "neg" for c in verb.children):
        return "negated"
    lowered = {t.lower_ for t in sent}
    if any(c.lower_ in HYPOTHETICAL for c in verb.children) or any(
        c.dep_ == "mark" and c.lower_ == "if" for c in verb.subtree
    ):
        return "hypothetical"
    if "according" in lowered or (verb.head.lemma_ in REPORTING and verb.dep_ in {"ccomp", "xcomp"}):
        return "reported"
    return "asserted"


def actor_of(verb: Token | None, noun: Token | None, actors: list[Span]) -> str | None:
    if verb is not None:
        for child in verb.children:
            ids = set()
            if child.dep_ in {"nsubj"}:
                ids = subtree_ids(child)
            elif child.dep_ == "agent":
                ids = subtree_ids(child)
            hits = within(actors, ids)
            if hits:
                return hits[0]._.norm
    hits = within(actors, subtree_ids(noun))
    return hits[0]._.norm if hits else None


def quote_bounds(doc: Doc, span: Span) -> tuple[int, int]:
    sent = span.sent
    start, end = sent.start_char, sent.end_char
    block = context(doc).block_at(span.start_char)
    if block is not None:
        start, end = max(start, block.start_char), min(end, block.end_char)
    text = doc.text[start:end]
    stripped = text.strip()
    start += len(text) - len(text.lstrip())
    return start, start + len(stripped)


@Language.component("claimtrail_claims")
def claims(doc: Doc) -> Doc:
    ctx = context(doc)
    dates, countries, actors = doc.spans["date"], doc.spans["country"], doc.spans["actor"]
    result: list[Claim] = []
    for span in doc.spans["count"]:
        info: CountInfo = span._.count
        noun = doc[info.unit_token] if info.unit_token is not None else None
        verb = governing_verb(noun if noun is not None else span.root)
        own = subtree_ids(span.root) | subtree_ids(noun)
        block = ctx.block_at(span.start_char)
        in_item = block is not None and block.kind in ITEM_BLOCKS
        item_ids = {t.i for t in doc.char_span(block.start_char, block.end_char, alignment_mode="expand")} if in_item else set()

        country = info.country
        if country is None:
            places = [c for c in within(countries, own | phrase_ids(verb, LOCATIVE)) if not is_breakdown(c, doc)]
            if not places and in_item:
                places = within(countries, item_ids)
                places = places if len({p._.norm for p in places}) == 1 else []
            country = places[0]._.norm if places else None

        nested = {i for other in doc.spans["count"] if other != span and other.root.i in own for i in subtree_ids(other.root)}
        periods = adjacent(span, dates) or within(dates, (own | phrase_ids(verb, TEMPORAL)) - nested)
        if not periods and in_item:
            periods = within(dates, item_ids)
        period = periods[0]._.norm.split("/") if len(periods) >= 1 else [None, None]

        start, end = quote_bounds(doc, span)
        result.append(Claim(
            value=info.value, unit=info.unit, qualifier=info.qualifier, country=country,
            actor=None if info.breakdown else actor_of(verb, noun, actors),
            action=verb.lemma_.lower() if verb is not None else None,
            date_start=period[0], date_end=period[1],
            quote=doc.text[start:end], start_char=start, end_char=end,
            modality=modality_of(verb, span.sent),
        ))
    ctx.claims = result
    return doc


def is_breakdown(country: Span, doc: Doc) -> bool:
    """'India (3)': the country is an item of a breakdown, not where the total happened."""
    return country.end + 1 < len(doc) and doc[country.end].text == "(" and doc[country.end + 1].like_num
