"""Conversion and extraction that cannot crash, hang or exhaust a run: worker processes, with limits.

A pathological document can make a parser loop, recurse or allocate without end (pdfminer
on a fuzzed PDF, a decompression bomb, a 5 MB page that the parser would chew on for
minutes), and a parser bug can kill the interpreter outright. :func:`convert_guarded`
therefore runs :func:`~claimtrail.extractors.convert.convert`, and :func:`extract_guarded`
runs :func:`~claimtrail.extractors.pipeline.extract`, in a worker process of their own
kind (an extraction worker holds the spaCy model; a conversion worker does not):

- **time limit**: the parent waits at most ``timeout`` seconds for the answer, then kills
  the worker and fails the document with ``timed out after N s``;
- **memory limit**: the worker's address space is capped (``RLIMIT_AS``); an allocation
  beyond it raises ``MemoryError`` there, reported as ``out of memory (limit N MB)``,
  and that worker is replaced;
- **crashes**: a worker that dies (segfault, the system's OOM killer) fails only the
  document it was converting (``converter crashed (SIGSEGV)``).

Extraction failures say so (``extraction timed out after N s``); extraction also stops
at ``max_mentions`` mentions, as a page that yields more is a table dump or a word list,
not a brief.

A conversion worker is started once (about half a second: it imports the converters; an
extraction worker loads the model, a few seconds) and reused
for every document, so a normal document pays only for sending its bytes and receiving
its text through a pipe (well under a millisecond for the pipe, a few for a large
document); a killed worker is replaced before the next document. Callers in several
threads (the run flow converts several documents at once) each get a worker of their
own from a small pool. A worker is a plain ``python -c`` subprocess speaking pickled messages over its
stdin/stdout (``multiprocessing.connection`` framing): it never forks the parent (which
may run threads, e.g. Prefect's), never re-imports the parent's ``__main__``, sits in its
own session (Ctrl-C goes to the parent, which stops it), and exits by itself when its
parent disappears.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from claimtrail.schema.records import ConversionError, ConvertedDocument, Extraction, ExtractionError, RawDocument

DEFAULT_TIMEOUT = 60.0  # seconds per document
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # files above this are not read at all
DEFAULT_MAX_MEMORY_MB = 2048  # the worker's address space; it needs about 100 MB (600 with the model) to start
DEFAULT_EXTRACT_TIMEOUT = 120.0  # seconds per document; a 300-page report takes well under a minute
DEFAULT_MAX_MENTIONS = 20_000  # a 300-page report has about half as many
STAGES = ("convert", "extract")
_STARTUP_TIMEOUT = 120.0  # seconds for a new worker to import the converters


class _Worker:
    """One worker process and the two ends of its pipe; used by one caller at a time."""

    def __init__(self, stage: str, max_memory_mb: int | None) -> None:
        self.stage = stage
        self.max_memory_mb = max_memory_mb
        self.owner = os.getpid()
        self.ready = False
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from claimtrail.extractors.guard import _serve; _serve()",
             stage, str(max_memory_mb or 0)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.requests = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.replies = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()

    def wait_ready(self) -> None:
        if self.ready:
            return
        try:
            if not self.replies.poll(_STARTUP_TIMEOUT):
                raise ConversionError(f"{self.stage} worker did not start within {_STARTUP_TIMEOUT:g} s")
            self.replies.recv()
        except (EOFError, OSError):
            code = self.stop()
            raise ConversionError(f"{self.stage} worker could not start (exit status {code})") from None
        self.ready = True

    def stop(self) -> int | None:
        """Stop the worker (politely: end of input, then SIGKILL) and return its exit status."""
        for conn in (self.requests, self.replies):
            try:
                conn.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.stop()


_pool_lock = threading.Lock()
_idle: list[_Worker] = []  # started and waiting for a document
_all: set[_Worker] = set()  # idle or busy, for shutdown()


def _acquire(stage: str, max_memory_mb: int | None) -> _Worker:
    """An idle worker of this stage and memory limit, else a new one (one per concurrent caller)."""
    stale: list[_Worker] = []
    keep: list[_Worker] = []
    found: _Worker | None = None
    with _pool_lock:
        while _idle and found is None:
            worker = _idle.pop()
            if worker.owner != os.getpid():  # inherited through fork(): its pipes are the parent's
                _all.discard(worker)
            elif worker.stage == stage and worker.max_memory_mb == max_memory_mb and worker.proc.poll() is None:
                found = worker
            elif worker.stage == stage or worker.proc.poll() is not None:
                stale.append(worker)  # another memory limit, or dead
            else:
                keep.append(worker)  # the other stage's: still good
        _idle.extend(keep)
    for worker in stale:
        _retire(worker, kill=True)
    if found is not None:
        return found
    worker = _Worker(stage, max_memory_mb)
    with _pool_lock:
        _all.add(worker)
    try:
        worker.wait_ready()
    except ConversionError:
        _retire(worker, kill=True)
        raise
    return worker


def _release(worker: _Worker) -> None:
    with _pool_lock:
        _idle.append(worker)


def _retire(worker: _Worker, kill: bool) -> int | None:
    """Stop a worker for good (killing it first when asked); returns its exit status."""
    with _pool_lock:
        _all.discard(worker)
    if kill:
        worker.kill()
    return worker.stop()


def shutdown() -> None:
    """Stop every worker this process started (also done at interpreter exit)."""
    with _pool_lock:
        workers = [w for w in _all if w.owner == os.getpid()]
        _idle.clear()
        _all.clear()
    for worker in workers:
        worker.stop()


atexit.register(shutdown)


def prestart(stage: str, max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> None:
    """Start a worker of ``stage`` now and leave it idle, so that its start-up (the model
    load, for extraction) overlaps other work instead of delaying the first document."""
    _release(_acquire(stage, max_memory_mb))


def convert_guarded(raw: RawDocument, *, timeout: float = DEFAULT_TIMEOUT,
                    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> ConvertedDocument:
    """:func:`~claimtrail.extractors.convert.convert` in a worker process, under a time
    limit (seconds) and a memory limit (MB of address space; ``None``: no limit).

    Raises :class:`ConversionError` with a one-line message for everything that goes
    wrong: the document's own conversion errors, ``timed out after N s``, ``out of memory
    (limit N MB)``, ``converter crashed (SIGNAL)``. Safe to call from several threads:
    each call gets a worker of its own.
    """
    return _call("convert", raw, timeout, max_memory_mb)


def extract_guarded(converted: ConvertedDocument, *, timeout: float = DEFAULT_EXTRACT_TIMEOUT,
                    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
                    max_mentions: int | None = DEFAULT_MAX_MENTIONS) -> Extraction:
    """:func:`~claimtrail.extractors.pipeline.extract` in a worker process, under the same
    kinds of limits as :func:`convert_guarded` plus a cap on mentions; every failure is an
    :class:`ExtractionError` whose message starts with "extraction"."""
    try:
        return _call("extract", (converted, max_mentions), timeout, max_memory_mb)
    except ExtractionError:
        raise
    except ConversionError as exc:
        raise ExtractionError(f"extraction {exc}") from None


def _call(stage: str, request: object, timeout: float, max_memory_mb: int | None) -> Any:
    """Send one request to an idle worker of ``stage`` and wait for its answer, with limits."""
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    worker = _acquire(stage, max_memory_mb)
    try:
        worker.requests.send(request)
    except OSError:  # the worker died while idle: start another one, once
        _retire(worker, kill=True)
        worker = _acquire(stage, max_memory_mb)
        try:
            worker.requests.send(request)
        except OSError:
            raise ConversionError(_crash_message(_retire(worker, kill=False))) from None
    try:
        answered = worker.replies.poll(timeout)
        if answered:
            status, payload = worker.replies.recv()
    except (EOFError, OSError):
        raise ConversionError(_crash_message(_retire(worker, kill=False))) from None
    except BaseException:  # Ctrl-C while waiting, or an answer this process cannot hold
        _retire(worker, kill=True)
        raise
    if not answered:
        _retire(worker, kill=True)
        raise ConversionError(f"timed out after {timeout:g} s")
    if status == "memory":
        _retire(worker, kill=True)  # it may be left in a poor state: a fresh one takes over
        raise ConversionError(f"out of memory (limit {max_memory_mb} MB)")
    _release(worker)
    if status == "ok":
        return payload
    if status == "extraction":
        raise ExtractionError(payload)
    raise ConversionError(payload)


def _crash_message(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGKILL":
            return "converter was killed (SIGKILL: out of memory?)"
        return f"converter crashed ({name})"
    return f"converter crashed (exit status {code})"


# ------------------------------------------------------------------------------ worker


def _serve() -> None:
    """The worker's main loop: a request in (a RawDocument to convert, or a converted
    document to extract), ("ok", result) / ("failed" or "extraction", message) /
    ("memory", None) out, until its input ends."""
    import logging
    import pickle
    import resource

    from claimtrail.lifeline import watch_parent

    stage, limit_mb = sys.argv[1], int(sys.argv[2])
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print() must not corrupt the pipe: it goes to stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # warnings about every odd PDF

    watch_parent()  # the parent was killed without stopping us: stop too

    handle = _extractor() if stage == "extract" else _converter()
    if limit_mb > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    out_of_memory = pickle.dumps(("memory", None))
    replies.send(("ready", os.getpid()))
    while True:
        reply: tuple[str, object]
        try:
            raw = requests.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the document itself does not fit
            raw, reply = None, ("memory", None)
        try:
            if raw is not None:
                reply = ("ok", handle(raw))
        except ExtractionError as exc:
            reply = ("extraction", str(exc))
        except ConversionError as exc:
            reply = ("failed", str(exc))
        except MemoryError:
            reply = ("memory", None)
        except RecursionError:
            reply = ("failed", "too deeply nested to convert (RecursionError)")
        except Exception as exc:  # noqa: BLE001 - a converter bug fails the document, not the worker
            first = (str(exc).strip().splitlines() or [""])[0]
            reply = ("failed", f"{type(exc).__name__}: {first}"[:500] if first else type(exc).__name__)
        raw = None
        sent = False
        if reply[0] != "memory":
            try:
                replies.send(reply)
                sent = True
            except MemoryError:  # the converted document is too big to send back
                pass
        if not sent:
            del reply
            replies.send_bytes(out_of_memory)  # pickled in advance: sending it allocates nothing
            return  # and make way for a fresh worker


def _converter() -> Callable[[RawDocument], ConvertedDocument]:
    from claimtrail.extractors.convert import convert, parse_date

    parse_date("1 January 2020")  # load dateparser's data once, not in the first document
    return convert


def _extractor() -> Callable[[tuple[ConvertedDocument, int | None]], Extraction]:
    from claimtrail.extractors.pipeline import extract, load_pipeline

    nlp = load_pipeline()  # before the worker says it is ready; claimtrail.toml as the parent finds it
    return lambda request: extract(request[0], max_mentions=request[1], nlp=nlp)
