"""claimtrail.toml: the CONTRACT's form loads; every mistake is an error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrail.config import (
    Config,
    ConfigError,
    FeedSource,
    FolderSource,
    Schedule,
    SitemapSource,
    UrlsSource,
    load_config,
    resolve_db_url,
    write_example,
)

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_FORM = """
database = "sqlite:///claimtrail.db"
watch = "inbox"                                   # the watched folder, optional

[schedule]
cron = "0 2 * * *"
timezone = "UTC"

[[source]]
name = "crs-feed"
kind = "feed"                                     # RSS or Atom
url = "https://example.org/feed.xml"

[[source]]
name = "briefs"
kind = "urls"
urls = ["https://example.org/a.html", "https://example.org/b.pdf"]

[[source]]
name = "archive"
kind = "sitemap"
url = "https://example.org/sitemap.xml"
match = "/policy-analysis/"                       # optional regular expression on URLs

[[source]]
name = "shared-drive"
kind = "folder"
path = "/data/reports"
"""


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRAIL_CONFIG", raising=False)
    monkeypatch.delenv("CLAIMTRAIL_DB", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claimtrail.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_contract_form_loads_into_typed_records(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CONTRACT_FORM))

    assert config == Config(
        database="sqlite:///claimtrail.db",
        watch=tmp_path / "inbox",
        schedule=Schedule("0 2 * * *", "UTC"),
        sources=(
            FeedSource("crs-feed", "https://example.org/feed.xml"),
            UrlsSource("briefs", ("https://example.org/a.html", "https://example.org/b.pdf")),
            SitemapSource("archive", "https://example.org/sitemap.xml", "/policy-analysis/"),
            FolderSource("shared-drive", Path("/data/reports")),
        ),
        path=tmp_path / "claimtrail.toml",
    )
    assert [s.kind for s in config.sources] == ["feed", "urls", "sitemap", "folder"]


def test_defaults_for_an_almost_empty_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[source]]\nname = "docs"\nkind = "folder"\npath = "reports"\n'))

    assert config.database == "sqlite:///claimtrail.db"
    assert config.schedule == Schedule("0 2 * * *", "UTC")
    assert config.watch is None
    assert config.sources == (FolderSource("docs", tmp_path / "reports"),)  # relative to the file


def test_the_shipped_example_is_valid_and_init_never_overwrites(tmp_path: Path) -> None:
    assert (ROOT / "claimtrail.example.toml").read_text() == (ROOT / "claimtrail" / "claimtrail.example.toml").read_text()
    target = tmp_path / "claimtrail.toml"

    write_example(target)
    config = load_config(target)
    assert config.sources == ()  # commented out (test_cli_details: valid once uncommented)

    target.write_text("# mine\n")
    with pytest.raises(ConfigError, match="already exists"):
        write_example(target)
    assert target.read_text() == "# mine\n"


def test_where_the_file_and_database_come_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claimtrail.toml").write_text('database = "sqlite:///here.db"\n')
    (tmp_path / "other.toml").write_text('database = "sqlite:///other.db"\n')

    assert load_config().database == "sqlite:///here.db"
    monkeypatch.setenv("CLAIMTRAIL_CONFIG", str(tmp_path / "other.toml"))
    assert load_config().database == "sqlite:///other.db"
    assert load_config(tmp_path / "claimtrail.toml").database == "sqlite:///here.db"  # --config wins
    monkeypatch.setenv("CLAIMTRAIL_DB", "sqlite:///env.db")
    assert load_config().database == "sqlite:///env.db"
    assert load_config(db="sqlite:///flag.db").database == "sqlite:///flag.db"
    assert resolve_db_url("sqlite:///flag.db") == "sqlite:///flag.db"
    monkeypatch.delenv("CLAIMTRAIL_DB")
    monkeypatch.delenv("CLAIMTRAIL_CONFIG")
    assert resolve_db_url() == "sqlite:///here.db"
    (tmp_path / "claimtrail.toml").unlink()
    assert resolve_db_url() == "sqlite:///claimtrail.db"  # no configuration: the default
    with pytest.raises(ConfigError, match=r"claimtrail\.toml: no such configuration file \(claimtrail init"):
        load_config()


SOURCE = '[[source]]\nname = "a"\nkind = "feed"\nurl = "https://example.org/feed.xml"\n'


@pytest.mark.parametrize(("text", "message"), [
    (SOURCE + '[[source]]\nname = "b"\nkind = "urls"\nurll = ["https://example.org/"]\n',
     "source[2].urll: unknown key for kind 'urls'"),
    ('databse = "sqlite:///x.db"\n', "databse: unknown key"),
    ('[schedule]\ncron = "0 2 * * *"\ntz = "UTC"\n', "schedule.tz: unknown key"),
    ('[schedule]\ncron = "0 25 * * *"\n', 'schedule.cron: Invalid cron string: "0 25 * * *"'),
    ('[schedule]\ncron = "every night"\n', "schedule.cron: 'every night' is not a cron expression of 5 fields"),
    ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone: unknown time zone 'Mars/Olympus'"),
    ('[schedule]\ntimezone = "../../etc/passwd"\n', "schedule.timezone: unknown time zone"),
    ("schedule = 3\n", "schedule: must be a table"),
    ('database = "mysql://x/y"\n', "database: unsupported database 'mysql'"),
    ("watch = 7\n", "watch: must be a non-empty string"),
    (SOURCE + '[[source]]\nkind = "feed"\nurl = "https://example.org/f"\n', "source[2].name: required"),
    (SOURCE + '[[source]]\nname = "a"\nkind = "feed"\nurl = "https://example.org/f"\n',
     "source[2].name: 'a' is already the name of source[1]"),
    ('[[source]]\nname = "a"\nkind = "ftp"\n', "source[1].kind: 'ftp' is not one of urls, feed, sitemap, folder"),
    ('[[source]]\nname = "a"\nkind = "feed"\n', "source[1].url: required for kind 'feed'"),
    ('[[source]]\nname = "a"\nkind = "feed"\nurl = "file:///etc/passwd"\n',
     "source[1].url: 'file:///etc/passwd' is not an http(s) URL"),
    ('[[source]]\nname = "a"\nkind = "feed"\nurl = "https://example.org/f"\nmatch = "x"\n',
     "source[1].match: unknown key for kind 'feed'"),
    ('[[source]]\nname = "a"\nkind = "urls"\nurls = "https://example.org/"\n', "source[1].urls: must be a non-empty list"),
    ('[[source]]\nname = "a"\nkind = "urls"\nurls = ["https://example.org/", "ftp://example.org/x"]\n',
     "source[1].urls[2]: 'ftp://example.org/x' is not an http(s) URL"),
    ('[[source]]\nname = "a"\nkind = "sitemap"\nurl = "https://example.org/s.xml"\nmatch = "(unclosed"\n',
     "source[1].match: not a valid regular expression"),
    ('[[source]]\nname = "a"\nkind = "folder"\n', "source[1].path: required for kind 'folder'"),
    ("[source]\nname = 'a'\n", "source: must be [[source]] tables"),
    ('database = "sqlite:///x.db\n', "not valid TOML"),
])
def test_mistakes_name_their_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
