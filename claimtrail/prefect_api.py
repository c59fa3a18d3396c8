"""Which Prefect API our flows talk to, and the local Prefect servers claimtrail starts.

Prefect 3 needs an API server for every flow run. When ``PREFECT_API_URL`` is set, that
server is used as it is (a team's server, or the one ``claimtrail serve`` supervises).
When it is not, Prefect itself would start a temporary server, but only after importing
its whole server package into the caller (about 4 s here) and then waiting for the
server's own start (about 5 s). :func:`flow_session` starts the same temporary server as
a plain subprocess instead, while the caller loads the spaCy model, so the two costs
overlap; ``bench/prefect_overhead.py`` measures what is left.

:class:`LocalServer` is also what ``claimtrail serve`` supervises: a persistent
``prefect server start`` (with its scheduler, which a temporary server never runs), its
state in claimtrail's data folder.
"""

from __future__ import annotations

import contextvars
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

# The server runs under claimtrail.lifeline, so it dies with us even when we are SIGKILLed.
_SUPERVISED = (sys.executable, "-m", "claimtrail.lifeline", "-m")
STARTUP_TIMEOUT = 120.0  # seconds; a fresh PREFECT_HOME spends most of it creating its database


class PrefectServerError(RuntimeError):
    """A local Prefect server that would not start (its output is in the message)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """A Prefect API server in a child process on 127.0.0.1.

    ``temporary=True`` is what Prefect's own temporary server runs (no UI, no background
    services: it never fires schedules); ``temporary=False`` is ``prefect server start``,
    which does. ``home`` becomes the server's ``PREFECT_HOME`` (its SQLite database).
    """

    def __init__(self, home: Path | None = None, port: int | None = None, temporary: bool = True,
                 log: Path | None = None) -> None:
        self.home = home
        self.port = port or free_port()
        self.temporary = temporary
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        if self.home is not None:
            self.home.mkdir(parents=True, exist_ok=True)
            env["PREFECT_HOME"] = str(self.home)
        if self.temporary:
            env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
            command = [*_SUPERVISED, "uvicorn", "--factory", "prefect.server.api.server:create_app",
                       "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        else:
            env["PREFECT_SERVER_UI_ENABLED"] = "true"  # a long-lived server: its UI is the point
            command = [*_SUPERVISED, "prefect", "server", "start", "--host", "127.0.0.1",
                       "--port", str(self.port)]
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
        try:
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            if self.log:
                output.close()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT, stop: threading.Event | None = None) -> bool:
        """Block until the server answers its health check (True), or ``stop`` is set (False);
        raise if it exits or times out."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if stop is not None and stop.is_set():
                    return False
                if self.process is None or self.process.poll() is not None:
                    raise PrefectServerError(f"the local Prefect server exited{self._log_hint()}")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return True
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise PrefectServerError(f"the local Prefect server did not answer within {timeout:.0f} s{self._log_hint()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server and whatever it started (its process group), politely first."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(self.process, signal.SIGKILL)  # stragglers of the group, e.g. uvicorn
        self.process.wait()
        self.process = None

    def _log_hint(self) -> str:
        return f" (its log: {self.log})" if self.log else ""


@contextmanager
def flow_session(warm_up: Callable[[], object] | None = None) -> Iterator[str | None]:
    """Settings for running claimtrail's flows in this process; yields the API URL used.

    Flow-run heartbeats are switched off (each run would otherwise wait about 1 s for its
    heartbeat thread; they detect crashed runs of long-lived workers, which a command is
    not). Without ``PREFECT_API_URL``, a temporary server is started and ``warm_up`` (the
    model load) runs while it starts; it is stopped on exit.
    """
    with deferred_flow_session(warm_up) as ready:
        yield ready()


@contextmanager
def deferred_flow_session(warm_up: Callable[[], object] | None = None) -> Iterator[Callable[[], str | None]]:
    """:func:`flow_session` starting in the background, for a command that may never run a
    flow (``claimtrail watch`` over stored files) and should be ready at once.

    Yields ``ready``: it waits for the server and the warm-up, applies the settings to the
    calling thread (the one that then runs the flows) and returns the API URL; call it before
    each flow (after the first time it returns at once).
    """
    starter = _Starter(warm_up)
    starter.start()
    applied = ExitStack()
    url: list[str | None] = []

    def ready() -> str | None:
        if not url:
            starter.join()
            if starter.error is not None:
                raise starter.error
            from prefect.settings import temporary_settings

            applied.enter_context(temporary_settings(updates=starter.updates))
            url.append(starter.api_url())
        return url[0]

    try:
        yield ready
    finally:
        applied.close()
        starter.cancel.set()
        starter.join()
        if starter.server is not None:
            starter.server.stop(grace=5.0)


class _Starter(threading.Thread):
    """Starts the temporary server (unless ``PREFECT_API_URL`` names one) while ``warm_up``
    runs, in the caller's context (so it sees the caller's Prefect settings)."""

    def __init__(self, warm_up: Callable[[], object] | None) -> None:
        super().__init__(name="prefect-session-start", daemon=True)
        self.warm_up = warm_up
        self.context = contextvars.copy_context()
        self.cancel = threading.Event()
        self.server: LocalServer | None = None
        self.updates: dict = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.context.run(self._start)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that calls ready()
            self.error = exc

    def _start(self) -> None:
        from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings

        self.updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
        if not get_current_settings().api.url:
            self.server = LocalServer(_temporary_home())
            self.server.start()
            self.updates[PREFECT_API_URL] = self.server.api_url
        waiter = _Waiter(self.server, self.cancel) if self.server is not None else None
        if waiter is not None:
            waiter.start()
        if self.warm_up is not None:
            self.warm_up()
        if waiter is not None:
            waiter.join()
            if waiter.error is not None:
                raise waiter.error

    def api_url(self) -> str | None:
        from prefect.settings import get_current_settings

        return get_current_settings().api.url


class _Waiter(threading.Thread):
    def __init__(self, server: LocalServer, cancel: threading.Event) -> None:
        super().__init__(name="prefect-server-start", daemon=True)
        self.server = server
        self.cancel = cancel
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.server.wait_ready(stop=self.cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.error = exc


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the child's process group (it leads one: ``start_new_session``)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _temporary_home() -> Path | None:
    home = os.environ.get("PREFECT_HOME")
    return Path(home).expanduser() if home else None
