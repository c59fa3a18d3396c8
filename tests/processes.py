"""Running ``claimtrail`` as a separate process, as a user does, for the long-running commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
# The Prefect API of tests that are not marked ``flows`` (conftest): a closed port, whose
# address says what is missing in the error of whatever tries to reach it.
NO_TEST_SERVER = "http://127.0.0.1:9/no-prefect-test-server-mark-the-test-pytest.mark.flows/api"


def harness_api_url() -> str:
    """The Prefect test server of this session (see conftest.prefect_harness); fails the
    test at once when there is none, rather than after a process has started."""
    from prefect.settings import get_current_settings

    url = str(get_current_settings().api.url)
    if url == NO_TEST_SERVER:
        pytest.fail("this test runs Prefect flows: mark it @pytest.mark.flows (see tests/conftest.py)")
    return url


def claimtrail_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``claimtrail ARGS`` in its own process; ``env`` adds to (or, with None values, removes from)
    this environment, which by default points it at the session's Prefect test server."""
    environment = {**os.environ, "PREFECT_API_URL": harness_api_url()}
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.Popen([str(Path(sys.executable).with_name("claimtrail")), *args], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until(condition: Callable[[], T], timeout: float, process: subprocess.Popen[str]) -> T:
    """Poll ``condition`` until it is truthy; fail with the process's output if it exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process.poll() is not None:
            pytest.fail(f"claimtrail exited early ({process.returncode}):\n{process.stdout.read()}")
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"timed out after {timeout} s; claimtrail printed:\n{process.communicate()[0]}")


def terminate(process: subprocess.Popen[str], timeout: float = 60) -> str:
    """SIGTERM, as systemd stops a service; the command must end cleanly (exit 0). Its output."""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output
