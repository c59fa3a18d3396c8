"""Where claimtrail finds its database, and how it keeps Prefect quiet and offline."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "sqlite:///claimtrail.db"
QUERY_TIMEOUT_S = 60.0  # how long one user query (claimtrail sql, search) may run


def data_dir() -> Path:
    """claimtrail's own state (Prefect's database, the local server's log):
    ``$XDG_DATA_HOME/claimtrail``, else ``~/.local/share/claimtrail``."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "claimtrail"


def quiet_prefect() -> None:
    """Prefect settings for a command-line run, unless the user set them already.

    Analytics off (Prefect would otherwise try to reach the internet at start), a stable
    home folder (a fresh one costs its temporary server about 10 s of database setup per
    start), and only warnings on the console: flow and task logs still reach the Prefect
    API and its UI.
    """
    home = data_dir() / "prefect"
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home),
        "PREFECT_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_SERVER_UI_ENABLED": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
