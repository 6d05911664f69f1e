"""A gthread worker that leaves new connections to the workers holding fewer (least connections).

gunicorn's workers all accept from one listening socket, and a gthread worker keeps a keep-alive
connection for as long as its client does. Whichever worker reaches the socket first takes a burst of
clients, and since a worker runs one Python thread at a time, its clients then wait several times longer
than the others' (measured: 150 of 200 connections in one worker of 3). Each worker here writes how many
connections it holds into memory shared by all workers of the server, and stops accepting while it holds
more than ``SLACK`` above the least loaded live worker; ``worker_connections`` stays a hard cap.

A worker about to start counts as holding none for ``STALE_AFTER`` seconds (from ``reserve_slots`` when
the server starts, ``assign_slot`` when it replaces one), so a burst arriving while the workers start is
shared with those that are not yet up. A worker that has not written for ``STALE_AFTER`` seconds (slow to
boot, or wedged) is left out of the comparison, so it never holds the others back. The workers' event
loop runs at least once a second (gunicorn's select timeout), which keeps the live ones fresh.
"""

import time
from multiprocessing.sharedctypes import RawArray

from gunicorn.workers.gthread import ThreadWorker

SLOTS = 64  # workers of one server at most (more run without balancing)
SLACK = 2
STALE_AFTER = 2.0

# Created when gunicorn's master imports this module (it loads the worker class before forking), so
# every worker inherits the same shared memory: connections held and the time of the last write.
_held = RawArray("l", SLOTS)
_seen = RawArray("d", SLOTS)


def reserve_slots(server) -> None:
    """gunicorn ``when_ready`` hook (in the master, before the first workers fork): mark their slots."""
    now = time.monotonic()
    for slot in range(min(server.num_workers, SLOTS)):
        _held[slot], _seen[slot] = 0, now


def assign_slot(server, worker) -> None:
    """gunicorn ``pre_fork`` hook (in the master): give the new worker a slot no live worker uses."""
    used = {getattr(other, "balance_slot", None) for other in server.WORKERS.values()}
    slot = next((i for i in range(SLOTS) if i not in used), None)
    worker.balance_slot = slot
    if slot is not None:  # counted as live with no connections until it writes (or goes stale)
        _held[slot], _seen[slot] = 0, time.monotonic()


class BalancedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker with least-connections accepting (see the module's docstring)."""

    balance_slot: int | None = None

    @property
    def worker_connections(self) -> int:
        # gthread's event loop reads this once per turn to decide whether to listen for new connections.
        slot = self.balance_slot
        if slot is None:
            return self._cap
        now = time.monotonic()
        _held[slot], _seen[slot] = self.nr_conns, now
        fewest = min(_held[i] for i in range(SLOTS) if now - _seen[i] < STALE_AFTER)
        return self._cap if self.nr_conns <= fewest + SLACK else self.nr_conns

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._cap = value

    def accept(self, listener) -> None:
        super().accept(listener)
        if self.balance_slot is not None:  # at once: the other workers decide on it before our next turn
            _held[self.balance_slot] = self.nr_conns
