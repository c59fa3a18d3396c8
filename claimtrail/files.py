"""Which local files claimtrail reads: the one rule shared by ``ingest``, folder sources and
the watcher.

A file is a document when its suffix is one claimtrail converts and its name is not a
dotfile. That rule also keeps out what browsers, editors and copy tools write while a file
is in transit (``report.pdf.part``, ``.report.pdf.swp``, ``~$report.tmp``): those become
documents only once renamed into place.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})


def is_document(path: str | Path) -> bool:
    """Whether a file of this name is one claimtrail ingests (by name only)."""
    name = Path(path).name
    return not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES


def discover_files(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus documents found recursively in folders (sorted, each once)."""
    found: list[str] = []
    for given in paths:
        path = Path(given).expanduser().resolve()
        if path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.is_file() and is_document(p))
        else:
            found.append(str(path))
    return list(dict.fromkeys(found))
