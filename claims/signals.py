"""Workflow signals, sent by ``claims.services`` only after the transaction commits, with ids only.

Receivers (webhooks, e-mail notifications) load what they need themselves; a receiver never sees a row
that is not committed. Receivers should queue a task rather than do slow I/O inline.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# sender=Verdict
verdict_published = Signal()  # verdict_id
verdict_corrected = Signal()  # verdict_id, previous_verdict_id
verdict_withdrawn = Signal()  # verdict_id
# sender=Claim
claim_needs_update = Signal()  # claim_id, reason
claim_assigned = Signal()  # claim_id, assignee_id
claim_sent_back = Signal()  # claim_id, comment


def send_on_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send ``signal`` from ``sender`` (a model class) after the transaction commits; never on rollback."""

    def send() -> None:
        # The write is already committed: a failing receiver must not turn a successful operation into
        # an error for the caller, so failures are logged instead of raised.
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                log.error("receiver %r of a claims signal failed", receiver, exc_info=result)

    transaction.on_commit(send)
