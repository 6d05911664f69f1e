"""Line diff between two snapshots of a source (what the page added and removed)."""

import difflib
from dataclasses import dataclass

from sources.models import Snapshot


@dataclass
class SnapshotDiff:
    added: list[str]
    removed: list[str]
    unified: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def text_diff(
    old_text: str, new_text: str, *, old_label: str = "old", new_label: str = "new"
) -> SnapshotDiff:
    """Diff two texts line by line; blank lines and trailing spaces do not count as changes."""
    old_lines = [line.rstrip() for line in old_text.splitlines() if line.strip()]
    new_lines = [line.rstrip() for line in new_text.splitlines() if line.strip()]
    unified = list(difflib.unified_diff(old_lines, new_lines, old_label, new_label, lineterm="", n=2))
    body = [line for line in unified if not line.startswith(("---", "+++", "@@"))]
    return SnapshotDiff(
        added=[line[1:] for line in body if line.startswith("+")],
        removed=[line[1:] for line in body if line.startswith("-")],
        unified=unified,
    )


def snapshot_diff(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Diff the extracted texts of two snapshots (of the same source, normally older first)."""
    return text_diff(old.text, new.text, old_label=f"snapshot {old.pk}", new_label=f"snapshot {new.pk}")
