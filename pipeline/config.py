"""Ingestion configuration: the ``sources.toml`` file read by ``warta ingest``.

The file has four kinds of tables (see the shipped ``pipeline/sources.toml``)::

    [run]                 # optional: the whole run
    max_hours = 6         # take no new page after this long (the lock records the deadline)

    [defaults]            # optional: values every source inherits (SourceSettings fields)
    max_pages = 200
    keywords = ["smart city"]

    [fetch]               # optional: scrapers.fetch.FetchSettings overrides (user agent, timeouts ...)
    timeout = 20

    [[source]]            # one or more
    name = "tribunsumsel"
    outlet = "sumsel.tribunnews.com"
    feeds = ["https://sumsel.tribunnews.com/rss"]
    sitemaps = []
    listings = []
    allowed_hosts = []
    keywords = ["smart city", "pemkot palembang"]
    delay = 2.0

Defaults live in one place, :data:`DEFAULTS`; a ``[defaults]`` table overrides only what it
sets and a ``[[source]]`` only what it sets. Every error names the file, the line and the
key, so a broken nightly config is fixed in one look, and loading never writes anything.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The one configuration error type, shared with the fetcher settings (``FetchSettings``): re-exported.
from scrapers.exceptions import ConfigError as ConfigError
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

#: The configuration shipped with warta (real Indonesian regional outlets).
DEFAULT_CONFIG = Path(__file__).with_name("sources.toml")

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")




@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Tunable values of one source; :data:`DEFAULTS` holds warta's defaults."""

    delay: float = 2.0
    """Minimum seconds between two requests to one host."""
    max_pages: int = 200
    """Upper bound on pages (feeds, sitemaps, listings and articles) fetched per run."""
    keywords: tuple[str, ...] = ()
    """Keep only articles whose title or text contains one of these (case-insensitive); empty keeps all."""
    max_attempts: int = 5
    """Give a failing URL up (status ``gave_up``) after this many failed fetches."""
    retry_backoff_minutes: float = 60.0
    """Wait before the first retry of a failed URL; doubled after each further failure."""
    revisit_after_hours: float = 24.0
    """Re-fetch (conditionally) a stored article found again in a feed once this much time has passed."""
    revisit_window_days: float = 3.0
    """Only revisit articles first seen less than this many days ago (0: never revisit)."""
    feed_alert_failures: int = 3
    """Report a feed, sitemap or listing in the summary once it failed this many runs in a row."""
    politeness: str = "site"
    """The unit ``delay`` spaces and that never gets two requests at once: ``site`` (registrable
    domain: every ``*.tribunnews.com`` host together), ``host`` or ``ip`` (hosts on one server)."""


#: warta's defaults for every source.
DEFAULTS = SourceSettings()

_SETTING_TYPES: dict[str, str] = {
    "delay": "number",
    "max_pages": "posint",
    "keywords": "strlist",
    "max_attempts": "posint",
    "retry_backoff_minutes": "number",
    "revisit_after_hours": "number",
    "revisit_window_days": "number",
    "feed_alert_failures": "posint",
    "politeness": "politeness",
}
#: Largest accepted value per setting: bigger ones pass a type check but stall or break a run.
_SETTING_MAX: dict[str, float] = {
    "delay": 3600.0,
    "max_pages": 1_000_000,
    "max_attempts": 1000,
    "retry_backoff_minutes": 525_600.0,
    "revisit_after_hours": 87_600.0,
    "revisit_window_days": 3650.0,
    "feed_alert_failures": 1000,
}
#: Largest sources.toml read (a config is a few KB; /dev/zero is endless).
MAX_CONFIG_BYTES = 1024 * 1024
_SOURCE_KEYS: dict[str, str] = {
    "name": "name",
    "outlet": "str",
    "feeds": "urllist",
    "sitemaps": "urllist",
    "listings": "urllist",
    "allowed_hosts": "strlist",
    "enabled": "bool",
    **_SETTING_TYPES,
}
_TOP_KEYS = ("run", "defaults", "fetch", "source")
#: Default of ``[run] max_hours``.
DEFAULT_MAX_RUN_HOURS = 6.0


@dataclass(frozen=True, slots=True)
class Source:
    """One outlet to ingest: where to discover its articles and how to treat them."""

    name: str
    outlet: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    """Hosts besides the seeds' own whose article links may be followed."""
    enabled: bool = True
    settings: SourceSettings = DEFAULTS

    @property
    def seeds(self) -> list[tuple[str, str]]:
        """``(url, kind)`` pairs of the discovery pages, feeds first."""
        return (
            [(u, "feed") for u in self.feeds]
            + [(u, "sitemap") for u in self.sitemaps]
            + [(u, "listing") for u in self.listings]
        )

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts whose article links are followed: the seeds' hosts plus ``allowed_hosts``."""
        seed_hosts = {(urlsplit(u).hostname or "").lower() for u, _ in self.seeds}
        return frozenset(seed_hosts | {h.lower() for h in self.allowed_hosts})

    def wants(self, title: str, text: str) -> bool:
        """True when the article passes this source's keyword filter."""
        return keyword_match(self.settings.keywords, title, text)


def keyword_match(keywords: Sequence[str], title: str, text: str) -> bool:
    """True when ``title`` or ``text`` contains one of ``keywords`` (case-insensitive); none keeps all."""
    if not keywords:
        return True
    haystack = f"{title}\n{text}".casefold()
    return any(k.casefold() in haystack for k in keywords)


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """A validated ``sources.toml``."""

    path: str
    sources: tuple[Source, ...]
    fetch: Mapping[str, Any] = field(default_factory=dict)
    """Overrides of ``scrapers.fetch.FetchSettings`` defaults (validated when the fetcher is built)."""
    max_run_hours: float = DEFAULT_MAX_RUN_HOURS
    """``[run] max_hours``: the run takes no new page after this long."""

    def select(self, names: list[str] | tuple[str, ...] | None) -> list[Source]:
        """The enabled sources, or exactly the ones named.

        Raises:
            ConfigError: a name is not in the file.
        """
        if not names:
            return [s for s in self.sources if s.enabled]
        by_name = {s.name: s for s in self.sources}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ConfigError(
                f"no source named {', '.join(map(repr, unknown))}; "
                f"the file defines: {', '.join(sorted(by_name)) or '(none)'}",
                path=self.path,
                key="source",
            )
        return [by_name[n] for n in names]


# --------------------------------------------------------------------------- locating keys


def _header_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, header)`` of every table header, e.g. ``(12, "[[source]]")``."""
    out = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            out.append((no, line.split("#", 1)[0].strip().replace(" ", "")))
    return out


def _table_span(text: str, header: str, index: int = 0) -> tuple[int, int] | None:
    """First and last line of the ``index``-th table with this header (1-based lines)."""
    headers = _header_lines(text)
    hits = [i for i, (_, h) in enumerate(headers) if h == header]
    if index >= len(hits):
        return None
    at = hits[index]
    start = headers[at][0]
    end = headers[at + 1][0] - 1 if at + 1 < len(headers) else len(text.splitlines())
    return start, end


def line_of_key(text: str, header: str | None, index: int, key: str | None) -> int | None:
    """Line of ``key`` in a TOML text, for error messages.

    Args:
        text: the file's text.
        header: the table header, e.g. ``[fetch]`` or ``[[source]]``; None for top-level keys.
        index: which table with that header (0 for the first).
        key: the key; None for the table's own header line.

    Returns:
        The 1-based line of the key, the table header's line when the key is absent from it,
        or None when the table is not in the text.
    """
    lines = text.splitlines()
    if header is None:
        start, end = 1, (_header_lines(text) or [(len(lines) + 1, "")])[0][0] - 1
    else:
        span = _table_span(text, header, index)
        if span is None:
            return None
        start, end = span
    if key:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for no in range(start, end + 1):
            if pattern.match(lines[no - 1]):
                return no
    return start if header is not None else None


# --------------------------------------------------------------------------- validation


class _Checker:
    """Type checks with file/line/key in every message."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text

    def fail(self, message: str, *, header: str | None, index: int = 0, key: str | None = None) -> ConfigError:
        return ConfigError(message, path=self.path, line=line_of_key(self.text, header, index, key), key=key)

    def value(self, kind: str, value: Any, *, where: str, header: str, index: int, key: str) -> Any:
        def bad(expected: str) -> ConfigError:
            return self.fail(f"{where} key '{key}': expected {expected}, got {value!r}",
                             header=header, index=index, key=key)

        if kind in ("str", "name"):
            if not isinstance(value, str) or not value.strip():
                raise bad("a non-empty string")
            if kind == "name" and not _NAME_RE.match(value):
                raise bad("a lower-case name of letters, digits, '-', '_' or '.'")
            return value.strip()
        if kind == "politeness":
            if value not in ("site", "host", "ip"):
                raise bad("one of 'site', 'host', 'ip'")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise bad("true or false")
            return value
        top = _SETTING_MAX.get(key)
        if kind == "number":
            if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                    or value < 0 or (top is not None and value > top)):
                raise bad("a number >= 0" + (f" and <= {top:g}" if top is not None else ""))
            return float(value)
        if kind == "posint":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (top is not None and value > top):
                raise bad("a whole number >= 1" + (f" and <= {top:g}" if top is not None else ""))
            return value
        if kind in ("strlist", "urllist"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise bad("a list of non-empty strings")
            items = tuple(v.strip() for v in value)
            if kind == "urllist":
                for item in items:
                    parts = urlsplit(item)
                    if parts.scheme not in ("http", "https") or not parts.hostname:
                        raise self.fail(f"{where} key '{key}': {item!r} is not an absolute http(s) URL",
                                        header=header, index=index, key=key)
            return items
        raise AssertionError(kind)  # pragma: no cover - internal table

    def settings(
        self, table: Mapping[str, Any], base: SourceSettings, *, where: str, header: str, index: int
    ) -> SourceSettings:
        changes = {
            key: self.value(_SETTING_TYPES[key], table[key], where=where, header=header, index=index, key=key)
            for key in _SETTING_TYPES
            if key in table
        }
        return dataclasses.replace(base, **changes)


def parse_config(text: str, path: str | Path = "<config>") -> IngestConfig:
    """Validate the text of a ``sources.toml``.

    Args:
        text: the TOML text.
        path: the file it came from, named in errors.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: malformed TOML, an unknown, missing or mistyped key (message names file, line, key).
    """
    path = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        match = re.search(r"line (\d+)", str(exc))
        if line is None and match:
            line = int(match.group(1))
        raise ConfigError(f"not valid TOML: {exc}", path=path, line=line) from exc
    check = _Checker(path, text)

    for key in data:
        if key not in _TOP_KEYS:
            line = (line_of_key(text, None, 0, key) or line_of_key(text, f"[{key}]", 0, None)
                    or line_of_key(text, f"[[{key}]]", 0, None))
            raise ConfigError(
                f"unknown top-level key '{key}'; expected [run], [defaults], [fetch] or [[source]] tables",
                path=path, line=line, key=key,
            )

    run_table = data.get("run", {})
    if not isinstance(run_table, dict):
        raise check.fail("'run' must be a table: [run]", header=None, key="run")
    for key in run_table:
        if key != "max_hours":
            raise check.fail(f"[run] has unknown key '{key}'; known keys: max_hours", header="[run]", key=key)
    max_hours = DEFAULT_MAX_RUN_HOURS
    if "max_hours" in run_table:
        value = run_table["max_hours"]
        if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                or not 0 < value <= 168):
            raise check.fail(f"[run] key 'max_hours': expected a number > 0 and <= 168, got {value!r}",
                             header="[run]", key="max_hours")
        max_hours = float(value)

    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise check.fail("'defaults' must be a table: [defaults]", header=None, key="defaults")
    for key in defaults_table:
        if key not in _SETTING_TYPES:
            raise check.fail(
                f"[defaults] has unknown key '{key}'; known keys: {', '.join(_SETTING_TYPES)}",
                header="[defaults]", key=key,
            )
    defaults = check.settings(defaults_table, DEFAULTS, where="[defaults]", header="[defaults]", index=0)

    fetch = data.get("fetch", {})
    if not isinstance(fetch, dict):
        raise check.fail("'fetch' must be a table: [fetch]", header=None, key="fetch")
    if "delay" in fetch:  # it would be silently replaced by each source's delay
        raise check.fail(
            "[fetch] key 'delay': the delay between requests is set per source; move it to [defaults] "
            "(every source) or to a [[source]]", header="[fetch]", key="delay",
        )

    raw_sources = data.get("source")
    if raw_sources is None:
        raise ConfigError("no sources: add at least one [[source]] table with a name and feeds", path=path)
    if not isinstance(raw_sources, list) or not all(isinstance(s, dict) for s in raw_sources):
        raise check.fail("'source' must be an array of tables: write [[source]]", header=None, key="source")

    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(raw_sources):
        header = "[[source]]"
        label = f"[[source]] #{index + 1}" + (f" ({table['name']!r})" if isinstance(table.get("name"), str) else "")
        for key in table:
            if key not in _SOURCE_KEYS:
                raise check.fail(
                    f"{label} has unknown key '{key}'; known keys: {', '.join(_SOURCE_KEYS)}",
                    header=header, index=index, key=key,
                )
        for key in ("name", "outlet"):
            if key not in table:
                raise check.fail(f"{label} is missing the required key '{key}'", header=header, index=index, key=key)
        values = {
            key: check.value(kind, table[key], where=label, header=header, index=index, key=key)
            for key, kind in _SOURCE_KEYS.items()
            if key in table and key not in _SETTING_TYPES
        }
        if values["name"] in seen:
            raise check.fail(f"{label}: the name {values['name']!r} is used twice; names must be unique",
                             header=header, index=index, key="name")
        seen.add(values["name"])
        if not any(values.get(k) for k in ("feeds", "sitemaps", "listings")):
            raise check.fail(
                f"{label} has nothing to discover: give at least one URL in 'feeds', 'sitemaps' or 'listings'",
                header=header, index=index,
            )
        settings = check.settings(table, defaults, where=label, header=header, index=index)
        sources.append(Source(settings=settings, **values))
    return IngestConfig(path=path, sources=tuple(sources), fetch=dict(fetch), max_run_hours=max_hours)


def load_config(path: str | Path | None = None) -> IngestConfig:
    """Read and validate a ``sources.toml`` (warta's shipped one when ``path`` is None).

    Args:
        path: the config file.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: the file is missing, unreadable or invalid (message names file, line, key).
    """
    file = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        if not file.is_file() and file.exists():
            raise ConfigError("not a regular file; pass --config PATH to a sources.toml", path=file)
        with file.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"larger than {MAX_CONFIG_BYTES} bytes: is this really a sources.toml?", path=file)
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark is fine
    except FileNotFoundError as exc:
        raise ConfigError("file not found; pass --config PATH to an existing sources.toml", path=file) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path=file) from exc
    config = parse_config(text, file)
    logger.debug("config %s: %d sources", file, len(config.sources))
    return config
