"""Named actors: acronyms the text defines, the gazetteer, a country's institutions, unit
patterns, then the statistical NER filtered by the shape of the name.

- Acronyms defined in the text ("U.S. Strategic Command (STRATCOM)") link two forms for
  that document and win over the gazetteer's reading of the same letters.
- The gazetteer (``actors.jsonl``) gives canonical names for the groups, bodies, commands,
  news agencies and people analysts track; a name broken across a line break is one name;
  a gazetteer name that is the tail of another name ("Chatham House") is not that actor.
- "The ISIS affiliate in Mozambique" is the affiliate, not its parent.
- A country's institutions: "Iraqi security forces", "the government of Pakistan",
  "Russia's Ministry of Defence". Convention: governments are "Government of X", forces
  keep their words ("Iraqi security forces"), and other institutions carry their country
  in brackets: "Ministry of Defence (Russia)", "National Security Council (Turkey)".
- Numbered units and task forces (``actor_patterns.jsonl``): "321st Field Artillery
  Regiment", "CTF 50" (-> "Combined Task Force 50").
- The NER's people and organisations, kept when they look like actors (``actor_rules``).
- People named by surname after a first full mention ("Bashar al-Assad" ... "Asad").
Nothing is taken from boilerplate sections (a "Disclaimer").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pycountry
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from claimtrail.extractors import actor_rules as rules
from claimtrail.extractors import gazetteer as gz
from claimtrail.extractors.context import block_kind, context, text_of
from claimtrail.extractors.places import GAZETTEER_KEY

PROSE_BLOCKS = {"paragraph", "list_item", "table_row", "caption", None}
NER_LABELS = {"PERSON", "ORG"}
BODY_LABELS = {"NORP"}  # kept only when the head says body ("Syrian Arab Coalition")
PUBLICATION_CUES = {
    "magazine", "newspaper", "journal", "newsletter", "bulletin", "periodical",
    "publication", "outlet", "weekly", "daily", "book", "pamphlet", "video", "issue",
}
POSSESSIVE = re.compile(r"[’']s?$")
ACRONYM = re.compile(r"\(([A-Z][A-Za-z&-]{1,11})\)")
LEADING_WORDS = {"the", "a", "an", "near", "in", "at", "outside", "from"}
NOT_NAME_START = {"ADP", "ADV", "CCONJ", "SCONJ", "PRON", "AUX", "VERB"}  # "Later Abadi said"
TRAILING_WORDS = {"of", "the", "and", "for", "in", "on", "to", "&", "-"}
LONG_FORM_MAX_WORDS = 12

def fold(name: str) -> str:
    """The comparison key for names: case, punctuation, 'the' and possessive folded."""
    name = re.sub(r"[’']s$", "", name.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", " ", name).strip().lower()


@lru_cache(maxsize=1)
def language_names() -> frozenset[str]:
    names = {lang.name.lower() for lang in pycountry.languages if " " not in lang.name}
    return frozenset(names | {"farsi", "dari", "pashto", "pushto", "arabic", "urdu"})


class ActorNames(NamedTuple):
    """The actor gazetteer as the rules read it, for one tuple of gazetteer files."""

    known: dict[str, str]  # folded alias -> canonical name
    records: dict[str, dict]  # canonical name -> its record (type, aliases)


@lru_cache(maxsize=4)
def actor_names(files: tuple[Path, ...]) -> ActorNames:
    return ActorNames({fold(e.phrase): e.norm for e in gz.entries(files) if e.label == gz.ACTOR},
                      {a["name"]: a for a in gz.read_actors(files)})


@lru_cache(maxsize=1)
def institutions() -> dict[tuple[str, ...], tuple[str, str]]:
    """Word sequences that make a country an actor, with their kind and canonical name."""
    return {tuple(r["phrase"].split()): (r["kind"], r["canonical"]) for r in rules.read("institutions.csv")}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    return {r["short"]: r["long"] for r in rules.read("abbreviations.csv")}


@lru_cache(maxsize=1)
def affiliate_words() -> frozenset[str]:
    return frozenset(r["word"] for r in rules.read("affiliate_words.csv"))


@lru_cache(maxsize=1)
def short_country_names() -> dict[str, str]:
    """The first name ``country_aliases.csv`` gives a country ("Russia", "North Korea")."""
    names: dict[str, str] = {}
    for row in gz.read_csv("country_aliases.csv"):
        if row["kind"] == "name":
            names.setdefault(row["iso3"], row["alias"])
    return names


def country_name(iso3: str) -> str:
    if iso3 in short_country_names():
        return short_country_names()[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name.split(",")[0]


def actor_span(doc: Doc, start: int, end: int, norm: str) -> Span:
    span = Span(doc, start, end, label="actor")
    span._.norm = norm
    return span


def clean(span: Span) -> Span:
    """Drop a leading determiner or title and a trailing possessive, connector or title."""
    start, end = span.start, span.end
    doc = span.doc
    trim = rules.trim_words()
    while start < end and (doc[start].lower_ in LEADING_WORDS or doc[start].is_punct or doc[start].pos_ in NOT_NAME_START
                           or (span.label_ == "PERSON" and doc[start].text in trim["start"])):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].text in trim["end"] or doc[end - 1].lower_ in TRAILING_WORDS):
        end -= 1
    return Span(doc, start, end, label=span.label_)


# --- acronyms -------------------------------------------------------------------------

def spells(acronym: str, words: list[str]) -> bool:
    """Whether the acronym takes one or more leading letters of each word in order
    ("STRATCOM" = STRATegic COMmand, "ISIS-SP" = ISIS Sinai Province, the parts of a
    hyphenated word count as words); connectors may give letters or none."""
    words = [part for w in words for part in re.split(r"(?<=\w)[-‑](?=\w)", w)]  # "Multi-Domain": M, D
    letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
    keys = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in words]

    @lru_cache(maxsize=None)
    def fits(i: int, j: int) -> bool:
        if j == len(keys):
            return i == len(letters)
        word = keys[j]
        if (not word or words[j].lower() in rules.CONNECTORS) and fits(i, j + 1):
            return True
        return any(letters[i : i + k] == word[:k] and fits(i + k, j + 1) for k in range(1, len(word) + 1))

    plural = acronym[-1:] == "s" and len(acronym) > 2  # "MDTFs" spells what "MDTF" spells
    return (bool(letters) and fits(0, 0)) or (plural and spells(acronym[:-1], words))


def long_form(doc: Doc, opening: int, acronym: str, known: dict[str, str]) -> Span | None:
    """The shortest run of capitalised words before "(" that the acronym spells, with a
    country abbreviation in front when the gazetteer knows the longer name."""
    words = [t for t in reversed(doc[max(0, opening - LONG_FORM_MAX_WORDS) : opening]) if not t.is_space]
    run: list[Token] = []
    for t in words:
        if not (t.text[:1].isupper() or t.lower_ in rules.CONNECTORS or t.text[:1].isdigit()):
            break
        run.insert(0, t)
    for n in range(1, len(run) + 1):
        first = run[-n]
        if first.lower_ in rules.CONNECTORS or not spells(acronym, [t.text for t in run[-n:]]):
            continue
        span = doc[first.i : run[-1].i + 1]
        wider = doc[run[-n - 1].i : run[-1].i + 1] if n < len(run) and not run[-n - 1].is_lower else None
        return wider if wider is not None and fold(wider.text) in known else span
    return None


def continuation(doc: Doc, opening: int) -> Span | None:
    """The capitalised words that go on after "(LF)": the rest of a name the acronym
    stands inside ("the Overhead Persistent Infrared (OPIR) Missile Warning program")."""
    close = next((t.i for t in doc[opening : opening + 4] if t.text == ")"), None)
    if close is None:
        return None
    end = close + 1
    while end < len(doc) and (doc[end].is_title or (doc[end].lower_ == "and" and end + 1 < len(doc) and doc[end + 1].is_title)):
        end += 1
    return doc[close + 1 : end] if end > close + 1 else None


def acronym_spans(doc: Doc, ner: list[Span], places: set[int], skip: list[tuple[int, int]],
                  known: dict[str, str]) -> tuple[list[Span], set[str]]:
    """'Long Form (LF)' defines LF for the document when the long form names an actor:
    known, headed by a body's word ("Command", "Agency"), or a name the NER found. Also
    returns the acronyms defined for things ("Mid-Range Capability (MRC)"): a name made
    of one ("Typhon MRC", "MRC units") is a thing too."""
    links: dict[str, str] = {}
    found: list[Span] = []
    things: set[str] = set()
    for m in ACRONYM.finditer(text_of(doc)):
        acronym = m.group(1)
        opening = doc.char_span(m.start(), m.start() + 1)
        if opening is None or sum(c.isupper() for c in acronym) < 2 or acronym in links:
            continue
        long = long_form(doc, opening.start, acronym, known)
        if long is None or all(t.i in places or t.is_punct for t in long):
            continue
        rest = continuation(doc, opening.start)
        if rules.thing_name(long) or (rest is not None and rules.thing_name(rest)):
            things.add(acronym)
            continue
        named = any(e.start < long.end and long.start < e.end and e.label_ in NER_LABELS for e in ner)
        if fold(long.text) in known or rules.actor_head(long) or named:
            links[acronym] = known.get(fold(long.text), POSSESSIVE.sub("", long.text))
            found.append(actor_span(doc, long.start, long.end, links[acronym]))
    for acronym, norm in links.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text_of(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is not None and not in_ranges(span.start_char, skip):
                found.append(actor_span(doc, span.start, span.end, norm))
    return found + numbered_acronyms(doc, links, skip), things - set(links)


def ordinal(number: str) -> str:
    if number[-2:] in {"11", "12", "13"}:
        return f"{number}th"
    return number + {"1": "st", "2": "nd", "3": "rd"}.get(number[-1], "th")


def numbered_acronyms(doc: Doc, links: dict[str, str], skip: list[tuple[int, int]]) -> list[Span]:
    """A number before a defined unit's acronym names one unit: "1 MDTF" and "3rd MDTF"
    (Multi-Domain Task Forces (MDTFs)) -> "1st Multi-Domain Task Force"."""
    found = []
    for acronym, norm in links.items():
        words = norm.split()
        if rules.actor_heads().get(words[-1]) is not True:
            continue
        singular = " ".join([*words[:-1], words[-1][:-1]]) if words[-1][:-1] in rules.actor_heads() else norm
        base = re.escape(re.sub(r"(?<=[A-Z])s$", "", acronym))
        for m in re.finditer(rf"(?<![\w.,-])(\d{{1,3}})(?:st|nd|rd|th|d)?\s+{base}s?(?![\w-])", text_of(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is not None and not in_ranges(span.start_char, skip):
                found.append(actor_span(doc, span.start, span.end, f"{ordinal(m.group(1))} {singular}"))
    return found


# --- gazetteer ------------------------------------------------------------------------

def gazetteer_spans(doc: Doc, places: set[int]) -> list[Span]:
    found = []
    for span in doc.spans.get(GAZETTEER_KEY, []):
        if span.label_ != gz.ACTOR or rules.inside_longer_name(span, places):
            continue
        if len(span) == 1 and rules.shouting(span[0]):
            continue
        found.append(actor_span(doc, span.start, span.end, span.id_))
    return found


LINE_BREAK = re.compile(r"(?<=[^\W_])[^\S\n]*\n[^\S\n]*(?=[^\W_])")  # one line break between words


def broken_name_spans(doc: Doc, known: dict[str, str]) -> list[Span]:
    """Gazetteer names broken across a line break ("Islamic Revolutionary\\nGuard Corps")."""
    found = []
    for m in LINE_BREAK.finditer(text_of(doc)):
        gap = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if gap is None:
            continue
        for left in (i for i in range(max(0, gap.start - 5), gap.start) if not doc[i].is_lower):
            for right in range(gap.end + 1, min(len(doc), gap.end + 6) + 1):
                key = fold(" ".join(w.text for w in doc[left:right] if not w.is_space))
                if " " in key and key in known:
                    found.append(actor_span(doc, left, right, known[key]))
    return found


def affiliate_spans(doc: Doc, named: list[Span], names: ActorNames) -> list[Span]:
    """"The ISIS affiliate in Mozambique" -> the gazetteer's affiliate (ISIS-Mozambique),
    else "<group> in <country>": an affiliate is not its parent."""
    known = names.known
    countries = {s.start: s for s in doc.spans.get("country", [])}
    found = []
    for group in named:
        record = names.records.get(group._.norm)
        if record is None or record.get("type") != "armed_group":
            continue
        i = group.end + (1 if group.end < len(doc) and doc[group.end].tag_ == "POS" else 0)
        if i + 2 >= len(doc) or doc[i].lower_ not in affiliate_words() or doc[i + 1].lower_ not in {"in", "of"}:
            continue
        j = i + 2 + (doc[i + 2].lower_ == "the")
        place = countries.get(j)
        if place is None:
            continue
        name = country_name(place._.norm)
        aliases = [record["name"], *record.get("aliases", [])]
        candidates = [f"{a}{sep}{p}" for a in aliases for p in (name, place.text) for sep in ("-", " ")]
        norm = next((known[fold(c)] for c in candidates if fold(c) in known), f"{record['name']} in {name}")
        found.append(actor_span(doc, group.start, place.end, norm))
    return found


# --- a country's institutions ---------------------------------------------------------

class Place(NamedTuple):
    start: int
    end: int
    iso3: str


def institution_norm(iso3: str, kind: str, canonical: str, written: str, known: dict[str, str]) -> str:
    """Governments are "Government of X", forces keep their words, other bodies carry
    their country in brackets unless the gazetteer knows them ("U.S. Senate")."""
    if kind == "government":
        return f"Government of {country_name(iso3)}"
    if kind == "forces":
        return written
    return known.get(fold(written)) or f"{canonical} ({country_name(iso3)})"


def phrase_at(doc: Doc, start: int) -> tuple[int, str, str] | None:
    """The longest institution phrase starting at token ``start``: (width, kind, canonical)."""
    table = institutions()
    for width in range(max(len(k) for k in table), 0, -1):
        words = tuple(t.lower_ for t in doc[start : start + width])
        if len(words) == width and words in table:
            return width, *table[words]
    return None


def named_ministry(doc: Doc, start: int) -> tuple[int, str, str] | None:
    """A ministry the table does not list, by its capitalised name: "Ministry of Culture",
    "Ministry of Water Resources" (width, kind, canonical), up to a comma or a lowercase word."""
    if start + 2 >= len(doc) or doc[start].text != "Ministry" or doc[start + 1].lower_ != "of":
        return None
    end = start + 2
    while end < len(doc) and (doc[end].is_title or (doc[end].lower_ in {"and", "the"} and end + 1 < len(doc) and doc[end + 1].is_title)):
        end += 1
    while end > start + 2 and doc[end - 1].lower_ in {"and", "the"}:
        end -= 1
    return (end - start, "ministry", doc[start:end].text) if end > start + 2 else None


def qualified_institutions(doc: Doc, place: Place, known: dict[str, str]) -> list[Span]:
    """"Iraqi security forces", "Pakistan's foreign ministry" (not "North Korea's military
    capabilities"), and "the Ministry of Defence of the Russian Federation"."""
    found = []
    start = place.end + (1 if place.end < len(doc) and doc[place.end].tag_ == "POS" else 0)
    hit = phrase_at(doc, start) or named_ministry(doc, start)
    if hit is not None:
        width, kind, canonical = hit
        after = doc[start + width] if start + width < len(doc) else None
        proper = all(t.is_title or t.lower_ in rules.CONNECTORS for t in doc[start : start + width])  # "U.S. Embassy grant"
        if doc[start + width - 1].dep_ != "amod" and not (after is not None and after.pos_ in {"NOUN", "PROPN"}
                                                          and not (proper and after.is_lower)):
            written = f"{doc[place.start:place.end].text} {doc[start : start + width].text}"
            found.append(actor_span(doc, place.start, start + width, institution_norm(place.iso3, kind, canonical, written, known)))
    j = place.start - (1 if place.start > 0 and doc[place.start - 1].lower_ == "the" else 0)
    for width in range(4, 0, -1):
        first = j - 1 - width
        hit = phrase_at(doc, first) if first >= 0 and doc[j - 1].lower_ == "of" else None
        if hit is not None and hit[0] == width and hit[1] != "forces":
            span = doc[first : place.end]
            found.append(actor_span(doc, first, place.end, institution_norm(place.iso3, hit[1], hit[2], span.text, known)))
            break
    return found


def bare_ministries(doc: Doc) -> list[Span]:
    """"the foreign ministry said" in a sentence that names one country (by its name or
    demonym; a town does not count) is that country's."""
    countries = [s for s in doc.spans.get(GAZETTEER_KEY, []) if s.label_ in {gz.COUNTRY, gz.DEMONYM}]
    found = []
    for m in re.finditer(r"\bthe\s", text_of(doc), flags=re.IGNORECASE):
        the = doc.char_span(m.start(), m.start() + 3)
        t = the[0] if the is not None else None
        hit = phrase_at(doc, t.i + 1) if t is not None else None
        if hit is None or hit[1] != "ministry":
            continue
        end = t.i + 1 + hit[0]
        sentence = t.sent
        named = {c.id_ for c in countries if sentence.start <= c.start < sentence.end}
        if len(named) == 1 and not (end < len(doc) and doc[end].lower_ == "of"):
            found.append(actor_span(doc, t.i + 1, end, f"{hit[2]} ({country_name(next(iter(named)))})"))
    return found


def qualifying_places(doc: Doc) -> list[Place]:
    """Countries and demonyms, including demonyms the place rules leave out as a
    nationality ("Somali military forces")."""
    places = {s.start: Place(s.start, s.end, s._.norm) for s in doc.spans.get("country", [])}
    for s in doc.spans.get(GAZETTEER_KEY, []):
        if s.label_ in {gz.COUNTRY, gz.DEMONYM} and s.start not in places:
            places[s.start] = Place(s.start, s.end, s.id_)
    return list(places.values())


def institution_spans(doc: Doc, known: dict[str, str]) -> list[Span]:
    found = [s for place in qualifying_places(doc) for s in qualified_institutions(doc, place, known)]
    return found + bare_ministries(doc)


# --- unit patterns --------------------------------------------------------------------

UNIT_HEAD = {"_": {"unit_head": True}}  # in actor_patterns.jsonl: a unit word of actor_heads.csv
PEOPLE_RULES = {"person, title", "ruler"}  # the patterns of actor_patterns.jsonl that find people


@lru_cache(maxsize=1)
def pattern_rows() -> tuple[dict, ...]:
    """The Matcher patterns, with the placeholder for a unit's head word filled in."""
    lines = (gz.DATA / "actor_patterns.jsonl").read_text(encoding="utf-8").splitlines()
    units = {"ORTH": {"IN": sorted(w for w, unit in rules.actor_heads().items() if unit)}}
    rows = [json.loads(line) for line in lines if line.strip()]
    return tuple({**row, "pattern": [units if t == UNIT_HEAD else t for t in row["pattern"]]} for row in rows)


def unit_norm(span: Span) -> str:
    """"CTF-50", "CTF 50" and "Combined Task Force 50" are one name."""
    text = re.sub(r"\s+", " ", span.text)
    m = re.match(r"^([A-Z]+)[\s-]+(\d.*)$", text)
    if m and m.group(1) in abbreviations():
        return f"{abbreviations()[m.group(1)]} {m.group(2)}"
    return re.sub(r"\s*-\s*(?=\d)", " ", text)


# --- people ---------------------------------------------------------------------------

class People:
    """Full names of the people met so far, by surname (and, for names written family
    name first such as "Kim Jong-un", by first word), to resolve later surnames."""

    def __init__(self) -> None:
        self.by_surname: dict[str, str] = {}
        self.by_first: dict[str, str] = {}

    def add(self, name: str) -> None:
        words = [w for w in name.split() if w not in rules.SURNAME_SUFFIXES]
        if len(words) < 2 or len(rules.surname_key(words[-1])) < 3:
            return
        self.by_surname.setdefault(rules.surname_key(words[-1]), name)
        if re.search(r"-[a-z]", words[-1]):
            self.by_first.setdefault(rules.surname_key(words[0]), name)

    def full_name(self, word: str, tagged: bool) -> str | None:
        """The full name a lone word stands for; first words only when the word is
        tagged as a name."""
        key = rules.surname_key(word)
        if not key:
            return None
        return self.by_surname.get(key) or (self.by_first.get(key) if tagged else None)


def surname_spans(doc: Doc, people: People, taken: set[int], ner: list[Span], skip: list[tuple[int, int]]) -> list[Span]:
    """Every later capitalised word that is a known person's surname ("Abadi", "Asad"),
    but not inside the name of a thing ("the Carter Doctrine")."""
    if not people.by_surname:
        return []
    inside = {t.i for e in ner if e.label_ != "PERSON" and len(e) > 1 and rules.thing_name(e) for t in e}
    found = []
    for t in doc:
        if t.i in taken or t.i in inside or not t.is_title or in_ranges(t.idx, skip):
            continue
        norm = people.full_name(t.text, tagged=t.pos_ == "PROPN")
        if norm is None or block_kind(doc, doc[t.i : t.i + 1]) not in PROSE_BLOCKS:
            continue
        start = t.i - 2 if t.i >= 2 and doc[t.i - 1].text in {"-", "‑"} and doc[t.i - 2].lower_ in {"al", "el"} else t.i
        found.append(actor_span(doc, start, t.i + 1, norm))
    return found


# --- the statistical NER --------------------------------------------------------------

def in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in ranges)


def authored(ent: Span, authors: list[set[str]]) -> bool:
    """The document's author, or part of an author's name ("Kelley M." of "Sayler, Kelley M.")."""
    words = set(fold(ent.text).split())
    return bool(words) and any(words <= a for a in authors)


def looks_like_actor(ent: Span, authors: list[set[str]], places: set[int]) -> bool:
    """Whether a name the NER found (already cleaned) names an actor of the document."""
    doc = ent.doc
    key = fold(ent.text)
    if not key or block_kind(doc, ent) not in PROSE_BLOCKS or rules.not_prose(ent):
        return False
    if ent.label_ in BODY_LABELS and not (len(ent) > 1 and rules.actor_head(ent)):
        return False
    if authored(ent, authors) or key in language_names() or "language" in key:
        return False
    if any(c.isdigit() for c in ent.text) or "/" in ent.text or "@" in ent.text:
        return False
    if all(t.i in places or t.is_punct for t in ent):
        return False
    if any(t.i in places for t in ent) and not rules.actor_head(ent):
        return False  # "U.S. Strategic Command" is a body; "U.S.-Australia Relations" is not
    if rules.thing_name(ent) or rules.series_part(ent):
        return False
    if len(ent) == 1 and ent.label_ != "PERSON" and not (ent[0].is_title and ent.text in rules.named_alone() and not ent[0].is_sent_start):
        return False  # an acronym nobody defined, or a stray capitalised word ("Reports"); but "the Navy"
    if ent.label_ == "PERSON" and re.fullmatch(r"[A-Z]\.?", ent[-1].text):
        return False  # "Jared G.": the inverted name of a byline ("Tupuola, Jared G.")
    if not (ent[0].text[:1].isupper() or ent[0].lower_ in {"al", "el"}) or any(
        t.is_lower and t.lower_ not in rules.CONNECTORS and doc[t.i - 1].text not in {"-", "‑"} for t in ent[:-1]
    ) or (ent[-1].is_lower and ent[-1].text.title() not in rules.actor_heads() and ent[-1].lower_ not in rules.CONNECTORS):
        return False  # "Kabul & condole": a name is capitalised but for its connectors ("Kim Jong-un")
    if ent.start > 0 and doc[ent.start - 1].lower_ == "near":
        return False  # "near Al Shadaddi": a place the gazetteer does not know
    window = doc[max(ent.sent.start, ent.start - 3) : ent.start]
    return not any(t.lower_ in PUBLICATION_CUES for t in window)


def widen(ent: Span, taken: set[int]) -> Span:
    """Capitalised words the NER left out of a name: a surname after a person's given
    names ("Seyed Abbas" Araghchi), the first words of a body after an actor's possessive
    (Europol's "Internet" Referral Unit), across "and" ("Rapid Capabilities and" Critical
    Technologies Office)."""
    doc = ent.doc

    def loose(i: int, crossing: bool = False) -> bool:
        t = doc[i]  # across a connector, the NER may have cut the first words as a name of their own
        return t.i not in taken and t.ent_type_ in ({"", "ORG"} if crossing else {""}) and t.pos_ == "PROPN" and t.is_title

    start, end = ent.start, ent.end
    while end > start and doc[end - 1].is_space:
        end -= 1
    if ent.label_ == "PERSON":
        while end < len(doc) and loose(end):
            end += 1
    else:
        crossed = False
        while start > 0 and not doc[start - 1].is_sent_start:
            if loose(start - 1, crossed):
                start -= 1
            elif start > 1 and doc[start - 1].lower_ == "and" and loose(start - 2, crossing=True):
                start, crossed = start - 2, True
            else:
                break
    return Span(doc, start, end, label=ent.label_)


def with_common_head(ent: Span, places: set[int]) -> Span:
    """A name before a lowercase body word is that body: "the al-Karrar office", "the
    Sinaloa cartel" (not "an American company" or "Arab forces": a nationality or an
    ethnic group is not a name)."""
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    if not len(ent):  # cleaning can leave nothing of a name ("the ..."): nothing to widen
        return ent
    if (not (ent.label_ == "ORG" or (ent.label_ == "NORP" and ent[0].lower_ in {"al", "el"})) or after is None or not after.is_lower or after.pos_ != "NOUN"
            or after.text.title() not in rules.actor_heads() or any(t.i in places for t in ent)
            or any(s.label_ == gz.DEMONYM and s.start == ent.start for s in doc.spans.get(GAZETTEER_KEY, []))):
        return ent
    return Span(doc, ent.start, ent.end + 1, label="ORG")


def titled(ent: Span) -> bool:
    """A lone name after a title ("President Trump") is a person, not a stray word."""
    return ent.start > 0 and ent.doc[ent.start - 1].text in rules.trim_words()["start"]


def appositive_people(doc: Doc, matches: list[tuple[str, int, int]]) -> list[Span]:
    """Names the NER missed, known as people by their apposition ("Ned Price, spokesman")
    or a ruler's title ("King Nebuchadnezzar II")."""
    found = []
    for rule, start, end in matches:
        if rule == "person, title":
            comma = next(t.i for t in doc[start:end] if t.text == ",")
            found.append(Span(doc, start, comma, label="PERSON"))
        elif rule == "ruler":
            found.append(Span(doc, start + 1, end, label="PERSON"))
    return found


def defines_thing(ent: Span, things: set[str]) -> bool:
    """A name made of a thing's acronym ("Typhon MRC", "MRC units") or standing before it
    as its long form ("Overhead Persistent Infrared and Resilient (OPIR)")."""
    doc = ent.doc
    before = ent.end + 1 < len(doc) and doc[ent.end].text == "(" and doc[ent.end + 1].text in things
    return before or any(t.text in things for t in ent)


class ActorFinder:
    """The spaCy component; built once per pipeline so the unit patterns compile once.
    ``names`` is the actor gazetteer (claimtrail's and a user's files) it knows."""

    def __init__(self, nlp: Language, names: ActorNames) -> None:
        self.names = names
        self.matcher = Matcher(nlp.vocab)
        for row in pattern_rows():
            self.matcher.add(row["id"], [row["pattern"]])

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        return [(doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc)]

    @staticmethod
    def units(doc: Doc, matches: list[tuple[str, int, int]]) -> list[Span]:
        spans = [doc[s:e] for rule, s, e in matches if rule not in PEOPLE_RULES]
        return [actor_span(doc, s.start, s.end, unit_norm(s)) for s in filter_spans(spans)]

    def __call__(self, doc: Doc) -> Doc:
        ctx = context(doc)
        skip = rules.boilerplate_ranges(doc)
        places = {t.i for key in ("country", "region") for s in doc.spans.get(key, []) for t in s}
        ner = list(doc.ents)
        named = gazetteer_spans(doc, places)
        defined, things = acronym_spans(doc, ner, places, skip, self.names.known)
        found = defined + named + broken_name_spans(doc, self.names.known)
        matches = self.matches(doc)
        found += affiliate_spans(doc, named, self.names) + institution_spans(doc, self.names.known) + self.units(doc, matches)
        found = [s for s in found if not in_ranges(s.start_char, skip)]
        authors = [set(fold(a).split()) for a in ctx.authors]
        people = People()
        for span in found:
            if self.names.records.get(span._.norm, {}).get("type") == "person":
                people.add(span._.norm)
        taken = {t.i for s in found for t in s}
        singles: list[Span] = []
        for ent in sorted(ner + appositive_people(doc, matches), key=lambda e: e.start):
            if ent.label_ not in NER_LABELS | BODY_LABELS or in_ranges(ent.start_char, skip):
                continue
            ent = with_common_head(clean(widen(ent, taken)), places)
            while len(ent) and ent[0].i in taken:  # "Director of National Intelligence Tulsi Gabbard"
                ent = Span(doc, ent.start + 1, ent.end, label=ent.label_)
            if not len(ent) or any(t.i in taken for t in ent) or defines_thing(ent, things) or not looks_like_actor(ent, authors, places):
                continue
            if ent.label_ == "PERSON" and len(ent) == 1:
                singles.append(ent)
                continue
            actor = actor_span(doc, ent.start, ent.end, self.names.known.get(fold(ent.text), POSSESSIVE.sub("", ent.text)))
            if ent.label_ == "PERSON":
                people.add(actor._.norm)
            found.append(actor)
            taken |= {t.i for t in ent}
        for ent in singles:
            norm = people.full_name(ent.text, tagged=True) or (POSSESSIVE.sub("", ent.text) if titled(ent) else None)
            if norm is not None and not any(t.i in taken for t in ent):
                found.append(actor_span(doc, ent.start, ent.end, norm))
                taken |= {t.i for t in ent}
        found += surname_spans(doc, people, taken, ner, skip)
        doc.spans["actor"] = sorted(filter_spans(found), key=lambda s: s.start)
        return doc


@Language.factory("claimtrail_actors", default_config={"actor_gazetteers": []})
def make_actor_finder(nlp: Language, name: str, actor_gazetteers: list[str]) -> ActorFinder:
    """``actor_gazetteers``: a user's JSONL files on top of ``data/actors.jsonl``; give the
    gazetteer rulers the same files."""
    return ActorFinder(nlp, actor_names(gz.actor_files(actor_gazetteers)))
