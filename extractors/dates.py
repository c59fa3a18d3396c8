"""Find dates in text and normalise them to inclusive ISO intervals.

Finding spans is the rules' job (``data/dates.jsonl``: one regular expression per form,
tried in order); this module only turns a match into an interval. Partial dates ("August
28", "in March", "October 7-8") take their year from context (``context_year``): a year
written earlier in their paragraph, else the report year (a year in the title), else the
publication date, else the nearest year written anywhere before them. Relative dates
("last year", "two years ago", "on Monday") are read against the date of their quotation
or dated paragraph ("WASHINGTON, June 5, 2023 —"), else the publication date. A date with
no anchor at all is dropped, because a guessed year is worse than none.

Fiscal years ("FY2026", "fiscal year 2027", "FY2026–FY2030") are named for the calendar
year they end in; where they start is the component's ``fiscal_year_start`` option
("MM-DD"): "10-01" for the U.S. federal government (the default: FY2026 is 1 October 2025
to 30 September 2026), "04-01" for the United Kingdom, "07-01" for Australia, "01-01"
where the fiscal year is the calendar year.
"""

from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from text_to_num import text2num

from claimtrail.extractors import tables
from claimtrail.extractors.context import context, text_of
from claimtrail.extractors.counts import rules as count_rules
from claimtrail.extractors.identifiers import cues as identifier_cues

DATA = Path(__file__).parent / "data"

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 14)}
PARTS = {
    "early": (1, 4), "the beginning of": (1, 3), "the start of": (1, 3),
    "mid": (5, 8), "the middle of": (5, 8), "late": (9, 12), "the end of": (10, 12),
}
# Days of a month that "early March", "mid-March" and "late March" cover (clamped to its end).
# "by the end of March" is a deadline, not a part of the month, and is not read as one.
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Years of a decade that "the early/mid/late 1990s" cover.
DECADE_PARTS = {
    "early": (0, 3), "the beginning of the": (0, 3), "the start of the": (0, 3),
    "mid": (3, 6), "the middle of the": (3, 6), "late": (7, 9), "the end of the": (7, 9),
}
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
FINAL = {"last", "final", "latter"}  # the last share of a year, whatever its size
# Forms whose written year anchors the partial dates after them ("In 2019 ... On March 3").
YEAR_ANCHORS = {"iso_day", "day", "numeric_day", "day_range", "month", "month_part", "month_range", "season", "part", "half", "quarter", "year"}
# Forms that may need context: left unresolved until every full date is known.
CONTEXT_KINDS = {
    "day_range", "month_day", "month_alone", "month_part_alone", "quarter_alone", "half_alone", "part_alone",
    "relative", "ago", "past_n", "weekday",
}
# Forms that date a quotation or a paragraph they open.
DAY_KINDS = {"iso_day", "day", "numeric_day"}
# Forms that date a quotation their paragraph introduces ("In June 2023, the Army reported:").
LEAD_IN_KINDS = DAY_KINDS | {"month"}
US_FISCAL_YEAR_START = (10, 1)


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


@dataclass(frozen=True, slots=True)
class DateRules:
    rules: tuple[DateRule, ...]
    year: re.Pattern[str]  # a bare four-digit year, as the rules spell it
    paragraph_date_prefix: re.Pattern[str]
    year_anchor_words: frozenset[str]  # "in 2019" sets the narrative's year; "the 1994 bombings" not


@dataclass(frozen=True, slots=True)
class Anchor:
    """What a match is read against: nothing, for a full date; context, for a partial one."""

    year: int | None = None  # the nearest explicit year before it, else the report year
    published: date | None = None
    reference: date | None = None  # the date of its quotation or paragraph, else published
    fiscal_start: tuple[int, int] = US_FISCAL_YEAR_START


@cache
def load_rules(path: Path = DATA / "dates.jsonl") -> DateRules:
    rules: list[DateRule] = []
    vocab: dict[str, str] = {}
    prefix = "^$"
    anchor_words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if "vocabulary" in entry:
            vocab = entry["vocabulary"]
        elif "paragraph_date_prefix" in entry:
            prefix = entry["paragraph_date_prefix"]
        elif "year_anchor_words" in entry:
            anchor_words = entry["year_anchor_words"]
        elif "regex" in entry:
            source = entry["regex"]
            for name, value in vocab.items():
                source = source.replace("{" + name + "}", value)
            flags = re.IGNORECASE if "i" in entry.get("flags", "") else 0
            rules.append(DateRule(entry["kind"], re.compile(source, flags)))
    year = re.compile(rf"(?<![\w$#.,§-]){vocab['YEAR']}(?![\w-])")
    return DateRules(tuple(rules), year, re.compile(prefix), frozenset(anchor_words))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months(year: int, first: int, last: int) -> tuple[date, date]:
    """Interval from the first day of ``first`` to the last day of ``last`` (either may pass 12)."""
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return date(year + (first - 1) // 12, (first - 1) % 12 + 1, 1), month_end(end_year, end_month)


def share(g: dict[str, str | None], parts: int) -> tuple[int, int]:
    """The first and last month (1-12) of the quarter (``parts`` 4) or half (2) a match
    names: "Q3", "3Q", "the second half", "the final quarter"."""
    word = (g.get("ord") or "").lower()
    index = int(g.get("q") or g.get("q2") or 0) or (parts if word in FINAL else ORDINALS[word])
    size = 12 // parts
    return size * (index - 1) + 1, size * index


def share_of_year(m: re.Match[str], parts: int, anchor: Anchor) -> tuple[date, date] | None:
    """A quarter or half of its calendar year (group ``y``) or, where it names a fiscal year
    ("Q1 FY2026", group ``fy``), of that fiscal year, counted from the month it starts in;
    "Q3 2025-Q1 2026" runs to the end of the second quarter (group ``qe``, year ``y2``), and
    a range that runs backwards is None."""
    g = m.groupdict()
    first, last = share(g, parts)
    if g.get("fy"):
        start = fiscal_year(g["fy"], anchor.fiscal_start)[0]
        return months(start.year, first + start.month - 1, last + start.month - 1)
    interval = months(int(g["y"]), first, last)
    if g.get("qe"):
        end = months(int(g["y2"]), *share({"q": g["qe"]}, parts))[1]
        return (interval[0], end) if end > interval[1] else None
    return interval


def month_part(part: str, year: int, month: int) -> tuple[date, date]:
    """"late May 2021": the days of the month ``part`` covers."""
    first, last = MONTH_PARTS[part.lower()]
    return date(year, month, first), date(year, month, min(last, month_end(year, month).day))


def full_year(two_or_four: str, base: int) -> int:
    """'19' after 2018 is 2019; '2021' is itself."""
    if len(two_or_four) == 4:
        return int(two_or_four)
    century = base - base % 100
    year = century + int(two_or_four)
    return year + 100 if year < base else year


def month_number(text: str) -> int:
    return MONTHS[text.rstrip(".").lower()]


def day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def anchor_month(month: int, published: date) -> int:
    """The year of the latest such month not after publication."""
    return published.year if month <= published.month else published.year - 1


def year_of(month: int, anchor: Anchor) -> int | None:
    """The year of a month written without one: from context, else from publication."""
    if anchor.year is not None:
        return anchor.year
    return anchor_month(month, anchor.published) if anchor.published else None


def fiscal_year(label: str, start: tuple[int, int]) -> tuple[date, date]:
    """FY ``label`` ("2026", "26", "FY 2027") is the fiscal year ending in that calendar year."""
    digits = re.sub(r"\D", "", label)
    year = int(digits) if len(digits) == 4 else full_year(digits, 1950)
    month, day = start
    first = date(year, month, day) if (month, day) == (1, 1) else date(year - 1, month, day)
    following = date(first.year + 1, month, day)
    return first, following - timedelta(days=1)


def coordinated(m: re.Match[str], first: str, second: str) -> bool:
    """"May 2 and July 15" names two dates; "between May 2 and July 15" one interval."""
    g = m.groupdict()
    if g.get("lead") or not g.get(second):
        return False
    return re.search(r"\b(?:and|or)\b", m.string[m.end(first) : m.start(second)]) is not None


def pair(m: re.Match[str], first: str, second: str, one: tuple[date, date], two: tuple[date, date]) -> list:
    """Two intervals for a coordinated match, split where the first date's words end."""
    return [(m.start(), m.end(first), *one), (m.start(second), m.end(), *two)]


def last_group(m: re.Match[str], names: tuple[str, ...]) -> str:
    """The name of the group, among ``names``, that ends last in the match."""
    return max((n for n in names if m.group(n)), key=m.end)


def normalise(kind: str, m: re.Match[str], anchor: Anchor) -> list[tuple[int, int, date, date]]:
    """Intervals for one match: usually one, two for "February and April 2020"."""
    g = m.groupdict()
    whole = m.span("span") if "span" in g else m.span()
    if kind == "iso_day":
        d = date(int(g["y"]), int(g["m"]), int(g["d"]))
        return [(*whole, d, d)]
    if kind == "day":
        d = date(int(g["y"]), month_number(g["month"]), day_number(g["day"]))
        return [(*whole, d, d)]
    if kind == "numeric_day":
        # "04/21/2026" is month first, as U.S. documents write it, unless the first cannot be one.
        first, second = int(g["a"]), int(g["b"])
        month, day = (second, first) if first > 12 else (first, second)
        d = date(int(g["y"]), month, day)
        return [(*whole, d, d)]
    if kind == "day_range":
        return day_range(m, anchor)
    if kind == "fiscal":
        first = fiscal_year(g["y"], anchor.fiscal_start)
        last = fiscal_year(g["y2"], anchor.fiscal_start) if g["y2"] else first
        if not first[0] <= last[0] <= first[0].replace(year=first[0].year + 30):
            return []
        if coordinated(m, "y", "y2"):  # "FY2025 and FY2026" names two years, as "2022 and 2023" does
            return pair(m, "y", "y2", first, last)
        return [(*whole, first[0], last[1])]
    if kind == "fiscal_list":
        # "fiscal years 2024, 2025, and 2026": each year its own interval, as "FY2025 and FY2026".
        return [
            (m.start() + y.start(), m.start() + y.end(), *fiscal_year(y.group(), anchor.fiscal_start))
            for y in re.finditer(r"(?:FY ?)?[0-9]{2,4}", m.group())
        ]
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
        if coordinated(m, "month", "month2"):
            return pair(m, last_group(m, ("month", "y")), "month2", months(y1, m1, m1), months(y2, m2, m2))
        return [(*whole, date(y1, m1, 1), month_end(y2, m2))]
    if kind == "season":
        year = int(g["y"])
        first = SEASONS[g["season"].lower()][0]
        last = SEASONS[(g["season2"] or g["season"]).lower()][1]
        return [(*whole, *months(year, first, last))]
    if kind == "part":
        first, last = PARTS[g["part"].lower()]
        return [(*whole, *months(int(g["y"]), first, last))]
    if kind in ("half", "quarter"):
        return [(*whole, *interval)] if (interval := share_of_year(m, 2 if kind == "half" else 4, anchor)) else []
    if kind == "month_part":
        return [(*whole, *month_part(g["part"], int(g["y"]), month_number(g["month"])))]
    if kind == "decade":
        # "the '90s" is the 1990s, "the '20s" the 2020s: two digits read from 1930 on.
        y = int(g["y"]) if g["y"] else full_year(g["yy"], 1930)
        first, last = DECADE_PARTS[g["part"].lower()] if g["part"] else (0, 9)
        return [(*whole, date(y + first, 1, 1), date(y + last, 12, 31))]
    if kind == "century":
        # "the 19th century" as readers use it: 1800-1899, like "the 1990s". Without its
        # article the ordinal is an adjective ("21st century warfare"), not a time.
        first = (int(g["c"]) - 1) * 100
        return [(*whole, date(first, 1, 1), date(first + 99, 12, 31))]
    if kind == "year_span":
        y1 = int(g["y"])
        y2 = full_year(g["y2"], y1)
        if not y1 < y2 <= y1 + 30:
            return []
        return [(*whole, date(y1, 1, 1), date(y2, 12, 31))]
    if kind == "year":
        y = int(g["y"])
        return [(*whole, date(y, 1, 1), date(y, 12, 31))]
    if kind == "month_day":
        month = month_number(g["month"])
        year = year_of(month, anchor)
        if year is None:
            return []
        d = date(year, month, day_number(g["day"]))
        return [(*whole, d, d)]
    if kind == "quarter_alone":
        # "the second quarter", "in Q3": of the year the context gives, else the latest such
        # quarter begun by publication (a bare "Q3" in a table header is no date: the rule
        # wants "in Q3").
        first, last = share(g, 4)
        year = year_of(first, anchor)
        return [] if year is None else [(*whole, *months(year, first, last))]
    if kind in ("half_alone", "part_alone"):
        # "the second half of the year", "by the end of the year": the year of the context,
        # else the year the text speaks in (a speech's "by the end of the year" looks ahead).
        first, last = share(g, 2) if kind == "half_alone" else PARTS[g["part"].lower()]
        spoken = anchor.reference.year if anchor.reference else None
        year = anchor.year if anchor.year is not None else spoken
        return [] if year is None else [(*whole, *months(year, first, last))]
    if kind == "month_part_alone":
        month = month_number(g["month"])
        year = year_of(month, anchor)
        return [] if year is None else [(*whole, *month_part(g["part"], year, month))]
    if kind == "month_alone":
        month = month_number(g["month"])
        year = year_of(month, anchor)
        return [] if year is None else [(*whole, *months(year, month, month))]
    if anchor.reference is None:
        return []
    if kind == "relative":
        return [(*whole, *relative(g["rel"].lower(), anchor.reference))]
    if kind in ("ago", "past_n"):
        return [(*whole, *ago(kind, g["n"], g["unit"], anchor.reference))]
    if kind == "weekday":
        # "on Monday" in a report is the latest Monday on or before the day it speaks from.
        back = (anchor.reference.weekday() - WEEKDAYS[g["weekday"].lower()]) % 7
        d = anchor.reference - timedelta(days=back)
        return [(*whole, d, d)]
    raise ValueError(f"unknown date rule kind {kind!r}")


def day_range(m: re.Match[str], anchor: Anchor) -> list[tuple[int, int, date, date]]:
    """"October 7-8, 2023", "7–8 October", "between May 2 and July 15": one interval.

    A side without its month or year takes the other's; with neither year written, the
    first day takes its year from context and the second follows it.
    """
    g = m.groupdict()
    m1 = month_number(g.get("month") or g["month2"])
    m2 = month_number(g.get("month2") or g["month"])
    d1, d2 = day_number(g["day"]), day_number(g["day2"])
    forward = (m1, d1) <= (m2, d2)
    if g.get("y"):
        y1 = int(g["y"])
        y2 = int(g["y2"]) if g.get("y2") else y1 + (not forward)
    elif g.get("y2"):
        y2 = int(g["y2"])
        y1 = y2 - (not forward)
    else:
        found = year_of(m1, anchor)
        if found is None:
            return []
        y1, y2 = found, found + (not forward)
    start, end = date(y1, m1, d1), date(y2, m2, d2)
    if g.get("month") and g.get("month2"):
        first = last_group(m, ("month", "day", "y"))
        second = min(("month2", "day2"), key=m.start)
        if coordinated(m, first, second):
            return pair(m, first, second, (start, start), (end, end))
    if end < start:
        return []
    return [(m.start(), m.end(), start, end)]


def ago(kind: str, n_text: str, unit_text: str, reference: date) -> tuple[date, date]:
    """"two years ago" is that calendar year; "the past 18 months" runs up to ``reference``."""
    n = int(n_text) if n_text.isdigit() else text2num(n_text.lower(), "en")
    unit = unit_text.lower().rstrip("s")
    back = shift(reference, n, unit)
    if kind == "past_n":
        return back, reference
    if unit == "year":
        return months(back.year, 1, 12)
    if unit == "month":
        return months(back.year, back.month, back.month)
    return back, back


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
        "yesterday": (published - timedelta(days=1),) * 2,
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


def report_year(title: str | None) -> int | None:
    """The year a report is about, from its title ("Country Reports on Terrorism 2019")."""
    years = [int(y) for y in load_rules().year.findall(title or "")]
    return max(years) if years else None


def parse_fiscal_start(text: str) -> tuple[int, int]:
    """"10-01" -> (10, 1); checked against a leap year so that "02-29" is refused too."""
    month, day = (int(part) for part in text.split("-"))
    date(2001, month, day)
    return month, day


def not_a_year(text: str, start: int, end: int) -> bool:
    """A number after an identifier word ("Section 1001", "H.R. 2670", "§ 2301") or before
    a time zone or "hours" ("2000 GMT"): the cue words not_counts.csv gives the counts too."""
    before = text[max(0, start - 30) : start].split()
    after = text[end : end + 30].split()
    cues = identifier_cues()
    follows = after[0].lower() if after else ""
    return bool(before) and before[-1].lstrip("([{\"'“‘").lower() in cues["before"] or (
        follows in cues["after"] or follows.rstrip(".,;:)") in cues["after"]
    )


@dataclass(slots=True)
class Found:
    """A selected match: its rule and, once normalised, its intervals."""

    start: int
    end: int
    kind: str
    match: re.Match[str]
    spans: list[DateSpan] = field(default_factory=list)

    def explicit_year(self) -> int | None:
        """The year this date writes out, if it sets the year of the partial dates after it."""
        written = [self.match.group(n) for n in ("y", "y2") if self.match.groupdict().get(n)]
        years = [int(y) for y in written if len(y) == 4]
        if self.kind not in YEAR_ANCHORS or not years or not self.spans:
            return None
        if self.kind == "year":
            before = self.match.string[max(0, self.start - 20) : self.start].split()
            if not before or before[-1].lower().rstrip("-") not in load_rules().year_anchor_words:
                return None
        return years[-1]


def candidates(text: str, is_year: Callable[[int, int], bool], fiscal_start: tuple[int, int]) -> list[Found]:
    """Every rule match, the longest first; full dates already normalised, partial ones not."""
    matches: list[tuple[int, int, Found]] = []
    for priority, rule in enumerate(load_rules().rules):
        for m in rule.pattern.finditer(text):
            if rule.kind == "year" and (not_a_year(text, m.start(), m.end()) or not is_year(m.start(), m.end())):
                continue
            found = Found(m.start(), m.end(), rule.kind, m)
            try:
                found.spans = [DateSpan(*s, rule.kind) for s in normalise(rule.kind, m, Anchor(fiscal_start=fiscal_start))]
            except (ValueError, KeyError):
                continue
            if found.spans or rule.kind in CONTEXT_KINDS:
                matches.append((m.start() - m.end(), priority, found))
    matches.sort(key=lambda c: (c[0], c[1], c[2].start))
    return [found for *_, found in matches]


def find_dates(
    text: str,
    published: date | None,
    *,
    report_year: int | None = None,
    fiscal_year_start: tuple[int, int] = US_FISCAL_YEAR_START,
    paragraphs: list[tuple[int, int]] | None = None,
    is_year: Callable[[int, int], bool] = lambda start, end: True,
) -> list[DateSpan]:
    """All date spans of ``text``; where rule matches overlap, the longest wins.

    ``paragraphs`` are (start, end) offsets (default: the text's lines); ``is_year`` lets
    the caller veto a bare four-digit number with what it knows of the tokens ("2023 people").
    """
    taken: list[Found] = []
    for found in candidates(text, is_year, fiscal_year_start):
        if not any(found.start < t.end and t.start < found.end for t in taken):
            taken.append(found)
    taken.sort(key=lambda f: f.start)
    bounds = paragraphs if paragraphs is not None else line_bounds(text)
    years = [
        (f.start, year) for f in taken
        if (year := f.explicit_year()) is not None and not in_parentheses(text, f.start, bounds)
    ]
    dated = [s for f in taken for s in f.spans if f.kind in LEAD_IN_KINDS]
    for found in taken:
        if found.spans:
            continue
        anchor = Anchor(
            year=context_year(found.start, years, bounds, report_year, published),
            published=published,
            reference=reference_date(text, found.start, bounds, dated) or published,
            fiscal_start=fiscal_year_start,
        )
        try:
            found.spans = [DateSpan(*s, found.kind) for s in normalise(found.kind, found.match, anchor)]
        except (ValueError, KeyError):
            continue
    return [s for f in taken for s in f.spans]


def context_year(
    offset: int, years: list[tuple[int, int]], paragraphs: list[tuple[int, int]], report: int | None, published: date | None,
) -> int | None:
    """The year of a date written without one, by which context wins.

    An explicit year earlier in the same paragraph ("In 2021 ... on March 3"), else the
    report year, else None so that the publication date decides; with no publication date
    either, the nearest explicit year anywhere before it. A year in an earlier paragraph is
    too often background ("since the invasion in February 2022 ... On March 3") to beat the
    publication date.
    """
    before = years[: bisect_left(years, (offset,))]
    if before and before[-1][0] >= paragraph_start(offset, paragraphs):
        return before[-1][1]
    if report is not None or published is not None:
        return report
    return before[-1][1] if before else None


def paragraph_start(offset: int, paragraphs: list[tuple[int, int]]) -> int:
    return next((s for s, e in paragraphs if s <= offset < e), offset)


def in_parentheses(text: str, offset: int, paragraphs: list[tuple[int, int]]) -> bool:
    """An aside ("E.O. 14347 (dated September 5, 2025)") does not set the narrative's year."""
    lead = text[paragraph_start(offset, paragraphs) : offset]
    return lead.count("(") > lead.count(")")


def line_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for line in text.splitlines(keepends=True):
        bounds.append((start, start + len(line)))
        start += len(line)
    return bounds


def reference_date(text: str, offset: int, paragraphs: list[tuple[int, int]], dated: list[DateSpan]) -> date | None:
    """The date a relative expression at ``offset`` is spoken from, if its context gives one.

    Inside a quotation: the day named in the same paragraph nearest the quotation ("...
    earlier this year," she said on June 5, 2023). Elsewhere, or failing that: the day that
    opens the paragraph, after at most a dateline's place or "On"; else, for a paragraph
    quoted after a lead-in that ends in a comma or colon ("In June 2023, the Army
    reported,"), the last day or month that lead-in names.
    """
    index = next((i for i, (s, e) in enumerate(paragraphs) if s <= offset < e), None)
    if index is None:
        return None
    para = paragraphs[index]
    here = [d for d in dated if para[0] <= d.start_char < para[1] and d.kind in DAY_KINDS]
    lead = text[para[0] : offset]
    if lead.count('"') % 2 or lead.count("“") > lead.count("”"):
        if here:
            return min(here, key=lambda d: abs(d.start_char - offset)).start
    prefix = load_rules().paragraph_date_prefix
    opening = [d for d in here if d.start_char <= offset and prefix.match(text[para[0] : d.start_char])]
    if opening:
        return opening[0].start
    lead_start, lead_end = next((p for p in reversed(paragraphs[:index]) if text[p[0] : p[1]].strip()), (0, 0))
    lead_in = [d for d in dated if lead_start <= d.start_char < lead_end]
    return lead_in[-1].start if lead_in and text[lead_start:lead_end].rstrip().endswith((",", ":")) else None


class DateComponent:
    """The spaCy component: dates of the document, read in its context (see the module doc)."""

    def __init__(self, fiscal_year_start: str) -> None:
        self.fiscal_year_start = parse_fiscal_start(fiscal_year_start)

    def __call__(self, doc: Doc) -> Doc:
        ct = context(doc)
        found = []
        dates = find_dates(
            text_of(doc), ct.published, report_year=report_year(ct.title),
            fiscal_year_start=self.fiscal_year_start,
            paragraphs=[(b.start_char, b.end_char) for b in ct.blocks] or None,
            is_year=lambda start, end: names_no_thing(doc, start, end),
        )
        for d in dates:
            span = doc.char_span(d.start_char, d.end_char, label="date", alignment_mode="expand")
            if span is None:
                continue
            span._.norm = d.norm
            found.append(span)
        for span in tables.fiscal_year_cells(doc, found):  # "2024" under "Fiscal Year"
            span._.norm = "/".join(day.isoformat() for day in fiscal_year(span.text, self.fiscal_year_start))
        doc.spans["date"] = found
        return doc


def names_no_thing(doc: Doc, start_char: int, end_char: int) -> bool:
    """A bare four-digit number is no year when a plural noun follows: "2023 people"."""
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    after = doc[span.end] if span is not None and span.end < len(doc) else None
    return not (after is not None and after.tag_ == "NNS" and after.lower_ not in count_rules()["durations"])


@Language.factory("claimtrail_dates", default_config={"fiscal_year_start": "10-01"})
def make_dates(nlp: Language, name: str, fiscal_year_start: str) -> DateComponent:
    """``nlp.add_pipe("claimtrail_dates", config={"fiscal_year_start": "04-01"})`` for UK documents."""
    return DateComponent(fiscal_year_start)
