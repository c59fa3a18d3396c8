"""Metadata kept beside a document: a sidecar file or a folder's manifest.

Many documents carry no usable metadata (a text file has no title field, a PDF's dates are
often the file's, not the report's). Whoever drops them can say it beside them:

- ``NAME.meta.json`` or ``NAME.meta.yaml`` (also ``.yml``) next to the file, where NAME is
  the file's name with or without its suffix (``brief.pdf.meta.json`` or
  ``brief.meta.json``): one JSON object or YAML mapping;
- ``MANIFEST.tsv`` or ``MANIFEST.csv`` in the file's folder or any folder above it, with a
  ``file`` column (the path relative to the manifest's folder, or a bare file name) and
  columns such as ``title, published, url, authors``.

Keys are read as the converters read front matter (``extractors/data/metadata_keys.csv``:
any case, ``date``/``published``/``pubDate``..., ``author``/``authors``, ``url``/``source``).
The sidecar wins over the manifest, and both win over what the document says about
itself. A sidecar or manifest that cannot be read is ignored: it never fails the document.
Neither is a document itself (``claimtrail.files`` reads only document suffixes).
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import yaml

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
MANIFESTS = ("MANIFEST.tsv", "MANIFEST.csv")
_FILE_COLUMNS = ("file", "filename", "file name", "path")


def sidecar_metadata(path: str | Path) -> dict[str, object]:
    """What the manifests and the sidecar of the document at ``path`` say about it."""
    path = Path(path).absolute()
    found = _manifest_row(path)
    found.update(_sidecar(path))
    return found


def _sidecar(path: Path) -> dict[str, object]:
    for stem in dict.fromkeys((path.name, path.stem)):
        for suffix in SIDECAR_SUFFIXES:
            candidate = path.with_name(stem + suffix)
            if candidate.is_file():
                return _mapping(candidate)
    return {}


def _mapping(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return {}
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def _manifest_row(path: Path) -> dict[str, object]:
    """The row for ``path`` in the nearest manifest that lists it (folders upwards)."""
    for folder in path.parents:
        for name in MANIFESTS:
            manifest = folder / name
            if not manifest.is_file():
                continue
            try:
                rows = _manifest(str(manifest), manifest.stat().st_mtime_ns)
            except OSError:
                continue
            relative = path.relative_to(folder).as_posix()
            row = rows.get(relative) or (rows.get(path.name) if folder == path.parent else None)
            if row is not None:
                return dict(row)
    return {}


@cache
def _manifest(manifest: str, mtime_ns: int) -> dict[str, dict[str, str]]:
    """A manifest's rows by their ``file`` column (read once per version of the file)."""
    try:
        with open(manifest, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t" if manifest.endswith(".tsv") else ",")
            rows: dict[str, dict[str, str]] = {}
            for row in reader:
                values = {k.strip(): v.strip() for k, v in row.items() if k and isinstance(v, str) and v.strip()}
                key = next((k for k in values if k.lower() in _FILE_COLUMNS), None)
                if key is not None:
                    rows[values.pop(key).removeprefix("./")] = values
            return rows
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
