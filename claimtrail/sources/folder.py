"""``kind = "folder"``: supported files in a local folder, searched recursively.

The same discovery as ``claimtrail ingest`` (suffixes ``.txt .md .html .htm .pdf``,
dotfiles skipped); a missing folder is one item that fails with "not found".
"""

from __future__ import annotations

from claimtrail.config import FolderSource
from claimtrail.files import discover_files
from claimtrail.sources import Item, SourceContext, source_kind


@source_kind("folder")
def discover_folder(source: FolderSource, context: SourceContext) -> list[Item]:
    return [Item(path, is_file=True) for path in discover_files([str(source.path)])]
