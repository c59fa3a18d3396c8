"""Metadata for Datasette: titles and descriptions of the public views and their columns,
and the README's querying guide as canned queries.

The descriptions are data (``data/views.toml``) and the queries are read from the README by
:func:`claimtrail.guide.guide_queries`, the reader that the guide's own test uses, so what
Datasette offers is what runs on both databases.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from claimtrail.guide import guide_queries

TITLE = "claimtrail"
DESCRIPTION = ("Facts from policy briefs: documents, the dates, countries, counts and actors they mention, "
               "and claims with the quote each comes from.")


def view_descriptions() -> dict[str, dict[str, Any]]:
    """Each public view's title, description and column descriptions, from ``data/views.toml``."""
    with resources.files("claimtrail").joinpath("data/views.toml").open("rb") as file:
        return tomllib.load(file)


def datasette_metadata(database: str = "claimtrail") -> dict[str, Any]:
    """Datasette's metadata for the SQLite file whose name (without ``.db``) is ``database``."""
    tables = {name: {"title": view["title"], "description": view["description"], "columns": view["columns"]}
              for name, view in view_descriptions().items()}
    queries = {query.name: {"title": query.intro, "sql": query.sql} for query in guide_queries()}
    return {"title": TITLE, "description": DESCRIPTION,
            "databases": {database: {"tables": tables, "queries": queries}}}
