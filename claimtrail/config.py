"""``claimtrail.toml``: finding, reading and validating the configuration (CONTRACT.md).

The file is found through ``--config``, else ``$CLAIMTRAIL_CONFIG``, else
``./claimtrail.toml``. ``--db`` and ``$CLAIMTRAIL_DB`` override its ``database``. Every
problem is a :class:`ConfigError` whose message names the key, in the form
``source[2].urll: unknown key`` (``[[source]]`` tables are numbered from 1, in file order).
Values of the wrong type, strings with a NUL byte and values nested deeper than any
setting needs are such problems too, never a traceback.

Relative paths (``watch``, a folder source's ``path``) are relative to the folder of the
configuration file, so a configuration means the same thing from any working directory.
The ``database`` URL is used as written (a relative SQLite path is relative to the
working directory, as everywhere else in claimtrail).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from claimtrail.settings import DEFAULT_DB

ACTORS_ENV = "CLAIMTRAIL_ACTORS"  # extra actor gazetteers, separated by os.pathsep
CONFIG_ENV = "CLAIMTRAIL_CONFIG"
DB_ENV = "CLAIMTRAIL_DB"
DEFAULT_CONFIG = "claimtrail.toml"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "UTC"
EXAMPLE = "claimtrail.example.toml"
MAX_DEPTH = 8  # the deepest setting, source[n].urls[m], is 4 levels down

SourceKind = Literal["urls", "feed", "sitemap", "folder"]


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the bad key."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Schedule:
    """When the nightly run happens: a 5-field cron expression in an IANA time zone."""

    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE

    def next_run(self, after: datetime | None = None) -> datetime:
        """When the schedule fires next after ``after`` (default now), in its time zone."""
        from cronsim import CronSim

        zone = ZoneInfo(self.timezone)
        start = after.astimezone(zone) if after is not None else datetime.now(zone)
        return next(CronSim(self.cron, start))


@dataclass(frozen=True, slots=True)
class UrlsSource:
    """Page or PDF addresses, fetched as they are."""

    name: str
    urls: tuple[str, ...]
    kind: ClassVar[SourceKind] = "urls"


@dataclass(frozen=True, slots=True)
class FeedSource:
    """An RSS or Atom feed; every entry's link is fetched."""

    name: str
    url: str
    kind: ClassVar[SourceKind] = "feed"


@dataclass(frozen=True, slots=True)
class SitemapSource:
    """A sitemap or sitemap index; its page URLs (those ``match`` finds, if given) are fetched."""

    name: str
    url: str
    match: str | None = None
    kind: ClassVar[SourceKind] = "sitemap"


@dataclass(frozen=True, slots=True)
class FolderSource:
    """A local folder (or file), searched recursively like ``claimtrail ingest``."""

    name: str
    path: Path
    kind: ClassVar[SourceKind] = "folder"


Source = UrlsSource | FeedSource | SitemapSource | FolderSource


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """``[extract]``: what the extraction pipeline (``extractors/data/pipeline.cfg``) is
    built with. ``actor_gazetteers``: a user's JSONL actor files, on top of claimtrail's."""

    actor_gazetteers: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    database: str = DEFAULT_DB
    watch: Path | None = None
    schedule: Schedule = field(default_factory=Schedule)
    sources: tuple[Source, ...] = ()
    path: Path | None = None  # the file it was read from
    report: Path | None = None  # the folder each run's report is written to ([report] folder)
    extract: ExtractSettings = field(default_factory=ExtractSettings)

    @property
    def notes(self) -> str | None:
        """What a run of this configuration notes in its record: the file it came from."""
        return f"config: {self.path}" if self.path else None


# --------------------------------------------------------------------------- finding


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit``, else ``$CLAIMTRAIL_CONFIG``, else ``./claimtrail.toml`` (not checked)."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG).expanduser()


def load_config(path: str | os.PathLike[str] | None = None, db: str | None = None) -> Config:
    """Read and validate the configuration; ``db`` (``--db``), then ``$CLAIMTRAIL_DB``,
    override its ``database``."""
    file = config_path(path)
    hint = " (claimtrail init writes an example)" if path is None and not os.environ.get(CONFIG_ENV) else ""
    data = _read_toml(file, hint)
    try:
        config = parse_config(data, base=file.absolute().parent)
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None
    override = db or os.environ.get(DB_ENV)
    return replace(config, database=override or config.database, path=file.absolute())


def _read_toml(file: Path, missing_hint: str = "") -> dict[str, Any]:
    """The configuration file's TOML, or a one-line :class:`ConfigError` naming the file and
    what is wrong with it (missing, unreadable, not TOML, nested too deep)."""
    try:
        text = file.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except RecursionError:  # tomllib descends once per nested array or inline table
        raise ConfigError(f"{file}: {_too_deep(text)}: nested more than {MAX_DEPTH} levels deep") from None
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such configuration file{missing_hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None


def extract_with(config: Config) -> None:
    """Make ``config`` the configuration that extraction (its ``[extract]`` table) reads in
    this process and in the extraction workers it starts, which find it through
    ``$CLAIMTRAIL_CONFIG`` as every command does: ``run --config FILE`` extracts with FILE's
    actor gazetteers."""
    if config.path is not None:
        os.environ[CONFIG_ENV] = str(config.path)


def extract_settings(path: str | os.PathLike[str] | None = None) -> ExtractSettings:
    """The ``[extract]`` table of the configuration (found as :func:`config_path` finds it;
    none is fine unless ``path`` names it), plus the files of ``$CLAIMTRAIL_ACTORS``.
    Reads only that table: an extraction worker need not import what checks the rest."""
    file = config_path(path)
    settings = ExtractSettings()
    if path is not None or os.environ.get(CONFIG_ENV) or file.is_file():
        data = _read_toml(file)
        try:
            settings = _extract(data.get("extract", {}), file.absolute().parent)
        except ConfigError as exc:
            raise ConfigError(f"{file}: {exc}") from None
    extra = [Path(p).expanduser().absolute() for p in os.environ.get(ACTORS_ENV, "").split(os.pathsep) if p]
    return ExtractSettings((*settings.actor_gazetteers, *extra))


def resolve_db_url(db: str | None = None, config: str | os.PathLike[str] | None = None) -> str:
    """The database for commands where a configuration is optional (``claimtrail runs``):
    ``--db``, else ``$CLAIMTRAIL_DB``, else the configuration's ``database`` when a
    configuration file is there, else the default."""
    if db or os.environ.get(DB_ENV):
        return db or os.environ[DB_ENV]
    file = config_path(config)
    if config is None and not os.environ.get(CONFIG_ENV) and not file.is_file():
        return DEFAULT_DB
    return load_config(file).database


# --------------------------------------------------------------------------- validation

_TOP_KEYS = {"database", "watch", "schedule", "source", "report", "extract"}
_EXTRACT_KEYS = {"actor_gazetteers"}
_SCHEDULE_KEYS = {"cron", "timezone"}
_REPORT_KEYS = {"folder"}
_KIND_KEYS: dict[str, set[str]] = {
    "urls": {"urls"},
    "feed": {"url"},
    "sitemap": {"url", "match"},
    "folder": {"path"},
}
_REQUIRED: dict[str, set[str]] = {"urls": {"urls"}, "feed": {"url"}, "sitemap": {"url"}, "folder": {"path"}}


def parse_config(data: dict[str, Any], base: Path | None = None) -> Config:
    """Validate parsed TOML; relative paths are resolved against ``base`` (default: cwd)."""
    base = base or Path.cwd()
    _check_values(data)
    _unknown(data, _TOP_KEYS, "")
    database = _string(data, "database", "database") if "database" in data else DEFAULT_DB
    _check_database(database)
    watch = _path(_string(data, "watch", "watch"), base) if "watch" in data else None
    schedule = _schedule(data.get("schedule", {}))
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list) or not all(isinstance(s, dict) for s in raw_sources):
        raise ConfigError("source: must be [[source]] tables")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for number, table in enumerate(raw_sources, start=1):
        source = _source(table, f"source[{number}]", base)
        if source.name in seen:
            raise ConfigError(f"source[{number}].name: {source.name!r} is already the name of source[{seen[source.name]}]")
        seen[source.name] = number
        sources.append(source)
    return Config(database, watch, schedule, tuple(sources), report=_report(data.get("report", {}), base),
                  extract=_extract(data.get("extract", {}), base))


def _check_values(data: dict[str, Any]) -> None:
    """Refuse NUL bytes (in keys too) and values nested deeper than :data:`MAX_DEPTH`,
    naming the key, before anything else looks at the values."""
    pending: list[tuple[object, str, int]] = [(data, "", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ConfigError(f"{where}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str) and "\0" in value:
            raise ConfigError(f"{where}: contains a NUL byte")
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{_key(key)}" if where else _key(key)
                if "\0" in key:
                    raise ConfigError(f"{path}: a key with a NUL byte")
                pending.append((item, path, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{number}]", depth + 1) for number, item in enumerate(value, start=1))


def _too_deep(text: str) -> str:
    """Where a value too deep for the TOML parser starts: the first line whose inclusion
    makes the parser recurse past its limit (a binary search over prefixes of the file)."""
    lines = text.splitlines()
    low, high = 0, len(lines)  # the first `low` lines parse within the limit; `high` do not
    while high - low > 1:
        middle = (low + high) // 2
        try:
            tomllib.loads("\n".join(lines[:middle]))
        except RecursionError:
            high = middle
        except tomllib.TOMLDecodeError:
            low = middle
        else:
            low = middle
    key = lines[high - 1].split("=", 1)[0].strip() if high else ""
    return f"line {high}" + (f" ({_key(key)})" if key and "=" in lines[high - 1] else "")


def _key(key: str) -> str:
    """A key as messages show it: quoted when it holds characters that would not print."""
    return key if key.isprintable() else repr(key)


def _unknown(table: dict[str, Any], allowed: set[str], prefix: str, note: str = "") -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{prefix}{_key(key)}: unknown key{note}")


def _string(table: dict[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a non-empty string")
    return value.strip()


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _report(table: object, base: Path) -> Path | None:
    """``[report] folder``: where every run of the configuration writes its report."""
    if not isinstance(table, dict):
        raise ConfigError("report: must be a table ([report])")
    _unknown(table, _REPORT_KEYS, "report.")
    return _path(_string(table, "folder", "report.folder"), base) if "folder" in table else None


def _check_database(url: str) -> None:
    from claimtrail.db.engine import parse_url
    from claimtrail.db.errors import DatabaseError

    try:
        parse_url(url)
    except DatabaseError as exc:
        raise ConfigError(f"database: {exc}") from None
    except ValueError as exc:  # SQLAlchemy's own parse, e.g. of a malformed IPv6 host
        raise ConfigError(f"database: not a database URL ({exc})") from None


def _schedule(table: object) -> Schedule:
    if not isinstance(table, dict):
        raise ConfigError("schedule: must be a table ([schedule])")
    _unknown(table, _SCHEDULE_KEYS, "schedule.")
    cron = _string(table, "cron", "schedule.cron") if "cron" in table else DEFAULT_CRON
    timezone = _string(table, "timezone", "schedule.timezone") if "timezone" in table else DEFAULT_TIMEZONE
    check_timezone(timezone, "schedule.timezone")
    check_cron(cron, "schedule.cron")
    return Schedule(" ".join(cron.split()), timezone)


def check_timezone(name: str, where: str = "timezone") -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(f"{where}: unknown time zone {name!r} (use an IANA name such as Europe/Paris)") from None


def check_cron(expression: str, where: str = "cron") -> None:
    """Five cron fields, accepted exactly as Prefect will schedule them."""
    if len(expression.split()) != 5:
        raise ConfigError(f"{where}: {expression!r} is not a cron expression of 5 fields "
                          "(minute hour day-of-month month day-of-week)")
    from prefect.client.schemas.schedules import CronSchedule  # Prefect's own check
    from pydantic import ValidationError

    try:
        CronSchedule(cron=expression)
    except ValidationError as exc:
        reason = exc.errors()[0].get("msg", "invalid").removeprefix("Value error, ")
        raise ConfigError(f"{where}: {reason}") from None


def _extract(table: object, base: Path) -> ExtractSettings:
    if not isinstance(table, dict):
        raise ConfigError("extract: must be a table ([extract])")
    _unknown(table, _EXTRACT_KEYS, "extract.")
    files = table.get("actor_gazetteers", [])
    if not isinstance(files, list):
        raise ConfigError("extract.actor_gazetteers: must be a list of file paths")
    paths = []
    for number, value in enumerate(files, start=1):
        where = f"extract.actor_gazetteers[{number}]"
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: must be a non-empty string (a file path)")
        path = _path(value.strip(), base)
        if not path.is_file():
            raise ConfigError(f"{where}: no such file: {path}")
        paths.append(path.absolute())
    return ExtractSettings(tuple(paths))


def _source(table: dict[str, Any], where: str, base: Path) -> Source:
    for key in ("name", "kind"):
        if key not in table:
            raise ConfigError(f"{where}.{key}: required")
    name = _string(table, "name", f"{where}.name")
    kind = table["kind"]
    if not isinstance(kind, str) or kind not in _KIND_KEYS:
        raise ConfigError(f"{where}.kind: {kind!r} is not one of {', '.join(_KIND_KEYS)}")
    _unknown(table, {"name", "kind"} | _KIND_KEYS[kind], f"{where}.", f" for kind {kind!r}")
    for key in sorted(_REQUIRED[kind] - table.keys()):
        raise ConfigError(f"{where}.{key}: required for kind {kind!r}")
    if kind == "urls":
        urls = table["urls"]
        if not isinstance(urls, list) or not urls:
            raise ConfigError(f"{where}.urls: must be a non-empty list of http(s) URLs")
        return UrlsSource(name, tuple(_url(u, f"{where}.urls[{i}]") for i, u in enumerate(urls, start=1)))
    if kind == "feed":
        return FeedSource(name, _url(table["url"], f"{where}.url"))
    if kind == "sitemap":
        match = None
        if "match" in table:
            match = _string(table, "match", f"{where}.match")
            try:
                re.compile(match)
            except re.error as exc:
                raise ConfigError(f"{where}.match: not a valid regular expression: {exc}") from None
        return SitemapSource(name, _url(table["url"], f"{where}.url"), match)
    return FolderSource(name, _path(_string(table, "path", f"{where}.path"), base))


def _url(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a string (an http(s) URL)")
    url = value.strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed IPv6 host
        valid = False
    if not valid:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")
    return url


# --------------------------------------------------------------------------- the example


def example_text() -> str:
    """The commented example configuration shipped with claimtrail."""
    return resources.files("claimtrail").joinpath(EXAMPLE).read_text(encoding="utf-8")


def write_example(destination: str | os.PathLike[str] | None = None) -> Path:
    """Write the example to ``destination`` (default ``./claimtrail.toml``); never overwrites."""
    path = Path(destination or DEFAULT_CONFIG).expanduser()
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(example_text())
    except FileExistsError:
        raise ConfigError(f"{path}: already exists; not overwritten") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc}") from None
    return path

