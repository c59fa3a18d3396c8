"""Conversion that cannot crash, hang or exhaust a run: worker processes, with limits.

A pathological document can make a parser loop, recurse or allocate without end (pdfminer
on a fuzzed PDF, a decompression bomb), and a parser bug can kill the interpreter
outright. :func:`convert_guarded` therefore runs :func:`~claimtrail.extractors.convert.convert`
in a worker process:

- **time limit**: the parent waits at most ``timeout`` seconds for the answer, then kills
  the worker and fails the document with ``timed out after N s``;
- **memory limit**: the worker's address space is capped (``RLIMIT_AS``); an allocation
  beyond it raises ``MemoryError`` there, reported as ``out of memory (limit N MB)``,
  and that worker is replaced;
- **crashes**: a worker that dies (segfault, the system's OOM killer) fails only the
  document it was converting (``converter crashed (SIGSEGV)``).

A worker is started once (about half a second: it imports the converters) and reused
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
from multiprocessing.connection import Connection

from claimtrail.schema.records import ConversionError, ConvertedDocument, RawDocument

DEFAULT_TIMEOUT = 60.0  # seconds per document
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # files above this are not read at all
DEFAULT_MAX_MEMORY_MB = 2048  # the worker's address space; it needs about 100 MB to start
_STARTUP_TIMEOUT = 120.0  # seconds for a new worker to import the converters


class _Worker:
    """One worker process and the two ends of its pipe; used by one caller at a time."""

    def __init__(self, max_memory_mb: int | None) -> None:
        self.max_memory_mb = max_memory_mb
        self.owner = os.getpid()
        self.ready = False
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from claimtrail.extractors.guard import _serve; _serve()",
             str(max_memory_mb or 0)],
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
                raise ConversionError(f"converter worker did not start within {_STARTUP_TIMEOUT:g} s")
            self.replies.recv()
        except (EOFError, OSError):
            code = self.stop()
            raise ConversionError(f"converter worker could not start (exit status {code})") from None
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


def _acquire(max_memory_mb: int | None) -> _Worker:
    """An idle worker with this memory limit, else a new one (one per concurrent caller)."""
    stale: list[_Worker] = []
    found: _Worker | None = None
    with _pool_lock:
        while _idle and found is None:
            worker = _idle.pop()
            if worker.owner != os.getpid():  # inherited through fork(): its pipes are the parent's
                _all.discard(worker)
            elif worker.max_memory_mb == max_memory_mb and worker.proc.poll() is None:
                found = worker
            else:
                stale.append(worker)  # another memory limit, or dead
    for worker in stale:
        _retire(worker, kill=True)
    if found is not None:
        return found
    worker = _Worker(max_memory_mb)
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


def convert_guarded(raw: RawDocument, *, timeout: float = DEFAULT_TIMEOUT,
                    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB) -> ConvertedDocument:
    """:func:`~claimtrail.extractors.convert.convert` in a worker process, under a time
    limit (seconds) and a memory limit (MB of address space; ``None``: no limit).

    Raises :class:`ConversionError` with a one-line message for everything that goes
    wrong: the document's own conversion errors, ``timed out after N s``, ``out of memory
    (limit N MB)``, ``converter crashed (SIGNAL)``. Safe to call from several threads:
    each call gets a worker of its own.
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    worker = _acquire(max_memory_mb)
    try:
        worker.requests.send(raw)
    except OSError:  # the worker died while idle: start another one, once
        _retire(worker, kill=True)
        worker = _acquire(max_memory_mb)
        try:
            worker.requests.send(raw)
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
    """The worker's main loop: RawDocument in, ("ok", doc) / ("failed", message) /
    ("memory", None) out, until its input ends."""
    import logging
    import pickle
    import resource
    import time

    limit_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print() must not corrupt the pipe: it goes to stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # warnings about every odd PDF

    parent = os.getppid()

    def orphaned() -> None:  # the parent was killed without stopping us: stop too
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()

    from claimtrail.extractors.convert import convert, parse_date

    parse_date("1 January 2020")  # load dateparser's data once, not in the first document
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
                reply = ("ok", convert(raw))
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
