"""Watching a folder: which dropped files are ready to be read, and when.

The watcher only decides *when* a file is complete; what to do with a batch of complete
files is the caller's ``handle`` (``claimtrail watch`` ingests them). It never deletes,
moves or writes anything in the folder.

When a file is ready:

- **inotify** (Linux, local file systems; the default): when its writer closes it after
  writing (close-write), or when it is renamed into place. Opening and modifying never
  make a file ready, so a writer that stalls halfway is simply waited for; a size-stable
  debounce alone would dispatch the half-written file. Reads (ours included) close
  without writing and are ignored.
- **polling** (network mounts, where inotify sees nothing; ``polling=True``): no close
  events exist, so a file is ready once its size and modification time have not changed
  for ``settle`` seconds (longer than for inotify, as only time says a writer is done).
  Also the fallback, with a warning, where inotify cannot start.
- **files already there at start**, and files that arrive with no close event (inside a
  folder created or moved here, before its watch began): ready once stable for
  ``settle`` seconds and not open for writing.
- Names that are not documents (dotfiles, ``*.part``, ``*.tmp``, unsupported suffixes;
  see :mod:`claimtrail.files`) are never ready themselves; renamed to a document's name,
  they are.

Ready files are handed over in batches: once no other file became ready for
``batch_window`` seconds, or ``max_batch`` files are waiting, or the oldest has waited
``max_wait`` seconds. A batch whose handling raises is handed over again later.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from claimtrail.files import find_documents, is_document

log = logging.getLogger("claimtrail.watch")

Handler = Callable[[list[str]], None]
RETRY_FIRST = 2.0  # seconds before a failed batch is handed over again; doubles each time
RETRY_MAX = 300.0


@dataclass(frozen=True, slots=True)
class WatchOptions:
    polling: bool = False
    settle: float | None = None  # seconds a file must stay unchanged; default 1 (inotify) or 5 (polling)
    batch_window: float = 0.5
    max_batch: int = 50
    max_wait: float = 5.0
    poll_interval: float = 1.0  # how often the polling observer scans

    @property
    def settle_seconds(self) -> float:
        if self.settle is not None:
            return self.settle
        return 5.0 if self.polling else 1.0


class Watcher(FileSystemEventHandler):
    """Calls ``handle(paths)`` with batches of complete documents appearing under ``folder``."""

    def __init__(self, folder: str | os.PathLike[str], handle: Handler, options: WatchOptions | None = None) -> None:
        self.folder = Path(folder).expanduser().resolve()
        self.handle = handle
        self.options = options or WatchOptions()
        self._lock = threading.Lock()
        self._settling: dict[str, tuple[tuple[int, int] | None, float]] = {}  # path -> (size, mtime), since
        self._ready: dict[str, float] = {}  # path -> when it became ready
        self._open: set[str] = set()  # opened and not closed yet (inotify only)
        self._failures: dict[str, int] = {}  # path -> batches in a row that failed with it

    # ----------------------------------------------------------------- the loop

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set; the batch being handled then is finished first."""
        if not self.folder.is_dir():
            raise NotADirectoryError(f"{self.folder}: not a folder")
        observer = self._start_observer()
        try:
            for path in find_documents([str(self.folder)]):  # after start: nothing slips between
                self._settle(path)
            while not stop.wait(0.1):
                self._check_settling()
                batch = self._take_batch()
                if batch:
                    try:
                        self.handle(batch)
                    except Exception:  # noqa: BLE001 - the watcher outlives a failed batch
                        self._retry_later(batch)
                    else:
                        for path in batch:
                            self._failures.pop(path, None)
        finally:
            observer.stop()
            observer.join()

    def _start_observer(self) -> BaseObserver:
        if not self.options.polling:
            try:
                observer = Observer()
                observer.schedule(self, str(self.folder), recursive=True)
                observer.start()
                return observer
            except OSError as exc:  # no inotify here, or its watch limit reached
                log.warning("inotify is not available (%s): watching %s by polling instead", exc, self.folder)
                self.options = replace(self.options, polling=True)
        observer = PollingObserver(timeout=self.options.poll_interval)
        observer.schedule(self, str(self.folder), recursive=True)
        observer.start()
        return observer

    # ----------------------------------------------------------------- events (observer thread)

    def on_any_event(self, event: FileSystemEvent) -> None:
        src = os.fsdecode(event.src_path)
        if isinstance(event, (DirCreatedEvent, DirMovedEvent)):
            # Files in a folder moved or created here may predate the folder's watch: no
            # close event will come for them, so they settle like files found at start.
            for path in find_documents([os.fsdecode(event.dest_path or src)]):
                self._settle(path)
        elif isinstance(event, FileMovedEvent):
            self._forget(src)
            self._became_complete(os.fsdecode(event.dest_path))
        elif isinstance(event, FileDeletedEvent):
            self._forget(src)
        elif isinstance(event, FileOpenedEvent):
            with self._lock:
                self._open.add(src)
        elif isinstance(event, FileClosedNoWriteEvent):
            with self._lock:
                self._open.discard(src)
        elif isinstance(event, FileClosedEvent):
            with self._lock:
                self._open.discard(src)
            self._became_complete(src)
        elif isinstance(event, FileCreatedEvent) or (self.options.polling and isinstance(event, FileModifiedEvent)):
            self._settle(src)  # complete once closed; or, if no close ever comes, once settled
        elif isinstance(event, FileModifiedEvent):
            with self._lock:  # written again before it was handed over: wait for the close
                self._ready.pop(src, None)

    # ----------------------------------------------------------------- state

    def _became_complete(self, path: str) -> None:
        if not is_document(path) or not self._inside(path):
            return
        if self.options.polling:
            self._settle(path)
            return
        with self._lock:
            self._settling.pop(path, None)
            self._ready[path] = time.monotonic()

    def _settle(self, path: str) -> None:
        if is_document(path) and self._inside(path):
            with self._lock:
                self._ready.pop(path, None)
                self._settling[path] = (_signature(path), time.monotonic())

    def _retry_later(self, batch: list[str]) -> None:
        """A batch whose handling failed as a whole (the database was down, say) is handed
        over again after a backoff that doubles up to RETRY_MAX seconds: never dropped.
        Failures of single documents are recorded by the handler and are not retried."""
        now = time.monotonic()
        with self._lock:
            for path in batch:
                failures = self._failures[path] = self._failures.get(path, 0) + 1
                self._ready.setdefault(path, now + min(RETRY_FIRST * 2 ** (failures - 1), RETRY_MAX))
        log.exception("handling %d files failed; they are tried again later", len(batch))

    def _forget(self, path: str) -> None:
        with self._lock:
            self._settling.pop(path, None)
            self._ready.pop(path, None)

    def _check_settling(self) -> None:
        now = time.monotonic()
        with self._lock:
            for path, (signature, since) in list(self._settling.items()):
                current = _signature(path)
                if path in self._open:  # a writer has it open: only its close says it is done
                    self._settling[path] = (current, now)
                elif current is None:
                    del self._settling[path]
                elif current != signature:
                    self._settling[path] = (current, now)
                elif now - since >= self.options.settle_seconds:
                    del self._settling[path]
                    self._ready[path] = now

    def _take_batch(self) -> list[str]:
        now = time.monotonic()
        with self._lock:
            due = {path: since for path, since in self._ready.items() if since <= now}  # not the retries to come
            if not due:
                return []
            times = due.values()
            quiet = now - max(times) >= self.options.batch_window
            if not (quiet or len(due) >= self.options.max_batch or now - min(times) >= self.options.max_wait):
                return []
            batch = sorted(due, key=due.__getitem__)[: self.options.max_batch]
            for path in batch:
                del self._ready[path]
        return batch

    def _inside(self, path: str) -> bool:
        return Path(path).is_relative_to(self.folder)


def _signature(path: str) -> tuple[int, int] | None:
    """Size and modification time; a dangling or looping link's own, so that it is handed
    over like any entry and reading it records why it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        try:
            stat = os.lstat(path)
        except OSError:
            return None
    return stat.st_size, stat.st_mtime_ns
