"""Claims: each count with the actor, action, country and period its sentence attaches.

Attachment follows the dependency parse rather than mere co-occurrence, because a
sentence often names several countries and dates that belong to other facts:

- country: a breakdown item's own country; a table cell's the nearest to its left in its row; else a country in a locative phrase of the
  count, its noun, its verb or the verb's subject ("thirteen individuals in the
  Maldives", "police in Istanbul detained seventeen people"); else the only country of
  a list item or table row; else the country of the count it partitions ("Of the six
  detained in Kyrgyzstan, two..."); else the sentence's only country, not counting
  nationalities ("Tajik citizens", "DPRK leader") nor countries naming an organisation or a
  flag ("U.K. Maritime Trade Operations", "U.S.-flagged"); money and percentages take the
  country they are a share of ("25% of Iraqi territory") or of a sole-country subject
  ("Qatar accounts for 30%"), never just the sentence's; else the only country
  of the lead sentence of a list; else the country heading the section; else the one
  town a title names ("2019 Bosso market bombing", see ``title_country``).
- period: a date right after the count ("five in 2022"), inside its own or its noun's
  phrase, or the object of a temporal phrase of its verb; else the only date of its list
  item; else the only date of the nearest clause governing the count ("In July, the
  ministry said that it had arrested 27"), else one qualifying the clause's subject ("The
  FY2026 request planned for 10,400 personnel"); else the date the sentence opens with
  ("As of May 1, 60 ships were enrolled ..., and 9 were ..."); else the period of a
  list's lead sentence or the date leading the paragraph ("On Jan. 8, ..."); a table cell takes its column header's date; a breakdown item shares the period and actor
  of the total it breaks down. Dates that identify a document rather than date an event
  never count: one in brackets with other words ("(P.L. 118-31, 2023)"), in a clause
  like "dated September 5, 2025" (``data/aside_dates.csv``) or naming a document ("the
  2025 reconciliation law", ``data/document_nouns.csv``); nor one in the source a sentence
  cites ("According to a review of FY2027 budget documents, ...").
- actor: the doer of the count's clause (see ``clauses``), else the source reporting it
  ("according to X", "X said"), else the actor of a list's lead sentence, else an actor
  qualifying the counted noun ("ISKP plots"). A count listed after another ("$9.6 billion
  for procurement, $9.3 billion for O&M") shares the first one's clause.
- modality: negated ("did not claim"), hypothetical ("could", "if"), reported
  ("reportedly", "according to", "X said", "is believed to"), else asserted.

The quote is the sentence clipped to its block, so a claim never quotes a heading.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claimtrail.extractors import clauses, tables
from claimtrail.extractors.context import context, text_of
from claimtrail.extractors.counts import CountInfo
from claimtrail.schema import Block, Claim

DATA = Path(__file__).parent / "data"
LOCATIVE = {"in", "inside", "within", "across", "throughout", "at", "into", "on", "near", "outside", "around", "to"}
PLACE_PARTS = {"compound", "amod", "poss", "det", "appos", "conj", "cc", "punct", "nmod", "advmod", "case", "nummod"}
UNLOCATED_UNITS = {"USD", "EUR", "GBP", "percent"}  # "of Iraqi territory", not the sentence's country
TEMPORAL = {"in", "during", "since", "between", "from", "by", "until", "through", "over", "after", "before", "as"}
ITEM_BLOCKS = {"list_item", "table_row"}
LEAD_REACH = 3  # a paragraph's leading date starts within its first tokens: "On Jan. 8, ..."


@lru_cache(maxsize=1)
def aside_verbs() -> frozenset[str]:
    with (DATA / "aside_dates.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["word"] for row in csv.DictReader(f))


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


def bracketed_with_words(date: Span) -> bool:
    """"(P.L. 118-31, 2023)": a date in brackets with other words is a citation; "(August 2026)" is not."""
    sent = date.sent
    before = [t for t in sent.doc[sent.start : date.start] if t.text in "()"]
    if not before or before[-1].text != "(":
        return False
    opening = before[-1].i
    closing = next((t.i for t in sent.doc[date.end : sent.end] if t.text == ")"), sent.end)
    return any(t.is_alpha or t.like_num for t in [*sent.doc[opening + 1 : date.start], *sent.doc[date.end : closing]])


@lru_cache(maxsize=1)
def document_nouns() -> frozenset[str]:
    with (DATA / "document_nouns.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["word"] for row in csv.DictReader(f))


def is_aside(date: Span) -> bool:
    """A date that identifies a document instead of dating the sentence's events: in a
    citation, in a clause like "dated ...", or naming one ("the 2025 reconciliation law",
    "under Section 122 of the Trade Act of 1974")."""
    root = date.root
    named = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else root.head
    return bracketed_with_words(date) or any(
        t.lower_ in aside_verbs() and t.dep_ in {"acl", "relcl", "advcl", "appos"} for t in root.ancestors
    ) or root.dep_ in {"nummod", "compound", "nmod", "amod", "pobj"} and named.lemma_.lower() in document_nouns()


def one_country(places: list[Span]) -> str | None:
    """The country when the candidates agree ("Liège, Belgium"), else none."""
    names = {p._.norm for p in places}
    return names.pop() if len(names) == 1 else None


def one_period(dates: list[Span]) -> list[Span]:
    return dates if len({d._.norm for d in dates}) == 1 else []


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


def block_span(doc: Doc, block: Block | None) -> Span | None:
    return doc.char_span(block.start_char, block.end_char, alignment_mode="expand") if block is not None else None


def block_ids(doc: Doc, block: Block | None) -> set[int]:
    span = block_span(doc, block)
    return {t.i for t in span} if span is not None else set()


def lead_sentence(doc: Doc, block: Block | None) -> Span | None:
    """The sentence introducing a list ("Coalition forces conducted the following strikes:"):
    the last sentence of the paragraph right before the run of items ``block`` belongs to."""
    if block is None or block.kind not in ITEM_BLOCKS:
        return None
    ctx = context(doc)
    for other in reversed(ctx.blocks[: ctx.index_of(block)]):
        if other.kind != block.kind:
            span = block_span(doc, other) if other.kind == "paragraph" else None
            return list(span.sents)[-1] if span is not None and len(span) else None
    return None


def paragraph_lead_dates(doc: Doc, block: Block | None, dates: list[Span]) -> list[Span]:
    """The date a paragraph opens with ("On Jan. 8, Coalition forces ...") frames the paragraph."""
    span = block_span(doc, block)
    if span is None or not len(span):
        return []
    return lead_dates(next(iter(span.sents)), dates)


def lead_dates(sent: Span, dates: list[Span]) -> list[Span]:
    """The date a sentence opens with frames each clause of it that has no date of its own:
    "As of May 1, 60 ships were enrolled in one program, and 9 were enrolled in another"."""
    return one_period([d for d in dates if sent.start <= d.start < sent.start + LEAD_REACH and not is_aside(d)])


def quote_bounds(doc: Doc, text: str, span: Span) -> tuple[int, int]:
    sent = span.sent
    start, end = sent.start_char, sent.end_char
    block = context(doc).block_at(span.start_char)
    if block is not None:
        start, end = (block.start_char, block.end_char) if block.kind == "table_row" \
            else (max(start, block.start_char), min(end, block.end_char))
    piece = text[start:end]
    stripped = piece.strip()
    start += len(piece) - len(piece.lstrip())
    return start, start + len(stripped)


@dataclass(slots=True)
class Scope:
    """What every count of a document is compared against, computed once per document."""

    dates: list[Span]  # asides excluded
    placed: list[Span]  # countries, breakdown items excluded
    located: list[Span]  # and nationalities excluded
    actors: list[Span]
    countries: list[Span]
    sentence_of: dict[int, int]  # token index -> index of its sentence's first token

    def in_sentence(self, spans: list[Span], sent: Span) -> list[Span]:
        return [s for s in spans if self.sentence_of[s.start] == sent.start]


@dataclass(slots=True)
class Site:
    """Where a count sits: its parse, its list item (token ids) and that list's lead sentence."""

    span: Span
    info: CountInfo
    noun: Token | None
    verb: Token | None
    own: set[int]  # the count's and its noun's subtrees
    nested: set[int]  # tokens of other counts inside them
    item: set[int]
    lead: Span | None
    block: Block | None


def country_of(site: Site, total: Claim | None, partitioned: Claim | None, scope: Scope) -> str | None:
    """Where a count happened, by the rules of the module docstring, in their order."""
    span, info, verb = site.span, site.info, site.verb
    if info.country is not None:
        return info.country
    subject = clauses.own_subject(verb) if verb is not None else None
    if info.unit in UNLOCATED_UNITS:
        country = share_country(site, subject, scope)
        if country is not None:
            return country
    country = tables.row_country(span, scope.located) \
        or one_country(within(scope.placed, locative_ids(span.root, site.noun, verb, subject)))
    if country is None and site.item:
        country = one_country(within(scope.located, site.item))
    if country is None and partitioned is not None:
        country = partitioned.country  # "Of the six detained in Kyrgyzstan, two were..."
    if country is None and not info.breakdown and info.unit not in UNLOCATED_UNITS:
        country = one_country(scope.in_sentence(scope.located, span.sent))
    if country is None and site.lead is not None:
        country = one_country(scope.in_sentence(scope.located, site.lead))
    if country is None and total is None:
        country = heading_country(span.doc, site.block, scope.countries) or title_country(span.doc, scope.placed)
    return country


def title_country(doc: Doc, placed: list[Span]) -> str | None:
    """A document titled by a town and no other place ("2019 Bosso market bombing") reports
    an event there; a title naming a country ("Iran and Nuclear Weapons") is a topic, and
    its general statements are not placed in it."""
    titles = [b for b in context(doc).blocks if b.kind == "title"]
    named = [p for p in placed if any(b.start_char <= p.start_char < b.end_char for b in titles)]
    return one_country(named) if named and all(p._.town for p in named) else None


def share_country(site: Site, subject: Token | None, scope: Scope) -> str | None:
    """Money and shares belong to what they are a share of ("25% of Iraqi territory", "20% of
    U.S. exports of cars and 15% of trucks"), else to a country that is the verb's own
    subject and the only one of the sentence ("Qatar accounts for 30% of the world's
    helium", not "North Korea earned $7 billion from supporting Russia's war")."""
    root, noun = site.span.root, site.noun
    shared = noun.head if noun is not None and noun.dep_ == "conj" else None
    country = one_country(within(scope.placed, set().union(*(phrase_ids(t, {"of"}) for t in (root, noun, shared)))))
    if country is None and subject is not None and any(c.root == subject for c in scope.located):
        country = one_country(scope.in_sentence(scope.located, site.span.sent))  # and names no other
    return country


def locative_ids(*tokens: Token | None) -> set[int]:
    """Locative phrases of the tokens and of the clauses that modify them ("six people
    detained in Kyrgyzstan", "bombers who struck a ceremony in Kerman", "bringing the total
    to £59 million, supporting people across Iraq"), and of what an "of" phrase names ("a
    series of airstrikes in Idlib killed 20"); a count in a relative clause also takes its
    antecedent's place ("the bombings in Kerman that killed 100 people")."""
    heads = [t for t in tokens if t is not None]
    heads += [t.head for t in heads if t.dep_ == "relcl"]
    heads += [o for t in heads for p in t.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    heads += [c for t in heads for c in t.children
              if c.dep_ in {"acl", "relcl"} and t.pos_ in {"NOUN", "PROPN", "NUM"} or c.dep_ == "advcl" and t.pos_ == "VERB"]
    heads += [o for t in heads if t.dep_ in {"acl", "advcl"} for o in t.children if o.dep_ == "dobj"]
    return set().union(*(place_phrase_ids(t) for t in heads))


def place_phrase_ids(token: Token) -> set[int]:
    """The place a locative phrase of ``token`` names: its object's own noun phrase ("in
    Liège, Belgium", "in Syria's Dayr az Zawr province", "in the city of Kerman"), not a
    clause or a phrase hanging from it ("$100 billion in funding related to the conflict with
    Iran"); after "to", not a possessor ("responding to North Korea's tests")."""
    ids: set[int] = set()
    for prep in token.children:
        if prep.lower_ not in LOCATIVE:
            continue
        ids.add(prep.i)
        stack = [c for c in prep.children if c.dep_ == "pobj"]
        while stack:
            word = stack.pop()
            ids.add(word.i)
            stack += [c for c in word.children if c.dep_ in PLACE_PARTS and not (c.dep_ == "poss" and prep.lower_ == "to")
                      or c.dep_ == "prep" and c.lower_ in LOCATIVE | {"of"} or c.dep_ == "pobj" and word.dep_ == "prep"]
    return ids


def temporal_dates(verb: Token | None, dates: list[Span]) -> list[Span]:
    """Dates a temporal phrase of the verb is about: its object ("between March 8 and March
    13", "in 2024"), or a date qualifying the object of "in"/"during" ("during the 2022
    campaign"); not one that names a thing the phrase mentions ("funding from the 2025
    reconciliation law")."""
    found = within(dates, phrase_ids(verb, TEMPORAL))
    return [d for d in found if d.root.dep_ == "pobj" or d.root.head.dep_ == "pobj" and d.root.head.head.lower_ in {"in", "during"}]


def premodifier_ids(verb: Token | None) -> set[int]:
    """Words before the noun the count's clause is said of: its subject, or the noun a
    participle qualifies ("The FY2026 request planned for 10,400 personnel")."""
    if verb is None:
        return set()
    holder = clauses.own_subject(verb) or (verb.head if verb.dep_ == "acl" else None)
    return {i for c in holder.lefts for i in subtree_ids(c)} if holder is not None else set()


def cited(sent: Span) -> set[int]:
    """Words of the source a sentence cites that date the source, not the event: "According
    to FY2027 budget documents"; the object of a temporal phrase in it ("according to an
    official in March 2022") still dates what the source says."""
    ids = clauses.source_ids(sent)
    return {i for i in ids if sent.doc[i].dep_ != "pobj" or sent.doc[i].head.lower_ not in TEMPORAL | {"on"}}


def clause_dates(site: Site, scope: Scope) -> list[Span]:
    """The only date of the nearest clause that governs the count; a date inside the
    source a sentence cites ("According to a review of FY2027 budget documents, ...")
    dates the source, not the event."""
    excluded = site.nested | cited(site.span.sent)
    candidates = [d for d in scope.in_sentence(scope.dates, site.span.sent) if d.start not in excluded]
    for clause in clauses.governing_clauses(site.verb if site.verb is not None else clauses.clause_of(site.span.root)):
        here = [d for d in candidates if clauses.event_clause(d.root) == clause]
        if here:
            return one_period(here)
    return []


def period_of(site: Site, total: Claim | None, scope: Scope) -> tuple[str | None, str | None]:
    span, dates = site.span, scope.dates
    periods = (tables.column_dates(span, dates) or adjacent(span, dates) or within(dates, site.own - site.nested)
               or temporal_dates(site.verb, dates))
    if not periods and site.item:
        periods = one_period(within(dates, site.item))
    if not periods:
        periods = clause_dates(site, scope) or one_period(within(dates, premodifier_ids(site.verb)))
    if not periods:
        periods = lead_dates(span.sent, [d for d in dates if d.start not in cited(span.sent)])
    if not periods and site.lead is not None:
        periods = one_period(scope.in_sentence(dates, site.lead))
    if not periods and not scope.in_sentence(scope.dates, span.sent) and site.block is not None and site.block.kind == "paragraph":
        periods = paragraph_lead_dates(span.doc, site.block, dates)
    if periods:
        start, end = periods[0]._.norm.split("/")
        return start, end
    if site.info.breakdown and total is not None:
        return total.date_start, total.date_end  # "India (3)" shares its total's period
    return None, None


def actor_of(site: Site, scope: Scope) -> str | None:
    """The doer, else the reporting source, else the list's lead, else a qualifier of the noun."""
    for found in (
        lambda: clauses.clause_actor(site.verb, scope.actors),
        lambda: clauses.source(site.verb, site.span.sent, scope.actors),
        lambda: clauses.clause_actor(site.lead.root, scope.actors) if site.lead is not None else None,
        lambda: clauses.modifier_actor(site.noun, scope.actors),
    ):
        actor = found()
        if actor is not None:
            return actor
    return None


def site_of(doc: Doc, span: Span, counts: list[Span], subtrees: dict[int, set[int]]) -> Site:
    info: CountInfo = span._.count
    noun = doc[info.unit_token] if info.unit_token is not None else None
    own = subtrees[span.start] | subtree_ids(noun)
    nested = {i for other in counts if other.start != span.start and other.root.i in own for i in subtrees[other.start]}
    block = context(doc).block_at(span.start_char)
    item = block_ids(doc, block) if block is not None and block.kind in ITEM_BLOCKS else set()
    verb = clauses.governing_verb(noun if noun is not None else span.root) or listed_verb(span, counts)
    return Site(span, info, noun, verb, own, nested, item, lead_sentence(doc, block), block)


def listed_verb(span: Span, counts: list[Span]) -> Token | None:
    """A count listed after another shares its clause: "requested $9.6 billion for
    procurement, $9.3 billion for O&M, and $1.9 billion for personnel"."""
    if span.root.dep_ not in {"appos", "conj"}:
        return None
    roots = {c.root.i for c in counts if c.start != span.start}
    listed = [t for t in span.root.ancestors if t.i in roots]
    return clauses.governing_verb(listed[-1]) if listed else None  # the list's first count


@Language.factory("claimtrail_claims")
def make_claims(nlp: Language, name: str) -> Callable[[Doc], Doc]:  # noqa: ARG001 - spaCy's signature
    """Last: a claim is a count with the country, actor and period of its clause."""
    return claims


def claims(doc: Doc) -> Doc:
    countries = list(doc.spans["country"])
    placed = [c for c in countries if not is_breakdown(c, doc)]
    scope = Scope(
        dates=[d for d in doc.spans["date"] if not is_aside(d)], placed=placed,
        located=[c for c in placed if not c._.nationality], actors=list(doc.spans["actor"]), countries=countries,
        sentence_of={t.i: sent.start for sent in doc.sents for t in sent},
    )
    text = text_of(doc)
    counts = list(doc.spans["count"])
    subtrees = {span.start: subtree_ids(span.root) for span in counts}
    by_start: dict[int, Claim] = {}
    for span in counts:
        site = site_of(doc, span, counts, subtrees)
        info = site.info
        total = by_start.get(info.antecedent) if info.antecedent is not None else None
        same_sentence = total is not None and scope.sentence_of[info.antecedent] == scope.sentence_of[span.start]
        country = country_of(site, total, total if same_sentence else None, scope)
        date_start, date_end = period_of(site, total, scope)
        start, end = quote_bounds(doc, text, span)
        by_start[span.start] = Claim(
            value=info.value, unit=info.unit, qualifier=info.qualifier, country=country,
            actor=(total.actor if total is not None else None) if info.breakdown else actor_of(site, scope),
            action=site.verb.lemma_.lower() if site.verb is not None else None,
            date_start=date_start, date_end=date_end,
            quote=text[start:end], start_char=start, end_char=end,
            modality=clauses.modality(site.verb, span.sent),
        )
    context(doc).claims = list(by_start.values())
    return doc


def is_breakdown(country: Span, doc: Doc) -> bool:
    """'India (3)': the country is an item of a breakdown, not where the total happened."""
    return country.end + 1 < len(doc) and doc[country.end].text == "(" and doc[country.end + 1].like_num
