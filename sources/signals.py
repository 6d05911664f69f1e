"""Signals for other apps (claims listens); both are sent only after the change is committed.

- ``snapshot_changed(source_id, old_snapshot_id, new_snapshot_id)``: a pull or ``record_snapshot``
  found content different from the source's current snapshot (``old_snapshot_id`` is None the first time).
- ``source_gone(source_id, reason)``: the source answered 404/410 (sent when it becomes gone).
"""

from django.dispatch import Signal

snapshot_changed = Signal()
source_gone = Signal()
