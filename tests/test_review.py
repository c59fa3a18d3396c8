"""Pages for people: ``claimtrail show`` (one document's review page, with every mention
highlighted by kind and its claims beside it, safe against what a document contains) and
``claimtrail report`` (what a period stored, and what failed). Both are also checked in a
real headless Chromium (Debian's ``chromium`` and ``chromium-driver``) when it is installed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from claimtrail.cli import app
from claimtrail.config import Config, ConfigError, FolderSource, load_config
from claimtrail.db import DatabaseError, open_database
from claimtrail.db.review import document_review, find_document
from claimtrail.flows.ingest import ingest
from claimtrail.flows.run import run
from claimtrail.pages import KINDS, document_page, safe_link
from claimtrail.report import Since, parse_since, read_period

pytestmark = pytest.mark.flows  # these tests ingest through the flow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE = ("<script>document.title='pwned'</script>", "<img src=x onerror=\"document.title='pwned'\">",
           "<a href=\"javascript:document.title='pwned'\">a link</a>")
# A brief of our own wording: every kind of mention, claims near the top and at the very
# end (far below the first screen), and markup that must stay text.
BRIEF = "\n\n".join([
    "Field note on Khorasan networks",
    "In March 2023, police in Germany arrested at least 12 supporters of the Islamic State Khorasan Province.",
    f"The bulletin quoted a forum post verbatim: {HOSTILE[0]} and {HOSTILE[1]} and {HOSTILE[2]}.",
    *[f"Paragraph {n} says nothing countable; it only keeps the reader scrolling down the page." for n in range(80)],
    "Between January and June 2024, the Taliban detained more than 40 people in Afghanistan.",
])


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine, int]]:
    """A SQLite database holding the brief and one failure (an empty file), stored by run 1;
    its URL, an engine and the brief's id."""
    folder = tmp_path_factory.mktemp("review")
    (folder / "field-note.txt").write_text(BRIEF, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    url = f"sqlite:///{folder / 'claimtrail.db'}"
    ingest([str(folder / "field-note.txt"), str(folder / "empty.txt")], url)
    engine = open_database(url)
    yield url, engine, find_document(engine, "field-note.txt")
    engine.dispose()


def test_a_document_is_found_by_id_address_or_file_name(reviewed: tuple[str, Engine, int]) -> None:
    _, engine, doc_id = reviewed
    address = document_review(engine, doc_id).document["doc_uri"]

    assert find_document(engine, str(doc_id)) == find_document(engine, address) == doc_id
    with pytest.raises(DatabaseError, match="no document has the id, address or file name 'other.txt'"):
        find_document(engine, "other.txt")


def test_the_page_highlights_each_kind_and_escapes_the_document(reviewed: tuple[str, Engine, int]) -> None:
    _, engine, doc_id = reviewed
    review = document_review(engine, doc_id)
    page = document_page(review)

    assert {m["kind"] for m in review.mentions} >= set(KINDS)
    for kind in KINDS:
        assert f'class="m m-{kind}' in page
    assert 'title="country: DEU"' in page and 'title="actor: Islamic State Khorasan Province"' in page
    for markup in HOSTILE:
        assert markup not in page
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page
    assert 'http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;' in page
    fetching = re.search(r"<(?:link|img|iframe|object|embed|script)\b[^>]*\b(?:src|href)=", page)
    assert not fetching, "the page would fetch something"


def test_lookups_and_periods_on_both_databases(db_url: str, tmp_path: Path) -> None:
    """The same reading on SQLite and PostgreSQL: a file name with LIKE's wildcards in it is
    matched literally, and a run's period holds its document and failure."""
    (tmp_path / "50%_off.txt").write_text("In May 2024, police in Spain arrested 7 people.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    ingest([str(tmp_path / "50%_off.txt"), str(tmp_path / "empty.txt")], db_url)
    engine = open_database(db_url)
    try:
        doc_id = find_document(engine, "50%_off.txt")
        with pytest.raises(DatabaseError, match="no document"):
            find_document(engine, "%_off.txt")
        period = read_period(engine, Since(run_id=1))
    finally:
        engine.dispose()
    assert [d["doc_id"] for d in period.documents] == [doc_id]
    assert [(c["value"], c["country"]) for c in period.claims] == [(7, "ESP")]
    assert [f["error"] for f in period.failures] == ["empty file"]


def test_only_web_and_file_addresses_become_links() -> None:
    assert safe_link("https://example.org/a#:~:text=x") == "https://example.org/a#:~:text=x"
    assert safe_link("file:///data/a.pdf#page=3") == "file:///data/a.pdf#page=3"
    assert safe_link("javascript:alert(1)") is None and safe_link(" JavaScript:alert(1)") is None
    assert safe_link("data:text/html,<b>") is None


def test_show_prints_the_text_and_claims_in_the_terminal(reviewed: tuple[str, Engine, int]) -> None:
    url, _, _ = reviewed
    result = CliRunner().invoke(app, ["show", "field-note.txt", "--db", url])

    assert result.exit_code == 0, result.output
    assert "police in Germany arrested at least 12" in result.output
    assert "2 claims" in result.output


def test_show_writes_the_page_with_html(reviewed: tuple[str, Engine, int], tmp_path: Path) -> None:
    url, engine, doc_id = reviewed
    page = tmp_path / "note.html"
    result = CliRunner().invoke(app, ["show", str(doc_id), "--db", url, "--html", str(page)])

    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == document_page(document_review(engine, doc_id))


def test_since_is_a_day_a_date_or_a_run() -> None:
    now = datetime(2026, 12, 8, 2, 30, tzinfo=UTC)

    assert parse_since("yesterday", now) == Since(datetime(2026, 12, 7, tzinfo=UTC))
    assert parse_since("2026-12-01", now) == Since(datetime(2026, 12, 1, tzinfo=UTC))
    assert parse_since("17", now) == Since(run_id=17)
    for wrong in ("2026-13-01", "last week", "-3"):
        with pytest.raises(ValueError, match="give yesterday, a date YYYY-MM-DD or a run id"):
            parse_since(wrong, now)


def test_a_period_holds_what_was_stored_in_it_and_what_failed(reviewed: tuple[str, Engine, int]) -> None:
    _, engine, doc_id = reviewed
    period = read_period(engine, Since(run_id=1))

    assert [d["doc_id"] for d in period.documents] == [doc_id]
    assert sorted(c["value"] for c in period.claims) == [12, 40]
    assert [(Path(f["doc_uri"]).name, f["error"]) for f in period.failures] == [("empty.txt", "empty file")]
    assert read_period(engine, Since(run_id=2)).documents == []
    assert read_period(engine, parse_since("yesterday")).documents == period.documents


def test_report_writes_a_page_linking_each_document_page(reviewed: tuple[str, Engine, int], tmp_path: Path) -> None:
    url, _, doc_id = reviewed
    result = CliRunner().invoke(app, ["report", "--since", "1", "--db", url, "--html", str(tmp_path / "report.html")])

    assert result.exit_code == 0, result.output
    assert "since run 1: 1 documents, 2 claims, 1 failures" in result.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', page))
    assert {link.split("#")[0] for link in links} == {f"documents/{doc_id}.html"}
    assert sum("#claim-" in link for link in links) == 2  # each claim links to its row on the page
    assert (tmp_path / "documents" / f"{doc_id}.html").is_file()
    assert page.count("<rect") == 4  # two countries, two months
    assert "Taliban" in page and "empty file" in page
    assert "script-src &#39;none&#39;" in page and "<script" not in page


def test_report_in_the_terminal(reviewed: tuple[str, Engine, int]) -> None:
    url, _, _ = reviewed
    result = CliRunner().invoke(app, ["report", "--since", "1", "--db", url])

    assert result.exit_code == 0, result.output
    assert "claims by actor" in result.output and "Taliban" in result.output and "empty file" in result.output


def test_the_configuration_names_a_report_folder(tmp_path: Path) -> None:
    (tmp_path / "claimtrail.toml").write_text('[report]\nfolder = "reports/"\n', encoding="utf-8")
    (tmp_path / "wrong.toml").write_text('[report]\nfolders = "reports/"\n', encoding="utf-8")

    assert load_config(tmp_path / "claimtrail.toml").report == tmp_path / "reports"
    with pytest.raises(ConfigError, match="report.folders: unknown key"):
        load_config(tmp_path / "wrong.toml")


def test_every_run_of_a_configuration_with_a_report_folder_writes_its_report(tmp_path: Path) -> None:
    """What ``serve`` does after each nightly run: the run's report lands in ``[report] folder``."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "note.txt").write_text(BRIEF, encoding="utf-8")
    config = Config(database=f"sqlite:///{tmp_path / 'claimtrail.db'}",
                    sources=(FolderSource("inbox", tmp_path / "inbox"),), report=tmp_path / "reports")

    summary = run(config)

    [report] = (tmp_path / "reports").glob(f"report-*-run-{summary.run_id}.html")
    assert "2 claims" in report.read_text(encoding="utf-8")
    assert len(list((tmp_path / "reports" / "documents").glob("*.html"))) == 1


# --------------------------------------------------------------------------- in a real browser

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
IN_VIEW = ("var r = document.querySelector(arguments[0]).getBoundingClientRect(),"
           " p = document.getElementById('text').getBoundingClientRect();"
           " return r.top >= p.top && r.bottom <= p.bottom;")  # the element is inside the text's pane


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module, from the distribution's packages."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no chromium/chromedriver on PATH: apt-get install chromium chromium-driver (.ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_the_page_in_chromium(reviewed: tuple[str, Engine, int], browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    _, engine, doc_id = reviewed
    review = document_review(engine, doc_id)
    page = tmp_path / "page.html"
    page.write_text(document_page(review), encoding="utf-8")
    browser.get(page.as_uri())

    assert browser.title.startswith("Field note on Khorasan networks"), "a script from the document ran"
    for kind in KINDS:
        highlight = browser.find_element(By.CSS_SELECTOR, f".m-{kind}")
        assert highlight.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent"), (
            f"{kind} is not coloured: the inline stylesheet was refused")
    assert "<script>document.title='pwned'</script>" in browser.find_element(By.ID, "text").text

    last = review.claims[-1]
    quote = f".c{last['claim_id']}"
    assert not browser.execute_script(IN_VIEW, quote), "the last quote should start below the first screen"
    browser.find_element(By.CSS_SELECTOR, f"tr[data-claim='{last['claim_id']}'] td").click()

    assert browser.execute_script(IN_VIEW, quote), "clicking the claim did not scroll its quote into view"
    assert "flash" in browser.find_element(By.CSS_SELECTOR, quote).get_attribute("class")
    assert browser.title.startswith("Field note"), "a script from the document ran"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "review-page.png"))


def test_the_report_in_chromium(reviewed: tuple[str, Engine, int], browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    url, engine, doc_id = reviewed
    CliRunner().invoke(app, ["report", "--since", "1", "--db", url, "--html", str(tmp_path / "report.html")])
    browser.get((tmp_path / "report.html").as_uri())

    widths = [bar.rect["width"] for bar in browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")]
    assert len(widths) == 4 and all(w > 0 for w in widths), "the charts were not drawn"
    last = document_review(engine, doc_id).claims[-1]["claim_id"]
    browser.find_element(By.CSS_SELECTOR, f"a[href$='#claim-{last}']").click()

    assert browser.title.startswith("Field note on Khorasan networks")
    assert browser.execute_script(IN_VIEW, f".c{last}"), "the report's link did not lead to the claim's quote"
