"""claimtrail as a library: the names it exports, what they do, and what importing it costs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import claimtrail
from claimtrail.extractors.pipeline import fingerprint, pipeline_version

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def test_the_public_names_are_exactly_these() -> None:
    assert sorted(claimtrail.__all__) == [
        "Claim", "ConversionError", "ConvertedDocument", "Extraction", "Mention", "__version__",
        "convert", "extract", "extract_file", "extract_text", "ingest", "load_pipeline",
    ]
    for name in claimtrail.__all__:
        assert getattr(claimtrail, name) is not None, name


def test_the_version_comes_from_the_package_metadata() -> None:
    assert claimtrail.__version__ == version("claimtrail")
    assert '"0.1.0"' not in (ROOT / "claimtrail" / "__init__.py").read_text()  # written once, in pyproject.toml


def test_importing_claimtrail_loads_neither_spacy_nor_prefect() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, claimtrail; "
                               "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'prefect', 'sqlalchemy'}))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()

    assert loaded == "[]"


def test_extract_text_takes_a_string_and_its_publication_date() -> None:
    result = claimtrail.extract_text("Police in Kenya arrested at least 14 suspects last month.",
                                     published="2024-04-10", title="A short note")

    [claim] = result.claims
    assert (claim.value, claim.unit, claim.qualifier, claim.country) == (14, "suspects", "at least", "KEN")
    assert (claim.date_start, claim.date_end) == ("2024-03-01", "2024-03-31")  # "last month" of 10 April 2024
    assert ("country", "Kenya", "KEN") in {(m.kind, m.text, m.norm) for m in result.mentions}
    assert result.pipeline_version == pipeline_version()


def test_extract_text_reads_markdown() -> None:
    result = claimtrail.extract_text("# Raids\n\nSecurity forces in **Mali** conducted [12 raids](https://x.example/r).")

    assert [(c.value, c.unit, c.country) for c in result.claims] == [(12, "raids", "MLI")]


def test_extract_file_takes_a_path_or_bytes_and_sniffs_the_type(tmp_path: Path) -> None:
    pdf = SAMPLES / "quarterly-bulletin.pdf"
    disguised = tmp_path / "bulletin.txt"  # the bytes decide, not the name
    shutil.copy(pdf, disguised)

    from_path = claimtrail.extract_file(disguised)
    from_bytes = claimtrail.extract_file(pdf.read_bytes())

    assert from_path.claims and from_path.claims == from_bytes.claims
    assert claimtrail.convert(disguised).media_type == "application/pdf"
    assert {c.page for c in from_path.claims} - {None}  # PDF claims know their page


def test_convert_is_told_what_bytes_cannot_say() -> None:
    markdown = b"Police in Chad detained 9 people."

    assert claimtrail.convert(markdown).media_type == "text/plain"
    assert claimtrail.convert(markdown, media_type="text/markdown").media_type == "text/markdown"
    with pytest.raises(ValueError, match="image/png"):
        claimtrail.convert(markdown, media_type="image/png")
    with pytest.raises(claimtrail.ConversionError, match="empty"):
        claimtrail.extract_file(b"  \n")


def test_load_pipeline_is_the_spacy_language_with_the_rule_components() -> None:
    nlp = claimtrail.load_pipeline()

    assert nlp is claimtrail.load_pipeline()
    assert {"claimtrail_places", "claimtrail_counts", "claimtrail_claims"} <= set(nlp.pipe_names)


@pytest.mark.flows
def test_ingest_from_a_script_returns_the_summary(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'claims.db'}"
    (tmp_path / "brief.txt").write_text("Police in Kenya arrested 14 suspects in March 2024.\n")

    first = claimtrail.ingest([tmp_path], db=db)
    again = claimtrail.ingest([tmp_path / "brief.txt"], db=db)

    assert [o.status for o in first.outcomes] == ["new"]
    assert [o.status for o in again.outcomes] == ["unchanged"]
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        claimtrail.ingest([tmp_path / "nowhere.txt"], db=db)


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").mkdir()
    shutil.copy(SAMPLES / "iskp-finance-networks.txt", tmp_path / "samples")

    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example

    expected = [line.removeprefix("# ") for line in code.splitlines() if re.match(r"# \d", line)]
    printed = capsys.readouterr().out.splitlines()
    assert printed == [*expected, "1 new documents"]


# ------------------------------------------------------------------------ pipeline version


def test_the_rule_fingerprint_changes_with_any_extractor_module(tmp_path: Path) -> None:
    tree = tmp_path / "extractors"
    shutil.copytree(ROOT / "extractors", tree, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint(sorted(tree.rglob("*.py")), tree)

    counts = tree / "counts.py"
    counts.write_text(counts.read_text() + "\n# a changed rule\n")
    edited = fingerprint(sorted(tree.rglob("*.py")), tree)
    (tree / "new_rule.py").write_text('"""A new rule module."""\n')
    added = fingerprint(sorted(tree.rglob("*.py")), tree)

    assert len({before, edited, added}) == 3


def test_the_pipeline_version_names_claimtrail_the_rules_and_the_model() -> None:
    nlp = claimtrail.load_pipeline()

    version_, rules = pipeline_version().split("+")
    assert version_ == claimtrail.__version__
    code, data, model = rules.split(".", 2)
    assert code == fingerprint(sorted((ROOT / "extractors").rglob("*.py")), ROOT / "extractors")
    assert model == f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"
