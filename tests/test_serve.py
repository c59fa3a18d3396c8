"""``claimtrail serve``: the nightly deployment on a Prefect server, and the watched folder.

Both tests run ``claimtrail serve`` as a process and stop it with SIGTERM, as systemd
does. The first serves on the session's Prefect test server (a team's server, in effect:
``PREFECT_API_URL`` is set), reads the deployment back through Prefect's client and
triggers the nightly run without waiting for 2 a.m. The second leaves
``PREFECT_API_URL`` unset, so ``serve`` starts and stops a Prefect server of its own.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from http_fixture import SAMPLES, Site, site_fixture  # noqa: F401 - the fixture
from processes import claimtrail_process, harness_api_url, terminate, wait_until
from sqlalchemy import text

from claimtrail.db import open_database
from claimtrail.flows.serve import deployment_name
from claimtrail.prefect_api import free_port


def write_config(tmp_path: Path, database: str, sources: str) -> Path:
    config = tmp_path / "claimtrail.toml"
    config.write_text(f'database = "{database}"\nwatch = "inbox"\n\n'
                      '[schedule]\ncron = "0 2 * * *"\ntimezone = "Europe/Paris"\n\n' + sources)
    return config


def read_deployment(api_url: str | None = None):  # noqa: ANN201 - a Prefect DeploymentResponse, or None
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url} if api_url else {}), \
            get_client(sync_client=True) as client:
        try:
            return client.read_deployment_by_name(deployment_name())
        except (ObjectNotFound, httpx.HTTPError):
            return None


@pytest.mark.flows
def test_serve_schedules_the_nightly_run_runs_it_and_watches_the_folder(
        site: Site, tmp_path: Path, db_url: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "finance.txt").write_bytes((SAMPLES / "iskp-finance-networks.txt").read_bytes())
    config = write_config(tmp_path, db_url, f'[[source]]\nname = "web"\nkind = "urls"\n'
                                            f'urls = ["{site.url("/briefs/plots-europe.html")}"]\n\n'
                                            f'[[source]]\nname = "drive"\nkind = "folder"\npath = "reports"\n')
    engine = open_database(db_url)

    def documents() -> set[str]:
        with engine.connect() as conn:
            return {uri for (uri,) in conn.execute(text("select doc_uri from v_documents where status = 'ok'"))}

    earlier = read_deployment()  # the session's Prefect server is shared: start from none
    if earlier is not None:
        with get_client(sync_client=True) as client:
            client.delete_deployment(earlier.id)

    process = claimtrail_process("serve", "--config", str(config), env={"PREFECT_RUNNER_POLL_FREQUENCY": "1"})
    try:
        deployment = wait_until(read_deployment, 120, process)
        schedule = deployment.schedules[0]
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == \
            ("0 2 * * *", "Europe/Paris", True)
        assert deployment.parameters["config"] == str(config)

        flow_run = run_deployment(deployment_name(), timeout=0)
        with get_client(sync_client=True) as client:
            state = wait_until(lambda: (s := client.read_flow_run(flow_run.id).state) and s.is_final() and s,
                               120, process)
        assert state.is_completed(), state.message
        assert documents() == {site.url("/briefs/plots-europe.html"), str(folder / "finance.txt")}

        (tmp_path / "inbox" / "dropped.md").write_bytes((SAMPLES / "iskp-finance-networks.txt").read_bytes()
                                                        .replace(b"ISKP", b"IS-K"))
        wait_until(lambda: str(tmp_path / "inbox" / "dropped.md") in documents(), 60, process)
    finally:
        output = terminate(process) if process.poll() is None else process.communicate()[0]
    with engine.connect() as conn:
        kinds = sorted(kind for (kind,) in conn.execute(text("select kind from runs")))
    engine.dispose()

    assert kinds == ["nightly", "watch"]  # the triggered nightly run; the dropped file (the inbox began empty)
    assert "stopped" in output
    after = read_deployment()
    assert after.schedules[0].active and not after.paused  # stopping serve does not pause the schedule


def test_serve_without_a_prefect_server_runs_its_own(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'claimtrail.db'}", "")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"

    process = claimtrail_process("serve", "--config", str(config), "--prefect-port", str(port),
                                 env={"PREFECT_API_URL": None, "XDG_DATA_HOME": str(tmp_path / "data")})
    try:
        deployment = wait_until(lambda: read_deployment(api_url), 180, process)
    finally:
        output = terminate(process) if process.poll() is None else process.communicate()[0]

    assert deployment.schedules[0].schedule.cron == "0 2 * * *"
    assert f"Prefect UI: {api_url.removesuffix('/api')}" in output and "next run 20" in output and "stopped" in output
    assert (tmp_path / "data" / "claimtrail" / "prefect-server" / "prefect.db").is_file()
    try:
        httpx.get(f"{api_url}/health", timeout=2)
        raise AssertionError("the local Prefect server outlived serve")
    except httpx.ConnectError:
        pass  # stopped with serve


@pytest.mark.flows
def test_deploy_registers_the_nightly_run_for_a_work_pool(tmp_path: Path, monkeypatch) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from typer.testing import CliRunner

    from claimtrail.cli import app

    config = write_config(tmp_path, "postgresql+psycopg://analyst@db.internal/claims", "")
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="claimtrail-workers", type="process"))
    monkeypatch.setenv("PREFECT_API_URL", harness_api_url())

    result = CliRunner().invoke(app, ["deploy", "--work-pool", "claimtrail-workers", "--config", str(config)])

    assert result.exit_code == 0, result.output
    deployment = read_deployment()
    assert deployment.work_pool_name == "claimtrail-workers"
    assert deployment.entrypoint == "claimtrail.flows.run.run_flow"  # imported by the worker, nothing to pull
    assert deployment.schedules[0].schedule.cron == "0 2 * * *"
    assert deployment.parameters == {"config": str(config), "db_url": "postgresql+psycopg://analyst@db.internal/claims",
                                     "kind": "nightly"}


def test_deploy_needs_a_shared_prefect_server(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from claimtrail.cli import app

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["deploy", "--work-pool", "p", "--config", str(write_config(tmp_path, "sqlite:///x.db", ""))])

    assert result.exit_code == 1 and "PREFECT_API_URL is not set" in result.output
