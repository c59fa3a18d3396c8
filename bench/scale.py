"""Ingest at scale: a realistic corpus of N distinct briefs, timed against the bare floor (issue 12).

Builds N documents in a temporary folder from ``samples/`` and ``../shared/corpus/policy/``,
cycling through every source file so text, Markdown, HTML and PDF keep their real
proportions. Copy k of a file is varied so that no two are identical:

- text, Markdown and HTML (text between tags only): integers of two or three digits move by
  a few (not parts of dates, times or decimals), four-digit years by up to four, a few
  country names rotate, and a closing sentence names the copy;
- PDF: the bytes of the original with a PDF comment line naming the copy appended after
  ``%%EOF`` (readers ignore it; the text layer is unchanged, so these are byte-distinct
  copies, not new content, and later copies may be linked as revisions of the first).

Each repetition, on a fresh database (``--db`` SQLite in the temporary folder by default,
or a throw-away database on the PostgreSQL server of ``--pg URL``), runs the real command
as a user would: ``claimtrail ingest`` of the text/Markdown/HTML part, then of the PDF
part, then ``claimtrail ingest`` of everything again (nothing changed: the no-op re-run),
then of one stored document. It samples the resident memory of the whole process tree
(command, worker processes, Prefect server) every 0.1 s. The floor is measured in the same
run on the same converted texts: bare ``nlp.pipe`` of the spaCy model in one process and
with ``n_process=2, batch_size=4``; bare pypdfium2 and bare pdfplumber text extraction on
the same PDFs. Prints medians of the repetitions and each ratio next to its target.

Usage: .venv/bin/python bench/scale.py [--n 1000] [--runs 3] [--pg URL] [--claimtrail PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOLS = (ROOT / "samples", ROOT.parent / "shared" / "corpus" / "policy")
KINDS = (".txt", ".md", ".html", ".pdf")
COUNTRIES = ("Kenya", "Nigeria", "Somalia", "Mali", "Niger", "Chad")
SMALL_NUMBER = re.compile(r"(?<![\d\-/:.,])\b(\d{2,3})\b(?![\-/:.,]?\d)")
YEAR = re.compile(r"(?<![\d\-/:.,])\b((?:19|20)\d\d)\b(?![\-/:.,]?\d)")
COUNTRY = re.compile(r"\b(" + "|".join(COUNTRIES) + r")\b")
TAG = re.compile(r"(<[^>]*>)")


# --------------------------------------------------------------------------- the corpus


def sources() -> list[Path]:
    """Every source file in a fixed shuffled order, so that any N keeps the kinds' proportions."""
    found = sorted(p for pool in POOLS for p in pool.rglob("*")
                   if p.suffix in KINDS and p.is_file() and "pdf-src" not in p.parts)
    random.Random(12).shuffle(found)
    return found


def vary_text(text: str, k: int) -> str:
    text = SMALL_NUMBER.sub(lambda m: str(int(m[1]) + k % 7 + 1), text)
    text = YEAR.sub(lambda m: str(int(m[1]) - k % 5), text)
    return COUNTRY.sub(lambda m: COUNTRIES[(COUNTRIES.index(m[1]) + k) % len(COUNTRIES)], text)


def variant(path: Path, k: int) -> bytes:
    """Copy ``k`` of ``path``, different in its bytes from every other copy."""
    if path.suffix == ".pdf":
        return path.read_bytes() + f"\n%claimtrail bench copy {k}\n".encode()
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parts = TAG.split(text)
        text = "".join(p if p.startswith("<") else vary_text(p, k) for p in parts)
        return text.replace("</body>", f"<p>Bench copy {k}.</p></body>", 1).encode()
    return (vary_text(text, k) + f"\n\nBench copy {k}.\n").encode()


def build_corpus(folder: Path, n: int) -> dict[str, list[Path]]:
    """N files under ``folder/text`` (txt, md, html) and ``folder/pdf``."""
    pool = sources()
    built: dict[str, list[Path]] = {"text": [], "pdf": []}
    for i in range(n):
        path, k = pool[i % len(pool)], i // len(pool)
        part = "pdf" if path.suffix == ".pdf" else "text"
        target = folder / part / f"{i:05d}-{path.stem[:40]}{path.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(variant(path, k + i))
        built[part].append(target)
    return built


# --------------------------------------------------------------------------- measuring the command


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_command(command: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak tree RSS (bytes) and CPU seconds of one command (the CPU of its
    whole tree: on a busy machine the wall time says more about the neighbours)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "CLAIMTRAIL_DB")}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    took = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return took, peak[0], after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


@contextmanager
def fresh_database(tmp: Path, pg: str | None, repetition: int) -> Iterator[tuple[str, Callable[[], int]]]:
    """A URL to an empty database and a function giving its size in bytes."""
    if pg is None:
        path = tmp / f"bench-{repetition}.db"
        yield f"sqlite:///{path}", lambda: sum(p.stat().st_size for p in tmp.glob(f"{path.name}*"))
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"claimtrail_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)

    def size() -> int:
        with admin.connect() as conn:
            return conn.execute(text("select pg_database_size(:n)"), {"n": name}).scalar_one()

    try:
        yield url, size
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


# --------------------------------------------------------------------------- the floor


def floor(corpus: dict[str, list[Path]]) -> dict[str, float]:
    """Bare spaCy on the converted texts; bare PDF text extraction on the PDFs."""
    import pdfplumber
    import pypdfium2

    from claimtrail.extractors.convert import convert
    from claimtrail.extractors.pipeline import load_model
    from claimtrail.schema import RawDocument

    texts = {part: [convert(RawDocument(uri=str(p), content=p.read_bytes())).text for p in paths]
             for part, paths in corpus.items()}
    nlp = load_model()
    nlp("warm up")
    result: dict[str, float] = {}
    for part, docs in texts.items():
        start = time.perf_counter()
        result[f"tokens {part}"] = sum(len(doc) for doc in nlp.pipe(docs))
        result[f"spacy1 {part}"] = time.perf_counter() - start
        start = time.perf_counter()
        for _ in nlp.pipe(docs, n_process=2, batch_size=4):
            pass
        result[f"spacy2 {part}"] = time.perf_counter() - start
    start, pages = time.perf_counter(), 0
    for path in corpus["pdf"]:
        pdf = pypdfium2.PdfDocument(path)
        for page in pdf:
            page.get_textpage().get_text_bounded()
            pages += 1
        pdf.close()
    result["pypdfium2"], result["pages"] = time.perf_counter() - start, pages
    start = time.perf_counter()
    for path in corpus["pdf"]:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    result["pdfplumber"] = time.perf_counter() - start
    return result


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (each on a fresh database)")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL to create throw-away databases on")
    parser.add_argument("--claimtrail", default=str(Path(sys.executable).with_name("claimtrail")),
                        help="the command to measure (e.g. another checkout's .venv/bin/claimtrail)")
    args = parser.parse_args()
    from claimtrail.settings import quiet_prefect

    quiet_prefect()
    samples: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        samples.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory(prefix="claimtrail-scale-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = build_corpus(tmp / "corpus", args.n)
        print(f"corpus: {args.n} documents ({len(corpus['text'])} text/Markdown/HTML, {len(corpus['pdf'])} PDF) "
              f"in {tmp}; {os.cpu_count()} cores; {args.claimtrail}", flush=True)
        for repetition in range(args.runs):
            with fresh_database(tmp, args.pg, repetition) as (url, size):
                peak = 0
                for part in ("text", "pdf"):
                    took, rss, cpu = run_command([args.claimtrail, "ingest", str(tmp / "corpus" / part), "--db", url])
                    note(f"ingest {part}", took)
                    note(f"ingest {part} cpu", cpu)
                    peak = max(peak, rss)
                note("peak rss", peak)
                note("db size", size())
                for key, target in (("no-op", tmp / "corpus"), ("one stored", corpus["text"][0])):
                    took, _, cpu = run_command([args.claimtrail, "ingest", str(target), "--db", url])
                    note(key, took)
                    note(f"{key} cpu", cpu)
            for key, value in floor(corpus).items():
                note(key, value)
            first = samples["ingest text"][-1] + samples["ingest pdf"][-1]
            print(f"repetition {repetition + 1}: first ingest {first:.1f} s, no-op re-run {samples['no-op'][-1]:.2f} s, "
                  f"one stored {samples['one stored'][-1]:.2f} s, peak RSS {peak / 2**20:.0f} MB", flush=True)
    m = {key: statistics.median(values) for key, values in samples.items()}
    first = m["ingest text"] + m["ingest pdf"]
    tokens = m["tokens text"] + m["tokens pdf"]
    print(f"\nmedians of {args.runs} runs, N = {args.n}, {'PostgreSQL' if args.pg else 'SQLite'}")
    print(f"  first ingest       {first:8.1f} s   {args.n / first:6.1f} docs/s   {tokens / first:8.0f} tokens/s"
          f"   (CPU {m['ingest text cpu'] + m['ingest pdf cpu']:.0f} s)")
    print(f"    text/MD/HTML     {m['ingest text']:8.1f} s   {len(corpus['text']) / m['ingest text']:6.1f} docs/s")
    print(f"    PDF              {m['ingest pdf']:8.1f} s   {m['pages'] / m['ingest pdf']:6.1f} pages/s ({m['pages']:.0f} pages)")
    print(f"  peak RSS (tree)    {m['peak rss'] / 2**20:8.0f} MB")
    print(f"  database size      {m['db size'] / 2**20:8.1f} MB")
    print(f"  no-op re-run       {m['no-op']:8.2f} s   (CPU {m['no-op cpu']:.2f} s)")
    print(f"  one stored doc     {m['one stored']:8.2f} s   (CPU {m['one stored cpu']:.2f} s)")
    print("  floor: bare nlp.pipe 1 process text "
          f"{m['spacy1 text']:.1f} s ({m['tokens text'] / m['spacy1 text']:.0f} tokens/s), 2 processes "
          f"{m['spacy2 text']:.1f} s; PDF text: spaCy {m['spacy1 pdf']:.1f} s, pypdfium2 {m['pypdfium2']:.2f} s "
          f"({m['pages'] / m['pypdfium2']:.0f} pages/s), pdfplumber {m['pdfplumber']:.1f} s "
          f"({m['pages'] / m['pdfplumber']:.1f} pages/s)")
    ratios = [
        ("first ingest / no-op re-run", first / m["no-op"], ">= 100"),
        ("one stored document, s", m["one stored"], "<= 2"),
        ("text+HTML ingest / bare nlp.pipe (1 process)", m["ingest text"] / m["spacy1 text"], "<= 0.75"),
        ("  floor: nlp.pipe 2 processes / 1 process", m["spacy2 text"] / m["spacy1 text"], "~0.55"),
        ("PDF ingest / (pypdfium2 + bare nlp.pipe)", m["ingest pdf"] / (m["pypdfium2"] + m["spacy1 pdf"]), "<= 1.2"),
        ("peak RSS (tree), GB", m["peak rss"] / 2**30, "< 1.5"),
    ]
    for label, value, target in ratios:
        print(f"  {label:48s} {value:8.2f}   target {target}")


if __name__ == "__main__":
    main()
