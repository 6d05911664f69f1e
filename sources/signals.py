"""Signals for other apps (claims listens); both are sent only after the change is committed.

- ``snapshot_changed(source_id, old_snapshot_id, new_snapshot_id)``: a pull or ``record_snapshot``
  found content different from the source's current snapshot (``old_snapshot_id`` is None the first time).
- ``source_gone(source_id, reason)``: the source answered 404/410 (sent when it becomes gone).
- ``source_failed(source_id, state, failure)``: a pull failed for good (no retry scheduled soon): the
  source is now ``state`` (failed, gone, blocked or unsupported) because of ``failure`` (a
  ``Source.Failure`` value). Sent after every such pull, not only the first.
"""

from django.dispatch import Signal

snapshot_changed = Signal()
source_gone = Signal()
source_failed = Signal()
