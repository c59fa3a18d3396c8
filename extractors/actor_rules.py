"""What a name looks like when it names an actor, and where in a document names are not actors.

The statistical NER finds names; whether a name is an actor is mostly a matter of its
head noun and its shape, kept as data: ``actor_heads.csv`` (words that make a name a
body or a unit: "Command", "Regiment", "Party"; a few name a body alone: "the Navy"),
``not_actor_heads.csv`` (words that make it a law, a document, a programme, a weapon,
an event or a place, wherever they stand in it, the first words of ships and
operations, and the words a ship's name follows), ``name_trim.csv`` (titles around a
person's name) and ``boilerplate_headings.csv`` (sections that are the publisher's
legal notice or are about the authors).

Where: headings, run-in labels ("Industrial Machines: ..."), bylines ("Jane Roe,
Specialist in Asian Affairs", also two on one line), source lines ("Source: ..."),
citations ("..., by Jane Roe)") and boilerplate sections hold names that are not actors
of the document.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from claimtrail.extractors import gazetteer as gz
from claimtrail.extractors.context import context, text_of

CONNECTORS = {"of", "the", "for", "and", "in", "on", "to", "al", "bin", "ibn", "de", "-", "&"}
HEAD_BREAKS = {"of", "for", "in", "on", "to", "at", "against", "with"}
HEADING_BLOCKS = {"paragraph", "caption"}  # short title-case lines here are headings in disguise
HEADING_MAX_WORDS = 12
RUN_IN_LABEL = re.compile(r"^([^:.;]{2,80}?):\s+\S")
RUN_IN_LABEL_MAX_WORDS = 8
LETTER = re.compile(r"[A-Z]|[IVXL]+")
SOURCE_LINE = re.compile(r"^\s*Sources?:")
FIGURE_TITLE = re.compile(r"^(Figure|Fig\.|Table|Map|Chart|Graph|Box)\s+[A-Z]?\d+[.:]")
SURNAME_PREFIX = re.compile(r"^(?:al|el|ul|ad|ash|as|at|ar|an|az)[-‑\s]+", re.IGNORECASE)
SURNAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}


def read(name: str) -> list[dict[str, str]]:
    with (gz.DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def actor_heads() -> dict[str, bool]:
    """Head word -> whether it names a military unit (and so may follow an ordinal)."""
    return {row["word"]: row["unit"] == "yes" for row in read("actor_heads.csv")}


@lru_cache(maxsize=1)
def named_alone() -> frozenset[str]:
    """Head words that name a body on their own ("the Navy", "the Army")."""
    return frozenset(row["word"] for row in read("actor_heads.csv") if row["alone"] == "yes")


@lru_cache(maxsize=1)
def not_actor_words() -> dict[str, frozenset[str]]:
    """Words by position: 'head' (last word of the name), 'next' (the noun the name
    modifies: "Patriot missiles"), 'inside' (any word but the last: "Golden Dome Fund",
    "Joint Base Lewis-McChord"), 'first' (ships, operations, camps), 'before' (the
    word a ship's name follows: "the tanker Stena Imperative") and 'lettered' (a part of
    a law when a letter or a Roman numeral follows: "Division A", "Title II")."""
    parts: dict[str, set[str]] = {"head": set(), "next": set(), "first": set(), "inside": set(), "before": set(),
                                  "lettered": set()}
    for row in read("not_actor_heads.csv"):
        for part in row["part"].split("+"):
            parts[part].add(row["word"] if part in {"first", "before", "lettered"} else row["word"].lower())
    return {part: frozenset(words) for part, words in parts.items()}


@lru_cache(maxsize=1)
def trim_words() -> dict[str, frozenset[str]]:
    """Titles around a name that the NER often swallows ("Richard Roe Fellow")."""
    words: dict[str, set[str]] = {"start": set(), "end": set()}
    for row in read("name_trim.csv"):
        words[row["where"]].add(row["word"])
    return {where: frozenset(w) for where, w in words.items()}


@lru_cache(maxsize=1)
def author_roles() -> frozenset[str]:
    """The roles that sign a report ("Analyst", "Specialist"), as the PDF converter reads them."""
    return frozenset(row["role"].strip() for row in read("author_roles.csv"))


@lru_cache(maxsize=1)
def boilerplate_headings() -> frozenset[str]:
    return frozenset(row["heading"] for row in read("boilerplate_headings.csv"))


def head(span: Span) -> Token:
    """The name's head word: the last word before its first preposition ("Federation of
    American Scientists" -> Federation), else its last word."""
    for t in span[1:]:
        if t.lower_ in HEAD_BREAKS:
            return t.doc[t.i - 1]
    return span[-1]


def actor_head(span: Span) -> bool:
    return head(span).text in actor_heads()


def thing_name(span: Span) -> bool:
    """A law, document, programme, weapon, event or place by its head, first word, or
    the noun right after it ("the Typhon system", "Patriot missiles")."""
    words = not_actor_words()
    if head(span).lower_ in words["head"] or ship(span):
        return True
    if len(span) == 2 and span[0].text in words["lettered"] and LETTER.fullmatch(span[1].text):
        return True
    if not actor_head(span) and (span[0].text in words["first"] or any(t.lower_ in words["inside"] for t in span[:-1])):
        return True
    if any(a.lower_ == b.lower_ for a, b in zip(span, span[1:])):
        return True  # "Federal Debt Country Country": table headers run together
    after = span.doc[span.end] if span.end < len(span.doc) else None
    return (after is not None and after.pos_ == "NOUN" and after.lower_ in words["next"]
            and not actor_head(span))  # "Patriot missiles", but an "Agency program" is the agency's


def ship(span: Span) -> bool:
    """A name right after a ship's word, directly, as an apposition or as the last of a
    list: "the tanker X", "One such vessel, the X", "container ships X and Y"."""
    doc = span.doc
    before = not_actor_words()["before"]
    i = span.start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i >= 1 and doc[i].text in {",", "and"}:
        j = i - 1
        while j >= 0 and (doc[j].is_title or doc[j].is_upper) and doc[j].pos_ == "PROPN":
            j -= 1
        i = j if j < i - 1 else i - 1
    return i >= 0 and (doc[i].text in before or doc[i].lower_ in before)


def series_part(span: Span) -> bool:
    """Part of a capitalised series that an acronym abbreviates, cut by the NER
    ("Nuclear Command" of "Nuclear Command, Control, and Communications (NC3)"), or a
    series taken whole ("Research, Development, Test")."""
    doc = span.doc
    if any(t.text == "," for t in span[:-1]) and not actor_head(span):
        return True
    if span.end >= len(doc) or doc[span.end].text != ",":
        return False
    for t in doc[span.end : span.end + 10]:  # up to the "(" of the acronym the series defines
        if t.text == "(":
            return t.i + 1 < len(doc) and sum(c.isupper() for c in doc[t.i + 1].text) >= 2
        if not (t.is_title or t.text in {",", "&"} or t.lower_ == "and"):
            return False
    return False


def signed(span: Span) -> bool:
    """A byline: "Jane Roe, Analyst in Defense Policy" (the document's author, metadata)."""
    doc = span.doc
    after = doc[span.end : span.end + 4]
    return (len(after) >= 3 and after[0].text == "," and after[1].is_title and after[1].lower_ in author_roles()
            and any(t.lower_ == "in" for t in after[2:]))


def surname_key(name: str) -> str:
    """Spellings of one surname fold together: "al-Assad", "Assad" and "Asad" -> "asad"."""
    name = re.sub(r"[’']s$", "", name.strip())
    name = SURNAME_PREFIX.sub("", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]", "", name))


def boilerplate_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of boilerplate sections: from a heading such as "Disclaimer" to
    the next heading or the end of the document."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for block in context(doc).blocks:
        text = text_of(doc)[block.start_char : block.end_char].strip().rstrip(":").lower()
        if text in boilerplate_headings():
            start = block.start_char if start is None else start
        elif block.kind in {"heading", "title"} and start is not None:
            ranges.append((start, block.start_char))
            start = None
    if start is not None:
        ranges.append((start, len(text_of(doc))))
    return ranges


def heading_like(text: str) -> bool:
    """A short line in title case without a closing full stop: a heading, a label or a
    byline ("What Are Autonomous Weapon Systems?", "Jane Roe, Specialist in Asian Trade")."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'.-]*", text)]
    if not words or len(words) > HEADING_MAX_WORDS or text.rstrip().endswith("."):
        return False
    content = [w for w in words if w.lower() not in CONNECTORS and w.lower() not in {"a", "an", "by", "with"}]
    return bool(content) and all(w[0].isupper() for w in content)


def in_run_in_label(span: Span, block_text: str, block_start: int) -> bool:
    """Inside the label of a "Label: text" line ("Major Technology Equipment: Large ...")."""
    m = RUN_IN_LABEL.match(block_text)
    return (m is not None and len(m.group(1).split()) <= RUN_IN_LABEL_MAX_WORDS
            and span.end_char - block_start <= m.end(1))


def cited_author(span: Span) -> bool:
    """The author of a cited work: ", by Jane Roe)" or "by Jane Roe)"."""
    doc = span.doc
    if span.start < 1 or doc[span.start - 1].lower_ != "by":
        return False
    after = doc[span.end] if span.end < len(doc) else None
    comma_before = span.start >= 2 and doc[span.start - 2].text == ","
    return (after is not None and after.text in {")", "]"}) or (comma_before and (after is None or after.text in {".", ";", ")"}))


def expertise(span: Span) -> bool:
    """A field after a title: "Specialist in Middle Eastern Affairs", "Analyst in U.S. Defense"."""
    doc = span.doc
    return span.start >= 2 and doc[span.start - 1].lower_ == "in" and doc[span.start - 2].text in trim_words()["end"]


def figure_title(span: Span) -> bool:
    """In the title of a figure, table or map ("Figure 1. Foreign and Domestic Holdings")."""
    return FIGURE_TITLE.match(span.sent.text) is not None


def not_prose(span: Span) -> bool:
    """A name in a heading-like line, a run-in label, a byline, a source line or a
    citation is not the document's actor."""
    block = context(span.doc).block_at(span.start_char)
    if block is None or expertise(span) or figure_title(span) or signed(span):
        return expertise(span) or figure_title(span) or signed(span) or cited_author(span)
    text = text_of(span.doc)[block.start_char : block.end_char]
    if SOURCE_LINE.match(text):
        return True
    if block.kind in HEADING_BLOCKS and heading_like(text):
        return True
    if block.kind == "table_row" and text.split("|")[0].rstrip().endswith(":"):
        return True  # a "Key: | Value" row of a metadata table
    return in_run_in_label(span, text, block.start_char) or cited_author(span)


def shouting(token: Token) -> bool:
    """An all-capitals acronym in an all-capitals line ("WHO WE ARE") is a word, not a name."""
    block = context(token.doc).block_at(token.idx)
    text = text_of(token.doc)[block.start_char : block.end_char] if block else token.sent.text
    letters = [c for c in text if c.isalpha()]
    return token.is_upper and len(letters) > len(token.text) and sum(c.isupper() for c in letters) / len(letters) > 0.6


def inside_longer_name(span: Span, places: set[int]) -> bool:
    """A gazetteer name that is the tail of another capitalised name is that other body:
    "Liberal-National Parties Coalition", "Chatham House", "Indian National Congress"."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].text in {"-", "‑"}:
        i -= 1
    if i < 0 or i in places:
        return False
    before = doc[i]
    return (before.pos_ == "PROPN" and (before.is_title or before.is_upper)
            and before.text not in trim_words()["start"] and not before.like_num)
