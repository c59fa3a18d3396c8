"""Build the sample PDFs ``samples/<name>.pdf`` from their Markdown sources.

Regenerate with:  .venv/bin/python samples/make_pdf.py

Each source ``samples/pdf-src/<name>.md`` (``central-asia-recruitment``, ``quarterly-bulletin``)
is a front-matter block
(``title``, ``authors`` separated by ``;``, ``byline``, ``published`` as YYYY-MM-DD,
``series``, ``publisher``) followed by a deliberately small Markdown subset:

* ``## Heading``        a section heading
* ``- item``            a list item (consecutive items form one list)
* ``*text*``            a whole paragraph in italics
* ``| a | b |``         a table row (consecutive rows form one table; the first is its
                        header, ``|---|`` separator rows are skipped)
* ``Title ..... 3``     a contents line (dot leaders and a page number), printed as written
* anything else         a paragraph; paragraphs are separated by blank lines

The PDF uses the core Helvetica font, so the text must be encodable as latin-1 (straight
quotes, "-" rather than dashes); the script refuses anything else. Page 1 carries the
series label, the title, the byline and a printed "Published <date>" line; later pages
carry a running header, and every page a "Page N of M" footer. The document information
dictionary gets the title, the authors and a creation date equal to the publication date.

The output is deterministic for a given fpdf2 version (fixed creation date, no timestamps
taken from the clock), so regenerating it only changes the file when the source changes.
Requires fpdf2 (``uv pip install -p .venv fpdf2``; it is in the ``test`` extra).
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SOURCES = sorted((HERE / "pdf-src").glob("*.md"))
CONTENTS_LINE = re.compile(r"^\S.*\.{4,}\s*\d+$")
SEPARATOR_ROW = re.compile(r"^\|[\s:|-]+\|$")

FONT = "Helvetica"
BODY_SIZE = 11
LINE_HEIGHT = 5.8


def parse_source(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Split the source into its front matter and a list of (kind, text) blocks."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("source must start with a '---' front-matter block")
    end = lines.index("---", 1)
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()

    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = " ".join(paragraph)
            if joined.startswith("*") and joined.endswith("*"):
                blocks.append(("italic", joined.strip("*")))
            else:
                blocks.append(("paragraph", joined))
            paragraph.clear()

    for line in lines[end + 1 :]:
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            blocks.append(("heading", stripped[3:].strip()))
        elif stripped.startswith("- "):
            flush()
            blocks.append(("item", stripped[2:].strip()))
        elif stripped.startswith("|"):
            flush()
            if SEPARATOR_ROW.match(stripped):
                continue
            if blocks and blocks[-1][0] == "table":
                blocks[-1] = ("table", blocks[-1][1] + "\n" + stripped)
            else:
                blocks.append(("table", stripped))
        elif CONTENTS_LINE.match(stripped):
            flush()
            blocks.append(("contents", stripped))
        else:
            paragraph.append(stripped)
    flush()
    return meta, blocks


def check_latin1(meta: dict[str, str], blocks: list[tuple[str, str]]) -> None:
    for text in [*meta.values(), *(t for _, t in blocks)]:
        try:
            text.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise SystemExit(f"not latin-1, the core font cannot print it: {text[:60]!r}: {exc}")


class BriefPDF(FPDF):
    running_header = ""

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.running_header, align="R")
        self.ln(9)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build(meta: dict[str, str], blocks: list[tuple[str, str]]) -> BriefPDF:
    published = date.fromisoformat(meta["published"])
    authors = [a.strip() for a in meta["authors"].split(";") if a.strip()]

    pdf = BriefPDF(orientation="P", unit="mm", format="A4")
    pdf.running_header = f"{meta['publisher']} | {meta['series']}"
    pdf.set_title(meta["title"])
    pdf.set_author(", ".join(authors))
    pdf.set_subject(meta["series"])
    pdf.set_creator("claimtrail samples/make_pdf.py")
    pdf.set_lang("en")
    pdf.set_creation_date(
        datetime(published.year, published.month, published.day, 9, 0, tzinfo=timezone.utc)
    )
    pdf.set_margins(left=22, top=20, right=22)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_page()

    # Page 1 masthead: series label, title, byline, printed date, rule.
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(150, 30, 30)
    pdf.cell(0, 6, meta["series"].upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, meta["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 6, meta["byline"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(90, 90, 90)
    printed = f"Published {published.day} {published.strftime('%B')} {published.year}"
    pdf.cell(0, 6, printed, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_draw_color(150, 30, 30)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(6)

    previous = None
    for kind, text in blocks:
        if kind == "heading":
            pdf.ln(2)
            pdf.set_font(FONT, "B", 13)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "contents":
            pdf.set_font(FONT, "", 10)
            pdf.cell(0, LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            pdf.set_font(FONT, "", 9)
            with pdf.table(line_height=5.5, text_align="LEFT", first_row_as_headings=True) as table:
                for line in text.splitlines():
                    row = table.row()
                    for cell in line.strip().strip("|").split("|"):
                        row.cell(cell.strip())
            pdf.ln(3)
        elif kind == "item":
            pdf.set_font(FONT, "", BODY_SIZE)
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(5, LINE_HEIGHT, "-")
            pdf.multi_cell(0, LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        else:
            if previous == "item":
                pdf.ln(1.5)
            pdf.set_font(FONT, "I" if kind == "italic" else "", BODY_SIZE if kind != "italic" else 9)
            pdf.multi_cell(0, LINE_HEIGHT, text, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        previous = kind
    return pdf


def main() -> int:
    for source in SOURCES:
        meta, blocks = parse_source(source.read_text(encoding="utf-8"))
        check_latin1(meta, blocks)
        pdf = build(meta, blocks)
        output = HERE / f"{source.stem}.pdf"
        pdf.output(str(output))
        print(f"wrote {output.relative_to(HERE.parent)} ({pdf.pages_count} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
