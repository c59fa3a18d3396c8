"""Number words used in a sense that counts nothing: the indefinite "one" and multipliers.

"one" is a count when it says how many of a thing there were ("near Palmyra, one
strike", "field one MRC battery", "one of the two bombers"). English also uses it where
it would otherwise put an article or a pronoun, and then it counts nothing:

- a member picked out of a set that is not itself counted: "one of the leading
  challenges", "one of his employees said" (but "one of the two types" counts);
- a pronoun with modifiers of its own ("a country with old roads, or one with rail"),
  or one of a correlative pair: "one another", "from one coast to another", "from one
  crisis to the next", "one heart at a time";
- identity or manner: "we are one people", "move forward as one nation";
- a proper name right after it: "one Sunday in 1941", "one Senator" (a designation,
  "one C-17", is a model and is counted);
- an abstract noun of discourse, time or manner: "at one point", "one reason is",
  "one question" (``data/number_senses.csv``);
- the indefinite source of a report: "according to one report", "per one media
  report", "one official said".

A number after a word of rank ("the top three holders", "the wealthiest 2%") ranks, and
one after the noun it qualifies with nothing counted ("Pillar 2", "Acknowledgments 8")
labels. A number before "times" with what it multiplies after it ("five times the target",
"three times as many") is a multiplier; "they met three times" counts occasions.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from claimtrail.extractors import clauses
from claimtrail.extractors.gazetteer import read_csv
from claimtrail.extractors.identifiers import is_designation

PRONOUN_MODIFIERS = {"prep", "relcl", "acl", "amod"}  # "one with high-speed rail", "one that ..."
CORRELATIVE_REACH = 5  # "from one coast to another": the partner follows within a few words
LINKS = {"to", "or", "after"}  # what joins a correlative pair: "one way or another", "one after another"
MULTIPLIED = {"DT", "PDT", "PRP$", "JJR", "RBR", "NN", "NNS", "NNP", "NNPS"}  # "times the target", "times larger"


@lru_cache(maxsize=1)
def senses() -> dict[str, set[str]]:
    """Words by sense: generic nouns, correlatives, distributive phrases, source prepositions, multipliers."""
    table: dict[str, set[str]] = {}
    for row in read_csv("number_senses.csv"):
        table.setdefault(row["sense"], set()).add(row["word"])
    return table


def lemma(token: Token) -> str:
    return token.lemma_.lower()


def uncounted_member(group: Span) -> bool:
    """"one of the leading challenges": a member of a set that no number counts."""
    doc = group.doc
    if group.end >= len(doc) or doc[group.end].lower_ != "of":
        return False
    members = [t for t in doc[group.end].children if t.dep_ == "pobj"]
    return not any(t.like_num for m in members for t in m.subtree)


def pronoun(group: Span) -> bool:
    """"or one with high-speed rail", "one another", "from one coast to another", "one heart at a time"."""
    one, doc, table = group[-1], group.doc, senses()
    if one.dep_ != "nummod" and any(c.dep_ in PRONOUN_MODIFIERS and c.lower_ != "of" for c in one.children):
        return True
    following = doc[group.end : min(group.end + CORRELATIVE_REACH, group.sent.end)]
    if any(correlative(t, group) for t in following):
        return True
    words = " ".join(t.lower_ for t in following)
    return any(words.startswith(phrase) or f" {phrase}" in words for phrase in table["distributive"])


def correlative(token: Token, group: Span) -> bool:
    """The partner of "one" in "one another", "one coast to another", "one crisis to the next"."""
    if token.lower_ not in senses()["correlative"]:
        return False
    if token.lower_ == "another":
        return token.i == group.end or token.nbor(-1).lower_ in LINKS
    return token.i >= 2 and token.nbor(-1).lower_ == "the" and token.nbor(-2).lower_ in LINKS


def identity(noun: Token) -> bool:
    """"we are one people", "is just one part of", "move forward as one nation"."""
    return noun.dep_ == "attr" or noun.dep_ == "pobj" and noun.head.lower_ in {"as", "like"}


def named(group: Span, noun: Token) -> bool:
    """"one Sunday", "one Senator": a singular name right after "one" is not a number of things."""
    return noun.i == group.end and noun.text[:1].isupper() and noun.pos_ in {"NOUN", "PROPN"} and not is_designation(noun)


def generic(group: Span, noun: Token) -> bool:
    """"at one point", "one reason is", "one day": an abstract noun right after "one" or heading its phrase."""
    nouns = senses()["generic"]
    after = group.doc[group.end] if group.end < len(group.doc) else None
    return lemma(noun) in nouns or after is not None and lemma(after) in nouns


def indefinite_source(noun: Token) -> bool:
    """"according to one report", "per one media report", "one official said"."""
    if noun.i in clauses.source_ids(noun.sent) or noun.dep_ == "pobj" and noun.head.lower_ in senses()["source"]:
        return True
    return noun.dep_ == "nsubj" and lemma(noun.head) in clauses.cues()["verb"]


def indefinite_one(group: Span, noun: Token | None) -> bool:
    """``group`` is the word "one" used as an article or a pronoun (see the module docstring)."""
    if group.text.lower() != "one":
        return False
    if uncounted_member(group) or pronoun(group):
        return True
    return noun is not None and (identity(noun) or named(group, noun) or generic(group, noun) or indefinite_source(noun))


def multiplier(group: Span, noun: Token | None) -> bool:
    """"five times the target", "three times as many": the number multiplies what follows "times"."""
    doc = group.doc
    times = doc[group.end] if group.end < len(doc) else None
    if times is None or times.lower_ not in senses()["multiplier"] or times.i + 1 >= len(doc):
        return False
    after = doc[times.i + 1]
    return (noun is not None and noun.i > times.i) or after.tag_ in MULTIPLIED or after.lower_ in {"as", "more", "less"}


def elided_period(group: Span) -> bool:
    """"over the past three": a number with no noun after a word of time counts years or months."""
    return group.start > 0 and group.doc[group.start - 1].lower_ in senses()["elided period"]


def ranking(group: Span) -> bool:
    """"the top three holders", "the top one percent", "the wealthiest 2%": a rank, not a number of things."""
    if group.start == 0:
        return False
    before = group.doc[group.start - 1]
    return before.pos_ != "VERB" and (before.lower_ in senses()["ranking"]
                                      or before.tag_ == "JJS" and before.lower_ not in {"least", "most"})


def label(group: Span) -> bool:
    """"Pillar 2", "Acknowledgments 8": a number after the noun it qualifies labels that noun."""
    last = group[-1]
    return last.dep_ == "nummod" and last.head.i < group.start
