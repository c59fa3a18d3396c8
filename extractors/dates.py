"""Find dates in text and normalise them to inclusive ISO intervals.

Finding spans is the rules' job (``data/dates.jsonl``: one regular expression per form,
tried in order); this module only turns a match into an interval. Partial and relative
dates ("August 28", "in March", "last year") are anchored to the document's publication
date and dropped when there is none, because a guessed year is worse than no date.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from text_to_num import text2num

from claimtrail.extractors.context import context
from claimtrail.extractors.counts import rules as count_rules

DATA = Path(__file__).parent / "data"

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 14)}
PARTS = {
    "early": (1, 4), "the beginning of": (1, 3), "the start of": (1, 3),
    "mid": (5, 8), "the middle of": (5, 8), "late": (9, 12), "the end of": (10, 12),
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass(frozen=True, slots=True)
class DateSpan:
    start_char: int
    end_char: int
    start: date
    end: date
    kind: str = ""

    @property
    def norm(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class DateRule:
    kind: str
    pattern: re.Pattern[str]


@cache
def load_rules(path: Path = DATA / "dates.jsonl") -> tuple[DateRule, ...]:
    rules: list[DateRule] = []
    vocab: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if "vocabulary" in entry:
            vocab = entry["vocabulary"]
        elif "regex" in entry:
            source = entry["regex"]
            for name, value in vocab.items():
                source = source.replace("{" + name + "}", value)
            flags = re.IGNORECASE if "i" in entry.get("flags", "") else 0
            rules.append(DateRule(entry["kind"], re.compile(source, flags)))
    return tuple(rules)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months(year: int, first: int, last: int) -> tuple[date, date]:
    """Interval from the first day of ``first`` to the last day of ``last`` (may pass 12)."""
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return date(year, first, 1), month_end(end_year, end_month)


def full_year(two_or_four: str, base: int) -> int:
    """'19' after 2018 is 2019; '2021' is itself."""
    if len(two_or_four) == 4:
        return int(two_or_four)
    century = base - base % 100
    year = century + int(two_or_four)
    return year + 100 if year < base else year


def month_number(text: str) -> int:
    return MONTHS[text.rstrip(".").lower()]


def anchor_month(month: int, published: date) -> int:
    """The year of the latest such month not after publication."""
    return published.year if month <= published.month else published.year - 1


def normalise(kind: str, m: re.Match[str], published: date | None) -> list[tuple[int, int, date, date]]:
    """Intervals for one match: usually one, two for "February and April 2020"."""
    g = m.groupdict()
    whole = m.span("span") if "span" in g else m.span()
    if kind == "iso_day":
        d = date(int(g["y"]), int(g["m"]), int(g["d"]))
        return [(*whole, d, d)]
    if kind == "day":
        d = date(int(g["y"]), month_number(g["month"]), int(re.sub(r"\D", "", g["day"])))
        return [(*whole, d, d)]
    if kind == "month":
        start, end = months(int(g["y"]), month_number(g["month"]), month_number(g["month"]))
        return [(*whole, start, end)]
    if kind == "month_span":
        # "August 2018-19": a twelve-month reporting year starting in that month.
        first, year = month_number(g["month"]), int(g["y"])
        last_year = full_year(g["y2"], year)
        if last_year <= year:
            return []
        start = date(year, first, 1)
        end = month_end(last_year, first - 1) if first > 1 else date(last_year - 1, 12, 31)
        return [(*whole, start, end)]
    if kind == "month_range":
        m1, m2 = month_number(g["month"]), month_number(g["month2"])
        y2 = int(g["y2"])
        y1 = int(g["y"]) if g["y"] else (y2 if m1 <= m2 else y2 - 1)
        connector = m.group(0)[m.end("month") - m.start() : m.start("month2") - m.start()]
        if not g["lead"] and re.search(r"\b(and|or)\b", connector):
            first = m.span("y") if g["y"] else m.span("month")
            return [
                (m.start("month"), first[1], *months(y1, m1, m1)),
                (m.start("month2"), m.end(), *months(y2, m2, m2)),
            ]
        return [(*whole, date(y1, m1, 1), month_end(y2, m2))]
    if kind == "season":
        year = int(g["y"])
        first = SEASONS[g["season"].lower()][0]
        last = SEASONS[(g["season2"] or g["season"]).lower()][1]
        return [(*whole, *months(year, first, last))]
    if kind == "part":
        first, last = PARTS[g["part"].lower()]
        return [(*whole, *months(int(g["y"]), first, last))]
    if kind == "half":
        half = ORDINALS[g["ord"].lower()]
        return [(*whole, *months(int(g["y"]), 6 * half - 5, 6 * half))]
    if kind == "quarter":
        q = int(g["q"]) if g.get("q") else ORDINALS[g["ord"].lower()]
        return [(*whole, *months(int(g["y"]), 3 * q - 2, 3 * q))]
    if kind == "decade":
        y = int(g["y"])
        return [(*whole, date(y, 1, 1), date(y + 9, 12, 31))]
    if kind == "year_span":
        y1 = int(g["y"])
        y2 = full_year(g["y2"], y1)
        if not y1 < y2 <= y1 + 30:
            return []
        return [(*whole, date(y1, 1, 1), date(y2, 12, 31))]
    if kind == "year":
        y = int(g["y"])
        return [(*whole, date(y, 1, 1), date(y, 12, 31))]
    if published is None:
        return []
    if kind == "month_day":
        month, day = month_number(g["month"]), int(re.sub(r"\D", "", g["day"]))
        year = anchor_month(month, published)
        try:
            d = date(year, month, day)
        except ValueError:
            return []
        return [(*whole, d, d)]
    if kind == "month_alone":
        month = month_number(g["month"])
        return [(*whole, *months(anchor_month(month, published), month, month))]
    if kind == "relative":
        return [(*whole, *relative(g["rel"].lower(), published))]
    if kind in ("ago", "past_n"):
        n = int(g["n"]) if g["n"].isdigit() else text2num(g["n"].lower(), "en")
        unit = g["unit"].lower().rstrip("s")
        back = shift(published, n, unit)
        if kind == "past_n":
            return [(*whole, back, published)]
        if unit == "year":
            return [(*whole, *months(back.year, 1, 12))]
        if unit == "month":
            return [(*whole, *months(back.year, back.month, back.month))]
        return [(*whole, back, back)]
    raise ValueError(f"unknown date rule kind {kind!r}")


def shift(day: date, n: int, unit: str) -> date:
    """``day`` moved back by n years, months, weeks or days (clamped to the month's end)."""
    if unit in ("day", "week"):
        return date.fromordinal(day.toordinal() - n * (7 if unit == "week" else 1))
    total = day.year * 12 + day.month - 1 - n * (12 if unit == "year" else 1)
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def relative(phrase: str, published: date) -> tuple[date, date]:
    y, mo = published.year, published.month
    table = {
        "last year": months(y - 1, 1, 12),
        "past year": (date(y - 1, mo, 1), published),
        "this year": months(y, 1, 12),
        "earlier this year": (date(y, 1, 1), published),
        "later this year": (published, date(y, 12, 31)),
        "next year": months(y + 1, 1, 12),
        "last month": months(y if mo > 1 else y - 1, (mo - 2) % 12 + 1, (mo - 2) % 12 + 1),
        "this month": months(y, mo, mo),
        "earlier this month": (date(y, mo, 1), published),
        "last week": (date.fromordinal(published.toordinal() - 7), published),
        "this week": (published, published),
    }
    return table[phrase]


def find_dates(text: str, published: date | None) -> list[DateSpan]:
    """All date spans of ``text``; where rule matches overlap, the longest wins."""
    matches: list[tuple[int, int, int, int, list[DateSpan]]] = []
    for priority, rule in enumerate(load_rules()):
        for m in rule.pattern.finditer(text):
            try:
                spans = [DateSpan(*s, rule.kind) for s in normalise(rule.kind, m, published)]
            except (ValueError, KeyError):
                continue
            if spans:
                matches.append((m.start() - m.end(), priority, m.start(), m.end(), spans))
    taken: list[DateSpan] = []
    covered: list[tuple[int, int]] = []
    for _, _, start, end, spans in sorted(matches, key=lambda c: c[:3]):
        if not any(start < e and s < end for s, e in covered):
            covered.append((start, end))
            taken.extend(spans)
    return sorted(taken, key=lambda s: s.start_char)


def looks_like_year(span: Span) -> bool:
    """A bare four-digit number is a year unless it names or counts something."""
    doc = span.doc
    before = doc[span.start - 1] if span.start else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is not None and before.lower_ in count_rules()["before"]:
        return False  # "Resolution 2049", "Flight 2010"
    return not (after is not None and after.tag_ == "NNS" and after.lower_ not in count_rules()["durations"])


@Language.component("claimtrail_dates")
def dates(doc: Doc) -> Doc:
    found = []
    for d in find_dates(doc.text, context(doc).published):
        span = doc.char_span(d.start_char, d.end_char, label="date", alignment_mode="expand")
        if span is None or (d.kind == "year" and not looks_like_year(span)):
            continue
        span._.norm = d.norm
        found.append(span)
    doc.spans["date"] = found
    return doc
