"""Main-content extraction on the ScrapingHub article-extraction benchmark.

Scores three systems side by side, in one run, on the 181 pages of
``../shared/corpus/html-benchmark`` against the reference article bodies of its
``ground-truth.json``:

- ``claimtrail``: ``claimtrail.extractors.convert.convert`` on a ``RawDocument`` of the
  page bytes. The benchmark scores the article *body*: its reference bodies hold neither
  the headline nor bylines, date lines or image captions. claimtrail keeps those as typed
  blocks (kinds ``title``, ``byline``, ``dateline``, ``caption``), so the scored body is
  the text of the other blocks (headings, paragraphs, list items, table rows), joined as
  ``text`` joins them. The row ``claimtrail (whole text)`` scores all of ``text``;
- ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``, as the
  benchmark's own ``extractors/run_trafilatura.py`` calls it;
- ``beautifulsoup``: ``BeautifulSoup(html, "html.parser").get_text(separator=" ",
  strip=True)``, the benchmark's whole-page baseline (``extractors/run_beautifulsoup.py``).

The metric is the benchmark's own, as its ``evaluate.py`` computes it: a text is split
into tokens, the runs of word characters (regular expression ``\\w+``, Unicode, case
kept); its 4-token shingles (every run of 4 consecutive tokens; a text of fewer than 4
tokens is one shorter shingle, an empty text none) form a multiset, and true positives,
false positives and false negatives are counted per shingle with multiplicity. Per page,
precision = tp / (tp + fp) and recall = tp / (tp + fn), both 1.0 when there is no fp and
no fn; precision is averaged over the pages where the system output something (tp + fp >
0), recall over the pages with a reference body (tp + fn > 0), and F1 is the harmonic
mean of the two means. ``±`` is 1.96 standard deviations over bootstrap resamples of the
pages, as the benchmark reports it.

Also reports pages per second (decompression excluded; claimtrail's conversion includes
decoding, metadata, links and block structure) and, on the 15 pages of
``trafilatura_subset/``, how many of their must-contain / must-not-contain snippets each
of claimtrail and trafilatura gets right.

Usage: .venv/bin/python bench/html_benchmark.py [--bootstrap N] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html-benchmark"
SUBSET = BENCHMARK / "trafilatura_subset"
NOT_BODY = {"title", "byline", "dateline", "caption"}
Counts = tuple[int, int, int]

# ------------------------------------------------------------------------------ metric

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text``."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i : i + n])


def match(true: str, pred: str) -> Counts:
    """Per-page (tp, fp, fn) over shingles, with multiplicity."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def precision(tp: int, fp: int, fn: int) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: int, fp: int, fn: int) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def page_f1(counts: Counts) -> float:
    p, r = precision(*counts), recall(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(pages: list[Counts]) -> tuple[float, float, float]:
    """(precision, recall, F1): means over the pages, F1 of the means."""
    p = statistics.mean(precision(*c) for c in pages if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in pages if c[0] + c[2] > 0)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def spreads(pages: list[Counts], samples: int) -> tuple[float, float, float]:
    """1.96 standard deviations of (precision, recall, F1) over bootstrap resamples."""
    rng = random.Random(0)
    resampled = [scores([pages[rng.randrange(len(pages))] for _ in pages]) for _ in range(samples)]
    p, r, f = (1.96 * statistics.stdev(column) for column in zip(*resampled))
    return p, r, f


# ----------------------------------------------------------------------------- systems


def claimtrail_system(content: bytes) -> dict[str, str]:
    from claimtrail.extractors.convert import convert
    from claimtrail.schema.records import ConversionError, RawDocument

    try:
        doc = convert(RawDocument(uri="page.html", content=content))
    except ConversionError:
        return {"claimtrail": "", "claimtrail (whole text)": ""}
    body = "\n\n".join(doc.text[b.start_char : b.end_char] for b in doc.blocks
                       if b.kind not in NOT_BODY)
    return {"claimtrail": body, "claimtrail (whole text)": doc.text}


def trafilatura_system(content: bytes) -> dict[str, str]:
    import trafilatura

    html = content.decode("utf-8")
    return {"trafilatura": trafilatura.extract(html, include_comments=False) or ""}


def beautifulsoup_system(content: bytes) -> dict[str, str]:
    from bs4 import BeautifulSoup

    html = content.decode("utf-8")
    return {"beautifulsoup": BeautifulSoup(html, "html.parser").get_text(separator=" ", strip=True)}


SYSTEMS: list[Callable[[bytes], dict[str, str]]] = [
    claimtrail_system, trafilatura_system, beautifulsoup_system]
DISTRIBUTIONS = {"claimtrail": "claimtrail", "trafilatura": "trafilatura",
                 "beautifulsoup": "beautifulsoup4"}


def distribution_version(name: str) -> str:
    try:
        return version(DISTRIBUTIONS[name.split()[0]])
    except PackageNotFoundError:
        return "?"


# ----------------------------------------------------------------------------- snippets


def snippet_checks() -> dict[str, tuple[int, int, list[str]]]:
    """Per system: (passed, total, failures) over the subset's with/without snippets."""
    import trafilatura
    from claimtrail.extractors.convert import convert
    from claimtrail.schema.records import RawDocument

    expectations = json.loads((SUBSET / "evaldata_subset.json").read_text(encoding="utf-8"))
    texts: dict[str, Callable[[str, bytes], str]] = {
        "claimtrail": lambda url, content: convert(
            RawDocument(uri="page.html", content=content, source_url=url)).text,
        "trafilatura": lambda url, content: trafilatura.extract(
            content, url=url, include_comments=False) or "",
    }
    results = {}
    for name, extract in texts.items():
        passed, total, failures = 0, 0, []
        for url, page in expectations.items():
            text = extract(url, (SUBSET / page["file"]).read_bytes())
            for snippet in page["with"]:
                total += 1
                if snippet in text:
                    passed += 1
                else:
                    failures.append(f"{page['file']}: missing {snippet!r}")
            for snippet in page["without"]:
                total += 1
                if snippet not in text:
                    passed += 1
                else:
                    failures.append(f"{page['file']}: has {snippet!r}")
        results[name] = passed, total, failures
    return results


# -------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap samples (0: none)")
    parser.add_argument("--worst", type=int, default=0, help="also list claimtrail's N worst pages")
    args = parser.parse_args()

    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {key: gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
             for key in sorted(truth)}
    first = next(iter(pages.values()))
    outputs: dict[str, dict[str, str]] = {}
    rate: dict[str, float] = {}
    for system in SYSTEMS:
        names = list(system(first))  # imports, caches and rule files are not timed
        start = time.perf_counter()
        for key, content in pages.items():
            for name, text in system(content).items():
                outputs.setdefault(name, {})[key] = text
        rate[names[0]] = len(pages) / (time.perf_counter() - start)

    print(f"ScrapingHub article-extraction benchmark: {len(pages)} pages; 4-token shingles, "
          "mean precision and mean recall over pages, F1 of the means")
    if args.bootstrap:
        print(f"± is 1.96 standard deviations over {args.bootstrap} bootstrap resamples "
              "of the pages")
    print()
    header = (f"{'system':25s} {'version':9s} {'precision':>15s} {'recall':>15s} {'F1':>15s} "
              f"{'pages/s':>8s}")
    print(header)
    print("-" * len(header))
    counts = {name: [match(truth[key].get("articleBody", ""), texts[key]) for key in pages]
              for name, texts in outputs.items()}
    for name, page_counts in counts.items():
        values = scores(page_counts)
        spread = spreads(page_counts, args.bootstrap) if args.bootstrap else None
        cells = [f"{v:.3f} ± {d:.3f}" if spread else f"{v:.3f}"
                 for v, d in zip(values, spread or values)]
        speed = f"{rate[name]:8.1f}" if name in rate else ""
        print(f"{name:25s} {distribution_version(name):9s} "
              f"{cells[0]:>15s} {cells[1]:>15s} {cells[2]:>15s} {speed}")
    print()
    print(f"claimtrail converts {rate['claimtrail']:.1f} pages/s, trafilatura extracts "
          f"{rate['trafilatura']:.1f} pages/s: claimtrail is "
          f"{rate['claimtrail'] / rate['trafilatura']:.2f}x trafilatura's speed")

    print()
    print(f"must-contain / must-not-contain snippets of {SUBSET.name}/ (15 pages):")
    for name, (passed, total, failures) in snippet_checks().items():
        print(f"  {name:12s} {passed}/{total} right")
        for failure in failures:
            print(f"    {failure}")

    if args.worst:
        print(f"\nclaimtrail's {args.worst} worst pages (page F1, and trafilatura's):")
        pairs = zip(pages, counts["claimtrail"], counts["trafilatura"], strict=True)
        rows = sorted((page_f1(ours), precision(*ours), recall(*ours), page_f1(theirs), key)
                      for key, ours, theirs in pairs)
        for f, p, r, tf, key in rows[: args.worst]:
            print(f"  F1 {f:.3f} (P {p:.3f} R {r:.3f})  trafilatura {tf:.3f}  {key[:10]}  "
                  f"{truth[key].get('url', '')[:70]}")


if __name__ == "__main__":
    main()
