"""HTML -> canonical text: the article, not the page around it.

Metadata is read from the whole page first (meta tags, JSON-LD, <time>), because the
elements that carry it (bylines, scripts) are removed with the furniture. Then the
content root is chosen (the largest <article>, else <main>/role=main, else <body>),
furniture inside it is dropped (rules in ``data/html_furniture.csv``) and the remaining
tree is walked into blocks: h1-h6 heading, p paragraph, li list_item, tr table_row
(cells joined by " | "), figcaption caption. Inline markup never adds or removes
spaces: text flows exactly as a browser would show it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, UnicodeDammit
from bs4.dammit import EncodingDetector

from claimtrail.extractors.convert import (
    DocBuilder,
    Inline,
    converter,
    dateline_date,
    parse_date,
    split_authors,
)
from claimtrail.schema.records import BlockKind, ConvertedDocument, RawDocument

_OWN_KIND: dict[str, BlockKind] = {
    **{f"h{i}": "heading" for i in range(1, 7)},
    "li": "list_item", "figcaption": "caption", "caption": "caption",
}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl", "dt",
    "dd", "table", "thead", "tbody", "tfoot", "figure", "header", "footer", "address",
    "details", "summary", "center", "fieldset", "hr", "body", "html", *_OWN_KIND,
}
_LAYOUT_IN_CELL = ["p", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "article"]
_FOOTNOTE = re.compile(r"^\W*\d{1,3}\W*$")
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " « ", " » ")
_STATE_WORDS = {"enabled", "disabled", "active", "inactive", "open", "opened", "closed", "parent",
                "relative", "sticky", "fixed", "init", "loaded", "ready", "js", "on", "off"}
_LATIN1_ALIASES = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}


# --------------------------------------------------------------------------- decoding


def _decode(content: bytes) -> str:
    """Respect a BOM, then the declared charset, then UTF-8, then cp1252.

    Declared Latin-1/ASCII is read as cp1252, as browsers do (WHATWG).
    """
    declared = EncodingDetector.find_declared_encoding(content, is_html=True)
    encodings = [declared] if declared else []
    encodings = ["windows-1252" if e.lower() in _LATIN1_ALIASES else e for e in encodings]
    dammit = UnicodeDammit(content, user_encodings=[*encodings, "utf-8", "windows-1252"],
                           is_html=True)
    if dammit.unicode_markup is None:
        return content.decode("cp1252", errors="replace")
    return dammit.unicode_markup


# --------------------------------------------------------------------------- metadata


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(name)}$", re.I)})
            if isinstance(tag, Tag) and str(tag.get("content", "")).strip():
                return str(tag["content"]).strip()
    return None


def _json_ld(soup: BeautifulSoup) -> Iterator[dict]:
    """Every JSON object in the page's JSON-LD scripts, nested ones included."""

    def walk(node: object) -> Iterator[dict]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for script in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            yield from walk(json.loads(script.string or "", strict=False))
        except (ValueError, TypeError):
            continue


def _ld_names(value: object) -> list[str]:
    if isinstance(value, str):
        return split_authors(value)
    if isinstance(value, dict):
        return _ld_names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _ld_names(item)]
    return []


def _clean_title(title: str) -> str:
    """``"Article | Site"`` -> ``"Article"``: drop a short last segment after a separator."""
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head.strip() and len(tail.split()) <= 5:
                return head.strip()
    return title


def _metadata(soup: BeautifulSoup, base: str | None) -> dict:
    ld = list(_json_ld(soup))
    title = _meta(soup, "og:title", "twitter:title")
    if not title and soup.title and soup.title.get_text(strip=True):
        title = _clean_title(soup.title.get_text(" ", strip=True))
    if not title and (h1 := soup.find("h1")):
        title = h1.get_text(" ", strip=True) or None

    published = None
    stamps = [_meta(soup, "article:published_time", "datePublished", "citation_publication_date",
                    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date",
                    "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date")]
    stamps += [str(o["datePublished"]) for o in ld if o.get("datePublished")]
    stamps += [str(t["datetime"]) for t in soup.find_all("time", datetime=True)]
    for stamp in filter(None, stamps):
        if published := parse_date(stamp):
            break

    authors: list[str] = []
    if value := _meta(soup, "author", "article:author", "citation_author", "dc.creator"):
        authors = [] if value.startswith("http") else split_authors(value)
    for obj in ld:
        if not authors and obj.get("author"):
            authors = _ld_names(obj["author"])
    if not authors:
        authors = [a.get_text(" ", strip=True) for a in soup.find_all(attrs={"rel": "author"})]
    if not authors and (byline := soup.find(class_=re.compile(r"\bbyline\b", re.I))):
        text = re.split(r"\s[|•·]\s", byline.get_text(" ", strip=True))[0]
        authors = split_authors(text)
    canonical = soup.find("link", rel="canonical", href=True)
    url = str(canonical["href"]) if isinstance(canonical, Tag) else _meta(soup, "og:url")
    html = soup.find("html")
    lang = str(html.get("lang") or "") if isinstance(html, Tag) else ""
    return {
        "title": title,
        "published": published,
        "authors": list(dict.fromkeys(a for a in authors if a)),
        "source_url": urljoin(base or "", url) if url else base,
        "language": lang.split("-")[0].lower() or None,
    }


# -------------------------------------------------------------------------- furniture


@cache
def _furniture() -> dict[str, set[str]]:
    data = resources.files("claimtrail.extractors").joinpath("data/html_furniture.csv")
    rules: dict[str, set[str]] = {"tag": set(), "role": set(), "token": set(), "compound": set()}
    with data.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rules[row["kind"].strip()].add(row["value"].strip().lower())
    return rules


def _is_furniture(tag: Tag, rules: dict[str, set[str]]) -> bool:
    if tag.name in rules["tag"] or str(tag.get("role", "")).lower() in rules["role"]:
        return True
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if re.search(r"display\s*:\s*none", str(tag.get("style", "")), re.I):
        return True
    names = [*tag.get("class", []), str(tag.get("id", ""))]
    for name in filter(None, names):
        dashed = "-" + re.sub(r"([a-z])([A-Z])", r"\1-\2", name).lower().replace("_", "-") + "-"
        words = dashed.strip("-").split("-")
        if words[-1] in rules["token"]:
            return True  # "share", "post-share"; not "sticky-sidebar-parent"
        if words[0] in rules["token"] and words[-1] not in _STATE_WORDS:
            return True  # "share-buttons", but not "modal-enabled"
        if any(f"-{c}-" in dashed for c in rules["compound"]):
            return True
    return False


def _is_link_list(tag: Tag) -> bool:
    """A list or box that is mostly links (menus, "more stories") is not content."""
    if tag.name not in ("ul", "ol", "div", "section", "table"):
        return False
    links = tag.find_all("a", href=True)
    if len(links) < 3:
        return False
    text = len(tag.get_text(" ", strip=True))
    return text > 0 and sum(len(a.get_text(" ", strip=True)) for a in links) > 0.6 * text


def _choose_root(soup: BeautifulSoup) -> Tag:
    """The content root: the largest <article> unless it holds under 40% of the largest
    <main>'s text, else that <main>, else <body>. A root under 1000 characters and a
    fifth of the page is a teaser card, not the content: then <body>."""
    def size(t: Tag) -> int:
        return len(t.get_text(" ", strip=True))

    rules = _furniture()
    mains = soup.find_all("main") + soup.find_all(attrs={"role": "main"})
    main = max(mains, key=size, default=None)
    articles = [a for a in soup.find_all("article") if not _is_furniture(a, rules)]
    article = max(articles, key=size, default=None)
    body = soup.body or soup
    root = body
    if article is not None and (main is None or size(article) >= 0.4 * size(main)):
        root = article
    elif main is not None:
        root = main
    if size(root) < 1000 and size(root) < 0.2 * size(body):
        return body
    return root


def _drop_furniture(root: Tag) -> None:
    """Remove furniture and link lists inside ``root``, innermost first (so a menu goes
    before the box around it is judged). An element holding half of what is left of the
    root's text is never removed: it is a wrapper of the article itself (ASP.NET's
    page-wide <form>, a ``class="page-banner"`` around everything)."""
    rules = _furniture()
    for tag in reversed(root.find_all(True)):
        if tag.decomposed or tag.name in ("html", "body", "main"):
            continue
        if tag.name == "header" and tag.find_parent(["article", "main"]) is not None:
            continue
        if tag.name == "sup" and _FOOTNOTE.match(tag.get_text()):
            tag.decompose()  # footnote numbers glue onto words: "attacks12"
            continue
        if _is_furniture(tag, rules) or _is_link_list(tag):
            invisible = tag.name in ("script", "style", "noscript", "template", "svg")
            size = len(tag.get_text(" ", strip=True))
            if not invisible and size > 200 and size > 0.5 * len(root.get_text(" ", strip=True)):
                continue
            tag.decompose()
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()


# ------------------------------------------------------------------------------- walk


class _Walker:
    """Turns a DOM subtree into ``(kind, Inline)`` items."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.items: list[tuple[BlockKind, Inline]] = []
        self.cur = Inline()
        self.kind: BlockKind = "paragraph"
        self.in_row = False

    def flush(self) -> None:
        if self.cur.text:
            self.items.append((self.kind, self.cur))
        self.cur = Inline()

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a Comment, CData, Doctype...
                    self.cur.add(str(child))
            elif isinstance(child, Tag):
                self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self.cur.space()
        elif name == "a" and tag.get("href"):
            self.anchor(tag)
        elif name == "tr" and not self.in_row and not self._layout_row(tag):
            self.row(tag)
        elif name in _BLOCK_TAGS and not self.in_row:
            self.flush()
            outer = self.kind
            self.kind = _OWN_KIND.get(name) or (outer if outer in ("list_item", "caption") else "paragraph")
            self.walk(tag)
            self.flush()
            self.kind = outer
        elif name in _BLOCK_TAGS or name in ("td", "th"):
            self.cur.space()
            self.walk(tag)
            self.cur.space()
        elif name not in ("img", "input"):
            self.walk(tag)

    def anchor(self, tag: Tag) -> None:
        cur, start = self.cur, len(self.cur.text)
        self.walk(tag)
        href = str(tag["href"]).strip()
        if self.cur is not cur or href.startswith(("#", "javascript:", "mailto:")):
            return
        start += cur.text[start:].startswith(" ")
        if len(cur.text) > start:
            url = urljoin(self.base, href) if self.base else href
            cur.links.append((url, start, len(cur.text)))

    @staticmethod
    def _layout_row(tr: Tag) -> bool:
        return tr.find(_LAYOUT_IN_CELL) is not None or len(tr.get_text(" ", strip=True)) > 500

    def row(self, tr: Tag) -> None:
        self.flush()
        outer, self.kind, self.in_row = self.kind, "table_row", True
        for cell in tr.find_all(["td", "th"], recursive=False):
            if cell.get_text(strip=True):
                if self.cur.text:
                    self.cur.add(" | ")
                self.walk(cell)
        self.flush()
        self.kind, self.in_row = outer, False


# --------------------------------------------------------------------------- converter


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


@converter("text/html")
def convert_html(raw: RawDocument) -> ConvertedDocument:
    """HTML page -> :class:`ConvertedDocument` (see the module docstring)."""
    soup = BeautifulSoup(_decode(raw.content), "lxml")
    meta = _metadata(soup, raw.source_url)
    root = _choose_root(soup)
    _drop_furniture(root)
    walker = _Walker(meta["source_url"])
    walker.walk(root)
    walker.flush()
    items = walker.items

    # The title is the first block: the first heading when it says the same, else added.
    # Without any title in the page, a short first line is taken as the title.
    if title := meta["title"]:
        first = next((i for i, (k, _) in enumerate(items) if k == "heading"), None)
        heading = _norm(items[first][1].text) if first is not None else ""
        if heading and (heading in _norm(title) or _norm(title) in heading):
            items[first] = ("title", items[first][1])
        else:
            items.insert(0, ("title", _inline(title)))
    elif items and len(items[0][1].text) <= 200 and not items[0][1].text.endswith((".", ":")):
        items[0] = ("title", items[0][1])
        meta["title"] = items[0][1].text

    # A date line near the top ("Updated September 18, 2026") when no metadata had one.
    for n, (kind, inline) in enumerate(items[:6]):
        if kind == "paragraph" and (date := dateline_date(inline.text)):
            items[n] = ("dateline", inline)
            meta["published"] = meta["published"] or date
            break

    doc = DocBuilder()
    for kind, inline in items:
        doc.add(kind, inline)
    return doc.build("text/html", **meta)


def _inline(text: str) -> Inline:
    inline = Inline()
    inline.add(text)
    return inline
