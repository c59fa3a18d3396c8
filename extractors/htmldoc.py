"""HTML -> canonical text: the article, not the page around it.

The page is decoded (BOM, declared charset, else UTF-8, else the detected encoding) and
parsed with lxml. Metadata is read from the whole page first (meta tags, JSON-LD, <time>,
byline and date boxes), because the elements that carry it are left out of the text.
Then the article is found:

1. What a browser never shows goes: scripts, styles, form controls, hidden elements.
2. Every element gets text statistics, children before parents. A *paragraph* (the text
   of a block element outside its nested blocks) is *prose* when it has 60 characters
   outside links and at most as many in them, or is a sentence without links. Prose in
   page furniture (nav, aside, footer, ARIA landmarks, class/id words such as "related",
   "share", "comments": ``data/html_furniture.csv``) counts a fifth; prose of a teaser
   card (a small box with a headline link above its blurb) does not count for the boxes
   around the card; image captions and credits (``<figure>``, ``<figcaption>``,
   class "caption"/"credit") are never prose.
3. The content root is the element with the most prose for the least other text: it
   maximises prose minus half its other text, its links outside prose and half its links
   inside prose (list items, table cells and headings cost nothing, so lists and tables
   stay). An <article> around it is taken when it scores nearly as well, and so are
   parents that only add a headline or a date line above it.
4. Inside the root, furniture, menus and boxes of links go; so does what comes before
   the first prose or after the last, level by level (galleries, share bars, tags, author
   boxes, teasers), except short sentences next to the prose and, above it, headings, the
   headline, date lines and bylines.
5. The root is walked into blocks: h1-h6 heading, p paragraph, li list_item, tr table_row
   (cells joined by " | "), figure captions and credits caption. Inline markup never adds
   or removes spaces: text flows exactly as a browser would show it. Blocks that are only
   a widget's label, a credit, a bare URL or a link to another story are dropped
   (``data/html_boilerplate.csv``). When the page carries its article in JSON-LD
   (``articleBody``) and the markup has less than half of it, the JSON-LD text is used.
6. The top blocks are typed: the headline (or the metadata title, added) ``title``,
   lines that only date the article ``dateline``, "By ..." lines ``byline``; the date
   and authors they give complete the metadata.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import unescape as html_unescape
from html.parser import HTMLParser
from importlib import resources
from urllib.parse import urljoin

from bs4 import UnicodeDammit
from bs4.dammit import EncodingDetector
from claimtrail.extractors.convert import (
    WRITTEN_DATE,
    DocBuilder,
    Inline,
    converter,
    dateline_date,
    is_boilerplate,
    parse_date,
    split_authors,
)
from claimtrail.extractors.sniff import decode_text
from claimtrail.schema.records import BlockKind, ConvertedDocument, RawDocument
from lxml import etree

Element = etree._Element
Stats = dict[Element, "_Stats"]
Items = list[tuple[BlockKind, Inline]]

_OWN_KIND: dict[str, BlockKind] = {
    **{f"h{i}": "heading" for i in range(1, 7)},
    "li": "list_item", "figcaption": "caption", "caption": "caption",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl", "dt",
    "dd", "table", "thead", "tbody", "tfoot", "figure", "header", "footer", "address",
    "details", "summary", "center", "fieldset", "hr", "body", "html", "nav", "aside", "form",
    "tr", "td", "th", "li", "figcaption", "caption", *_HEADINGS,
}
_DATA_TAGS = {"li", "td", "th", "dd", "dt", "tr", "pre"}  # short text here is data, not noise
_INVISIBLE = {"script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
              "canvas", "button", "select", "input", "textarea", "option", "dialog", "head",
              "link", "meta", "title", "map", "audio", "video", "math"}
_LAYOUT_IN_CELL = {"p", "table", "ul", "ol", "article", *_HEADINGS}
_FOOTNOTE = re.compile(r"^\W*\d{1,3}\W*$")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}  # elements without content or end tag
_LATIN1_ALIASES = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}


# ------------------------------------------------------------- decoding and parsing


def _decode(content: bytes) -> str:
    """Respect a BOM, then the declared charset; an undeclared one is detected as for
    plain text (:func:`~claimtrail.extractors.sniff.decode_text`: UTF-8, else detection).

    Declared Latin-1/ASCII is read as cp1252, as browsers do (WHATWG).
    """
    declared = EncodingDetector.find_declared_encoding(content, is_html=True)
    if not declared:
        return decode_text(content) or content.decode("cp1252", errors="replace")
    if declared.lower() in _LATIN1_ALIASES:
        declared = "windows-1252"
    dammit = UnicodeDammit(content, user_encodings=[declared, "utf-8", "windows-1252"],
                           is_html=True)
    if dammit.unicode_markup is None:
        return content.decode("cp1252", errors="replace")
    return dammit.unicode_markup


def _parse(text: str) -> Element | None:
    """The page's <html> element, from lxml's HTML parser (plain elements, no class lookups;
    a parser per call, as lxml parsers must not be shared between threads; ``huge_tree``,
    or libxml2 drops everything nested deeper than 256 elements)."""
    # lxml refuses a str that still carries an XML encoding declaration; NULs end its input.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.replace("\x00", ""))
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                              huge_tree=True)
    try:
        page = etree.fromstring(text, parser) if text.strip() else None
        if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
            page = etree.fromstring(_Shallow.markup(text), parser)  # too deep even for huge_tree
        return page
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


class _Shallow(HTMLParser):
    """Markup without the tags nested deeper than ``_MAX_DEPTH``, their text kept: libxml2
    stops reading a page nested 2,048 elements deep, even with ``huge_tree``.

    Elements open and close much as in libxml2: an end tag closes the elements opened after
    its own, and is ignored when no element of its name is open. Implied ends (an unclosed
    <p> before the next) are not modelled, so such a page counts deeper than libxml2 sees it:
    its structure goes sooner, its text never. What a browser never shows (scripts, styles,
    form controls) goes with its tags.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[str] = []
        self.opened: Counter[str] = Counter()
        self.invisible = 0  # open elements of _INVISIBLE whose tags are left out

    @classmethod
    def markup(cls, text: str) -> str:
        shallow = cls()
        shallow.feed(text)
        shallow.close()
        return "".join(shallow.out)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if len(self.open) < _MAX_DEPTH:
            self.out.append(self.get_starttag_text() or "")
        else:
            self.leave_out(tag, 1)
        if tag not in _VOID:
            self.open.append(tag)
            self.opened[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        while self.opened[tag]:
            name = self.open.pop()
            self.opened[name] -= 1
            if len(self.open) < _MAX_DEPTH:
                self.out.append(f"</{name}>")
            else:
                self.leave_out(name, -1)
            if name == tag:
                break

    def leave_out(self, tag: str, step: int) -> None:
        """A tag left out: a block's leaves a space (words of two paragraphs stay apart),
        an invisible element's start hides the text up to its end."""
        if tag in _BLOCK_TAGS or tag == "br":
            self.out.append(" ")
        if tag in _INVISIBLE and tag != "head":
            self.invisible += step

    def handle_data(self, data: str) -> None:
        if not self.invisible:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def _fragment(markup: str) -> Element | None:
    """``markup`` parsed into a <div>."""
    page = _parse(f"<html><body><div>{markup}</div></body></html>")
    return page.find("body/div") if page is not None else None


def _text(el: Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _names(el: Element) -> list[str]:
    """The element's class names and id."""
    return [*(el.get("class") or "").split(), *(el.get("id") or "").split()]


def _size(text: str | None) -> int:
    """Characters of ``text`` that are not whitespace."""
    return len("".join(text.split())) if text else 0


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _inline(text: str) -> Inline:
    inline = Inline()
    inline.add(text)
    return inline


# -------------------------------------------------------- dates, bylines, headlines


# "Updated ...", "Published: ..." at the start of a line
_STAMP = re.compile(r"^(?:last\s+)?(?:updated|published|posted|modified|first published|"
                    r"originally published|date|issued|released)\b", re.I)
# what else a line that only dates the article holds: weekdays, times, zones, punctuation
_DATE_NOISE = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b\.?"
    r"|\b\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?"
    r"|\b[A-Z]{1,4}\b|\b(?:at|on|updated|published|posted|last|first|gmt|utc)\b|[^\w\s]", re.I)
# "By Louis Jacobson on Monday, November 18th, 2019": the names before "on"/"|"/a date
_BYLINE = re.compile(r"^by\s+(?P<names>[^\W\d][^|•·]*?)"
                     r"(?:\s+(?:on|at|in|for|-|–|—|\||•|·)\s.*|,\s*\w+ \d.*)?$", re.I)


def _dateline(text: str) -> str | bool:
    """For a short line that only dates the article ("Updated 5:27 am CST, November 20,
    2019", "Wednesday 20 November 2019 11:42, UK"): its date, or True when it cannot be
    read; else False."""
    if len(text.split()) > 16:
        return False
    if date := dateline_date(text):
        return date
    m = WRITTEN_DATE.search(text)
    if not m:
        return False
    if _STAMP.match(text) or not _DATE_NOISE.sub("", text[: m.start()] + text[m.end():]).strip():
        return parse_date(m.group(0)) or True
    return False


def _similar(text: str, title: str) -> bool:
    """The same headline, give or take a site name, a kicker or a word."""
    have = set(_norm(text).split())
    for want in {_norm(title), _norm(_clean_title(title))}:
        words = set(want.split())
        if have and words and len(have & words) >= 0.75 * max(len(have), len(words)):
            return True
    return False


_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " « ", " » ")


def _clean_title(title: str) -> str:
    """``"Article | Site"`` -> ``"Article"``: drop a short last segment after a separator."""
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head.strip() and len(tail.split()) <= 5:
                return head.strip()
    return title


# ------------------------------------------------------------------------- metadata


class _Meta:
    """The page's <meta> values by lower-cased name, property or itemprop (first wins)."""

    def __init__(self, root: Element) -> None:
        self.values: dict[str, str] = {}
        for tag in root.iter("meta"):
            content = (tag.get("content") or "").strip()
            if not content:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                if key := (tag.get(attr) or "").strip().lower():
                    self.values.setdefault(key, content)

    def __call__(self, *names: str) -> str | None:
        return next((self.values[n] for n in names if n in self.values), None)


def _json_ld(root: Element) -> Iterator[dict]:
    """Every JSON object in the page's JSON-LD scripts, nested ones included."""

    def walk(node: object) -> Iterator[dict]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for script in root.iter("script"):
        if "ld+json" in (script.get("type") or "").lower():
            try:
                yield from walk(json.loads(script.text or "", strict=False))
            except (ValueError, TypeError, RecursionError):
                continue


def _ld_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [] if value.startswith("http") else split_authors(value)
    if isinstance(value, dict):
        return _ld_names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _ld_names(item)]
    return []


def _marked(root: Element, pattern: re.Pattern) -> list[Element]:
    """Elements with a class or id that ``pattern`` matches, innermost of nested ones."""
    found = [el for el in root.iter() if isinstance(el.tag, str)
             and any(pattern.search(name) for name in _names(el))]
    inner = set(found)
    for el in found:
        inner.difference_update(el.iterancestors())
    return [el for el in found if el in inner]


_BYLINE_CLASS = re.compile(r"(?:^|[-_])(?:byline|author|authors|author-?name)$", re.I)
_DATE_CLASS = re.compile(
    r"(?:^|[-_])(?:date|time|timestamp|published|pubdate|posted-on|dateline)(?:$|[-_])", re.I)
_BY = re.compile(r"^(?:written|posted|reported|story|words|text)?\s*by\s*:?\s*", re.I)


def _byline_authors(root: Element) -> list[str]:
    """Authors from the first byline box ("By Emily Burack 8 January 2020, 3:51 pm")."""
    for el in _marked(root, _BYLINE_CLASS):
        text = _text(el)
        if m := WRITTEN_DATE.search(text):
            text = text[: m.start()]
        text = re.split(r"\s[|•·—–-]\s|\b(?:updated|published|posted)\b", text, flags=re.I)[0]
        text = _BY.sub("", text.strip())
        names = [n for n in split_authors(text.strip(" ,;:")) if n]
        if names and all(len(n.split()) <= 5 and any(c.isupper() for c in n) for n in names):
            return names
    return []


def _printed_date(root: Element) -> str | None:
    """The date printed in a date box near the headline ("8 January 2020, 3:51 pm"): in
    the headline's box or the two around it (not the site header's "current date")."""
    h1 = root.find(".//h1")
    if h1 is None:
        return None
    near = h1
    for _ in range(3):
        near = near.getparent() if near.getparent() is not None else near
    for el in _marked(near, _DATE_CLASS):
        text = _text(el)
        if re.search(r"current|today", f"{el.get('class')} {el.get('id')}", re.I):
            continue
        m = WRITTEN_DATE.search(text) if len(text) <= 80 else None
        if m and (date := parse_date(m.group(0))):
            return date
    return None


def _metadata(root: Element, base: str | None, ld: list[dict]) -> dict:
    """Title, publication date, authors, canonical URL and language of the page."""
    meta = _Meta(root)
    title = meta("og:title", "twitter:title")
    page_title = root.find(".//title")
    if not title and page_title is not None and _text(page_title):
        title = _clean_title(_text(page_title))
    if not title and (h1 := root.find(".//h1")) is not None:
        title = _text(h1) or None

    published = None
    stamps = [meta("article:published_time", "datepublished", "citation_publication_date",
                   "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date",
                   "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date")]
    stamps += [str(o["datePublished"]) for o in ld if o.get("datePublished")]
    stamps += [t.get("datetime") or "" for t in root.iter("time")]
    stamps += [el.get("content") or _text(el) for el in root.iter()
               if isinstance(el.tag, str) and el.get("itemprop") == "datePublished"]
    for stamp in filter(None, stamps):
        if published := parse_date(stamp):
            break
    published = published or _printed_date(root)

    authors: list[str] = []
    if value := meta("author", "article:author", "citation_author", "dc.creator"):
        authors = [] if value.startswith("http") else split_authors(value)
    for obj in ld:
        if not authors and obj.get("author"):
            authors = _ld_names(obj["author"])
    if not authors:
        authors = [_text(a) for a in root.iter() if "author" in (a.get("rel") or "").split()]
    if not authors:
        authors = _byline_authors(root)
    canonical = next((link.get("href") for link in root.iter("link") if link.get("href")
                      and "canonical" in (link.get("rel") or "").lower().split()), None)
    url = canonical or meta("og:url")
    lang = root.get("lang") or root.get("xml:lang") or meta("og:locale", "content-language") or ""
    return {
        "title": title,
        "published": published,
        "authors": list(dict.fromkeys(a for a in authors if a)),
        "source_url": urljoin(base or "", url) if url else base,
        "language": re.split(r"[-_]", lang.strip())[0].lower() or None,
    }


# ------------------------------------------------------------------------ furniture


@cache
def _furniture() -> dict[str, frozenset[str]]:
    """``data/html_furniture.csv`` by kind: tag, role, token, compound, caption."""
    data = resources.files("claimtrail.extractors").joinpath("data/html_furniture.csv")
    rules: dict[str, set[str]] = {"tag": set(), "role": set(), "token": set(), "compound": set(),
                                  "caption": set()}
    with data.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rules[row["kind"].strip()].add(row["value"].strip().lower())
    return {kind: frozenset(values) for kind, values in rules.items()}


_STATE_WORDS = {"enabled", "disabled", "active", "inactive", "open", "opened", "closed", "parent",
                "relative", "sticky", "fixed", "init", "loaded", "ready", "js", "on", "off"}
_CAMEL = re.compile(r"([a-z])([A-Z])")


@cache
def _name_says(name: str) -> str | None:
    """What a class name or id marks: ``"furniture"``, ``"caption"`` or nothing.

    The name is split into words (on ``-``, ``_`` and camelCase). Its last word, or its
    first unless the last is a state ("modal-enabled"), must be a token of the rules:
    "share", "post-share", "share-buttons" are furniture, "sticky-sidebar-parent" is not.
    """
    rules = _furniture()
    dashed = "-" + _CAMEL.sub(r"\1-\2", name).lower().replace("_", "-") + "-"
    words = dashed.strip("-").split("-")
    if words[-1] in rules["token"]:
        return "furniture"
    if words[0] in rules["token"] and words[-1] not in _STATE_WORDS:
        return "furniture"
    if any(f"-{c}-" in dashed for c in rules["compound"]):
        return "furniture"
    if words[-1] in rules["caption"] or words[0] in rules["caption"]:
        return "caption"
    return None


def _names_say(el: Element, what: str) -> bool:
    return any(_name_says(name) == what for name in _names(el))


def _is_landmark(el: Element) -> bool:
    """Page chrome by its tag (<nav>, <aside>, <footer>, ...) or ARIA role."""
    rules = _furniture()
    if el.tag in rules["tag"] and el.tag != "form":
        return True
    return (el.get("role") or "").lower() in rules["role"]


def _is_furniture(el: Element) -> bool:
    return el.tag == "form" or _is_landmark(el) or _names_say(el, "furniture")


def _is_caption_box(el: Element) -> bool:
    """A figure with an image, its caption, or a box a class calls caption or credit."""
    if el.tag in ("figcaption", "caption"):
        return True
    if el.tag == "figure":
        return next(el.iter("img", "picture", "video"), None) is not None
    return _names_say(el, "caption")


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(el: Element) -> bool:
    return (el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true"
            or bool(_HIDDEN_STYLE.search(el.get("style") or "")))


# ------------------------------------------------------------------------- cleaning


def _remove(el: Element) -> None:
    """Remove ``el`` but keep its tail text where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _strip_invisible(body: Element) -> None:
    """Remove what a browser never shows. A client-side template of plain markup (``<script
    type="text/template">``, which Blogger fills the post body with) is shown: it becomes
    the markup it holds."""
    for el in list(body.iter(etree.Element)):
        if (el.tag == "script" and "template" in (el.get("type") or "").lower()
                and (el.text or "").lstrip().startswith("<") and "{{" not in el.text):
            wrapper = _fragment(el.text)
            if wrapper is None:
                _remove(el)
                continue
            wrapper.tail = el.tail
            el.getparent().replace(el, wrapper)
            _strip_invisible(wrapper)
        elif el.tag in _INVISIBLE or (el is not body and _hidden(el)):
            _remove(el)


_MAX_DEPTH = 150  # elements nested deeper are flattened into their ancestor at this depth


def _flatten(body: Element) -> None:
    """Keep pathological nesting from exhausting the walk's recursion: an element at
    ``_MAX_DEPTH`` keeps the text below it, without the elements."""
    depth = {body: 0}
    deepest = []
    for el in body.iterdescendants():
        depth[el] = d = depth[el.getparent()] + 1
        if d == _MAX_DEPTH and len(el):
            deepest.append(el)
    for el in deepest:
        text = "".join(el.itertext())
        for child in list(el):
            el.remove(child)
        el.text = text


# ----------------------------------------------------------------------- statistics


@dataclass(slots=True)
class _Stats:
    """Text of one element, in non-space characters, by what it is."""

    chars: int = 0          # all of it
    links: int = 0          # inside links
    prose: float = 0        # in prose paragraphs (a fifth in furniture), outside their links
    prose_links: int = 0    # in links inside those paragraphs
    data: int = 0           # in short list items and table cells, outside links
    caption: int = 0        # in image captions and credits
    heads: int = 0          # in headings, outside links
    teaser: float = 0       # prose of the teaser cards inside
    inline: int = 0         # the element's own paragraph: its text outside nested blocks
    inline_links: int = 0   # ...inside links
    end: str = ""           # ...and its last character
    lead: bool = False      # a headline-long link comes before the first prose
    card: bool = False      # a teaser card: a small box, its headline link, then a blurb


_PROSE = 60            # a paragraph with this much text outside links, and no more in them,
_SHORT_PROSE = 20      # or a sentence this long without links, is prose
_SENTENCE_ENDS = set(".!?:…。！？\"'”’»)")
_MUTED = 0.2           # weight of prose in furniture
_CARD_CHARS = 700      # a teaser card is smaller than this...
_CARD_HEADLINE = 15    # ...and has a link this long before its prose


def _last(text: str | None) -> str:
    return text.rstrip()[-1:] if text else ""


def _is_prose(s: _Stats, own: int, tag: str) -> bool:
    """Whether the paragraph of ``s`` (``own`` characters outside links) is prose."""
    if own >= _PROSE and s.inline_links <= 0.5 * s.inline:
        return True
    return (own >= _SHORT_PROSE and not s.inline_links and s.end in _SENTENCE_ENDS
            and tag not in _DATA_TAGS)


def _captions(top: Element) -> set[Element]:
    """Elements that are, or are inside, an image's caption box."""
    inside: set[Element] = set()
    for el in top.iter(etree.Element):
        if el.getparent() in inside or _is_caption_box(el):
            inside.add(el)
    return inside


def _muted(body: Element, captions: set[Element]) -> set[Element]:
    """Elements that are furniture or inside furniture.

    Landmarks (nav, aside, footer, header; ARIA roles of page chrome) always are. An
    element that only a class or id marks as furniture is not when it holds half of the
    page's prose outside landmarks: it wraps the article (``class="container has-sidebar"``,
    ASP.NET's page-wide <form>)."""
    landmarks: set[Element] = set()
    for el in body.iter(etree.Element):
        if el.getparent() in landmarks or (el is not body and _is_landmark(el)):
            landmarks.add(el)
    stats = _stats(body, captions, landmarks, mute=0.0)
    half = 0.5 * stats[body].prose
    muted: set[Element] = set()
    for el in body.iter(etree.Element):
        if el in landmarks or el.getparent() in muted or (
                el is not body and _is_furniture(el) and not stats[el].prose > half):
            muted.add(el)
    return muted


def _stats(top: Element, captions: set[Element], muted: set[Element],
           mute: float = _MUTED) -> Stats:
    """The :class:`_Stats` of every element under ``top``, children before parents.

    Prose inside a teaser card ("more stories", "related": a small box with a headline
    link before its blurb) counts for the card, not for the elements around it.
    """
    stats: Stats = {}
    in_link = {d for a in top.iter("a") for d in a.iterdescendants()}
    for el in reversed(list(top.iter(etree.Element))):  # every child before its parent
        s = stats[el] = _Stats()
        s.chars = s.inline = _size(el.text)
        s.end = _last(el.text)
        linked = el.tag == "a" or el in in_link
        s.lead = el.tag == "a" and _size("".join(el.itertext())) >= _CARD_HEADLINE
        for child in el:
            c = stats[child]
            s.lead = s.lead or (c.lead and not (s.prose or s.teaser))
            s.chars += c.chars
            s.links += c.links
            s.data += c.data
            s.caption += c.caption
            s.heads += c.heads
            s.teaser += c.teaser + (c.prose if c.card else 0)
            if not c.card:
                s.prose += c.prose
                s.prose_links += c.prose_links
            if child.tag not in _BLOCK_TAGS and child not in captions:  # inline markup
                s.inline += c.inline
                s.inline_links += c.inline_links
                s.end = c.end or s.end
            tail = _size(child.tail)
            s.chars += tail
            s.inline += tail
            s.end = _last(child.tail) or s.end
        if linked:
            s.links, s.inline_links = s.chars, s.inline
        if el.tag in _BLOCK_TAGS or el in captions:  # the element closes its own paragraph
            own = s.inline - s.inline_links
            if el in captions:
                s.caption += own
            elif el.tag in _HEADINGS:
                s.heads += own
            elif _is_prose(s, own, el.tag):
                s.lead = s.lead and s.prose > 0  # its own links are inline, not headlines
                s.prose += own * (mute if el in muted else 1.0)
                s.prose_links += s.inline_links
            elif el.tag in _DATA_TAGS:
                s.data += own
        s.card = (s.lead and s.prose > 0 and s.chars < _CARD_CHARS
                  and s.links - s.prose_links >= _CARD_HEADLINE)
    return stats


# --------------------------------------------------------------------- content root


_OTHER_COST = 0.5       # per character of text that is not prose, data, caption or heading
_LINK_COST = 1.0        # per character of link text outside prose
_PROSE_LINK_COST = 0.5  # per character of link text inside prose
_DATA_GAIN = 0.1        # per character of list items and table cells outside links
_HEAD_GAIN = 0.0        # per character of headings


def _score(s: _Stats) -> float:
    """Prose, less what else comes with it: the content root maximises this. Lists, tables
    and headings cost nothing (a little gain: a table next to the prose joins the root)."""
    other = max(0, s.chars - s.prose - s.links - s.data - s.caption - s.heads)
    return (s.prose - _OTHER_COST * other - _LINK_COST * (s.links - s.prose_links)
            - _PROSE_LINK_COST * s.prose_links + _DATA_GAIN * s.data + _HEAD_GAIN * s.heads)


_SEMANTIC = 0.9  # an <article> around the best element is the root when it scores this much


def _choose_root(body: Element, stats: Stats) -> Element:
    """The element with the most prose for the least other text; or the <article> around
    it, unless that brings much more furniture than article."""
    best, best_score = body, float("-inf")
    for el, s in stats.items():
        if s.prose and (score := _score(s)) > best_score:
            best, best_score = el, score
    for el in best.iterancestors():
        if _is_article(el):
            if _score(stats[el]) >= _SEMANTIC * best_score:
                best = el
            break
    return _widen(best, stats)


def _is_article(el: Element) -> bool:
    return el.tag == "article" or (el.get("itemprop") or "").lower() == "articlebody"


_WIDEN = 0.15  # the root's parent is taken when it adds at most this share of text...
_WIDEN_LINKS = 0.25  # ...with at most this share of links in it, all before the root


def _widen(root: Element, stats: Stats) -> Element:
    """Take the parents that only add a little text, with few links, before the root: the
    box holding the headline and date line above the body."""
    for parent in root.iterancestors():
        if parent.tag in ("body", "html"):
            break
        if _size(root.tail) or any(stats[c].chars or _size(c.tail) for c in root.itersiblings()):
            break  # something follows the root
        extra = stats[parent].chars - stats[root].chars
        links = stats[parent].links - stats[root].links
        if extra > _WIDEN * stats[root].chars or links > _WIDEN_LINKS * extra:
            break
        root = parent
    return root


def _lead_figure(root: Element, muted: set[Element]) -> Element | None:
    """The captioned figure of the article that comes before the root: the lead image of an
    article whose header and body are separate boxes (one figure: not a gallery)."""
    article = next((a for a in root.iterancestors() if a.tag == "article"), None)
    if article is None:
        return None
    figures = []
    for el in article.iter():
        if el is root:
            break  # in document order, the root starts here
        if el.tag == "figure" and el not in muted and el.find(".//figcaption") is not None \
                and not any(f in figures for f in el.iterancestors("figure")):
            figures.append(el)
    if len(figures) != 1 or figures[0] in root.iterancestors():
        return None
    return figures[0]


# -------------------------------------------------------------------------- pruning


_LINK_BOXES = {"ul", "ol", "div", "section", "table", "nav", "p", "dl"}


def _prune(root: Element, stats: Stats) -> None:
    """Inside the root, drop furniture (unless it holds most of the root's prose: it wraps
    the article) and boxes made of links (menus, "more stories")."""
    prose = stats[root].prose
    stack = list(root)
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        s = stats[el]
        if el.tag == "a":
            pass  # a link stays: its anchor text may be part of a sentence
        elif el.tag == "sup" and _FOOTNOTE.match("".join(el.itertext())):
            _remove(el)  # footnote numbers glue onto words: "attacks12"
            continue
        elif (_is_furniture(el) and not (el.tag == "header" and _in_article(el, root))
              and not (s.prose > 0.5 * prose and s.chars > 200)):
            _remove(el)
            continue
        elif el.tag in _LINK_BOXES and s.links > 0.6 * s.chars and s.prose < 0.3 * s.chars and (
                sum(1 for _ in el.iter("a")) >= 2 or s.heads == 0 and _linked_heading(el)):
            _remove(el)  # a menu, a list of stories, a promoted headline
            continue
        stack.extend(el)


def _in_article(el: Element, root: Element) -> bool:
    """A <header> inside the article or main element holds its headline, not the site's."""
    for a in el.iterancestors():
        if a.tag in ("article", "main"):
            return True
        if a is root:
            return root.tag in ("article", "main")
    return False


def _linked_heading(el: Element) -> bool:
    return any(h.tag in _HEADINGS for a in el.iter("a") for h in a.iter())


def _trim(node: Element, stats: Stats, title: str | None) -> None:
    """Drop what comes before the first prose and after the last, level by level: photo
    galleries and share bars above the article, bylines, tags and teasers below it. A
    short sentence next to the prose stays ("With Post wires.", "No date was set.")."""
    children = [c for c in node if c.tag in _BLOCK_TAGS and stats[c].chars]
    kept = [c for c in children if _substantial(stats[c])]
    if not kept:
        return
    first, last = children.index(kept[0]), children.index(kept[-1])
    while first > 0 and (_sentence(children[first - 1], stats)
                         or _label(children[first - 1], stats, title)):
        first -= 1
    while last < len(children) - 1 and _sentence(children[last + 1], stats):
        last += 1
    for c in children[:first] + children[last + 1:]:
        _remove(c)
    if _substantial(stats[children[first]]):
        _trim(children[first], stats, title)
    if last != first and _substantial(stats[children[last]]):
        _trim(children[last], stats, title)


def _substantial(s: _Stats) -> bool:
    return s.prose > 0 or (s.data > 0.5 * s.chars and s.links < 0.2 * s.chars)


_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)]*$")


def _sentence(el: Element, stats: Stats) -> bool:
    """A short paragraph of plain text that ends like a sentence."""
    s = stats[el]
    if el.tag not in ("p", "div", "blockquote") or s.links > 0.2 * s.chars or s.chars < 15:
        return False
    return bool(_SENTENCE_END.search(_text(el)))


_LABEL = 200  # characters


def _label(el: Element, stats: Stats, title: str | None) -> bool:
    """A short line without links above the body that is a heading, the headline, a
    date line or a byline."""
    s = stats[el]
    if s.chars > _LABEL or s.links > 0.2 * s.chars:
        return False
    if s.heads >= 0.8 * s.chars:
        return True
    text = _text(el)
    if (title and _similar(text, title)) or _BYLINE.match(text) or _dateline(text):
        return True
    return not title and not any(stats[c].chars for c in el.itersiblings(preceding=True)
                                 if c in stats)


# --------------------------------------------------------------------------- blocks


class _Walker:
    """Turns a DOM subtree into ``(kind, Inline)`` items; everything in a caption box of
    ``captions`` is a ``caption`` block."""

    def __init__(self, base: str | None, captions: set[Element] = frozenset()) -> None:
        self.base = base
        self.captions = captions
        self.items: Items = []
        self.cur = Inline()
        self.kind: BlockKind = "paragraph"
        self.in_row = False

    def flush(self) -> None:
        if self.cur.text:
            self.items.append((self.kind, self.cur))
        self.cur = Inline()

    def walk(self, node: Element) -> None:
        if node.text:
            self.cur.add(node.text)
        for child in node:
            if isinstance(child.tag, str):
                self.element(child)
            if child.tail:
                self.cur.add(child.tail)

    def element(self, tag: Element) -> None:
        name = tag.tag
        if name == "br":
            self.cur.space()
        elif name == "a" and tag.get("href"):
            self.anchor(tag)
        elif name == "tr" and not self.in_row and not self._layout_row(tag):
            self.row(tag)
        elif (name in _BLOCK_TAGS and name not in ("td", "th", "tr")
              or tag in self.captions) and not self.in_row:
            self.flush()
            outer = self.kind
            if tag in self.captions:
                self.kind = "caption"
            else:
                inherited = outer if outer in ("list_item", "caption") else "paragraph"
                self.kind = _OWN_KIND.get(name) or inherited
            self.walk(tag)
            self.flush()
            self.kind = outer
        elif name in _BLOCK_TAGS:
            self.cur.space()
            self.walk(tag)
            self.cur.space()
        elif name not in ("img", "input"):
            self.walk(tag)

    def anchor(self, tag: Element) -> None:
        cur, start = self.cur, len(self.cur.text)
        self.walk(tag)
        href = (tag.get("href") or "").strip()
        if self.cur is not cur or href.startswith(("#", "javascript:", "mailto:")):
            return
        start += cur.text[start:].startswith(" ")
        if len(cur.text) > start:
            try:
                url = urljoin(self.base, href) if self.base else href
            except ValueError:
                url = href
            cur.links.append((url, start, len(cur.text)))

    @staticmethod
    def _layout_row(tr: Element) -> bool:
        return (any(el.tag in _LAYOUT_IN_CELL for el in tr.iter(etree.Element))
                or _size(" ".join(tr.itertext())) > 400)

    def row(self, tr: Element) -> None:
        self.flush()
        outer, self.kind, self.in_row = self.kind, "table_row", True
        for cell in tr:
            if cell.tag in ("td", "th") and "".join(cell.itertext()).strip():
                if self.cur.text:
                    self.cur.add(" | ")
                self.walk(cell)
        self.flush()
        self.kind, self.in_row = outer, False


def _ld_body(ld: list[dict], items: Items, base: str | None) -> Items | None:
    """The JSON-LD ``articleBody`` as blocks, when it holds over twice the text found in
    the page: the article is rendered by scripts, and the markup has only its teaser."""
    found = sum(len(inline.text) for kind, inline in items if kind != "caption")
    for obj in ld:
        text = obj.get("articleBody")
        if not isinstance(text, str) or len(text) < max(500, 2 * found):
            continue
        if re.search(r"<(?:p|div|br|h\d|ul|li)\b", text, re.I):
            fragment = _fragment(text)
            if fragment is None:
                continue
            walker = _Walker(base)
            walker.walk(fragment)
            walker.flush()
            blocks = walker.items
        else:
            lines = re.split(r"\n\s*", html_unescape(text))
            blocks = [("paragraph", _inline(line)) for line in lines]
        blocks = [(kind, inline) for kind, inline in blocks if inline.text]
        if sum(len(inline.text) for _, inline in blocks) >= max(500, 2 * found):
            return blocks
    return None


def _label_top(items: Items, meta: dict) -> None:
    """Type the blocks at the top of the article: the headline as ``title`` (added from the
    metadata when the article has none), then short lines that only date it ("Updated
    5:27 am CST, November 20, 2019") as ``dateline`` and "By ..." lines as ``byline``.
    The date and authors read from them complete the metadata."""
    title = meta["title"]
    captions = sum(1 for kind, _ in items[:8] if kind == "caption")
    top = min(len(items), 8 + captions)
    if title:
        for n in range(top):
            kind, inline = items[n]
            if kind in ("heading", "paragraph") and _similar(inline.text, title):
                items[n] = ("title", inline)
                break
        else:
            items.insert(0, ("title", _inline(title)))
            top += 1
    elif items and len(items[0][1].text) <= 200 and not items[0][1].text.endswith((".", ":")):
        items[0] = ("title", items[0][1])
        meta["title"] = items[0][1].text

    for n in range(min(len(items), top + 1)):
        kind, inline = items[n]
        if kind != "paragraph" or len(inline.text.split()) > 16:
            continue
        if byline := _BYLINE.match(inline.text):
            items[n] = ("byline", inline)
            meta["authors"] = meta["authors"] or split_authors(byline.group("names"))
            m = WRITTEN_DATE.search(inline.text)
            date = parse_date(m.group(0)) if m else None
        elif date := _dateline(inline.text):
            items[n] = ("dateline", inline)
        else:
            continue
        if isinstance(date, str):
            meta["published"] = meta["published"] or date


# ------------------------------------------------------------------------ converter


def _article(body: Element, meta: dict) -> Items:
    """The blocks of the article in ``body`` (steps 1 to 5 of the module docstring)."""
    _strip_invisible(body)
    _flatten(body)
    captions = _captions(body)
    muted = _muted(body, captions)
    stats = _stats(body, captions, muted)
    root = _choose_root(body, stats)
    figure = _lead_figure(root, muted)
    _prune(root, stats)
    _trim(root, stats, meta["title"])
    walker = _Walker(meta["source_url"], captions)
    if figure is not None:
        walker.element(figure)
    walker.walk(root)
    walker.flush()
    return [(kind, inline) for kind, inline in walker.items if not is_boilerplate(kind, inline)]


@converter("text/html")
def convert_html(raw: RawDocument) -> ConvertedDocument:
    """HTML page -> :class:`ConvertedDocument` (see the module docstring)."""
    page = _parse(_decode(raw.content))
    if page is None:
        return DocBuilder().build("text/html")
    ld = list(_json_ld(page))
    meta = _metadata(page, raw.source_url, ld)
    body = page.find("body")
    items = _article(page if body is None else body, meta)
    items = _ld_body(ld, items, meta["source_url"]) or items
    _label_top(items, meta)
    doc = DocBuilder()
    for kind, inline in items:
        doc.add(kind, inline)
    return doc.build("text/html", **meta)
