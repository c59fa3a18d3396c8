"""``claimtrail serve``: the nightly deployment and the watched folder, in one process.

The run flow is served as the deployment ``claimtrail-run/nightly`` with the
configuration's cron schedule, through a Prefect runner in this process (each scheduled
run executes in a child process, as Prefect runners do). The runner is created with
``pause_on_shutdown=False``: Prefect's default would pause the schedule whenever
``serve`` stops, and the next start would then fire nothing.

Schedules are fired by a Prefect server's scheduler service, which the temporary server
never runs. So when ``PREFECT_API_URL`` is not set, ``serve`` starts a local
``prefect server start`` of its own (state under claimtrail's data folder), restarts it
if it dies, and stops it on the way out; when it is set, the team's server is used.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claimtrail.config import Config
from claimtrail.db.engine import absolute_url
from claimtrail.flows.ingest import Outcome
from claimtrail.prefect_api import LocalServer
from claimtrail.settings import data_dir
from claimtrail.watch import WatchOptions

log = logging.getLogger("claimtrail.serve")

DEPLOYMENT = "nightly"
DEFAULT_PORT = 4200


@dataclass(frozen=True, slots=True)
class ServeOptions:
    port: int = DEFAULT_PORT  # of the local Prefect server, when serve starts one
    watch: WatchOptions = WatchOptions()


def deployment_name() -> str:
    return f"claimtrail-run/{DEPLOYMENT}"


def serve(config: Config, stop: threading.Event, options: ServeOptions | None = None,
          on_ready: Callable[[str], None] | None = None,
          on_document: Callable[[Outcome], None] | None = None) -> None:
    """Serve until ``stop`` is set; ``on_ready(api_url)`` is called once the schedule is served.

    The runner's event loop runs in a thread of its own, so this (main) thread keeps the
    signal handlers: Ctrl-C and SIGTERM set ``stop``, and everything then winds down in
    order (runner, watcher, local server) whatever moment the signal came at.
    """
    options = options or ServeOptions()
    server = None
    try:
        if not os.environ.get("PREFECT_API_URL"):
            server = LocalServer(home=data_dir() / "prefect-server", port=options.port, temporary=False,
                                 log=data_dir() / "prefect-server.log")
            server.start()
            if not server.wait_ready(stop=stop):
                return
            os.environ["PREFECT_API_URL"] = server.api_url  # for the runner's child processes too
        errors: list[BaseException] = []

        def loop() -> None:
            from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

            try:
                with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"],
                                                 PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                    asyncio.run(_serve(config, stop, options, server, on_ready, on_document))
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                errors.append(exc)

        thread = threading.Thread(target=loop, name="claimtrail-serve")
        thread.start()
        while thread.is_alive():
            thread.join(0.2)  # a timed join lets the main thread run signal handlers
        if errors:
            raise errors[0]
    finally:
        if server is not None:
            server.stop()
            os.environ.pop("PREFECT_API_URL", None)


def deployment_options(config: Config) -> dict[str, Any]:
    """The nightly deployment of ``config``, as keyword arguments of ``Flow.to_deployment``
    and ``Flow.deploy``."""
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    return {
        "name": DEPLOYMENT,
        "schedules": [Cron(config.schedule.cron, timezone=config.schedule.timezone)],
        # The flow run reads the configuration file again (a source added to it counts from
        # the next run on); the database is the one resolved here (--db, $CLAIMTRAIL_DB).
        "parameters": {"config": str(config.path), "db_url": absolute_url(config.database), "kind": DEPLOYMENT},
        # claimtrail is an installed package: a worker imports the flow, nothing to pull.
        "entrypoint_type": EntrypointType.MODULE_PATH,
        "description": f"One pass over every source of the claimtrail configuration {config.path}.",
    }


def deploy(config: Config, work_pool: str) -> str:
    """Register the nightly deployment on the current Prefect server (``PREFECT_API_URL``) for
    the workers of ``work_pool``, instead of serving it here; returns its id."""
    from claimtrail.flows.run import run_flow

    deployment_id = run_flow.deploy(**deployment_options(config), work_pool_name=work_pool, build=False,
                                    push=False, print_next_steps=False)
    return str(deployment_id)


async def _serve(config: Config, stop: threading.Event, options: ServeOptions, server: LocalServer | None,
                 on_ready: Callable[[str], None] | None, on_document: Callable[[Outcome], None] | None) -> None:
    from prefect.runner import Runner
    from prefect.settings import get_current_settings

    from claimtrail.flows.run import run_flow
    from claimtrail.flows.watch import watch_folder

    deployment = await run_flow.ato_deployment(**deployment_options(config))
    runner = Runner(name="claimtrail-serve", pause_on_shutdown=False)
    await runner.add_deployment(deployment)

    watcher_stop = threading.Event()
    watcher = None
    if config.watch is not None:
        config.watch.mkdir(parents=True, exist_ok=True)
        watcher = threading.Thread(
            target=watch_folder, name="claimtrail-watch", daemon=True,
            args=(config.watch, absolute_url(config.database), watcher_stop, options.watch, on_document),
        )
        watcher.start()
    started = asyncio.create_task(runner.start())
    try:
        if on_ready is not None:
            on_ready(get_current_settings().api.url or "")
        while not stop.is_set() and not started.done():
            if server is not None and not server.alive():
                log.warning("the local Prefect server exited; restarting it")
                server.start()
                await asyncio.to_thread(server.wait_ready, stop=stop)
            await asyncio.sleep(0.2)
    finally:
        if runner.started:
            await runner.astop()
        else:  # stopped before the runner was up
            started.cancel()
        await asyncio.gather(started, return_exceptions=True)
        watcher_stop.set()
        if watcher is not None:
            await asyncio.to_thread(watcher.join)
