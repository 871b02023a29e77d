"""Every error the scrapers raise, in one tree.

::

    WartaScraperError
    ├── ConfigError (+ ValueError)           bad FetchSettings key or value
    ├── FetchError                           one URL could not be fetched (.url, .retryable)
    │   ├── BlockedAddress (+ ValueError)    loopback/private/link-local host, allow_private=False
    │   ├── OffSiteURL (+ ValueError)        host outside the allowed set
    │   ├── RobotsDisallowed                 robots.txt forbids the URL for our User-Agent
    │   ├── FetchTimeout                     connect, read or total timeout (retryable)
    │   ├── ConnectionFailed                 refused / reset / DNS failure (retryable)
    │   ├── HTTPStatusError                  4xx/5xx answer (.status; 429 and 5xx retryable)
│   ├── HostDeferred                     the host asked for a long wait (Retry-After): later run
    │   ├── TooManyRedirects                 redirect loop or more hops than allowed
    │   ├── BodyTooLarge                     body passed FetchSettings.max_bytes
    │   ├── TruncatedBody                    fewer bytes than Content-Length (retryable)
    │   └── UnsupportedContentType           not HTML, XML or a feed
    ├── ParseError (+ ValueError)            a page could not be turned into an Article
    │   └── NotAnArticle                     the page is a listing, tag page, error page ...
    ├── DiscoveryError (+ ValueError)        a feed or sitemap is malformed beyond use
    └── ArchiveError (+ ValueError)          a file given as a WARC archive is not one, or cannot be read

Every :class:`FetchError` carries the ``url`` it was about and ``retryable``: whether
fetching it again later may succeed, so a crawl can report it for a later retry.
"""

from __future__ import annotations


class WartaScraperError(Exception):
    """Base class of every scraper error."""


class ConfigError(WartaScraperError, ValueError):
    """A setting (fetch, crawl or a ``sources.toml`` key) is unknown, missing or has the wrong value.

    The one configuration error of warta: ``FetchSettings`` raises it with the message alone,
    ``pipeline.config`` with the file, line and key it is about (then the message starts
    ``sources.toml:12:``).

    Args:
        message: what is wrong and what to do.
        path: the configuration file, when the setting came from one.
        line: its line in that file.
        key: the key at fault.
    """

    def __init__(
        self, message: str, *, path: object | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.key = key
        where = self.path if line is None or self.path is None else f"{self.path}:{line}"
        super().__init__(message if where is None else f"{where}: {message}")


class FetchError(WartaScraperError):
    """A URL could not be fetched."""

    retryable: bool = False
    attempts: int = 1
    """How many times the URL was tried before giving up."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (Retry-After), when it said."""
    status: int | None = None
    """The HTTP status, for errors that come from one."""

    def __init__(self, message: str, *, url: str, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.url = url
        if retryable is not None:
            self.retryable = retryable


class BlockedAddress(FetchError, ValueError):
    """The host resolves to a loopback, private, link-local or reserved address."""


class OffSiteURL(FetchError, ValueError):
    """The URL's host is outside the hosts this crawl may visit."""


class RobotsDisallowed(FetchError):
    """robots.txt disallows the URL for warta's User-Agent."""


class FetchTimeout(FetchError):
    """The server did not connect or answer within the configured timeouts."""

    retryable = True
    total: bool = False
    """True when the request's total deadline (FetchSettings.total_timeout) passed."""


class ConnectionFailed(FetchError):
    """The connection was refused, reset or the host did not resolve."""

    retryable = True


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, url: str, status: int, retryable: bool | None = None) -> None:
        if retryable is None:
            retryable = status == 429 or status == 408 or status >= 500
        super().__init__(message, url=url, retryable=retryable)
        self.status = status


class HostDeferred(FetchError):
    """The host asked to wait longer than FetchSettings.defer_after (Retry-After): it gets no
    more requests in this run, and its URLs are left for a later run."""

    retryable = True


class TooManyRedirects(FetchError):
    """The redirect chain looped or exceeded FetchSettings.max_redirects."""


class BodyTooLarge(FetchError):
    """The body was larger than FetchSettings.max_bytes; the download was aborted."""


class TruncatedBody(FetchError):
    """The connection closed before the announced Content-Length was received."""

    retryable = True


class UnsupportedContentType(FetchError):
    """The response is not HTML, XML or a feed."""


class ParseError(WartaScraperError, ValueError):
    """A page could not be parsed into an Article."""


class NotAnArticle(ParseError):
    """The page parsed but is not a news article (listing, tag page, error page)."""


class DiscoveryError(WartaScraperError, ValueError):
    """A feed or sitemap is malformed beyond use."""


class ArchiveError(WartaScraperError, ValueError):
    """A file given as a WARC archive is not one (neither gzip nor ``WARC/``), or cannot be read."""
