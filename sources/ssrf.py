"""The SSRF guard: which addresses and ports the fetcher (and webhook delivery) may connect to.

The guard resolves the host name and refuses the URL when ANY address is not a public unicast address,
so that a name with one public and one private record cannot be used to reach the inside. The
connection itself goes through requests-hardened (see ``sources.fetching``), which resolves once more,
refuses private addresses again and connects to exactly the address it checked: a DNS answer that
changes between the two lookups (rebinding) can make a fetch fail, never reach a private address.
"""

import concurrent.futures
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from django.conf import settings
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES

from sources.errors import BlockedURL, InvalidURL, TransientFetchError
from sources.urls_normalize import DEFAULT_PORTS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints named in the refusal message (they are link-local or private anyway).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


def forbidden_reason(ip: IPAddress) -> str | None:
    """Return why the fetcher must not connect to ``ip``, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:a.b.c.d and 6to4/NAT64 spellings reach IPv4 hosts: judge the IPv4 address they carry.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            return "6to4 address"
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_loopback:
        return None if settings.FETCH_ALLOW_LOOPBACK else "loopback address"
    for label, test in (
        ("unspecified address", ip.is_unspecified),
        ("multicast address", ip.is_multicast),
        ("link-local address", ip.is_link_local),
        ("private address", ip.is_private),
        ("reserved address", ip.is_reserved),
    ):
        if test:
            return label
    if any(ip in net for net in EXTRA_BLOCKED_NET_RANGES) or not ip.is_global:
        return "non-public address"
    return None


# getaddrinfo cannot be given a timeout; a lookup bounded by the caller's deadline runs here and is
# abandoned (left to finish in the background) when the deadline passes first. Made again in a forked
# child (Celery prefork, gunicorn): the parent's threads do not exist there, but its pool would wait
# for them.
def _new_resolver() -> None:
    global _resolver
    _resolver = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="ssrf-dns")


_new_resolver()
os.register_at_fork(after_in_child=_new_resolver)


def resolve(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """Resolve ``host`` to all its addresses (numeric spellings included); raise on failure.

    getaddrinfo applies inet_aton rules, so "2130706433", "0x7f.1" and "0177.0.0.1" come back as the
    address they spell, and the check below judges the address, never the spelling. With ``timeout``,
    a lookup that takes longer raises TransientFetchError.
    """
    try:
        if timeout is None:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        else:
            lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
            infos = lookup.result(timeout=timeout)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransientFetchError(f"cannot resolve host {host!r}: {exc}", kind="dns") from None
    except concurrent.futures.TimeoutError:
        raise TransientFetchError(
            f"resolving {host!r} took longer than {timeout:.1f}s", kind="timeout"
        ) from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        addresses.append(ipaddress.ip_address(sockaddr[0].split("%", 1)[0]))
    return addresses


def port_allowed(port: int) -> bool:
    allowed = settings.FETCH_ALLOWED_PORTS
    return "*" in allowed or port in allowed


def check_url(url: str, *, timeout: float | None = None) -> None:
    """Raise BlockedURL unless ``url`` is http(s) on an allowed port of a host with only public addresses.

    Raises InvalidURL for a malformed URL and TransientFetchError when the host does not resolve (within
    ``timeout`` seconds, when given).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InvalidURL(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BlockedURL(f"scheme {scheme or 'none'!r} is not allowed (http and https only)")
    if not host:
        raise InvalidURL("the URL has no host")
    port = port if port is not None else DEFAULT_PORTS[scheme]
    if not port_allowed(port):
        raise BlockedURL(f"port {port} is not allowed (FETCH_ALLOWED_PORTS)")
    for ip in resolve(host, port, timeout=timeout):
        reason = forbidden_reason(ip)
        if reason:
            raise BlockedURL(f"{host} resolves to {ip}, a {reason}")
