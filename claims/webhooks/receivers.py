"""Turn domain signals into webhook deliveries (connected in ``ClaimsConfig.ready``).

The services send these signals after their transaction commits, with ids only; each receiver builds the
public payload from the committed rows and emits the event.
"""

from claims.webhooks import tasks  # noqa: F401 - registers the Celery tasks in every process
