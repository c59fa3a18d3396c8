"""Which local files claimtrail reads, and how a file's name becomes its address: the
rules shared by ``ingest``, folder sources and the watcher.

A file is a document when its suffix is one claimtrail converts and its name is not a
dotfile. That rule also keeps out what browsers, editors and copy tools write while a file
is in transit (``report.pdf.part``, ``.report.pdf.swp``, ``~$report.tmp``): those become
documents only once renamed into place.

A folder entry that has a document's name but cannot be read (a FIFO, a dangling or
looping symbolic link), and a subfolder that cannot be listed, are found too: reading
them fails with the reason, so each gets a row of its own instead of vanishing.

A file name may be any bytes the file system allows, not only UTF-8. Its address
(``doc_uri``) is the absolute path where that is valid text, else a ``file://`` URI with
the bytes percent-encoded: lossless, readable, and storable in any database.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})


def is_document(path: str | Path) -> bool:
    """Whether a file of this name is one claimtrail ingests (by name only)."""
    name = Path(path).name
    return not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES


def document_uri(path: str | Path) -> str:
    """The address of a local file: its path, or a percent-encoded ``file://`` URI when
    the name is not valid UTF-8 (``os.fsdecode`` gave it lone surrogates)."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Path(text).as_uri()
    return text


def local_path(uri: str) -> str:
    """The file system path behind an address made by :func:`document_uri`."""
    if uri.startswith("file://"):
        return os.fsdecode(unquote_to_bytes(urlsplit(uri).path))
    return uri


def find_documents(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus documents (and unreadable entries) found recursively in
    folders; file system paths, sorted, each once."""
    found: list[str] = []
    for given in paths:
        path = Path(given).expanduser().resolve()
        found += _walk(path) if path.is_dir() else [str(path)]
    return list(dict.fromkeys(found))


def _walk(folder: Path) -> list[str]:
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        if error.filename is not None:
            found.append(os.fsdecode(error.filename))  # reading it gives the reason

    for root, _dirs, names in os.walk(folder, onerror=unreadable):
        found += (os.path.join(root, name) for name in names if is_document(name))
    return sorted(found)


def discover_files(paths: Iterable[str]) -> list[str]:
    """The addresses (:func:`document_uri`) of :func:`find_documents`."""
    return [document_uri(p) for p in find_documents(paths)]


def unreadable_reason(path: str) -> str | None:
    """Why ``path`` is not a regular file that can be read, in a few words; None if it is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "dangling symbolic link" if os.path.islink(path) else "not found"
    except OSError as exc:
        return "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "a folder, not a file" if os.access(path, os.R_OK | os.X_OK) else "folder cannot be read: permission denied"
    if not stat.S_ISREG(mode):
        return f"not a regular file ({'FIFO' if stat.S_ISFIFO(mode) else 'socket or device'})"
    return None if os.access(path, os.R_OK) else "cannot be read: permission denied"
