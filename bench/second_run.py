"""A second `claimtrail run` over unchanged sources vs the first: time and documents re-processed.

A local web site (tests/http_fixture.py: ETag and Last-Modified, 304 answers, a request log)
serves N distinct briefs listed by an RSS feed, plus a folder source of the samples. Each
repetition runs the run flow twice on a fresh SQLite file with the real politeness
defaults (1 s between request starts to a host, 2 in flight) and reports the flow's own
duration (the run record's started -> finished), the downloads and the documents processed.

Usage: .venv/bin/python bench/second_run.py [--pages N] [--runs K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from http_fixture import SAMPLES, Site, rss  # noqa: E402

from claimtrail.config import Config, FeedSource, FolderSource  # noqa: E402
from claimtrail.settings import quiet_prefect  # noqa: E402


def site_with(pages: int) -> Site:
    site = Site()
    page = (SAMPLES / "iskp-plots-europe.html").read_text(encoding="utf-8")
    for number in range(pages):
        extra = f"<p>In {2000 + number}, {number + 3} plots were disrupted in Germany.</p></body>"
        site.add(f"/briefs/{number}.html", page.replace("</body>", extra).encode())
    site.add("/feed.rss", rss(site, [site.url(f"/briefs/{n}.html") for n in range(pages)]),
             content_type="application/rss+xml")
    return site.start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    quiet_prefect()
    from claimtrail.extractors.pipeline import load_pipeline
    from claimtrail.flows.run import run
    from claimtrail.prefect_api import flow_session

    firsts: list[float] = []
    seconds: list[float] = []
    with flow_session(warm_up=load_pipeline):
        for repetition in range(args.runs):
            site = site_with(args.pages)
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    config = Config(database=f"sqlite:///{tmp}/bench.db",
                                    sources=(FeedSource("feed", site.url("/feed.rss")),
                                             FolderSource("samples", SAMPLES)))
                    first = run(config)
                    mark = site.mark()
                    second = run(config)
                    downloads = [h for h in site.hits(since=mark) if h.status == 200]
                    took = [(s.finished_at - s.started_at).total_seconds() for s in (first, second)]
                    firsts.append(took[0])
                    seconds.append(took[1])
                    processed = second.count("new") + second.count("updated") + second.count("failed")
                    print(f"repetition {repetition + 1}: first {took[0]:.2f} s ({first.count('new')} new), "
                          f"second {took[1]:.2f} s ({second.count('unchanged')} unchanged, {processed} processed, "
                          f"{len(downloads)} full downloads incl. feed and robots.txt)", flush=True)
            finally:
                site.stop()
    first, second = statistics.median(firsts), statistics.median(seconds)
    print(f"median first run {first:.2f} s, median second run {second:.2f} s: {first / second:.1f}x faster")


if __name__ == "__main__":
    main()
