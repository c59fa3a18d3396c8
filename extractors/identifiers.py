"""Numbers that are not counts: what a number is when it names, dates, locates or paginates.

A count is a number of things in the world. Most numbers in a brief are something else,
and each is recognised here by the KIND of language around it, not by the string:

- a cue word before or after it (``data/not_counts.csv``): "P.L. 117", "Section 1202",
  "Version: 14", "§2301", "46 U.S.C.", "1500 GMT", "413 KB", "1 st", "two-thirds";
- its shape: glued to a letter word by a hyphen ("C-17", "KN-23", "P.L.118-159",
  "uranium-235"), or to an identifier ("117-81"), a chain of hyphenated digit groups or
  a leading zero ("202-555-0143", "Type 055"), degrees and minutes, four or more decimals
  (coordinates), glued without a space to the word before it (footnote markers:
  "forces.12");
- its place: after a proper name with nothing counted after it ("Flight 8969",
  "Congressional Research Service 2"), inside a name spaCy's tagger found ("Pillar 2
  objectives"), after a month or glued to a date ("October 7-8"),
  alone in brackets or at the head of a list ("(1)", "1."), after leader dots
  ("Materials ........ 3"), alone in its sentence (a page number) or heading it before a
  capitalised word with nothing counted ("12 See ...": a footnote), or a bare year.

``reason`` returns why a number is not a count, or None when it may be one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from claimtrail.extractors.gazetteer import read_csv

DESIGNATION = re.compile(r"^[A-Z][A-Za-z]*-\d+[A-Za-z]*$")  # "C-17", "F-35A", "Su-25", "Shahed-136"
LEADER_DOTS = re.compile(r"^[.…·_]{2,}$")
YEARS = range(1000, 2101)
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.",
          "sep.", "sept.", "oct.", "nov.", "dec."}
DASHES = {"-", "–", "—"}
GLUE_BEFORE = {".", ",", ";", ":", "”", "\"", "’", ")", "]"}  # a footnote digit follows these unspaced
NAMED = {"ORG", "PRODUCT", "LAW", "FAC", "EVENT", "WORK_OF_ART"}  # entity types a number can be part of
COLON_LIKE = {":"}  # "Version: 14"


@lru_cache(maxsize=1)
def cues() -> dict[str, dict[str, str]]:
    """Cue words by position: {"before": {word: why}, "after": ..., "header": ..., "sentence": ...}."""
    found: dict[str, dict[str, str]] = {"before": {}, "after": {}, "header": {}, "sentence": {}}
    for row in read_csv("not_counts.csv"):
        found[row["position"]][row["word"]] = row["why"]
    return found


def is_designation(token: Token) -> bool:
    """A model or type designation written as one token: "C-17", "MQ-9", "F-35A"."""
    return bool(DESIGNATION.match(token.text.rstrip("s")))


def is_acronym(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isalpha() and token.text.isupper()


def glued(left: Token, right: Token) -> bool:
    return not left.whitespace_ and left.i + 1 == right.i


def hyphen_partner(doc: Doc, group: Span) -> Token | None:
    """The token a hyphen glues the number to on its left: "C" of "C-17", "117" of "117-81"."""
    if group.start < 2:
        return None
    dash, left = doc[group.start - 1], doc[group.start - 2]
    return left if dash.text in DASHES and glued(left, dash) and glued(dash, group[0]) else None


def spaced_designation(doc: Doc, group: Span) -> bool:
    """An acronym, a hyphen with spaces and a number counting nothing after it: "SM - 6 live fire"."""
    if group.start < 2 or doc[group.start - 1].text not in DASHES or not is_acronym(doc[group.start - 2]):
        return False
    after = doc[group.end] if group.end < len(doc) else None
    return after is None or after.tag_ not in {"NNS", "NNPS"}


def shape_reason(doc: Doc, group: Span, rejected: set[int], units: set[str]) -> str | None:
    digits = group[0].text.replace(",", "")
    if len(digits) > 1 and digits[0] == "0" and digits[1:2].isdigit():
        return "identifier"  # "055", "0143"
    if "." in digits and len(digits.split(".")[1]) >= 4:
        return "coordinate"
    left = hyphen_partner(doc, group)
    if left is not None and (left.i in rejected or any(c.isalpha() for c in left.text)):
        return "identifier"  # "KN-23", "P.L.118-159"; "117-81" after "P.L. 117", "October 7-8"
    if group.end + 1 < len(doc) and doc[group.end].text in DASHES and glued(group[-1], doc[group.end]) \
            and glued(doc[group.end], doc[group.end + 1]) and group.end + 1 in rejected:
        return "date"  # "between 11-13 Dec.": the first day of a range whose last day is a date's
    if spaced_designation(doc, group):
        return "designation"  # "SM - 6 live fire": a designation whose hyphen the PDF spaced out
    if group.end + 1 < len(doc) and doc[group.end].text in DASHES and glued(group[-1], doc[group.end]) \
            and glued(doc[group.end], doc[group.end + 1]) and doc[group.end + 1].text[:1].isdigit() \
            and group.end + 2 < len(doc) and doc[group.end + 2].text in DASHES:
        return "identifier"  # "202-555-0143": three digit groups
    after = doc[group.end] if group.end < len(doc) else None
    if after is not None and glued(group[-1], after) and after.is_alpha and after.lower_ not in units:
        return "designation"  # "5G", "3D"; not "20km", "5bn"
    if ratio_part(doc, group):
        return "ratio"  # "one in 10 Americans", "one out of every five": a share, not a number of things
    if group.start > 0 and doc[group.start - 1].text == "+" or group.end < len(doc) and doc[group.end].text == "+":
        return "label"  # "the 3+1 initiative"
    if group.start > 0 and glued(doc[group.start - 1], group[0]):
        before = doc[group.start - 1]
        if before.is_alpha or before.text in GLUE_BEFORE:
            return "footnote"  # "forces.12", "attacks3" split by the tokenizer
    return None


YEAR_LIKE = re.compile(r"1\d{3}|20\d{2}")


RATIO_LINKS = (("in",), ("in", "every"), ("of", "every"), ("out", "of"), ("out", "of", "every"))


def ratio_part(doc: Doc, group: Span) -> bool:
    """Either number of "N in M" ("one in 10 Americans", "seven in ten", "one out of every
    five jobs")."""
    def number(i: int) -> bool:  # digits or number words, not a year ("five in 2022")
        return 0 <= i < len(doc) and doc[i].like_num and not YEAR_LIKE.fullmatch(doc[i].text)

    def linked(left: int, right: int) -> bool:
        return number(left) and number(right) and tuple(t.lower_ for t in doc[left + 1 : right]) in RATIO_LINKS

    return any(linked(group.start - 1 - len(link), group.start) or linked(group.end - 1, group.end + len(link))
               for link in RATIO_LINKS)


def cue_reason(doc: Doc, group: Span) -> str | None:
    c = cues()
    i = group.start - 1
    while i >= 0 and doc[i].lower_ in COLON_LIKE:
        i -= 1  # "Version: 14", "Resolution No. 2231"
    if i >= 0:
        before = doc[i]
        why = c["before"].get(before.lower_) or c["before"].get(before.lower_.rstrip("."))
        if why:
            return why
        if before.lower_ in MONTHS and before.text[:1].isupper():
            return "date"  # "October 7": the day of a date
        if LEADER_DOTS.match(before.text):
            return "page"  # a table of contents: "Materials ........ 3"
    j = group.end
    if j < len(doc) and doc[j].text in DASHES and glued(group[-1], doc[j]) and j + 1 < len(doc):
        j += 1  # "two-thirds"
    if j < len(doc):
        after = doc[j]
        why = c["after"].get(after.lower_)
        if why:
            return why
        if after.lower_ in MONTHS and after.text[:1].isupper() and j == group.end and group[0].text.isdigit():
            return "date"  # "7 October"
    return None


def place_reason(doc: Doc, group: Span, has_noun: bool) -> str | None:
    before = doc[group.start - 1] if group.start else None
    after = doc[group.end] if group.end < len(doc) else None
    if after is not None and after.lower_ == "by" and group.end + 1 < len(doc) and doc[group.end + 1].lower_ == group.text.lower() \
            or before is not None and before.lower_ == "by" and group.start > 1 and doc[group.start - 2].lower_ == group.text.lower():
        return "idiom"  # "one by one"
    if not has_noun and before is not None and before.tag_ in {"NNP", "NNPS"} and before.text[:1].isupper():
        return "identifier"  # "Flight 8969", "Congressional Research Service 2"
    if group[0].is_title and group[0].is_alpha and group.start != group.sent.start:
        return "name"  # "One Belt, One Road", "the Gang of Four"
    if group[0].ent_iob_ == "I" and group[0].ent_type_ in NAMED:
        return "name"  # inside a name the tagger found: "Exercise Eager Lion 16", "Pillar 2"
    if before is not None and is_acronym(before) and (after is None or after.pos_ != "NOUN"):
        return "identifier"  # "DODD 3000.09", "UNSCR 2231"; not "ISKP 38 attacks"
    if before is not None and after is not None and before.text in {"(", "["} and after.text in {")", "]"} \
            and (group.start < 2 or not doc[group.start - 2].text[:1].isupper()):
        return "list marker"  # "(1)", "[3]"; not "Tajik (78)", nor "India (3)", a breakdown
    sent = group.sent
    if group.start == sent.start and after is not None and after.text in {".", ")"}:
        return "list marker"  # "1." or "1)" heading a list item
    if not has_noun and group.start == sent.start and group[0].text[:1].isdigit() and after is not None \
            and after.text[:1].isupper():
        return "footnote"  # "12 See CRS Report ...", "3 Congressional Research Service"
    if all(t.is_punct or t.i in range(group.start, group.end) for t in sent):
        return "page"  # a number alone in its sentence: page number, running head
    return None


def is_year(group: Span) -> bool:
    text = group.text
    return len(group) == 1 and len(text) == 4 and text.isdigit() and int(text) in YEARS


def reason(doc: Doc, group: Span, rejected: set[int], units: set[str], has_noun: bool) -> str | None:
    """Why ``group`` is not a count ("identifier", "date", "time", "page", ...), else None.
    ``rejected`` holds the tokens of dates, names and numbers already found not to be
    counts; ``units`` the words a number may be written glued to ("20km", "5bn")."""
    return (cue_reason(doc, group) or shape_reason(doc, group, rejected, units)
            or place_reason(doc, group, has_noun)
            or ("year" if is_year(group) and not has_noun else None))
