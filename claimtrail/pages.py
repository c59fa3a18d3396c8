"""Self-contained HTML pages for people to review what claimtrail found: one document with
its mentions highlighted and its claims beside it (``claimtrail show``), and what a period
added (``claimtrail report``).

Pages are Jinja2 templates shipped in ``templates/`` with autoescaping on, so every string
from a document is text, never markup. CSS and the one script are inlined, and the page's
Content-Security-Policy allows exactly those (by their SHA-256), nothing from the network.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from claimtrail.db.review import DocumentReview
from claimtrail.export import deep_link

KINDS = ("date", "country", "count", "actor")  # the contract's kinds, each with its own colour
_LINK_SCHEMES = ("http", "https", "file")
NO_SCRIPT = "'none'"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the text with one innermost mention (or none) and the same claims over it."""

    text: str
    mention: dict[str, Any] | None
    claims: tuple[int, ...]
    page: int | None  # set on the piece a PDF page starts with


def pieces(review: DocumentReview) -> list[Piece]:
    """The text cut at every mention, quote and page boundary, in one sweep."""
    text = review.text
    starts = {start: page for page, start in review.page_starts}  # an empty page gives way to the next
    bounds = {0, len(text), *starts}
    for span in (*review.mentions, *review.claims):
        bounds.update((min(max(span["start_char"], 0), len(text)), min(max(span["end_char"], 0), len(text))))
    cuts = sorted(bounds)
    mentions = sorted(review.mentions, key=lambda m: m["start_char"])
    claims = sorted(review.claims, key=lambda c: c["start_char"])
    active_mentions: list[dict[str, Any]] = []
    active_claims: list[dict[str, Any]] = []
    m = c = 0
    result = []
    for a, b in zip(cuts, cuts[1:]):
        while m < len(mentions) and mentions[m]["start_char"] <= a:
            active_mentions.append(mentions[m])
            m += 1
        while c < len(claims) and claims[c]["start_char"] <= a:
            active_claims.append(claims[c])
            c += 1
        active_mentions = [x for x in active_mentions if x["end_char"] > a]
        active_claims = [x for x in active_claims if x["end_char"] > a]
        innermost = min(active_mentions, key=lambda x: x["end_char"] - x["start_char"], default=None)
        result.append(Piece(text[a:b], innermost, tuple(x["claim_id"] for x in active_claims), starts.get(a)))
    return result


def safe_link(address: str | None) -> str | None:
    """``address`` when it is a web or file address, else None: a document's ``javascript:``
    or ``data:`` URL never becomes a link."""
    if not address:
        return None
    return address if urlsplit(address).scheme.lower() in _LINK_SCHEMES else None


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def _source(env: Environment, name: str) -> str:
    """A template file's text as it is (the stylesheet and the script, which are not templates)."""
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("claimtrail", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = safe_link
    return env


def render_page(template: str, **context: Any) -> str:
    """``template`` rendered with the shared stylesheet, the script when it has one, and a
    policy that admits only those two."""
    env = _environment()
    css = _source(env, "review.css")
    script = _source(env, context.pop("script")) if "script" in context else ""
    policy = (f"default-src 'none'; style-src {_csp_hash(css)}; "
              f"script-src {_csp_hash(script) if script else NO_SCRIPT}; "
              "base-uri 'none'; form-action 'none'")
    return env.get_template(template).render(css=Markup(css), script=Markup(script), policy=policy, kinds=KINDS,
                                             **context)


def document_page(review: DocumentReview) -> str:
    """The review page of one document, as one HTML string."""
    kinds = sorted({m["kind"] for m in review.mentions}, key=lambda k: (KINDS.index(k) if k in KINDS else 9, k))
    claims = [{**claim, "link": safe_link(deep_link(claim))} for claim in review.claims]
    return render_page("document.html", script="review.js", doc=review.document, pieces=pieces(review),
                       claims=claims, mention_kinds=kinds)


_TERMINAL_STYLES = {"date": "on dark_green", "country": "on blue", "count": "on dark_orange3", "actor": "on purple4"}


def document_renderables(review: DocumentReview) -> list[Any]:
    """The same review for a terminal (``rich``): the highlighted text, then the claims."""
    from rich.table import Table
    from rich.text import Text

    doc = review.document
    heading = Text.assemble((doc["title"] or doc["doc_uri"], "bold"), f"\n{doc['source_url'] or doc['doc_uri']}",
                            f"  published {doc['published'] or 'unknown'}", f"  pipeline {doc['pipeline_version']}")
    legend = Text("  ").join(Text(f" {kind} ", style=style) for kind, style in _TERMINAL_STYLES.items())
    body = Text()
    for piece in pieces(review):
        if piece.page:
            body.append(f"[p. {piece.page}] ", style="dim")
        style = _TERMINAL_STYLES.get(piece.mention["kind"], "reverse") if piece.mention else ""
        body.append(piece.text, style=style)
    table = Table(title=f"{len(review.claims)} claims", show_lines=True)
    for column in ("actor", "action", "value", "unit", "qualifier", "country", "period", "modality", "quote"):
        table.add_column(column, overflow="fold")
    for c in review.claims:
        period = f"{c['date_start']}/{c['date_end']}" if c["date_start"] else ""
        table.add_row(*(Text(str(x or "")) for x in (c["actor"], c["action"], f"{c['value']:g}", c["unit"],
                                                     c["qualifier"], c["country"], period, c["modality"], c["quote"])))
    return [heading, legend, body, table]
