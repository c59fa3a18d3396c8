"""How long a 100-page PDF's review page takes to generate, and to render in headless
Chromium (the issue asks under 5 s and under 2 s). The document is synthetic, at the
density of mentions and claims the samples have (one mention per ~40 characters, one
claim per ~150), so no ingest is needed; Debian's chromium and chromedriver are.

    .venv/bin/python bench/review_page.py [--pages 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from claimtrail.db.review import DocumentReview
from claimtrail.pages import KINDS, document_page

SENTENCE = "In March 2024 police in Germany arrested at least 12 members of the network. "  # 78 characters
PAGE_CHARS = 3000
SPANS = (((3, 13), "2024-03-01/2024-03-31"), ((24, 31), "DEU"), ((51, 53), "12"), ((65, 76), "the network"))


def synthetic(pages: int) -> DocumentReview:
    per_page = SENTENCE * (PAGE_CHARS // len(SENTENCE))
    text = "\n\n".join(per_page for _ in range(pages))
    mentions, claims, page_starts = [], [], []
    for page in range(pages):
        base = page * (len(per_page) + 2)
        page_starts.append((page + 1, base))
        for n in range(len(per_page) // len(SENTENCE)):
            start = base + n * len(SENTENCE)
            for k in (n % 4, (n + 1) % 4):
                (a, b), norm = SPANS[k]
                mentions.append({"mention_id": len(mentions), "kind": KINDS[k], "text": text[start + a:start + b],
                                 "start_char": start + a, "end_char": start + b, "norm": norm, "page": page + 1})
            if n % 2 == 0:
                claims.append({"claim_id": len(claims), "doc_id": 1, "actor": None, "action": "arrest", "value": 12.0,
                               "unit": "members", "qualifier": "at least", "country": "DEU",
                               "date_start": "2024-03-01", "date_end": "2024-03-31", "quote": SENTENCE.strip(),
                               "start_char": start, "end_char": start + len(SENTENCE) - 1, "page": page + 1,
                               "modality": "asserted", "doc_uri": "/data/bulletin.pdf", "source_url": None,
                               "media_type": "application/pdf"})
    document = {"doc_id": 1, "doc_uri": "/data/bulletin.pdf", "source_url": None, "title": "Synthetic bulletin",
                "published": None, "authors": None, "media_type": "application/pdf", "status": "ok", "error": None,
                "pipeline_version": "bench", "created_at": None, "run_id": None}
    return DocumentReview(document, text, mentions, claims, page_starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    pages = parser.parse_args().pages
    review = synthetic(pages)
    started = time.perf_counter()
    html = document_page(review)
    generated = time.perf_counter() - started
    print(f"{pages} pages, {len(review.text):,} characters, {len(review.mentions):,} mentions, "
          f"{len(review.claims):,} claims: generated in {generated:.2f} s ({len(html) / 1e6:.1f} MB)")

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "page.html"
            page.write_text(html, encoding="utf-8")
            driver.get(page.as_uri())
            timing = driver.execute_script(
                "var t = performance.getEntriesByType('navigation')[0]; return [t.domContentLoadedEventEnd, t.loadEventEnd];")
            # A layout of the whole text, as the first scroll to a quote forces it.
            scrolled = driver.execute_script(
                "var t = performance.now(); document.querySelector('tr[data-claim]:last-child').click();"
                " document.body.getBoundingClientRect(); return performance.now() - t;")
        print(f"in Chromium: DOM ready {timing[0] / 1000:.2f} s, loaded {timing[1] / 1000:.2f} s; "
              f"scrolling to the last claim's quote took {scrolled / 1000:.2f} s")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
