"""Claims: each count with the actor, action, country and period its sentence attaches.

Attachment follows the dependency parse rather than mere co-occurrence, because a
sentence often names several countries and dates that belong to other facts:

- country: a breakdown item's own country; else a country in a locative phrase of the
  count, its noun, its verb or the verb's subject ("thirteen individuals in the
  Maldives", "police in Istanbul detained seventeen people"); else the only country of
  a list item or table row; else the country of the count it partitions ("Of the six
  detained in Kyrgyzstan, two..."); else the sentence's only country, not counting
  nationalities ("Tajik citizens", "DPRK leader"); money and percentages take the country they are a
  share of ("25% of Iraqi territory"), never just the sentence's; else the country
  heading the section.
- period: a date right after the count ("five in 2022"), inside its own or its noun's
  phrase, or in a temporal phrase of its verb; else the only date of its list item or
  sentence; a breakdown item shares the period and actor of the total it breaks down.
- actor: the subject (or passive agent) of the governing verb, with "the group" or
  "it" resolved to the only actor of the sentence or the one before; else an actor
  qualifying the counted noun ("ISKP plots").
- modality: negated ("did not claim"), hypothetical ("could", "if"), reported
  ("according to", "X said"), else asserted.

The quote is the sentence clipped to its block, so a claim never quotes a heading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claimtrail.extractors.context import context
from claimtrail.extractors.counts import CountInfo
from claimtrail.schema import Block, Claim

LOCATIVE = {"in", "inside", "within", "across", "throughout", "at", "into", "on", "near", "outside", "around", "to"}
UNLOCATED_UNITS = {"USD", "EUR", "GBP", "percent"}  # "of Iraqi territory", not the sentence's country
TEMPORAL = {"in", "during", "since", "between", "from", "by", "until", "through", "over", "after", "before"}
HYPOTHETICAL = {"could", "might", "may", "would", "should"}
REPORTING = {"say", "report", "claim", "state", "announce", "according", "estimate", "tell", "allege"}
ANAPHORS = {"group", "organization", "organisation", "movement", "network", "affiliate", "branch", "militants"}
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


def phrase_ids(token: Token | None, preps: set[str]) -> set[int]:
    """Tokens of ``token``'s direct prepositional phrases headed by one of ``preps``."""
    if token is None:
        return set()
    return {i for child in token.children if child.lower_ in preps for i in subtree_ids(child)}


def adjacent(span: Span, dates: list[Span], reach: int = 6) -> list[Span]:
    """A date right after the count, before any punctuation: "six so far in 2023"."""
    starts = {d.start: d for d in dates}
    for token in span.doc[span.end : min(span.end + reach, span.sent.end)]:
        if token.i in starts:
            return [starts[token.i]]
        if token.is_punct or token.like_num:
            break
    return []


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


def subject(verb: Token | None) -> Token | None:
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ in {"nsubj", "agent"}:
            return child
    return None


def previous_actor(doc: Doc, before: int, actors: list[Span]) -> str | None:
    """The actor "the group" stands for: the only one named in this or the last sentence."""
    sentence = doc[before].sent
    earlier = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    names = {a._.norm for a in actors if earlier <= a.start < before}
    return names.pop() if len(names) == 1 else None


def actor_of(verb: Token | None, noun: Token | None, actors: list[Span]) -> str | None:
    """The doer: the subject or passive agent; else an actor qualifying the counted noun."""
    doer = subject(verb)
    if doer is not None:
        hits = within(actors, subtree_ids(doer))
        if hits:
            return hits[0]._.norm
        if doer.lower_ in {"it", "they"} or doer.lemma_.lower() in ANAPHORS and any(c.lower_ == "the" for c in doer.children):
            return previous_actor(doer.doc, doer.i, actors)
    if noun is not None:
        modifiers = {i for c in noun.lefts if c.dep_ in {"compound", "poss", "amod", "nmod"} for i in subtree_ids(c)}
        hits = within(actors, modifiers)
        if hits:
            return hits[0]._.norm
    return None


def locative_ids(*tokens: Token | None) -> set[int]:
    """Locative phrases of the tokens and of the clauses that modify them
    ("six people detained in Kyrgyzstan", "bombers who struck a ceremony in Kerman")."""
    heads = [t for t in tokens if t is not None]
    heads += [c for t in heads for c in t.children
              if c.dep_ in {"acl", "relcl"} and t.pos_ in {"NOUN", "PROPN", "NUM"} or c.dep_ == "advcl" and t.pos_ == "VERB"]
    return set().union(*(phrase_ids(t, LOCATIVE) for t in heads))


def one_country(places: list[Span]) -> str | None:
    """The country when the candidates agree ("Liège, Belgium"), else none."""
    names = {p._.norm for p in places}
    return names.pop() if len(names) == 1 else None


def heading_country(doc: Doc, block: Block | None, countries: list[Span]) -> str | None:
    """A section under a heading that is a country name ("Iraq") is about that country."""
    ctx = context(doc)
    if block is None:
        return None
    for other in reversed(ctx.blocks[: ctx.index_of(block)]):
        if other.kind == "heading":
            named = [c for c in countries if c.start_char == other.start_char and c.end_char == other.end_char]
            return named[0]._.norm if named else None
    return None


def block_ids(doc: Doc, block: Block | None) -> set[int]:
    if block is None:
        return set()
    span = doc.char_span(block.start_char, block.end_char, alignment_mode="expand")
    return {t.i for t in span} if span is not None else set()


def quote_bounds(doc: Doc, text: str, span: Span) -> tuple[int, int]:
    sent = span.sent
    start, end = sent.start_char, sent.end_char
    block = context(doc).block_at(span.start_char)
    if block is not None:
        start, end = max(start, block.start_char), min(end, block.end_char)
    piece = text[start:end]
    stripped = piece.strip()
    start += len(piece) - len(piece.lstrip())
    return start, start + len(stripped)


@dataclass(slots=True)
class Scope:
    """What every count of a document is compared against, computed once per document."""

    dates: list[Span]
    placed: list[Span]  # countries, breakdown items excluded
    located: list[Span]  # and nationalities excluded
    sentence_of: dict[int, int]  # token index -> index of its sentence's first token


def country_of(span: Span, info: CountInfo, noun: Token | None, verb: Token | None, item: set[int],
               total: Claim | None, partitioned: Claim | None, scope: Scope, countries: list[Span]) -> str | None:
    """Where a count happened, by the rules of the module docstring, in their order."""
    if info.country is not None:
        return info.country
    if info.unit in UNLOCATED_UNITS:
        country = one_country(within(scope.placed, phrase_ids(span.root, {"of"}) | phrase_ids(noun, {"of"})))
        if country is not None:
            return country
    country = one_country(within(scope.placed, locative_ids(span.root, noun, verb, subject(verb))))
    if country is None and item:
        country = one_country(within(scope.located, item))
    if country is None and partitioned is not None:
        country = partitioned.country  # "Of the six detained in Kyrgyzstan, two were..."
    if country is None and not info.breakdown and info.unit not in UNLOCATED_UNITS:
        here = scope.sentence_of[span.start]
        country = one_country([c for c in scope.located if scope.sentence_of[c.start] == here])
    if country is None and total is None:
        country = heading_country(span.doc, context(span.doc).block_at(span.start_char), countries)
    return country


def period_of(span: Span, own: set[int], nested: set[int], verb: Token | None, item: set[int],
              total: Claim | None, info: CountInfo, scope: Scope) -> tuple[str | None, str | None]:
    periods = adjacent(span, scope.dates) or within(scope.dates, (own | phrase_ids(verb, TEMPORAL)) - nested)
    if not periods and item:
        periods = within(scope.dates, item)
    if not periods:
        here = scope.sentence_of[span.start]
        periods = [d for d in scope.dates if scope.sentence_of[d.start] == here and d.start not in nested]
        periods = periods if len({d._.norm for d in periods}) == 1 else []
    if periods:
        start, end = periods[0]._.norm.split("/")
        return start, end
    if info.breakdown and total is not None:
        return total.date_start, total.date_end  # "India (3)" shares its total's period
    return None, None


@Language.component("claimtrail_claims")
def claims(doc: Doc) -> Doc:
    ctx = context(doc)
    countries, actors = list(doc.spans["country"]), list(doc.spans["actor"])
    placed = [c for c in countries if not is_breakdown(c, doc)]
    scope = Scope(
        dates=list(doc.spans["date"]), placed=placed, located=[c for c in placed if not c._.nationality],
        sentence_of={t.i: sent.start for sent in doc.sents for t in sent},
    )
    text = doc.text  # spaCy rebuilds Doc.text on every read: once per document
    counts = list(doc.spans["count"])
    subtrees = {span.start: subtree_ids(span.root) for span in counts}
    by_start: dict[int, Claim] = {}
    for span in counts:
        info: CountInfo = span._.count
        noun = doc[info.unit_token] if info.unit_token is not None else None
        verb = governing_verb(noun if noun is not None else span.root)
        own = subtrees[span.start] | subtree_ids(noun)
        nested = {i for other in counts if other.start != span.start and other.root.i in own for i in subtrees[other.start]}
        block = ctx.block_at(span.start_char)
        item = block_ids(doc, block) if block is not None and block.kind in ITEM_BLOCKS else set()
        total = by_start.get(info.antecedent) if info.antecedent is not None else None
        same_sentence = total is not None and scope.sentence_of[info.antecedent] == scope.sentence_of[span.start]
        country = country_of(span, info, noun, verb, item, total, total if same_sentence else None, scope, countries)
        date_start, date_end = period_of(span, own, nested, verb, item, total, info, scope)
        start, end = quote_bounds(doc, text, span)
        by_start[span.start] = Claim(
            value=info.value, unit=info.unit, qualifier=info.qualifier, country=country,
            actor=(total.actor if total is not None else None) if info.breakdown else actor_of(verb, noun, actors),
            action=verb.lemma_.lower() if verb is not None else None,
            date_start=date_start, date_end=date_end,
            quote=text[start:end], start_char=start, end_char=end,
            modality=modality_of(verb, span.sent),
        )
    ctx.claims = list(by_start.values())
    return doc


def is_breakdown(country: Span, doc: Doc) -> bool:
    """'India (3)': the country is an item of a breakdown, not where the total happened."""
    return country.end + 1 < len(doc) and doc[country.end].text == "(" and doc[country.end + 1].like_num
