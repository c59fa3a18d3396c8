"""The command lines the README shows (``$ claimtrail ...`` in its console blocks, and the
inline search example) run as written: the tour's ingest first, then its queries."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrail.cli import app

pytestmark = pytest.mark.flows  # every test here runs Prefect flows

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHOWN = [shlex.split(line) for line in re.findall(r"^\$ claimtrail (.+)$", README, re.M)]
INLINE_SEARCH = shlex.split(re.search(r"`claimtrail (search -- [^`]+)`", README).group(1))
QUERIES = [args for args in SHOWN if args[0] in ("sql", "search")] + [INLINE_SEARCH]
runner = CliRunner()


def with_db(args: list[str], url: str) -> list[str]:
    """``--db URL`` added where options still count: before a ``--`` separator."""
    cut = args.index("--") if "--" in args else len(args)
    return [*args[:cut], "--db", url, *args[cut:]]


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The README's own ingest line, run from the checkout as the README runs it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('readme') / 'claimtrail.db'}"
    [ingest] = [args for args in SHOWN if args[0] == "ingest"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = runner.invoke(app, with_db(ingest, url))
    assert result.exit_code == 0, result.output
    return url


@pytest.mark.parametrize("args", QUERIES, ids=lambda args: " ".join(args))
def test_a_readme_command_runs_as_shown(tour: str, args: list[str]) -> None:
    result = runner.invoke(app, with_db(args, tour))
    assert result.exit_code == 0, result.output
    assert result.output.strip()
