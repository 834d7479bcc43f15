"""Data residency: which configured endpoints leave this machine."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


@dataclass(frozen=True, slots=True)
class RemoteEndpoint:
    """A configured endpoint whose host is not this machine."""

    what: str
    host: str


def is_local_host(host: str) -> bool:
    """Return True for loopback names and addresses (and unix sockets: no host)."""
    host = host.strip("[]").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str:
    """Return the host of a URL ("" for sqlite files and unix sockets)."""
    if not url or url.startswith("sqlite"):
        return ""
    return (urlsplit(url).hostname or "").lower()


def remote_endpoints(endpoints: dict[str, str], allowed: list[str]) -> list[RemoteEndpoint]:
    """Return the endpoints (name -> URL) whose host is neither local nor allow-listed."""
    allow = {h.strip().lower() for h in allowed}
    out = []
    for what, url in endpoints.items():
        host = host_of(url)
        if not is_local_host(host) and host not in allow:
            out.append(RemoteEndpoint(what, host))
    return out
