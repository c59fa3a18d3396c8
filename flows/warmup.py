"""Start Prefect's temporary API server while the NLP model loads, not after it.

Without ``PREFECT_API_URL`` Prefect starts a local server in a subprocess when the first
flow runs (about 5 s on a 2-core machine), and claimtrail loads its spaCy pipeline with
the gazetteers (about 4 s) when the first document is extracted. Done one after the
other they add up; started together, the slower of the two is all a command waits for.
Prefect's server object is one per process, so the flow run then finds it running.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from claimtrail.extractors.pipeline import load_pipeline


def start_temporary_api() -> None:
    if os.environ.get("PREFECT_API_URL"):
        return  # a real server is configured: nothing to start
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        SubprocessASGIServer().start()


def warm_up() -> None:
    """Load the extraction pipeline and, in parallel, make Prefect's API available."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        server = pool.submit(start_temporary_api)
        load_pipeline()
        server.result()
