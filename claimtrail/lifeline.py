"""Child processes that die with their parent, however the parent dies.

A parent stopped by SIGKILL (or the OOM killer) runs no clean-up, so a child it started
(the temporary Prefect server, a converter worker) would live on, holding a port and
memory. Each such child watches its parent instead: once it has been re-parented (its
parent's pid changed, which the kernel does the moment the parent dies), it kills its
own process group — itself and anything it started, e.g. the uvicorn process that
``prefect server start`` runs — and exits. A watching thread is used rather than Linux's
``PR_SET_PDEATHSIG``, which fires when the *thread* that started the child ends, not
the process.

Run a module this way with ``python -m claimtrail.lifeline -m MODULE ARGS...``; a Python
child of our own calls :func:`watch_parent` itself.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5


def watch_parent(interval: float = POLL_SECONDS) -> None:
    """Start a daemon thread that ends this process (and its group, when it leads one)
    as soon as the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        if os.getpgrp() == os.getpid():  # our own session: the group is us and our children
            os.killpg(os.getpid(), signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name="claimtrail-parent-watch", daemon=True).start()


def main(argv: list[str]) -> None:
    """``-m MODULE ARGS...``: run MODULE as ``__main__`` under :func:`watch_parent`."""
    if len(argv) < 2 or argv[0] != "-m":
        raise SystemExit("usage: python -m claimtrail.lifeline -m MODULE [ARGS...]")
    watch_parent()
    sys.argv = [argv[1], *argv[2:]]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
