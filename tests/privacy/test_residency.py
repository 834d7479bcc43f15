"""Data residency: every way a library could reroute a destination is refused (or stays local).

Only loopback traffic: non-local destinations are TEST-NET values (192.0.2.x, 2001:db8::) that
must be refused before any connection; names resolve through a table, never through DNS.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.residency import check_residency
from privacy.residency import (
    Outbound,
    ServiceFiles,
    decide,
    is_local_address,
    peer_problem,
    service_entries,
)

NAMES = {
    "localhost": ("127.0.0.1", "::1"),
    "loop.test": ("127.0.0.1",),
    "db.internal": ("192.0.2.7",),
    "proxy.corp": ("192.0.2.9",),
    "mixed.test": ("127.0.0.1", "192.0.2.8"),
    "v6.test": ("2001:db8::5",),
}


def table_resolver(host: str) -> Sequence[str]:
    """Resolve numeric forms as the C library does (no DNS with AI_NUMERICHOST), names by table."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        return tuple(sorted({str(i[4][0]) for i in infos}))
    except socket.gaierror:
        pass
    if host not in NAMES:
        raise socket.gaierror(socket.EAI_NONAME, "unknown")
    return NAMES[host]


def refused_by(outbound: Outbound, env: dict[str, str], allow: Sequence[str] = ()) -> list[str]:
    return [r.destination.source for r in decide(outbound, env, allow, table_resolver).refusals]


LOCAL_LLM = Outbound(llm_url="http://127.0.0.1:8000")

# (env, allow, refused sources): the proxy variables every client library reads.
PROXY_CASES = [
    ({"HTTPS_PROXY": "http://192.0.2.1:3128"}, (), ["HTTPS_PROXY"]),
    ({"HTTP_PROXY": "http://192.0.2.1:3128"}, (), ["HTTP_PROXY"]),
    ({"ALL_PROXY": "socks5://192.0.2.1:1080"}, (), ["ALL_PROXY"]),
    ({"https_proxy": "http://192.0.2.1:3128"}, (), ["https_proxy"]),
    ({"all_proxy": "socks5h://192.0.2.1:1080"}, (), ["all_proxy"]),
    ({"WSS_PROXY": "http://192.0.2.1:3128"}, (), ["WSS_PROXY"]),  # aiohttp reads any <scheme>_proxy
    ({"HTTPS_PROXY": "192.0.2.1:3128"}, (), ["HTTPS_PROXY"]),  # no scheme: httpx adds http://
    ({"HTTPS_PROXY": "http://127.0.0.1:3128@192.0.2.1:3128"}, (), ["HTTPS_PROXY"]),  # userinfo
    ({"HTTPS_PROXY": "http://user:pw@[2001:db8::1]:3128"}, (), ["HTTPS_PROXY"]),
    ({"HTTPS_PROXY": "http://proxy.corp:3128"}, (), ["HTTPS_PROXY"]),  # a name, remote address
    ({"HTTPS_PROXY": "http://mixed.test:3128"}, (), ["HTTPS_PROXY"]),  # one address remote
    ({"HTTPS_PROXY": "http://nowhere.test:3128"}, (), ["HTTPS_PROXY"]),  # does not resolve
    ({"HTTPS_PROXY": "http://[192.0.2.1:3128"}, (), ["HTTPS_PROXY"]),  # malformed
    ({"HTTPS_PROXY": "http://192.0.2.1:3128", "NO_PROXY": "*"}, (), ["HTTPS_PROXY"]),  # policy
    ({"HTTP_PROXY": "http://192.0.2.1:1", "HTTPS_PROXY": "http://127.0.0.1:3128"}, (),
     ["HTTP_PROXY"]),
    ({"HTTPS_PROXY": "http://proxy.corp:3128"}, ("PROXY.corp",), []),  # allow-listed
    ({"HTTPS_PROXY": "http://192.0.2.1:3128"}, ("192.0.2.1",), []),
    ({"HTTPS_PROXY": "http://127.0.0.1:3128"}, (), []),  # a local proxy is allowed
    ({"HTTPS_PROXY": "http://[::1]:3128", "ALL_PROXY": "socks5://localhost:1080"}, (), []),
    ({"HTTPS_PROXY": ""}, (), []),  # empty = unset
    ({"NO_PROXY": "192.0.2.1", "PGHOST": "/tmp"}, (), []),  # not proxies
]  # fmt: skip


@pytest.mark.parametrize(("env", "allow", "refused"), PROXY_CASES)
def test_proxy_variables(env: dict[str, str], allow: tuple[str, ...], refused: list[str]) -> None:
    assert refused_by(LOCAL_LLM, env, allow) == refused


# (LLM URL, local?): URL tricks, IP forms and names, judged as the client would connect.
URL_CASES = [
    ("http://127.0.0.1:8000", True),
    ("http://localhost:8000/v1", True),
    ("http://LOCALHOST:8000", True),
    ("http://localhost.:8000", False),  # another name to the resolver: not in our table
    ("http://[::1]:8000", True),
    ("http://[::ffff:127.0.0.1]:8000", True),  # IPv4-mapped loopback
    ("http://0.0.0.0:8000", True),  # Linux connects the unspecified address to this host
    ("http://2130706433:8000", True),  # decimal: the C resolver gives 127.0.0.1
    ("http://0177.0.0.1:8000", True),  # octal
    ("http://127.1:8000", True),
    ("http://0x7f.0.0.1:8000", True),
    ("http://loop.test:8000", True),  # a name whose every address is loopback
    ("http://192.0.2.1:8000", False),
    ("http://0300.0250.0.1:8000", False),  # octal for 192.168.0.1
    ("http://3221225985:8000", False),  # decimal for 192.0.2.1
    ("http://[::ffff:192.0.2.1]:8000", False),
    ("http://[2001:db8::1]:8000", False),
    ("http://[fe80::1%25lo]:8000", False),
    ("http://127.0.0.1:8000@192.0.2.1/", False),  # userinfo before the real host
    ("http://127.0.0.1%3A8000@192.0.2.1/", False),
    ("http://192.0.2.1#@127.0.0.1", False),
    ("http://192.0.2.1?@127.0.0.1", False),
    ("http://192.0.2.1\\@127.0.0.1:8000", False),  # parsers disagree: refused
    ("http://127.0.0.1 @192.0.2.1", False),
    ("http://127\u30020\u30020\u30021:8000", False),  # ideographic full stops
    ("192.0.2.1:8000", False),  # no scheme
    ("ftp://127.0.0.1/", False),
    ("http://:8000", False),  # no host
    ("http://127.0.0.1:99999", False),  # bad port
    ("http://db.internal:8000", False),
    ("http://mixed.test:8000", False),
    ("http://v6.test:8000", False),
    ("http://nowhere.test:8000", False),
]


@pytest.mark.parametrize(("url", "local"), URL_CASES)
def test_llm_url_forms(url: str, local: bool) -> None:
    assert refused_by(Outbound(llm_url=url), {}) == ([] if local else ["QNABOT_LLM_URL"])


@pytest.mark.parametrize(("url", "local"), [c for c in URL_CASES if c[1]])
def test_accepted_urls_name_the_host_httpx_connects_to(url: str, local: bool) -> None:
    import httpx

    from privacy.residency import url_host

    try:
        host: str | None = httpx.URL(url).host
    except httpx.InvalidURL:  # e.g. 0177.0.0.1: httpx connects nowhere
        host = None
    assert host is None or url_host(url) == host.lower()


def _service_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pg_service.conf"
    path.write_text(body)
    return path


# (QNABOT_DATABASE_URL, env, refused source or None)
DB_CASES = [
    ("postgresql://x@localhost/db?host=192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db?host=192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db", {"PGHOST": "192.0.2.1"}, "PGHOST"),
    ("postgresql:///db", {"PGHOSTADDR": "192.0.2.1"}, "PGHOSTADDR"),
    ("postgresql://x@localhost/db", {"PGHOSTADDR": "192.0.2.1"}, "PGHOSTADDR"),
    ("postgresql://x@localhost/db?hostaddr=192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("postgresql://x@localhost/db?hostaddr=3221225985", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db?host=localhost,192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db?host=localhost:5432&host=192.0.2.1:5433", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db?host=/var/run/postgresql,192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("postgresql:///db", {"PGHOST": "localhost,db.internal"}, "PGHOST"),
    ("postgresql:///db", {"PGHOST": "v6.test"}, "PGHOST"),
    ("postgresql://x@192.0.2.1/db?hostaddr=127.0.0.1", {}, None),  # hostaddr is where it goes
    ("postgresql://x@localhost/db", {"PGHOST": "192.0.2.1"}, None),  # the URL's host wins
    ("postgresql://x@[::1]/db", {}, None),
    ("postgresql://x@127.0.0.1:5432/db", {}, None),
    ("postgresql:///db", {}, None),  # the default Unix socket
    ("postgresql:///db?host=/var/run/postgresql", {}, None),
    ("postgresql:///db?host=@pgsock", {}, None),  # abstract-namespace socket
    ("postgresql:///db", {"PGHOST": "/tmp"}, None),
    ("postgresql:///db", {"PGHOST": "localhost,loop.test"}, None),
    ("postgresql:///db", {"PGHOST": "192.0.2.1", "PGHOSTADDR": "127.0.0.1"}, None),
]


@pytest.mark.parametrize(("url", "env", "refused"), DB_CASES)
def test_libpq_parameters_and_environment(
    make_settings, url: str, env: dict[str, str], refused: str | None
) -> None:
    settings = make_settings(database_url=url)
    if refused is None:
        check_residency(settings, env=env, resolve=table_resolver)
        return
    with pytest.raises(ConfigError) as err:
        check_residency(settings, env=env, resolve=table_resolver)
    assert err.value.setting == "QNABOT_ALLOW_REMOTE"
    assert f"(from {refused})" in str(err.value) and "not on this machine" in str(err.value)


REMOTE_SERVICE = "# ours\n[local]\nhost=localhost\n\n[remote]\nhost = 192.0.2.1\nport=5432\n"


@pytest.mark.parametrize(
    ("url", "env_for", "refused"),
    [
        ("postgresql:///db", lambda f: {"PGSERVICE": "remote", "PGSERVICEFILE": str(f)}, True),
        ("postgresql:///db", lambda f: {"PGSERVICE": "local", "PGSERVICEFILE": str(f)}, False),
        ("postgresql:///db", lambda f: {"PGSERVICE": "remote", "PGSYSCONFDIR": str(f.parent)},
         True),
        ("postgresql:///db?service=remote", lambda f: {"PGSERVICEFILE": str(f)}, True),
        ("postgresql:///db?service=remote&servicefile={f}", lambda f: {}, True),
        # the URL's host wins over the service's host
        ("postgresql://x@localhost/db?service=remote", lambda f: {"PGSERVICEFILE": str(f)},
         False),
        # a service naming nothing we can find: refused, not guessed
        ("postgresql:///db", lambda f: {"PGSERVICE": "nope", "PGSERVICEFILE": str(f)}, True),
    ],
)  # fmt: skip
def test_service_files(make_settings, tmp_path: Path, url, env_for, refused: bool) -> None:
    path = _service_file(tmp_path, REMOTE_SERVICE)
    settings = make_settings(database_url=url.format(f=path))
    if not refused:
        check_residency(settings, env=env_for(path), resolve=table_resolver)
        return
    with pytest.raises(ConfigError) as err:
        check_residency(settings, env=env_for(path), resolve=table_resolver)
    assert "service" in str(err.value)


def test_a_service_hostaddr_beats_the_urls_host(make_settings, tmp_path: Path) -> None:
    path = _service_file(tmp_path, "[svc]\nhostaddr=192.0.2.3\n")
    settings = make_settings(database_url="postgresql://x@localhost/db?service=svc")
    with pytest.raises(ConfigError) as err:
        check_residency(settings, env={"PGSERVICEFILE": str(path)}, resolve=table_resolver)
    assert "192.0.2.3" in str(err.value)


def test_service_file_in_home_and_system_dirs_are_both_judged(tmp_path: Path) -> None:
    home, system = tmp_path / "home", tmp_path / "etc"
    home.mkdir(), system.mkdir()
    (home / ".pg_service.conf").write_text("[svc]\nhost=/tmp\n")
    (system / "pg_service.conf").write_text("[svc]\nhost=192.0.2.4\n")
    files = ServiceFiles(homes=(home,), sysconf_dirs=(system,))
    out = Outbound(database={"service": "svc"}, service_files=files)
    assert refused_by(out, {}) == ["service 'svc' in " + str(system / "pg_service.conf")]


def test_service_entries_read_like_libpq() -> None:
    text = "[a]\nhost=x\nhost=y\n[ab]\nhost=z\n[b]junk\n  host=w  \n"
    assert service_entries(text, "a") == {"host": "x"}  # the first value wins
    assert service_entries(text, "ab") == {"host": "z"}
    assert service_entries(text, "b") == {"host": "w"}
    assert service_entries(text, "c") is None


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://x@localhost/db?bogus=1",
        # hostile review II: SQLAlchemy's own refusal was an unexpected error, not a setting
        "postgresql://x:pw@localhost/db?host=localhost&port=5432,5432&host=192.0.2.1",
    ],
)
def test_a_malformed_database_url_names_the_setting(make_settings, url: str) -> None:
    settings = make_settings(database_url=url)
    with pytest.raises(ConfigError) as err:
        check_residency(settings, env={}, resolve=table_resolver)
    assert err.value.setting == "QNABOT_DATABASE_URL"
    assert "pw" not in str(err.value)


# (settings, refused source or None): the exchange and Telegram, remote by design when used.
DESIGN_CASES = [
    ({"telegram_bot_token": "1:x"}, None),  # the official Bot API
    ({"telegram_bot_token": "1:x", "telegram_api_url": "http://127.0.0.1:8081"}, None),
    ({"telegram_bot_token": "1:x", "telegram_api_url": "http://192.0.2.1:8081"},
     "QNABOT_TELEGRAM_API_URL"),
    ({"telegram_bot_token": "1:x", "telegram_api_url": "https://api.telegram.org@192.0.2.1"},
     "QNABOT_TELEGRAM_API_URL"),
    ({"telegram_api_url": "http://192.0.2.1:8081"}, None),  # no token: not used
    ({"market_source": "exchange"}, None),  # ccxt's own URLs for the exchange
    ({"market_source": "exchange", "exchange_api_url": "http://192.0.2.1"},
     "QNABOT_EXCHANGE_API_URL"),
    ({"market_source": "exchange", "exchange_api_url": "http://192.0.2.1",
      "allow_remote": "192.0.2.1"}, None),
    ({"trading_mode": "live", "live_trading_enabled": True,
      "exchange_api_url": "http://192.0.2.1"}, "QNABOT_EXCHANGE_API_URL"),
    ({"exchange_api_url": "http://192.0.2.1"}, None),  # paper on replay: not used
    ({"llm_url": "http://192.0.2.10:8000", "allow_remote": "192.0.2.10"}, None),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "refused"), DESIGN_CASES)
def test_exchange_and_telegram(make_settings, overrides: dict, refused: str | None) -> None:
    settings = make_settings(**overrides)
    if refused is None:
        check_residency(settings, env={}, resolve=table_resolver)
        return
    with pytest.raises(ConfigError) as err:
        check_residency(settings, env={}, resolve=table_resolver)
    assert f"(from {refused})" in str(err.value)


@pytest.mark.parametrize(
    ("host", "hostaddr", "allow", "ok"),
    [("/var/run/postgresql", "", (), True), ("@pgsock", "", (), True),
     ("localhost", "127.0.0.1", (), True), ("localhost", "::1", (), True),
     ("localhost", "::ffff:127.0.0.1", (), True), ("db", "192.0.2.1", (), False),
     ("localhost", "192.0.2.1", (), False), ("db", "192.0.2.1", ("db",), True),
     ("db", "192.0.2.1", ("192.0.2.1",), True), ("db", "", (), False)],
)  # fmt: skip
def test_peer_after_connect(host: str, hostaddr: str, allow: tuple[str, ...], ok: bool) -> None:
    assert (peer_problem(host, hostaddr, allow) is None) is ok


@pytest.mark.parametrize(
    ("address", "local"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("0.0.0.0", True), ("::", True), ("10.0.0.5", False), ("::127.0.0.1", False),
     ("fe80::1", False), ("2001:db8::1", False)],
)  # fmt: skip
def test_local_addresses(address: str, local: bool) -> None:
    assert is_local_address(address) is local
