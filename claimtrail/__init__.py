"""claimtrail: policy briefs in, sourced facts out.

The library under the ``claimtrail`` command::

    import claimtrail

    result = claimtrail.extract_text("Police arrested 14 suspects in Kenya in March 2024.")
    for claim in result.claims:
        print(claim.value, claim.unit, claim.country, claim.date_start)

Everything listed in ``__all__`` is the public API; every other module is internal and may
change. Importing this package is cheap: spaCy, Prefect and SQLAlchemy are imported by the
functions that need them, on first call.

Offsets in an :class:`Extraction` are indices into the canonical text of the converted
document (:func:`convert` returns it): whitespace runs become one space and Markdown syntax
is removed, so they index the input string itself only for plain single-spaced prose.
"""

from __future__ import annotations

import os
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from claimtrail.schema import Claim, ConversionError, ConvertedDocument, Extraction, Mention, RawDocument

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.language import Language

    from claimtrail.flows.ingest import IngestSummary

try:
    __version__ = version("claimtrail")  # pyproject.toml is the one place the version is written
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Claim",
    "ConversionError",
    "ConvertedDocument",
    "Extraction",
    "Mention",
    "__version__",
    "convert",
    "extract",
    "extract_file",
    "extract_text",
    "ingest",
    "load_pipeline",
]


def convert(path_or_bytes: str | os.PathLike[str] | bytes, *, media_type: str | None = None) -> ConvertedDocument:
    """A file (path) or its bytes -> canonical text, structure and metadata.

    The type is sniffed from the bytes as ``claimtrail ingest`` does (a ``.pdf`` that is an
    HTML error page is read as HTML); ``media_type`` (``text/html``, ``application/pdf``,
    ``text/plain``, ``text/markdown``) skips the sniffing, e.g. to read bytes as Markdown,
    which bytes alone cannot tell from plain text. Raises :class:`ConversionError` (a
    one-line reason) for empty, binary, unsupported or unreadable documents.
    """
    from claimtrail.extractors import convert as conversion

    if isinstance(path_or_bytes, bytes):
        raw = RawDocument(uri="", content=path_or_bytes)
    else:
        path = Path(path_or_bytes).expanduser().resolve()
        raw = RawDocument(uri=str(path), content=path.read_bytes())
    if media_type is None:
        return conversion.convert(raw)
    converter = conversion._REGISTRY.get(media_type)  # noqa: SLF001 - the registry has no public lookup yet
    if converter is None:
        known = ", ".join(conversion.registered_media_types())
        raise ValueError(f"media_type {media_type!r}: claimtrail converts {known}")
    document = converter(raw)
    if not document.text:
        raise ConversionError("no text content")
    return replace(document, media_type=media_type)


def extract(document: ConvertedDocument) -> Extraction:
    """Mentions (dates, countries, regions, counts, actors) and claims of a converted
    document; the first call loads the spaCy pipeline (a few seconds)."""
    from claimtrail.extractors.pipeline import extract as run_pipeline

    return run_pipeline(document)


def extract_text(text: str, *, published: str | None = None, title: str | None = None) -> Extraction:
    """Extract from a plain-text or Markdown string.

    ``published`` (``YYYY-MM-DD``) anchors relative dates ("last year", "in March"), as a
    document's own date line does; ``title`` replaces a title found in the text.
    """
    document = convert(text.encode("utf-8"), media_type="text/markdown")
    if published is not None:
        document = replace(document, published=published)
    if title is not None:
        document = replace(document, title=title)
    return extract(document)


def extract_file(path_or_bytes: str | os.PathLike[str] | bytes, *, media_type: str | None = None) -> Extraction:
    """Convert a file (path or bytes; HTML, PDF, text, Markdown) and extract from it;
    see :func:`convert` for ``media_type`` and the errors raised."""
    return extract(convert(path_or_bytes, media_type=media_type))


def load_pipeline(config: str | os.PathLike[str] | None = None) -> Language:
    """The spaCy pipeline claimtrail extracts with (the English model plus claimtrail's rule
    components, as ``extractors/data/pipeline.cfg`` lists them), built once per process:
    ``nlp(text)`` or ``nlp.pipe(texts)`` give Docs whose ``doc.spans`` hold the mentions by
    kind. ``config``: a ``claimtrail.toml`` whose ``[extract]`` table adds actor gazetteers
    (default: ``$CLAIMTRAIL_CONFIG`` or ``./claimtrail.toml`` if there is one)."""
    from claimtrail.extractors.pipeline import load_pipeline as load

    return load(config)


def ingest(paths: Iterable[str | os.PathLike[str]], *, db: str | None = None) -> IngestSummary:
    """Ingest files and folders (searched recursively) into a database, once: what
    ``claimtrail ingest`` does, returning its summary (one outcome per document: ``new``,
    ``unchanged`` or ``failed`` with the reason).

    ``db`` is an SQLAlchemy URL; default ``$CLAIMTRAIL_DB``, else the ``database`` of
    ``./claimtrail.toml`` (or ``$CLAIMTRAIL_CONFIG``), else ``sqlite:///claimtrail.db`` in
    the current folder, as for every command. Runs as a Prefect flow: on the server named by
    ``PREFECT_API_URL``, else on a temporary local one started for the call.
    """
    from claimtrail.config import resolve_db_url
    from claimtrail.settings import quiet_prefect

    given = [os.fspath(p) for p in paths]
    missing = [p for p in given if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    quiet_prefect()  # before Prefect is imported
    from claimtrail.flows.ingest import ingest as ingest_flow
    from claimtrail.prefect_api import flow_session

    from claimtrail.extractors.guard import prestart

    with flow_session(warm_up=lambda: prestart("extract")):  # extraction runs in guarded workers
        return ingest_flow(given, resolve_db_url(db))
