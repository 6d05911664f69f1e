"""Request ids: one per web request, carried into the Celery tasks it queues and into every log line.

A caller may pass ``X-Request-ID`` (a proxy's id, so that logs line up end to end); anything that is not
a short token is replaced, so a client cannot inject text into the logs.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
_current: ContextVar[str] = ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


@before_task_publish.connect
def _add_request_id_header(headers=None, **kwargs):
    if headers is not None and _current.get() != "-":
        headers.setdefault("request_id", _current.get())


_task_tokens: dict[str, object] = {}


@task_prerun.connect
def _restore_request_id(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id and task_id:
        _task_tokens[task_id] = _current.set(request_id)


@task_postrun.connect
def _forget_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
