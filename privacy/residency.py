"""Data residency: decide every outbound destination, after proxies, libpq and DNS.

`decide(outbound, env, allow)` is the one decision. It sees each destination the way the
client library would: every `*_PROXY` variable a client could honour (urllib and aiohttp
read any `<scheme>_proxy`, httpx the HTTP(S)/ALL ones, either case), libpq's own precedence
(connection string, then service file, then `PGHOST`/`PGHOSTADDR`; `hostaddr` wins over
`host`; comma lists), and names resolved by the system resolver (every address must be loopback).
Unix sockets are local. The exchange's own URLs and Telegram's official Bot API are remote
by design when in use; anything else not on this machine must be allow-listed.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

Resolver = Callable[[str], Sequence[str]]
"""Return the addresses a client would connect to for a host name (raise OSError if none)."""

TELEGRAM_OFFICIAL_API = "https://api.telegram.org"
HTTP_SCHEMES = frozenset({"http", "https"})
PROXY_SCHEMES = HTTP_SCHEMES | {"socks4", "socks4a", "socks5", "socks5h"}
# RFC 3986 authority characters: anything else (backslash, spaces, non-ASCII) is parsed
# differently by different URL parsers, so a host hidden behind it is refused, not guessed.
_AUTHORITY = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:@\[\]]*\Z")
_UNSAFE_URL_CHAR = re.compile(r"[\x00-\x20\x7f\\]")
LIBPQ_ENV = {"host": "PGHOST", "hostaddr": "PGHOSTADDR"}


@dataclass(frozen=True, slots=True)
class Destination:
    """One place the bot will connect to, named by the setting or variable that chose it."""

    what: str
    source: str
    host: str
    by_design: bool = False
    socket: bool = False
    """A Unix-domain socket path (local by construction)."""
    problem: str = ""
    """Why the destination cannot be judged (a malformed URL): refused."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """A destination that would leave this machine without being allowed."""

    destination: Destination
    reason: str

    def message(self) -> str:
        """Return the one-line explanation (names the variable; never a password)."""
        d = self.destination
        if d.problem:
            return f"the {d.what} (from {d.source}) {self.reason}"
        return f"the {d.what} host {d.host!r} (from {d.source}) {self.reason}"


@dataclass(frozen=True, slots=True)
class ServiceFiles:
    """Where libpq looks for service files when PGSERVICEFILE/PGSYSCONFDIR are unset."""

    homes: tuple[Path, ...] = ()
    sysconf_dirs: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class Outbound:
    """The destinations the settings name; None = that client is not used."""

    llm_url: str | None = None
    database: Mapping[str, str] | None = None
    """libpq parameters exactly as the driver will pass them (None = SQLite file)."""
    exchange_url: str | None = None
    """"" = the exchange's own ccxt URLs; a URL = the override."""
    exchange_id: str = ""
    telegram_url: str | None = None
    service_files: ServiceFiles = field(default_factory=ServiceFiles)


@dataclass(frozen=True, slots=True)
class Decision:
    """Every outbound destination and the ones refused."""

    destinations: tuple[Destination, ...]
    refusals: tuple[Refusal, ...]


def resolve_host(host: str) -> tuple[str, ...]:
    """Return the addresses the system resolver gives for a host (as a client would)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return tuple(sorted({str(info[4][0]) for info in infos}))


def is_local_address(address: str) -> bool:
    """Return True for loopback and unspecified (0.0.0.0, ::: Linux connects them here)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def host_problem(host: str, allow: Collection[str], resolve: Resolver) -> str | None:
    """Return why a TCP host is not acceptable, or None (local, or allow-listed)."""
    name = host.strip("[]").lower()
    if is_allowed(name, allow):
        return None
    try:
        addresses: Sequence[str] = (str(ipaddress.ip_address(name)),)
    except ValueError:
        try:
            addresses = resolve(name)
        except (OSError, UnicodeError):
            return "does not resolve; data stays local unless it is in QNABOT_ALLOW_REMOTE"
    remote = [a for a in addresses if not is_local_address(a) and not is_allowed(a, allow)]
    if not addresses or remote:
        shown = f" (it resolves to {remote[0]})" if remote and remote[0] != name else ""
        return (
            f"is not on this machine{shown}; data stays local unless you add it to "
            "QNABOT_ALLOW_REMOTE"
        )
    return None


def is_allowed(name: str, allow: Collection[str]) -> bool:
    """Return True when the host name or address is on the allow-list (any case, trailing dot)."""
    norm = {a.strip().strip("[]").lower().rstrip(".") for a in allow if a.strip()}
    return name.rstrip(".") in norm


def address_rule(host: str, allow: Collection[str]) -> Callable[[str], bool] | None:
    """Return the connect-time check of a host's addresses (None: allow-listed by name)."""
    if is_allowed(host.strip("[]").lower(), allow):
        return None
    return lambda address: is_local_address(address) or is_allowed(address.lower(), allow)


def url_host(url: str, schemes: Collection[str] = HTTP_SCHEMES) -> str:
    """Return the host a client connects to for this URL; ValueError when it is ambiguous."""
    text = url.strip()
    if _UNSAFE_URL_CHAR.search(text):
        raise ValueError("has a space, control character or backslash")
    parts = urlsplit(text)
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"needs one of the schemes {', '.join(sorted(schemes))}")
    if not _AUTHORITY.match(parts.netloc) or parts.netloc.count("@") > 1:
        raise ValueError("has characters a URL host cannot have")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - a bad port is a malformed URL
    except ValueError:
        raise ValueError("has a malformed host or port") from None
    if not host:
        raise ValueError("has no host")
    return host


def url_destination(
    what: str,
    source: str,
    url: str,
    *,
    by_design: bool = False,
    schemes: Collection[str] = HTTP_SCHEMES,
) -> Destination:
    """Return the destination of a URL setting (malformed URLs carry their problem)."""
    try:
        return Destination(what, source, url_host(url, schemes), by_design)
    except ValueError as err:
        return Destination(what, source, "?", problem=f"is not a usable URL: it {err}")


def proxy_destinations(env: Mapping[str, str]) -> Iterator[Destination]:
    """Yield every proxy a client could take from the environment (any `*_proxy` variable)."""
    for name in sorted(env):
        value = env[name].strip()
        if not name.lower().endswith("_proxy") or name.lower() == "no_proxy" or not value:
            continue
        url = value if "://" in value else f"http://{value}"  # as httpx and urllib read it
        yield url_destination("proxy", name, url, schemes=PROXY_SCHEMES)


def libpq_destinations(
    params: Mapping[str, str], env: Mapping[str, str], files: ServiceFiles
) -> Iterator[Destination]:
    """Yield the servers libpq would try: parameters, then service file, then PG* variables."""
    given = {k: (params[k], "QNABOT_DATABASE_URL") for k in LIBPQ_ENV if params.get(k) is not None}
    service = params.get("service") or env.get("PGSERVICE") or ""
    variants = [given]
    if service:
        variants = list(_service_variants(given, service, params, env, files))
        if not variants:
            source = "service=" if params.get("service") else "PGSERVICE"
            problem = f"names the service {service!r}, found in no service file"
            yield Destination("database", source, service, problem=problem)
            return
    for chosen in variants:
        for key, var in LIBPQ_ENV.items():
            if key not in chosen and var in env:
                chosen[key] = (env[var], var)
        yield from _libpq_targets(chosen)


def _service_variants(
    given: dict[str, tuple[str, str]],
    service: str,
    params: Mapping[str, str],
    env: Mapping[str, str],
    files: ServiceFiles,
) -> Iterator[dict[str, tuple[str, str]]]:
    """Yield the settings with each service file that defines the service (all are judged)."""
    for path in _service_files(params, env, files):
        try:
            entries = service_entries(path.read_text(errors="replace"), service)
        except OSError:
            continue
        if entries is None:
            continue
        chosen = dict(given)
        for key in LIBPQ_ENV:
            if key not in chosen and key in entries:
                chosen[key] = (entries[key], f"service {service!r} in {path}")
        yield chosen


def _service_files(
    params: Mapping[str, str], env: Mapping[str, str], files: ServiceFiles
) -> list[Path]:
    if params.get("servicefile"):
        users = [Path(params["servicefile"])]
    elif env.get("PGSERVICEFILE"):
        users = [Path(env["PGSERVICEFILE"])]
    else:
        users = [home / ".pg_service.conf" for home in files.homes]
    sysconf = [Path(env["PGSYSCONFDIR"])] if env.get("PGSYSCONFDIR") else list(files.sysconf_dirs)
    return users + [d / "pg_service.conf" for d in sysconf]


def service_entries(text: str, service: str) -> dict[str, str] | None:
    """Return a service's `key=value` lines as libpq reads them (first wins); None if absent."""
    found, entries = False, dict[str, str]()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            if found:
                break
            found = line.startswith(f"[{service}]")
            continue
        key, sep, value = line.partition("=")
        if found and sep:
            entries.setdefault(key.strip(), value.strip())
    return entries if found else None


def _libpq_targets(chosen: Mapping[str, tuple[str, str]]) -> Iterator[Destination]:
    host, host_src = chosen.get("host", ("", "libpq default"))
    addr, addr_src = chosen.get("hostaddr", ("", ""))
    hosts, addrs = host.split(","), addr.split(",") if addr else []
    for i in range(max(len(hosts), len(addrs))):
        one_addr = addrs[i].strip() if i < len(addrs) else ""
        one_host = hosts[i].strip() if i < len(hosts) else ""
        if one_addr:  # libpq connects to hostaddr; host is only for TLS and .pgpass
            yield Destination("database", addr_src, one_addr)
        elif not one_host or one_host.startswith(("/", "@")):
            yield Destination("database", host_src, one_host or "default socket", socket=True)
        else:
            yield Destination("database", host_src, one_host)


def decide(
    outbound: Outbound,
    env: Mapping[str, str],
    allow: Collection[str],
    resolve: Resolver = resolve_host,
) -> Decision:
    """Return every outbound destination and those that would leave without being allowed."""
    destinations = tuple(_destinations(outbound, env))
    refusals = [judge(d, allow, resolve) for d in destinations]
    return Decision(destinations, tuple(r for r in refusals if r is not None))


def _destinations(out: Outbound, env: Mapping[str, str]) -> Iterator[Destination]:
    if out.llm_url:
        yield url_destination("LLM endpoint", "QNABOT_LLM_URL", out.llm_url)
    if out.database is not None:
        yield from libpq_destinations(out.database, env, out.service_files)
    if out.exchange_url:
        yield url_destination("exchange", "QNABOT_EXCHANGE_API_URL", out.exchange_url)
    elif out.exchange_url is not None:
        yield Destination("exchange", "QNABOT_EXCHANGE_ID", out.exchange_id, by_design=True)
    if out.telegram_url is not None:
        official = out.telegram_url.strip().rstrip("/") == TELEGRAM_OFFICIAL_API
        yield url_destination(
            "Telegram Bot API", "QNABOT_TELEGRAM_API_URL", out.telegram_url, by_design=official
        )
    yield from proxy_destinations(env)


def judge(dest: Destination, allow: Collection[str], resolve: Resolver) -> Refusal | None:
    """Return the refusal of one destination, or None when it may be used."""
    if dest.problem:
        return Refusal(dest, dest.problem)
    if dest.by_design or dest.socket:
        return None
    problem = host_problem(dest.host, allow, resolve)
    return Refusal(dest, problem) if problem else None


def peer_problem(host: str, hostaddr: str, allow: Collection[str]) -> str | None:
    """Return why the server a database connection reached is not acceptable, or None."""
    if not hostaddr:
        if host.startswith(("/", "@")):
            return None
        return f"reached {host!r} without an address to check; refusing"
    if is_local_address(hostaddr) or is_allowed(hostaddr.lower(), allow):
        return None
    if is_allowed(host.strip("[]").lower(), allow):
        return None
    return (
        f"reached {hostaddr}, which is not on this machine; data stays local unless you "
        "add it to QNABOT_ALLOW_REMOTE"
    )
