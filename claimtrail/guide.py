"""The README's querying guide as data: each SQL block with the sentence that introduces it.

One reader serves the test that runs every query on both databases and the canned queries
of ``claimtrail datasette-metadata``, so what analysts are shown is what is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_README = Path(__file__).resolve().parents[1] / "README.md"


@dataclass(frozen=True)
class GuideQuery:
    name: str  # a slug of the introducing sentence's first clause, e.g. ``documents-that-failed-and-why``
    intro: str  # the introducing sentence, as one line
    sql: str


def readme_text() -> str:
    """The README: the checkout's file when there is one, else the installed package's long
    description (the same text, which a wheel carries in its metadata)."""
    if _README.is_file():
        return _README.read_text(encoding="utf-8")
    return metadata.metadata("claimtrail").get_payload()  # type: ignore[attr-defined]


def guide_queries(readme: str | None = None) -> list[GuideQuery]:
    """The ```sql blocks of the README's ``## Querying guide``, each named after the sentence
    before it; a block without such a sentence, or two named alike, is an error."""
    readme = readme_text() if readme is None else readme
    section = re.search(r"^## Querying guide\n(.*?)(?=^## )", readme, re.M | re.S)
    if not section:
        raise ValueError("README.md has no '## Querying guide' section followed by another section")
    queries: dict[str, GuideQuery] = {}
    for intro, sql in re.findall(r"((?:^[^\n]+\n)+)\n```sql\n(.*?)^```", section.group(1), re.M | re.S):
        sentence = " ".join(intro.split())
        first_clause = re.split(r"[:;(]", sentence)[0]
        words = re.findall(r"[a-z0-9]+", first_clause.lower().replace("'", ""))
        name = "-".join(words[:6])
        if name in queries:
            raise ValueError(f"two queries of the guide are introduced alike: {name!r}")
        queries[name] = GuideQuery(name, sentence.rstrip(":"), sql.strip())
    blocks = section.group(1).count("```sql\n")
    if len(queries) != blocks:
        raise ValueError(f"{blocks - len(queries)} sql block(s) of the guide lack a sentence introducing them")
    return list(queries.values())
