"""Sending one webhook request: signed JSON POST, timeouts, never a redirect, address guard at connect.

No database access here: the task claims the delivery, calls ``send`` outside any transaction, then
records the outcome in a service call.
"""

import json
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from requests_hardened import Config, Manager

from claims.webhooks.guard import UnresolvableURL, UnsafeURL, check_delivery_url
from claims.webhooks.signing import SIGNATURE_HEADER, signature_header

# Worth another try: the receiver is overloaded, restarting or timing out, not refusing the request.
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    retryable: bool

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_bytes(payload: dict) -> bytes:
    """The exact bytes sent (and signed): compact JSON, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _http() -> Manager:
    return Manager(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=settings.FETCH_ALLOW_LOOPBACK,
            never_redirect=True,
            default_timeout=(settings.WEBHOOK_TIMEOUT, settings.WEBHOOK_TIMEOUT),
            user_agent_override=settings.FETCH_USER_AGENT,
        )
    )


def send(*, url: str, secret: str, payload: dict, event: str, delivery_id: int, attempt: int) -> Outcome:
    """POST ``payload`` to ``url``, signed; return the outcome (never raises for network errors)."""
    try:
        check_delivery_url(url)
    except UnsafeURL as exc:
        return Outcome(None, f"refused by the address guard: {exc}", retryable=False)
    except UnresolvableURL as exc:
        return Outcome(None, str(exc), retryable=True)
    body = body_bytes(payload)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret, body, int(time.time())),
        "X-Factcheck-Event": event,
        "X-Factcheck-Delivery": str(delivery_id),
        "X-Factcheck-Attempt": str(attempt),
    }
    try:
        response = _http().send_request("POST", url, data=body, headers=headers, allow_redirects=False)
    except requests.Timeout as exc:
        return Outcome(None, f"timeout: {exc}", retryable=True)
    except requests.ConnectionError as exc:
        return Outcome(None, f"connection error: {exc}", retryable=True)
    except requests.RequestException as exc:  # includes the IP filter's refusal at connect time
        return Outcome(None, f"refused: {exc}", retryable=False)
    response.close()
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(code, "", retryable=False)
    if 300 <= code < 400:
        return Outcome(code, "redirects are not followed; configure the final URL", retryable=False)
    return Outcome(code, f"HTTP {code}", retryable=code in RETRYABLE_STATUS)
