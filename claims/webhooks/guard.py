"""The address guard for webhook URLs: the same rules as the fetcher's (DESIGN.md, "fetching").

``check_delivery_url`` is a stand-in for ``sources.fetching.check_url`` until the sources app provides it
(then it delegates to it, so both keep one rule set). It refuses non-http(s) schemes, credentials in the
URL, ports outside ``FETCH_ALLOWED_PORTS`` and any host that resolves to a non-public address (private,
loopback, link-local, reserved, metadata); loopback only when ``FETCH_ALLOW_LOOPBACK`` (tests). The check is
repeated when connecting (requests-hardened's IP filter in ``claims.webhooks.delivery``), so a DNS answer
that changes between check and connect (rebinding) is refused too.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

try:  # the fetcher's guard, once the sources app has it
    from sources.fetching import check_url as _fetching_check_url
except ImportError:  # pragma: no cover - depends on which branches are merged
    _fetching_check_url = None


class UnsafeURL(ValueError):
    """The URL may not be contacted; the message says why."""


def _is_loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_loopback or (
        isinstance(address, ipaddress.IPv6Address)
        and address.ipv4_mapped is not None
        and address.ipv4_mapped.is_loopback
    )


def _resolve(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(f"cannot resolve {host!r}: {exc}") from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def check_delivery_url(url: str) -> None:
    """Return if ``url`` may receive webhooks; raise ``UnsafeURL`` naming the reason otherwise."""
    if _fetching_check_url is not None:
        try:
            _fetching_check_url(url)
        except Exception as exc:  # noqa: BLE001 - the fetcher's own error type, re-raised as ours
            raise UnsafeURL(str(exc)) from exc
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"scheme {parts.scheme!r} is not allowed (http or https only)")
    if not parts.hostname:
        raise UnsafeURL("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeURL("credentials in the URL are not allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURL(f"invalid port: {exc}") from exc
    addresses = _resolve(parts.hostname, port)
    loopback_ok = settings.FETCH_ALLOW_LOOPBACK
    for address in addresses:
        if _is_loopback(address) and loopback_ok:
            continue
        if not address.is_global or address.is_multicast:
            raise UnsafeURL(f"{parts.hostname} resolves to a non-public address ({address})")
    all_loopback = all(_is_loopback(a) for a in addresses)
    # Test servers listen on random ports; outside loopback only the configured ports are reachable.
    if port not in settings.FETCH_ALLOWED_PORTS and not (loopback_ok and all_loopback):
        raise UnsafeURL(f"port {port} is not allowed (FETCH_ALLOWED_PORTS: {settings.FETCH_ALLOWED_PORTS})")
