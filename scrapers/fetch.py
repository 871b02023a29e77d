"""Fetching: one polite, bounded HTTP client that every request of warta goes through.

:func:`make_session` is the single session factory (User-Agent naming warta and a contact
URL, no automatic retries or redirects: :class:`Fetcher` does both itself so that every hop
is checked). :class:`Fetcher` adds, per request:

* address check: every address that is not globally routable (loopback, private,
  link-local, shared 100.64.0.0/10, reserved; also inside IPv4-mapped, 6to4, Teredo and NAT64
  IPv6 forms) is refused unless ``allow_private`` (the literal IP and every address
  ``getaddrinfo`` returns are checked);
* robots.txt (parsed with protego, cached per host), including ``Crawl-delay``;
* a minimum delay between requests to one host (``delay``, raised to the robots Crawl-delay);
* explicit connect/read timeouts and a total deadline per request (``total_timeout``: connect,
  headers and body together, robots.txt too; a watchdog shuts the socket when it passes, so a
  server dripping one byte a second cannot hold warta), retries with exponential backoff on connection errors,
  timeouts, truncated bodies, 429 and 5xx, honouring ``Retry-After`` (seconds or HTTP-date),
  both capped;
* a redirect cap with loop detection;
* a streamed body with a size cap, truncation detection (Content-Length mismatch) and a
  content-type check (HTML, XML and feeds only); gzip files (``.xml.gz``) are unpacked;
* conditional GET: ETag/Last-Modified remembered per URL in a :class:`ValidatorStore`;
  a 304 gives a :class:`~pipeline.models.FetchedPage` with ``not_modified=True``;
* decoding through :func:`scrapers.encoding.decode_html` (bad bytes never raise).

The fetcher is thread-safe; the crawler uses it from one thread and schedules hosts with
:meth:`Fetcher.ready_at`.

Known limit: the address check resolves the host before the request and the connection
resolves it again, so a DNS answer that changes in between (rebinding) is not caught.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import heapq
import ipaddress
import itertools
import logging
import math
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool
from protego import Protego

from pipeline.models import FetchedPage
from scrapers.encoding import decode_html
from scrapers.exceptions import (
    BlockedAddress,
    BodyTooLarge,
    ConfigError,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HostDeferred,
    HTTPStatusError,
    RobotsDisallowed,
    TooManyRedirects,
    TruncatedBody,
    UnsupportedContentType,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "FetchSettings",
    "Fetcher",
    "MemoryValidatorStore",
    "Validators",
    "ValidatorStore",
    "check_address",
    "make_session",
    "parse_retry_after",
]

#: Media types the fetcher accepts: HTML, XML (sitemaps) and feeds.
DEFAULT_CONTENT_TYPES: tuple[str, ...] = (
    "text/html",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",
)
#: Media types of gzip files, accepted only for URLs ending in ``.gz`` (``sitemap.xml.gz``).
GZIP_CONTENT_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_ROBOTS_ERROR_TTL = 30.0


#: Largest accepted value per setting: bigger ones pass a type check but stall or break a run.
_SETTING_MAX: dict[str, float] = {
    "connect_timeout": 600.0, "read_timeout": 3600.0, "total_timeout": 86_400.0, "retries": 100,
    "backoff": 3600.0, "backoff_max": 86_400.0, "retry_after_max": 86_400.0, "defer_after": 86_400.0,
    "max_redirects": 100, "max_bytes": 1 << 34, "delay": 3600.0, "max_crawl_delay": 86_400.0,
}


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Every fetching default, in one place; override with :meth:`from_mapping`."""

    contact_url: str = "https://github.com/warta-project/warta"
    """Where site owners can learn about the crawler and reach its operator; sent in the
    User-Agent. The default names the project; set your own before crawling real sites."""
    user_agent: str = "warta/0.1"
    """Product token; the header is ``"{user_agent} (+{contact_url})"``; robots.txt rules are
    matched on the part before the slash (``warta``)."""
    connect_timeout: float = 5.0
    """Seconds to wait for a TCP/TLS connection."""
    read_timeout: float = 20.0
    """Seconds to wait between bytes of the answer."""
    total_timeout: float = 60.0
    """Seconds one request may take in all (connect + headers + body), however slowly the
    server drips its bytes; past it the request fails with a (retryable) FetchTimeout."""
    retries: int = 3
    """Extra attempts after a retryable failure (connection error, timeout, truncation, 429, 5xx)."""
    backoff: float = 1.0
    """First retry waits this many seconds, doubling each time (without a Retry-After)."""
    backoff_max: float = 30.0
    """Upper bound of one backoff wait."""
    retry_after_max: float = 120.0
    """Upper bound of a server's Retry-After; longer requests are cut to this."""
    defer_after: float = 600.0
    """A Retry-After longer than this defers the whole host: no more requests to it in this
    fetcher's life (one run), every further URL of it fails at once with HostDeferred."""
    max_redirects: int = 10
    """Redirect hops allowed per fetch; loops fail at once."""
    max_bytes: int = 10 * 1024 * 1024
    """Largest (decompressed) body accepted; the download stops past it."""
    delay: float = 1.0
    """Minimum seconds between two requests to one host (0 allowed, for tests)."""
    max_crawl_delay: float = 60.0
    """Upper bound of a robots.txt Crawl-delay we honour."""
    obey_robots: bool = True
    """Fetch and obey robots.txt for every host."""
    allow_private: bool = False
    """Allow loopback, private and link-local addresses (tests and the local demo site)."""
    content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    """Accepted media types; anything else raises UnsupportedContentType."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"fetch setting {f.name!r} must be a finite number, got {value!r}")
        for name, top in _SETTING_MAX.items():
            if getattr(self, name) > top:
                raise ConfigError(f"fetch setting {name!r} must be at most {top:g}, got {getattr(self, name)!r}")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} must be > 0 seconds, got {getattr(self, name)!r}")
        for name in ("retries", "backoff", "backoff_max", "retry_after_max", "defer_after", "delay",
                     "max_crawl_delay"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if self.max_redirects < 0 or self.max_bytes <= 0:
            raise ConfigError("max_redirects must be >= 0 and max_bytes > 0")

    @property
    def user_agent_header(self) -> str:
        """The User-Agent header value, e.g. ``warta/0.1 (+https://...)``."""
        return f"{self.user_agent} (+{self.contact_url})"

    @property
    def robots_agent(self) -> str:
        """The token robots.txt rules are matched against (``warta``)."""
        return self.user_agent.split("/")[0]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FetchSettings:
        """Build settings from a plain mapping (a config file section, CLI options).

        Args:
            values: overrides; keys are field names, values of the field's type
                (an int is accepted for a float, a list for a tuple).

        Returns:
            The settings with the given fields overridden.

        Raises:
            ConfigError: a key is unknown or a value has the wrong type; the message names it.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        defaults = cls()
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in fields:
                raise ConfigError(
                    f"unknown fetch setting {key!r}; valid settings: {', '.join(sorted(fields))}"
                )
            default = getattr(defaults, key)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            elif isinstance(default, tuple):
                ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
                value = tuple(value) if ok else value
            else:
                ok = isinstance(value, str)
            if not ok:
                raise ConfigError(
                    f"fetch setting {key!r} must be {type(default).__name__}, "
                    f"got {type(value).__name__} {value!r}"
                )
            clean[key] = value
        return dataclasses.replace(defaults, **clean)


# --------------------------------------------------------------------------- validators


@dataclass(frozen=True, slots=True)
class Validators:
    """The conditional-GET validators a server gave for one URL."""

    etag: str | None = None
    last_modified: str | None = None


class ValidatorStore(Protocol):
    """Where ETag/Last-Modified are remembered between fetches (the store may persist them)."""

    def get(self, url: str) -> Validators | None:
        """The validators last seen for ``url``, or None."""
        ...

    def put(self, url: str, validators: Validators) -> None:
        """Remember the validators of ``url``."""
        ...


class MemoryValidatorStore:
    """An in-memory, thread-safe :class:`ValidatorStore` (the default; lost at exit)."""

    def __init__(self) -> None:
        self._data: dict[str, Validators] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Validators | None:
        """The validators last seen for ``url``, or None."""
        with self._lock:
            return self._data.get(url)

    def put(self, url: str, validators: Validators) -> None:
        """Remember the validators of ``url``."""
        with self._lock:
            self._data[url] = validators

    def __len__(self) -> int:
        return len(self._data)


# --------------------------------------------------------------------------- deadlines

_current = threading.local()


class _Watchdog:
    """One daemon thread firing the :class:`_Deadline` s that pass (a heap ordered by time), so
    a request costs a heap push rather than a thread of its own."""

    _COMPACT_AT = 4096

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: _Deadline) -> None:
        with self._cond:
            if len(self._heap) > self._COMPACT_AT:  # finished requests leave entries behind
                self._heap = [e for e in self._heap if not e[2].done]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (deadline.at, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="warta-fetch-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                due: _Deadline | None = None
                while due is None:
                    while self._heap and self._heap[0][2].done:
                        heapq.heappop(self._heap)
                    if not self._heap:
                        self._cond.wait()
                        continue
                    wait = self._heap[0][0] - time.monotonic()
                    if wait > 0:
                        self._cond.wait(wait)
                        continue
                    due = heapq.heappop(self._heap)[2]
            due.fire()


_WATCHDOG = _Watchdog()


class _Deadline:
    """The total deadline of one request: when it passes, the watchdog shuts down the socket
    of every connection the request used, which wakes a blocked read at once.

    Used as a context manager around one request on one thread; the connections register
    themselves through a thread-local (see :class:`_DeadlineMixin`).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.done = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        """Seconds left (may be negative)."""
        return self.at - time.monotonic()

    def passed(self) -> bool:
        """True once the deadline is over (whether or not the watchdog has fired yet)."""
        return self.expired or time.monotonic() >= self.at

    def attach(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _shut(connection)

    def fire(self) -> None:
        """Shut every registered connection down, unless the request has finished."""
        with self._lock:
            if self.done:
                return
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)

    def __enter__(self) -> _Deadline:
        _current.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.done = True
        _current.deadline = None


def _shut(connection: Any) -> None:
    """Shut down a socket, or a connection's socket, waking any read blocked on it."""
    sock = connection if isinstance(connection, socket.socket) else getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _DeadlineMixin:
    """Registers the connection (while connecting and sending) and then its socket (which the
    response keeps reading after http.client drops ``conn.sock`` for a closing answer) with the
    current request's deadline."""

    sock: Any

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.attach(self)
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None and self.sock is not None:
            deadline.attach(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _DeadlineHTTPConnection(_DeadlineMixin, urllib3.connection.HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineMixin, urllib3.connection.HTTPSConnection):
    pass


class _DeadlineHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class _DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose connections obey the current request's :class:`_Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}


# --------------------------------------------------------------------------- helpers


def make_session(settings: FetchSettings) -> requests.Session:
    """The one session factory: User-Agent, Accept headers, no automatic retries.

    Args:
        settings: supplies the User-Agent and contact URL.

    Returns:
        A session that every warta HTTP request goes through (via :class:`Fetcher`).
    """
    session = requests.Session()
    session.headers.update(
        {
            "User-Agent": settings.user_agent_header,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
            "application/rss+xml;q=0.9,application/atom+xml;q=0.9,*/*;q=0.1",
            "Accept-Language": "id,en;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        }
    )
    adapter = _DeadlineAdapter(max_retries=0, pool_connections=8, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.max_redirects = settings.max_redirects
    return session


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    Args:
        value: the header value.
        now: the current time as a Unix timestamp (defaults to ``time.time()``).

    Returns:
        Seconds (>= 0), or None when the header is absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: IPv4-mapped, 6to4, Teredo client, NAT64."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _blocked_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for every address that is not globally routable (loopback, private, link-local,
    shared 100.64/10, reserved, multicast ...), also when wrapped in an IPv6 form."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return _blocked_ip(inner)
    return not ip.is_global or ip.is_multicast


def check_address(url: str, *, allow_private: bool = False) -> None:
    """Refuse URLs whose host is (or resolves to) a loopback/private/link-local address.

    Args:
        url: the URL about to be fetched.
        allow_private: when True only the scheme and host presence are checked.

    Raises:
        BlockedAddress: not http(s), no host, or a non-public address.
        ConnectionFailed: the host name does not resolve.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddress(f"refusing {url!r}: only absolute http(s) URLs can be fetched", url=url)
    if allow_private:
        return
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if _blocked_ip(literal):
            raise BlockedAddress(
                f"refusing {url}: {host} is not a globally routable address (loopback, private, "
                "link-local, shared or reserved) "
                "(set allow_private=True for local test sites)",
                url=url,
            )
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionFailed(f"cannot resolve {host}: {exc}", url=url) from exc
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if _blocked_ip(addr):
            raise BlockedAddress(
                f"refusing {url}: {host} resolves to non-public address {addr} "
                "(set allow_private=True for local test sites)",
                url=url,
            )


def _gunzip(body: bytes, limit: int, url: str) -> bytes:
    """Unpack a gzip body, stopping past ``limit`` bytes."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error as exc:
        raise TruncatedBody(f"{url}: gzip body is corrupt or cut short ({exc})", url=url) from exc
    if len(out) > limit:
        raise BodyTooLarge(f"{url}: unpacked gzip body is larger than {limit} bytes", url=url)
    return out


@dataclass(slots=True)
class _HostState:
    """What the fetcher knows of one host (``scheme://netloc``): its robots.txt."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    robots: Protego | None = None
    robots_loaded: bool = False
    robots_error: FetchError | None = None
    robots_error_at: float = 0.0


@dataclass(slots=True)
class _Gate:
    """The politeness state of one site, host or address (see :data:`POLITENESS`).

    Its lock is held for the whole of each request, so at most one request to the unit is in
    flight, whichever thread or :class:`Fetcher` (sharing :class:`PolitenessGates`) makes it.
    """

    lock: threading.RLock = field(default_factory=threading.RLock)
    last: float = float("-inf")
    """monotonic time of the last request."""
    not_before: float = float("-inf")
    """monotonic time before which no request is made (backoff, Retry-After)."""
    deferred_until: float = float("-inf")
    """monotonic time before which requests are refused (a long Retry-After): left for a later run."""


#: What one politeness unit is: ``site`` (registrable domain, ``tribunnews.com`` for all its
#: regional hosts; ``host:port`` for IP addresses), ``host`` (``scheme://netloc``) or ``ip``
#: (the address the host resolves to, for outlets sharing one server).
POLITENESS = ("site", "host", "ip")


def politeness_key(url: str, politeness: str = "host") -> str:
    """The politeness unit of ``url`` (see :data:`POLITENESS`); requests to one unit are
    spaced by the delay and never overlap."""
    parts = urlsplit(url)
    if politeness == "site":
        from scrapers.discover import site_key

        return "site:" + site_key(url)
    if politeness == "ip":
        host = parts.hostname or ""
        try:
            return f"ip:{socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)[0][4][0]}"
        except (OSError, UnicodeError):  # unresolvable: the fetch itself reports it
            return "ip:" + host
    if politeness != "host":
        raise ConfigError(f"politeness must be one of {', '.join(POLITENESS)}, got {politeness!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class PolitenessGates:
    """One :class:`_Gate` per politeness unit, shared by every :class:`Fetcher` given it
    (the sources of one site in ``warta ingest``, each with its own settings)."""

    def __init__(self) -> None:
        self._gates: dict[str, _Gate] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> _Gate:
        """The gate of one unit (made on first use)."""
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = _Gate()
            return gate


# --------------------------------------------------------------------------- fetcher


class Fetcher:
    """Polite, bounded fetching of HTML, XML and feed pages.

    Args:
        settings: fetching behaviour (defaults: :class:`FetchSettings`).
        validators: where ETag/Last-Modified are remembered (default: in memory).
        session: a session from :func:`make_session` (made from ``settings`` when None).
        politeness: the unit spaced by the delay and kept to one request in flight:
            ``host`` (default), ``site`` or ``ip`` (see :data:`POLITENESS`).
        gates: politeness state shared with other fetchers (default: this fetcher's own).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        validators: ValidatorStore | None = None,
        session: requests.Session | None = None,
        politeness: str = "host",
        gates: PolitenessGates | None = None,
    ) -> None:
        if politeness not in POLITENESS:
            raise ConfigError(f"politeness must be one of {', '.join(POLITENESS)}, got {politeness!r}")
        self.settings = settings or FetchSettings()
        self.validators: ValidatorStore = validators if validators is not None else MemoryValidatorStore()
        self.session = session or make_session(self.settings)
        self.politeness = politeness
        self.gates = gates if gates is not None else PolitenessGates()
        self._keys: dict[str, str] = {}
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Fetcher:
        """A fetcher from plain settings overrides (see :meth:`FetchSettings.from_mapping`)."""
        return cls(FetchSettings.from_mapping(values))

    def close(self) -> None:
        """Close the HTTP session's connections."""
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- politeness

    def _host(self, url: str) -> _HostState:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._hosts_lock:
            state = self._hosts.get(key)
            if state is None:
                state = self._hosts[key] = _HostState()
            return state

    def _gate(self, url: str) -> _Gate:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        key = self._keys.get(origin)
        if key is None:  # one lookup per origin (``ip`` resolves the host once)
            key = self._keys[origin] = politeness_key(origin + "/", self.politeness)
        return self.gates.get(key)

    def host_delay(self, url: str) -> float:
        """Seconds kept between requests to ``url``'s host: ``delay``, or robots.txt's
        ``Crawl-delay`` / ``Request-rate`` when longer (capped at ``max_crawl_delay``)."""
        state = self._host(url)
        delay = self.settings.delay
        if state.robots is not None:
            agent = self.settings.robots_agent
            asked = float(state.robots.crawl_delay(agent) or 0.0)
            rate = state.robots.request_rate(agent)
            if rate is not None and rate.requests:
                asked = max(asked, rate.seconds / rate.requests)
            if asked:
                delay = max(delay, min(asked, self.settings.max_crawl_delay))
        return delay

    def ready_at(self, url: str) -> float:
        """The ``time.monotonic()`` time at which ``url``'s host may be asked again
        (politeness delay, or a backoff / Retry-After the host asked for)."""
        gate = self._gate(url)
        return max(gate.last + self.host_delay(url), gate.not_before)

    def _wait_turn(self, url: str) -> None:
        """Sleep until the host may be asked again, then mark a request as made (gate lock held)."""
        gate = self._gate(url)
        wait = self.ready_at(url) - time.monotonic()
        if wait > 0:
            logger.debug("waiting %.2fs before next request to %s", wait, urlsplit(url).netloc)
            time.sleep(wait)
        gate.last = time.monotonic()

    def robots(self, url: str) -> Protego | None:
        """The parsed robots.txt of ``url``'s host (fetched once), None when it has none.

        Raises:
            RobotsDisallowed: robots.txt answered 429 or 5xx; following RFC 9309 the host is
                treated as fully disallowed (retryable).
            FetchError: robots.txt was unreachable (timeout, refused, reset ...).
            Errors are remembered for ``_ROBOTS_ERROR_TTL`` seconds, then robots.txt is asked again.
        """
        state = self._host(url)
        with state.lock:
            self._load_robots(url, state)
            if state.robots_error is not None:
                raise _for_url(state.robots_error, url)
            return state.robots

    def _load_robots(self, url: str, state: _HostState) -> None:
        if state.robots_loaded:
            return
        if state.robots_error is not None:
            if time.monotonic() - state.robots_error_at < _ROBOTS_ERROR_TTL:
                return
            state.robots_error = None
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            resp, body = self._get_following(robots_url, {}, robots_check=False, content_check=False)
        except HTTPStatusError as exc:
            code = exc.status or 0
            if 400 <= code < 500 and code != 429:
                logger.info("no robots.txt at %s (HTTP %d): all URLs allowed", robots_url, code)
                state.robots_loaded = True
                return
            error: FetchError = RobotsDisallowed(
                f"robots.txt at {robots_url} answered HTTP {exc.status}; treating the host as "
                "disallowed (RFC 9309); retry later",
                url=url,
                retryable=True,
            )
            error.status = exc.status
        except FetchError as exc:
            error = exc
        else:
            text, _ = decode_html(body, resp.headers.get("content-type"))
            state.robots = Protego.parse(text)
            state.robots_loaded = True
            logger.info(
                "robots.txt loaded for %s (crawl-delay %s)",
                parts.netloc,
                state.robots.crawl_delay(self.settings.robots_agent),
            )
            return
        state.robots_error = error
        state.robots_error_at = time.monotonic()
        logger.warning("robots.txt of %s unusable: %s", parts.netloc, error)

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets warta fetch ``url`` (always True with obey_robots=False)."""
        if not self.settings.obey_robots:
            return True
        rp = self.robots(url)
        return rp is None or rp.can_fetch(url, self.settings.robots_agent)

    def sitemaps(self, url: str) -> list[str]:
        """Sitemap URLs that ``url``'s host lists in its robots.txt."""
        try:
            rp = self.robots(url)
        except FetchError:
            return []
        return list(rp.sitemaps) if rp is not None else []

    def site_seeds(self, url: str) -> list[str]:
        """Where to start crawling ``url``'s site: the sitemaps its robots.txt lists, else ``url``.

        News sitemaps (Google News ``sitemap_news.xml`` and the like) come first, so the latest
        articles are read before the archive; duplicates and non-http(s) entries are dropped.

        Args:
            url: any URL of the site, usually its home page.

        Returns:
            Sitemap URLs to hand to the crawler as seeds, or ``[url]`` when robots.txt lists
            none (or cannot be read).
        """
        listed = [u.strip() for u in self.sitemaps(url)]
        usable = list(dict.fromkeys(u for u in listed if urlsplit(u).scheme in ("http", "https")))
        usable.sort(key=lambda u: "news" not in urlsplit(u).path.lower())  # stable: news first
        if not usable:
            logger.info("robots.txt of %s lists no sitemap; starting from %s", urlsplit(url).netloc, url)
        return usable or [url]

    # ---------------------------------------------------------------- fetching

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        conditional: bool = True,
    ) -> FetchedPage:
        """Fetch one HTML, XML or feed page.

        Args:
            url: absolute http(s) URL.
            etag: ETag for a conditional GET; by default the one remembered for ``url``.
            last_modified: Last-Modified for a conditional GET; by default the remembered one.
            conditional: False to ignore remembered validators (always get the full page).

        Returns:
            The page, decoded; ``not_modified=True`` (empty body) when the server answered 304.

        Raises:
            FetchError: a subclass naming what went wrong; ``.retryable`` says whether a later
                retry may succeed, ``.attempts`` how many tries were made.
        """
        if conditional and etag is None and last_modified is None:
            known = self.validators.get(url)
            if known is not None:
                etag, last_modified = known.etag, known.last_modified
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        resp, body = self._get_following(url, headers, robots_check=self.settings.obey_robots)
        resp_headers = {k.lower(): v for k, v in resp.headers.items()}
        fetched_at = dt.datetime.now(dt.timezone.utc)
        if resp.status_code == 304:
            logger.info("not modified: %s", url)
            return FetchedPage(
                url=url, final_url=resp.url, status=304, headers=resp_headers, body=b"",
                fetched_at=fetched_at, not_modified=True,
            )
        if resp_headers.get("etag") or resp_headers.get("last-modified"):
            self.validators.put(
                url, Validators(resp_headers.get("etag"), resp_headers.get("last-modified"))
            )
        text, encoding = decode_html(body, resp_headers.get("content-type"))
        logger.info("fetched %s (%d, %d bytes, %s)", resp.url, resp.status_code, len(body), encoding)
        return FetchedPage(
            url=url, final_url=resp.url, status=resp.status_code, headers=resp_headers, body=body,
            fetched_at=fetched_at, encoding=encoding, text=text,
        )

    def _get_following(
        self,
        url: str,
        headers: dict[str, str],
        *,
        robots_check: bool,
        content_check: bool = True,
    ) -> tuple[requests.Response, bytes]:
        """GET ``url``, following redirects hop by hop (each hop checked like a new URL)."""
        seen = {url}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            check_address(current, allow_private=self.settings.allow_private)
            if robots_check and not self.allowed(current):
                raise RobotsDisallowed(
                    f"robots.txt of {urlsplit(current).netloc} disallows {current} for "
                    f"{self.settings.robots_agent!r}; skip it",
                    url=current,
                )
            resp, body = self._get_with_retries(current, headers, content_check=content_check)
            if resp.status_code not in _REDIRECTS:
                return resp, body
            location = resp.headers.get("location")
            if not location:
                raise HTTPStatusError(
                    f"{current}: HTTP {resp.status_code} redirect without a Location header",
                    url=url, status=resp.status_code, retryable=False,
                )
            target = urljoin(current, location)
            if target in seen:
                raise TooManyRedirects(f"redirect loop at {target} (starting from {url})", url=url)
            logger.debug("redirect %d: %s -> %s", resp.status_code, current, target)
            seen.add(target)
            current = target
        raise TooManyRedirects(
            f"{url}: more than {self.settings.max_redirects} redirects (raise max_redirects if "
            "the site really needs more)",
            url=url,
        )

    def _get_with_retries(
        self, url: str, headers: dict[str, str], *, content_check: bool
    ) -> tuple[requests.Response, bytes]:
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            gate = self._gate(url)
            if gate.deferred_until > time.monotonic():
                raise HostDeferred(
                    f"{url}: not fetched, {urlsplit(url).netloc} asked to wait "
                    f"{gate.deferred_until - time.monotonic():.0f}s more (Retry-After); left for a later run",
                    url=url,
                )
            try:
                with gate.lock:  # held for the whole request: one request in flight per unit
                    self._wait_turn(url)
                    try:
                        return self._get_once(url, headers, content_check=content_check)
                    finally:  # the delay runs from the end of this answer: the server sees every gap >= delay
                        gate.last = time.monotonic()
            except FetchError as exc:
                exc.attempts = attempt
                if exc.retry_after is not None and exc.retry_after > s.defer_after:
                    with gate.lock:
                        gate.deferred_until = max(gate.deferred_until, time.monotonic() + exc.retry_after)
                    logger.warning("%s asked to wait %.0fs (Retry-After): no more requests to it in this run",
                                   urlsplit(url).netloc, exc.retry_after)
                    deferred = HostDeferred(
                        f"{url}: {urlsplit(url).netloc} asked to wait {exc.retry_after:.0f}s (Retry-After, "
                        f"over defer_after={s.defer_after:g}s); the host is left for a later run",
                        url=url,
                    )
                    deferred.retry_after, deferred.status, deferred.attempts = exc.retry_after, exc.status, attempt
                    raise deferred from exc
                wait = min(s.backoff * 2 ** (attempt - 1), s.backoff_max)
                if exc.retry_after is not None:
                    wait = min(exc.retry_after, s.retry_after_max)
                if exc.retryable:
                    # the whole host backs off, not only this URL; _wait_turn does the sleeping
                    with gate.lock:
                        gate.not_before = max(gate.not_before, time.monotonic() + wait)
                if not exc.retryable or attempt > s.retries:
                    raise
                logger.warning(
                    "attempt %d/%d for %s failed (%s: %s); retrying in %.2fs",
                    attempt, s.retries + 1, url, type(exc).__name__, exc, wait,
                )

    def _get_once(
        self, url: str, headers: dict[str, str], *, content_check: bool
    ) -> tuple[requests.Response, bytes]:
        s = self.settings
        with _Deadline(s.total_timeout) as deadline:
            try:
                return self._get_once_within(url, headers, content_check=content_check, deadline=deadline)
            except (FetchError, requests.exceptions.RequestException, urllib3.exceptions.HTTPError,
                    OSError) as exc:
                if not deadline.passed():
                    raise
                if isinstance(exc, FetchTimeout) and exc.total:
                    raise
                raise _total_timeout(url, s.total_timeout) from exc

    def _get_once_within(
        self, url: str, headers: dict[str, str], *, content_check: bool, deadline: _Deadline
    ) -> tuple[requests.Response, bytes]:
        s = self.settings
        left = max(deadline.remaining(), 0.001)
        try:
            resp = self.session.get(
                url,
                headers=headers,
                timeout=(min(s.connect_timeout, left), min(s.read_timeout, left)),
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise FetchTimeout(f"{url}: no connection within {s.connect_timeout}s", url=url) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise FetchTimeout(f"{url}: no answer within {s.read_timeout}s", url=url) from exc
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailed(f"{url}: connection failed ({_reason(exc)})", url=url) from exc
        try:
            status = resp.status_code
            if status in _REDIRECTS or status == 304:
                return resp, b""
            if status >= 400:
                err = HTTPStatusError(f"{url}: HTTP {status} {resp.reason or ''}".rstrip(), url=url, status=status)
                err.retry_after = parse_retry_after(resp.headers.get("retry-after"))
                raise err
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            is_gzip_file = urlsplit(url).path.endswith(".gz") and (
                ctype in GZIP_CONTENT_TYPES or not ctype
            )
            if content_check and ctype and ctype not in s.content_types and not is_gzip_file:
                raise UnsupportedContentType(
                    f"{url}: content type {ctype!r} is not HTML, XML or a feed; skip it",
                    url=url,
                )
            length = resp.headers.get("content-length")
            if length and length.isdigit() and int(length) > s.max_bytes and not resp.headers.get(
                "content-encoding"
            ):
                raise BodyTooLarge(
                    f"{url}: Content-Length {length} is over the {s.max_bytes}-byte limit "
                    "(raise max_bytes to accept it)",
                    url=url,
                )
            body = self._read_body(resp, url, deadline)
        finally:
            resp.close()
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body, s.max_bytes, url)
        if content_check and not ctype and not body.lstrip()[:1] == b"<":
            raise UnsupportedContentType(
                f"{url}: no content type and the body is not markup; skip it", url=url
            )
        return resp, body

    def _read_body(self, resp: requests.Response, url: str, deadline: _Deadline) -> bytes:
        limit = self.settings.max_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.raw.stream(_CHUNK, decode_content=True):
                if deadline.passed():
                    raise _total_timeout(url, deadline.seconds)
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(
                        f"{url}: body passed the {limit}-byte limit; download aborted "
                        "(raise max_bytes to accept it)",
                        url=url,
                    )
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise FetchTimeout(
                f"{url}: body stalled for more than {self.settings.read_timeout}s", url=url
            ) from exc
        except urllib3.exceptions.ProtocolError as exc:
            if "IncompleteRead" in repr(exc) or isinstance(exc.__context__, urllib3.exceptions.IncompleteRead):
                raise TruncatedBody(
                    f"{url}: connection closed after {size} bytes, before the announced "
                    f"Content-Length {resp.headers.get('content-length')}; retry later",
                    url=url,
                ) from exc
            raise ConnectionFailed(f"{url}: connection broken while reading ({_reason(exc)})", url=url) from exc
        except urllib3.exceptions.DecodeError as exc:
            raise TruncatedBody(f"{url}: compressed body is corrupt or cut short ({exc})", url=url) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise ConnectionFailed(f"{url}: error while reading the body ({_reason(exc)})", url=url) from exc
        body = b"".join(chunks)
        length = resp.headers.get("content-length")
        if not resp.headers.get("content-encoding") and length and length.isdigit() and int(length) != len(body):
            raise TruncatedBody(
                f"{url}: got {len(body)} bytes, Content-Length said {length}; retry later", url=url
            )
        return body


def _total_timeout(url: str, seconds: float) -> FetchTimeout:
    err = FetchTimeout(
        f"{url}: no complete answer within {seconds:g}s (connect + headers + body); the server is "
        "too slow or drips its answer: it is retried on a later attempt (raise total_timeout to wait longer)",
        url=url,
    )
    err.total = True
    return err


def _for_url(error: FetchError, url: str) -> FetchError:
    """A copy of a remembered robots.txt error, about ``url``."""
    fresh = type(error).__new__(type(error), *error.args)
    fresh.args = error.args
    fresh.__dict__.update(error.__dict__)
    fresh.url = url
    fresh.__cause__ = error.__cause__
    return fresh


def _reason(exc: BaseException) -> str:
    """The innermost readable cause of a requests/urllib3 error."""
    seen = exc
    for _ in range(8):  # requests and urllib3 nest a few levels deep
        nxt = seen.__cause__
        if nxt is None and seen.args and isinstance(seen.args[0], BaseException):
            nxt = seen.args[0]
        if nxt is None or nxt is seen:
            break
        seen = nxt
    return f"{type(seen).__name__}: {seen}"
