"""A bad configuration or argument is one line naming what is wrong, exit status 2, never
a traceback; and messages are printed as they are, brackets included (no Rich markup)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrail.cli import app

runner = CliRunner()


@pytest.mark.parametrize(("toml", "message"), [
    ('[[source]]\nname = "a"\nkind = ["folder"]\npath = "x"\n',
     "source[1].kind: ['folder'] is not one of urls, feed, sitemap, folder"),
    ('database = "sqlite:///claims\\u0000.db"\n', "database: contains a NUL byte"),
    ('[[source]]\nname = "a"\nkind = "folder"\npath = "in\\u0000box"\n', "source[1].path: contains a NUL byte"),
    ('"data\\u0000base" = 1\n', "'data\\x00base': a key with a NUL byte"),
    ('[[source]]\nname = "a"\nkind = "urls"\nurls = ' + "[" * 20_000 + "]" * 20_000 + "\n",
     "line 4 (urls): nested more than 8 levels deep"),
    ('watch = ' + "[" * 50 + "]" * 50 + "\n", "watch[1][1][1][1][1][1][1][1]: nested more than 8 levels deep"),
    ("schedule = 5\n", "schedule: must be a table ([schedule])"),
    ("source = 5\n", "source: must be [[source]] tables"),
    ("[schedule]\ntimezone = 7\n", "schedule.timezone: must be a non-empty string"),
    ('[schedule]\ntimezone = "' + "Europe/" * 1000 + '"\n', "schedule.timezone: unknown time zone"),
    ('[[source]]\nname = "a"\nkind = "urls"\nurls = [1979-05-27]\n', "source[1].urls[1]: must be a string"),
    ('[[source]]\nname = "a"\nkind = "feed"\nurl = "http://[::1/feed"\n', "source[1].url: 'http://[::1/feed' is not an http(s) URL"),
    ('database = "postgresql://[::1/claims"\n', "database: not a database URL"),
    ("watch = {inbox = true}\n", "watch: must be a non-empty string"),
])
def test_a_bad_configuration_is_one_line_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "claimtrail.toml"
    config.write_text(toml, encoding="utf-8")

    result = runner.invoke(app, ["run", "--config", str(config)])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not a traceback caught by the runner
    assert result.output.startswith(f"error: {config}: {message}")
    assert len(result.output.splitlines()) == 1


def test_every_command_reading_the_configuration_says_the_same(tmp_path: Path) -> None:
    config = tmp_path / "claimtrail.toml"
    config.write_text("schedule = 5\n", encoding="utf-8")
    for command in (["run"], ["serve"], ["runs"], ["db", "upgrade"]):
        result = runner.invoke(app, [*command, "--config", str(config)])
        assert (result.exit_code, result.output) == (2, f"error: {config}: schedule: must be a table ([schedule])\n")


@pytest.mark.parametrize("since", ["2022-13", "2023-02-29", "2022-00", "22", "2022/03", "last year"])
def test_search_refuses_a_since_that_is_no_date(tmp_path: Path, since: str) -> None:
    result = runner.invoke(app, ["search", "drones", "--since", since, "--db", f"sqlite:///{tmp_path / 'x.db'}"])

    assert result.exit_code == 2
    assert result.output == f"error: --since {since!r}: expected a real date as YYYY, YYYY-MM or YYYY-MM-DD\n"
