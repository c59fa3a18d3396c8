"""Bad input never crashes, hangs or loses anything: every file ends ok or failed, with a reason.

The big test ingests pdfplumber's own test PDFs and 56 broken, looping, fuzzed and
encrypted PDFs (``../shared/corpus/pdf`` and ``pdf-malformed``, see each folder's
MANIFEST.tsv) plus home-made junk in ONE run, and checks the outcome of every file. It
runs on SQLite only: the databases are tested elsewhere, and one run of ~120 documents
through the extraction pipeline is the slowest test of the suite.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
import zlib
from pathlib import Path

import pytest

from claimtrail.db import query_readonly
from claimtrail.extractors.guard import convert_guarded
from claimtrail.flows.ingest import ingest
from claimtrail.schema.records import ConversionError, RawDocument

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE_PDF = ROOT / "samples" / "central-asia-recruitment.pdf"
SAMPLE_TXT = ROOT / "samples" / "iskp-finance-networks.txt"
SEED = (ROOT.parent / "shared" / "seeds" / "iskp-goes-global.txt").resolve()

OK, FAILED = "ok", "failed"

# file -> (status, fragment): of the error when it failed, of the text when it is ok.
# Duplicates (same bytes as a file before them) are "unchanged", which is ok.
PDF = {
    "150109DSP-Milw-505-90D.pdf": (OK, "90-Day Summary Report for Child Death"),
    "2023-06-20-PV.pdf": (OK, "PROCÈS-VERBAL"),
    "WARN-Report-for-7-1-2015-to-03-25-2016.pdf": (OK, "Notice Date | Effective | Received | Company | City"),
    "annotations.pdf": (OK, "Dummy PDF file"),
    "chelsea_pdta.pdf": (OK, "Plan directeur de transport actif"),
    "cupertino_usd_4-6-16.pdf": (OK, "CUPERTINO UNION SCHOOL DISTRICT"),
    "empty.pdf": (FAILED, "empty file"),
    "examples__ag-energy-round-up-2017-02-24.pdf": (OK, "Ag Energy Round-Up"),
    "examples__background-checks.pdf": (OK, "NICS Firearm Background Checks"),
    "examples__ca-warn-report.pdf": (OK, None),  # same bytes as WARN-Report-...
    "examples__san-jose-pd-firearm-sample.pdf": (OK, "SAN JOSE POLICE DEPT"),
    "extra-attrs-example.pdf": (OK, None),
    "federal-register-2020-17221.pdf": (OK, "Federal Register"),
    "figure_structure.pdf": (OK, "Test of figures"),
    "hello_structure.pdf": (OK, "Hello World"),
    "image_structure.pdf": (OK, "Here is an image"),
    "issue-1054-example.pdf": (OK, "Bundesministerium"),
    "issue-13-151201DSP-Fond-581-90D.pdf": (OK, "90-Day Summary Report"),
    "issue-140-example.pdf": (OK, "UPC code"),
    "issue-192-example.pdf": (OK, None),
    "issue-203-decimalize.pdf": (FAILED, "no text layer (scanned document?)"),
    "issue-297-example.pdf": (FAILED, "broken PDF: no pages found"),
    "issue-316-example.pdf": (OK, "full text archive of this journal"),
    "issue-33-lorem-ipsum.pdf": (OK, "Voluptatem"),
    "issue-336-example.pdf": (OK, None),
    "issue-461-example.pdf": (OK, None),
    "issue-463-example.pdf": (OK, "THE GRASSHOPPER"),
    "issue-466-example.pdf": (OK, "Test table extraction"),
    "issue-53-example.pdf": (OK, "JAL Group"),
    "issue-598-example.pdf": (OK, "What is Earth Science?"),
    "issue-67-example.pdf": (OK, None),
    "issue-71-duplicate-chars-2.pdf": (OK, "DÉSORDRES DE L’ÉQUILIBRE ACIDE-BASE"),  # not "DDÉÉSS..."
    "issue-71-duplicate-chars.pdf": (OK, None),
    "issue-842-example.pdf": (OK, None),
    "issue-848.pdf": (OK, "The movie opens"),
    "issue-90-example.pdf": (OK, "ICE DANCE"),
    "issue-912.pdf": (OK, "XYZ Pvt Ltd"),
    "issue-948.zip": (FAILED, "unsupported file type (binary data)"),
    "issue-982-example.pdf": (OK, "Creativity in Machine Learning"),
    "issue-987-test.pdf": (OK, "Big Text"),
    "la-precinct-bulletin-2014-p1.pdf": (OK, "REGISTRAR-RECORDER"),
    "line-char-render-example.pdf": (OK, "first line second line third line"),
    "malformed-from-issue-932.pdf": (OK, None),
    "mcid_example.pdf": (OK, None),  # same bytes as figure_structure.pdf
    "nics-background-checks-2015-11-rotated.pdf": (OK, None),
    "nics-background-checks-2015-11.pdf": (OK, None),  # same bytes as examples__background-checks.pdf
    "password-example.pdf": (FAILED, "encrypted: password required"),
    "pdf_structure.pdf": (OK, "Titre du document"),
    "pdffill-demo.pdf": (OK, "PDFill"),
    "pr-136-example.pdf": (OK, None),
    "pr-138-example.pdf": (OK, "Home Loan Interest Rates"),  # encrypted, empty password
    "pr-88-example.pdf": (OK, "Broad Agency Announcement"),
    "scotus-transcript-p1.pdf": (OK, "SUPREME COURT"),
    "senate-expenditures.pdf": (OK, "PAYEENAME"),
    "table-curves-example.pdf": (OK, None),
    "test-punkt.pdf": (OK, "fine-tuned parameters"),
    "word365_structure.pdf": (OK, "Lorem ipsum dolor"),
}
BLANK = "no text: the pages are blank or their content cannot be read"
MALFORMED = {
    "pdfjs__GHOSTSCRIPT-698804-1-fuzzed.pdf": (FAILED, "broken PDF: no pages found"),
    "pdfjs__PDFBOX-4352-0.pdf": (FAILED, "encrypted: unsupported or damaged encryption"),
    "pdfjs__Pages-tree-refs.pdf": (OK, "Pages loop"),
    "pdfjs__REDHAT-1531897-0.pdf": (FAILED, "broken PDF: no pages found"),
    "pdfjs__bad-PageLabels.pdf": (OK, "PDF document with bad Page Labels."),
    "pdfjs__empty_protected.pdf": (FAILED, "encrypted: no readable text"),
    "pdfjs__helloworld-bad.pdf": (OK, "Hello, world!"),
    "pdfjs__issue1293r.pdf": (FAILED, BLANK),
    "pdfjs__issue4461.pdf": (FAILED, BLANK),
    "pdfjs__issue6010_2.pdf": (FAILED, "encrypted: password required"),
    "pdfjs__issue7665.pdf": (FAILED, "encrypted: unsupported or damaged encryption"),
    "pdfjs__operator_list_cycle.pdf": (FAILED, "broken PDF: damaged internal structure"),
    "pdfjs__pdfjsbad1586.pdf": (OK, "pdf.js test"),
    "pdfjs__poppler-395-0-fuzzed.pdf": (FAILED, "broken PDF: damaged or unsupported data"),
    "pdfjs__poppler-937-0-fuzzed.pdf": (FAILED, "broken PDF: invalid syntax"),
    "pdfjs__xref_command_missing.pdf": (OK, "Reduced test-case"),
    "pdfminer__aes-256-r6.pdf": (FAILED, "encrypted: password required"),
    "pdfminer__aes-256.pdf": (FAILED, "encrypted: password required"),
    "pdfminer__encrypted_doc_no_id.pdf": (FAILED, "encrypted: no readable text"),
    "pdfminer__issue-1062-filters.pdf": (OK, "Lenze"),
    "pdfminer__issue-1113-evil-xobjects.pdf": (OK, "Hello world"),  # circular XObjects
    "pdfminer__issue-886-xref-stream-widths.pdf": (OK, "Hello"),
    "pdfminer__rc4-40.pdf": (FAILED, "encrypted: password required"),
    "pdfminer__zen_of_python_corrupted.pdf": (OK, "zen_of_python.txt"),  # partial text of a corrupt stream
    "pypdf__crazyones-encrypted-256.pdf": (FAILED, "encrypted: password required"),
    "pypdf__issue-297.pdf": (OK, "test example"),
    "pypdf__libreoffice-writer-password.pdf": (FAILED, "encrypted: password required"),
    "pypdf__outlines-with-invalid-destinations.pdf": (OK, "Contents"),
    "pypdf__r2-user-password.pdf": (FAILED, "encrypted: password required"),
    "pypdf__r4-aes-v2-no-key-length.pdf": (OK, "pdf encryption test"),
    "pypdf__r6-user-password.pdf": (OK, "pdf encryption test"),
    "qpdf__bad-encryption-length.pdf": (FAILED, "encrypted: password required"),
    "qpdf__bad1.pdf": (OK, "oops"),  # five bytes of text named .pdf: the bytes decide, it is text
    "qpdf__bad13.pdf": (FAILED, "broken PDF: no document catalog"),
    "qpdf__bad2.pdf": (FAILED, "broken PDF: no document catalog"),
    "qpdf__bad22.pdf": (FAILED, BLANK),
    "qpdf__bad24.pdf": (FAILED, BLANK),
    "qpdf__bad3.pdf": (FAILED, BLANK),
    "qpdf__bad31.pdf": (OK, "Potato"),
    "qpdf__bad38.pdf": (OK, "Potato"),
    "qpdf__bad4.pdf": (FAILED, "broken PDF: no pages found"),
    "qpdf__bad40.pdf": (OK, "Potato"),
    "qpdf__bad5.pdf": (FAILED, BLANK),
    "qpdf__bad7.pdf": (FAILED, BLANK),
    "qpdf__bad9.pdf": (OK, "Potato"),
    "qpdf__damaged-stream.pdf": (OK, "Potato"),
    "qpdf__fuzz-16214.pdf": (FAILED, "broken PDF: no pages found"),
    "qpdf__issue-100.pdf": (FAILED, "broken PDF: invalid syntax"),  # xref reconstruction loop
    "qpdf__issue-141a.pdf": (FAILED, "broken PDF: no document catalog"),
    "qpdf__issue-147.pdf": (FAILED, "encrypted: unsupported or damaged encryption"),
    "qpdf__issue-149.pdf": (FAILED, "broken PDF: circular or too deeply nested references"),  # /Prev loop
    "qpdf__issue-150.pdf": (FAILED, "broken PDF: the file ends unexpectedly"),
    "qpdf__issue-263.pdf": (FAILED, "broken PDF: invalid syntax"),
    "qpdf__issue-335b.pdf": (OK, "startxref"),  # 23 bytes of text named .pdf
    "qpdf__pages-loop.pdf": (OK, "Potato"),
    "qpdf__xref-errors.pdf": (OK, "Potato"),
}
JUNK = {  # made by the test: see junk()
    "empty.html": (FAILED, "empty file"),
    "blank.txt": (FAILED, "empty file"),
    "noise.pdf": (FAILED, "unsupported file type (binary data)"),
    "noise.html": (FAILED, "unsupported file type (binary data)"),
    "picture.txt": (FAILED, "unsupported file type (binary data)"),
    "truncated.pdf": (FAILED, "broken PDF"),
}


def rows(url: str, sql: str) -> list[dict]:
    columns, result = query_readonly(url, sql)
    return [dict(zip(columns, row)) for row in result]


def counts(url: str, path: Path) -> dict:
    """How many mentions and claims the document stored from ``path`` has."""
    [row] = rows(url, f"""select (select count(*) from v_mentions where doc_uri = '{path}') as mentions,
                                 (select count(*) from v_claims where doc_uri = '{path}') as claims""")
    return row


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'claimtrail.db'}"


def junk(folder: Path) -> Path:
    folder.mkdir()
    def noise(seed: int) -> bytes:  # different bytes each: failed rows of equal bytes are one row
        return bytes((i * 7919 + seed) % 256 for i in range(4096))

    (folder / "empty.html").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\n")
    (folder / "noise.pdf").write_bytes(noise(1))
    (folder / "noise.html").write_bytes(noise(2))
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise(3))
    (folder / "truncated.pdf").write_bytes(SAMPLE_PDF.read_bytes()[:2000])
    return folder


def one_page_pdf(stream: bytes) -> bytes:
    """A one-page PDF whose page content is ``stream`` (Flate-compressed already)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def operator_flood_pdf(operators: int) -> bytes:
    """A small PDF (~5 KB per million operators) whose page is ``operators`` times ``q Q``
    (save and restore the graphics state): pdfminer interprets every one, about 7 µs
    each, and finds no text."""
    return one_page_pdf(zlib.compress(b"q Q\n" * operators, 9))


def inflating_pdf(megabytes: int) -> bytes:
    """A small PDF (~1 KB per MB) whose page content inflates to ``megabytes`` MB of spaces."""
    packer = zlib.compressobj(9)
    return one_page_pdf(b"".join(packer.compress(b" " * (1 << 20)) for _ in range(megabytes)) + packer.flush())


def test_the_corpus_files_are_all_listed() -> None:
    """The expectation tables name every file of both folders (MANIFEST.tsv is their index)."""
    for folder, expected in (("pdf", PDF), ("pdf-malformed", MALFORMED)):
        assert {p.name for p in (CORPUS / folder).iterdir() if p.name != "MANIFEST.tsv"} == set(expected)


@pytest.mark.flows
def test_every_file_ends_ok_or_failed_and_nothing_stored_is_touched(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    ingest([str(SAMPLE_PDF)], url)
    before = counts(url, SAMPLE_PDF)
    assert before["mentions"] > 100 and before["claims"] > 10

    summary = ingest([str(CORPUS / "pdf"), str(CORPUS / "pdf" / "issue-948.zip"), str(CORPUS / "pdf-malformed"),
                      str(junk(tmp_path / "junk")), str(SEED)], url)

    expected = PDF | MALFORMED | JUNK | {SEED.name: (OK, "ISKP")}
    outcomes = {Path(o.uri).name: o for o in summary.outcomes}
    assert set(outcomes) == set(expected) and len(summary.outcomes) == len(expected)
    stored = {d["doc_uri"]: d for d in rows(url, "select doc_uri, sha256, status, error, text from v_documents")}
    texts = {d["sha256"]: d["text"] for d in stored.values() if d["status"] == "ok"}
    wrong = []
    for outcome in summary.outcomes:
        name = Path(outcome.uri).name
        status, fragment = expected[name]
        if status == FAILED:
            row = stored.get(outcome.uri)
            ok = (outcome.status == "failed" and row is not None and row["status"] == "failed"
                  and row["error"] == outcome.error and fragment in outcome.error
                  and "\n" not in outcome.error and len(outcome.error) < 200)
        else:  # stored, or the same bytes already were ("unchanged"), with the text expected
            text = texts.get(hashlib.sha256(Path(outcome.uri).read_bytes()).hexdigest())
            ok = outcome.status in ("new", "unchanged") and bool(text) and (fragment is None or fragment in text)
        if not ok:
            wrong.append((name, outcome.status, outcome.error))
    assert wrong == []
    # What was stored before the run, and what came after every failure, is intact.
    assert counts(url, SAMPLE_PDF) == before
    assert counts(url, SEED)["claims"] > 20


@pytest.mark.flows
def test_a_document_that_hangs_is_stopped_and_the_run_goes_on(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(operator_flood_pdf(5_000_000))  # about 35 s of pdfminer, far more on a slow machine
    url = sqlite_url(tmp_path)

    started = time.perf_counter()
    summary = ingest([str(SEED), str(slow), str(SAMPLE_TXT)], url, timeout=2)

    assert [(Path(o.uri).name, o.status, o.error) for o in summary.outcomes] == [
        (SEED.name, "new", None), ("slow.pdf", "failed", "timed out after 2 s"), (SAMPLE_TXT.name, "new", None),
    ]
    assert time.perf_counter() - started < 30
    assert rows(url, "select error from v_documents where status = 'failed'") == [{"error": "timed out after 2 s"}]


@pytest.mark.flows
def test_files_over_the_size_cap_are_not_read(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    size = SAMPLE_PDF.stat().st_size

    summary = ingest([str(SAMPLE_PDF), str(SAMPLE_TXT)], url, max_bytes=size - 1)

    assert [(o.status, o.error) for o in summary.outcomes] == [
        ("failed", f"file too large: {size} bytes (limit {size - 1})"), ("new", None)]


# --------------------------------------------------------------- the guard, without a database


def raw(path: Path) -> RawDocument:
    return RawDocument(uri=str(path), content=path.read_bytes())


def guarded_error(document: RawDocument, **limits) -> str:
    with pytest.raises(ConversionError) as info:
        convert_guarded(document, **limits)
    return str(info.value)


def test_the_guard_converts_like_the_converter() -> None:
    from claimtrail.extractors.convert import convert

    doc = convert_guarded(raw(SAMPLE_PDF))
    assert doc == convert(raw(SAMPLE_PDF))
    assert guarded_error(RawDocument(uri="x.pdf", content=b"")) == "empty file"


def test_concurrent_callers_get_a_worker_each() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from claimtrail.extractors import guard

    guard.shutdown()
    documents = [raw(SAMPLE_PDF), RawDocument(uri="slow.pdf", content=operator_flood_pdf(2_000_000))] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda d: guarded_error(d, timeout=1) if d.uri == "slow.pdf" else convert_guarded(d),
                                documents))
    assert results[1] == results[3] == "timed out after 1 s"
    assert results[0].text == results[2].text
    assert 1 <= len(guard._idle) <= 2  # the two that timed out were killed


def test_a_long_conversion_is_stopped_and_the_next_one_runs() -> None:
    big = raw(CORPUS / "pdf" / "chelsea_pdta.pdf")  # 65 pages, about 3 s
    started = time.perf_counter()
    assert guarded_error(big, timeout=0.3) == "timed out after 0.3 s"
    assert time.perf_counter() - started < 2
    assert convert_guarded(raw(SAMPLE_PDF)).text


def test_a_conversion_out_of_memory_is_stopped_and_the_next_one_runs() -> None:
    bomb = RawDocument(uri="bomb.pdf", content=inflating_pdf(400))  # 400 KB that inflate to 400 MB
    assert len(bomb.content) < 1_000_000
    assert guarded_error(bomb, max_memory_mb=300) == "out of memory (limit 300 MB)"
    assert convert_guarded(raw(SAMPLE_PDF), max_memory_mb=300).text


def test_a_crashing_converter_fails_its_document_only() -> None:
    from claimtrail.extractors import guard

    guard.shutdown()
    convert_guarded(raw(SAMPLE_PDF))  # one worker is running, idle
    [worker] = guard._idle
    threading.Timer(0.5, os.kill, (worker.proc.pid, signal.SIGSEGV)).start()
    assert guarded_error(RawDocument(uri="slow.pdf", content=operator_flood_pdf(2_000_000))) == (
        "converter crashed (SIGSEGV)")
    assert convert_guarded(raw(SAMPLE_PDF)).text
