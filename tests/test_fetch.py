"""Fetching against a real local HTTP server that injects faults (tests/faultserver.py)."""

from __future__ import annotations

import email.utils
import gzip
import logging
import time
from collections.abc import Iterator

import pytest

from faultserver import (
    FaultServer,
    conditional,
    gzipped,
    oversized,
    page,
    redirect,
    reset,
    sequence,
    slow,
    stall_body,
    status,
    truncated,
)
from scrapers.exceptions import (
    BlockedAddress,
    BodyTooLarge,
    ConfigError,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    RobotsDisallowed,
    TooManyRedirects,
    TruncatedBody,
    UnsupportedContentType,
)
from scrapers.fetch import (
    Fetcher,
    FetchSettings,
    MemoryValidatorStore,
    Validators,
    check_address,
    parse_retry_after,
)

FAST = {
    "delay": 0.0,
    "allow_private": True,
    "backoff": 0.01,
    "backoff_max": 0.05,
    "retry_after_max": 0.2,
    "retries": 2,
    "connect_timeout": 1.0,
    "read_timeout": 0.3,
}
HTML_OK = "<html><head><title>ok</title></head><body><p>Halo Palembang</p></body></html>"


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture()
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchSettings.from_mapping(FAST)) as f:
        yield f


# --------------------------------------------------------------------------- settings


def test_settings_defaults_are_documented_and_sane() -> None:
    s = FetchSettings()
    assert s.delay == 1.0 and s.max_bytes == 10 * 1024 * 1024 and s.allow_private is False
    assert s.user_agent_header.startswith("warta/") and s.contact_url in s.user_agent_header
    assert s.robots_agent == "warta"


def test_from_mapping_overrides_and_coerces_ints() -> None:
    s = FetchSettings.from_mapping({"delay": 0, "retries": 5, "content_types": ["text/html"]})
    assert s.delay == 0.0 and isinstance(s.delay, float)
    assert s.retries == 5 and s.content_types == ("text/html",)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"dealy": 1.0}, "dealy"),
        ({"retries": "3"}, "retries"),
        ({"retries": 2.5}, "retries"),
        ({"allow_private": 1}, "allow_private"),
        ({"delay": True}, "delay"),
        ({"contact_url": 5}, "contact_url"),
    ],
)
def test_from_mapping_rejects_unknown_or_mistyped_keys(values: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named) as info:
        FetchSettings.from_mapping(values)
    assert isinstance(info.value, ValueError)


def test_settings_reject_negative_values() -> None:
    with pytest.raises(ConfigError, match="delay"):
        FetchSettings(delay=-1)


# --------------------------------------------------------------------------- happy path


def test_fetch_page_sends_user_agent_and_decodes(srv: FaultServer, fetcher: Fetcher) -> None:
    url = srv.route("/a", page(HTML_OK))
    got = fetcher.fetch(url)
    assert got.status == 200 and got.final_url == url and "Halo Palembang" in got.text
    assert got.encoding == "utf-8" and got.content_type == "text/html"
    ua = srv.hits("/a")[0].headers["User-Agent"]
    assert ua.startswith("warta/0.1 (+") and FetchSettings().contact_url in ua


def test_contact_url_is_configurable(srv: FaultServer) -> None:
    url = srv.route("/a", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "contact_url": "https://example.org/bot"})) as f:
        f.fetch(url)
    assert srv.hits("/a")[0].headers["User-Agent"] == "warta/0.1 (+https://example.org/bot)"


def test_redirect_followed_to_final_url(srv: FaultServer, fetcher: Fetcher) -> None:
    srv.route("/old", redirect("/new", 301))
    srv.route("/new", page(HTML_OK))
    got = fetcher.fetch(srv.url("/old"))
    assert got.url == srv.url("/old") and got.final_url == srv.url("/new")


# --------------------------------------------------------------------------- faults


def test_500_retried_then_reported(srv: FaultServer, fetcher: Fetcher, caplog) -> None:
    url = srv.route("/500", status(500))
    with caplog.at_level(logging.WARNING, "scrapers.fetch"), pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(url)
    err = info.value
    assert err.status == 500 and err.retryable and err.url == url and err.attempts == 3
    assert len(srv.hits("/500")) == 3
    assert "retrying" in caplog.text


def test_404_not_retried(srv: FaultServer, fetcher: Fetcher) -> None:
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(srv.url("/missing"))
    assert info.value.status == 404 and not info.value.retryable and info.value.attempts == 1
    assert len(srv.hits("/missing")) == 1


def test_503_retry_after_seconds_honoured_then_success(srv: FaultServer, fetcher: Fetcher) -> None:
    url = srv.route("/busy", sequence(status(503, {"Retry-After": "0.15"}), page(HTML_OK)))
    # "0.15" is not valid delta-seconds: falls back to the tiny exponential backoff
    assert fetcher.fetch(url).status == 200
    srv.route("/busy2", sequence(status(503, {"Retry-After": "1"}), page(HTML_OK)))
    fetcher.fetch(srv.url("/busy2"))
    first, second = srv.hits("/busy2")
    # Retry-After: 1 is capped by retry_after_max=0.2 in these settings
    assert 0.15 <= second.at - first.at < 0.9


def test_429_retry_after_http_date(srv: FaultServer, fetcher: Fetcher) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    url = srv.route("/limited", sequence(status(429, {"Retry-After": when}), page(HTML_OK)))
    assert fetcher.fetch(url).status == 200
    first, second = srv.hits("/limited")
    assert 0.15 <= second.at - first.at < 0.9  # 30 s asked, capped at 0.2 s


def test_parse_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(email.utils.formatdate(now + 60, usegmt=True), now=now) == pytest.approx(60, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_read_timeout(srv: FaultServer, fetcher: Fetcher) -> None:
    url = srv.route("/slow", slow(1.0))
    with pytest.raises(FetchTimeout) as info:
        fetcher.fetch(url)
    assert info.value.retryable and info.value.attempts == 3


def test_body_stall_is_a_timeout(srv: FaultServer) -> None:
    url = srv.route("/stall", stall_body(HTML_OK.encode() * 10, 1.0))
    with Fetcher(FetchSettings.from_mapping({**FAST, "retries": 0})) as f, pytest.raises(FetchTimeout):
        f.fetch(url)


def test_connection_reset(srv: FaultServer, fetcher: Fetcher) -> None:
    url = srv.route("/reset", reset())
    with pytest.raises(ConnectionFailed) as info:
        fetcher.fetch(url)
    assert info.value.retryable and len(srv.hits("/reset")) == 3


def test_connection_refused(fetcher: Fetcher) -> None:
    with FaultServer() as gone:
        url = gone.url("/x")
    with pytest.raises(ConnectionFailed):
        fetcher.fetch(url)


def test_truncated_body(srv: FaultServer, fetcher: Fetcher, caplog) -> None:
    url = srv.route("/cut", truncated(b"<html><body>half", 5000))
    with caplog.at_level(logging.WARNING), pytest.raises(TruncatedBody) as info:
        fetcher.fetch(url)
    assert info.value.retryable and "Content-Length" in str(info.value)
    assert "TruncatedBody" in caplog.text


def test_redirect_loop(srv: FaultServer, fetcher: Fetcher) -> None:
    srv.route("/a1", redirect("/a2"))
    srv.route("/a2", redirect("/a1"))
    with pytest.raises(TooManyRedirects, match="loop"):
        fetcher.fetch(srv.url("/a1"))


def test_redirect_cap(srv: FaultServer) -> None:
    for i in range(5):
        srv.route(f"/r{i}", redirect(f"/r{i + 1}"))
    with Fetcher(FetchSettings.from_mapping({**FAST, "max_redirects": 3})) as f:
        with pytest.raises(TooManyRedirects, match="more than 3"):
            f.fetch(srv.url("/r0"))


def test_oversized_streamed_body_aborted(srv: FaultServer) -> None:
    url = srv.route("/big", oversized(300_000))
    with Fetcher(FetchSettings.from_mapping({**FAST, "max_bytes": 100_000})) as f:
        with pytest.raises(BodyTooLarge, match="100000"):
            f.fetch(url)


def test_oversized_announced_length_refused_before_reading(srv: FaultServer) -> None:
    url = srv.route("/big2", oversized(300_000, announce=True))
    with Fetcher(FetchSettings.from_mapping({**FAST, "max_bytes": 100_000})) as f:
        with pytest.raises(BodyTooLarge, match="Content-Length"):
            f.fetch(url)


def test_wrong_content_type(srv: FaultServer, fetcher: Fetcher) -> None:
    url = srv.route("/img.png", page(b"\x89PNG\r\n\x1a\n....", "image/png"))
    with pytest.raises(UnsupportedContentType, match="image/png") as info:
        fetcher.fetch(url)
    assert not info.value.retryable


def test_invalid_utf8_never_crashes(srv: FaultServer, fetcher: Fetcher) -> None:
    body = b"<html><head><meta charset='utf-8'></head><body><p>Bupati \xff\xfe Muara Enim</p></body></html>"
    got = fetcher.fetch(srv.route("/bad", page(body, "text/html; charset=utf-8")))
    assert "Muara Enim" in got.text and got.encoding


def test_header_vs_meta_charset_conflict(srv: FaultServer, fetcher: Fetcher) -> None:
    body = "<html><head><meta charset='utf-8'></head><body><p>Kepala Dinas — Sumatera Selatan é</p></body></html>"
    got = fetcher.fetch(srv.route("/cs", page(body.encode("utf-8"), "text/html; charset=ISO-8859-1")))
    assert got.encoding == "utf-8" and "— Sumatera Selatan é" in got.text


def test_gzip_sitemap_file_is_unpacked(srv: FaultServer, fetcher: Fetcher) -> None:
    xml = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    got = fetcher.fetch(srv.route("/sitemap.xml.gz", gzipped(xml)))
    assert got.text.startswith("<?xml") and b"urlset" in got.body


def test_etag_and_last_modified_give_304(srv: FaultServer, fetcher: Fetcher) -> None:
    lm = "Wed, 21 Oct 2026 07:28:00 GMT"
    url = srv.route("/cond", conditional(HTML_OK, etag='"v1"', last_modified=lm))
    first = fetcher.fetch(url)
    assert first.status == 200 and not first.not_modified and first.etag == '"v1"'
    second = fetcher.fetch(url)  # validators remembered by the fetcher
    assert second.status == 304 and second.not_modified and second.body == b"" and second.text == ""
    sent = srv.hits("/cond")[1].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == lm


def test_explicit_last_modified_conditional_get(srv: FaultServer) -> None:
    lm = "Wed, 21 Oct 2026 07:28:00 GMT"
    url = srv.route("/lm", conditional(HTML_OK, last_modified=lm))
    store = MemoryValidatorStore()
    with Fetcher(FetchSettings.from_mapping(FAST), validators=store) as f:
        assert f.fetch(url, last_modified=lm).not_modified
        assert f.fetch(url).status == 200
    assert store.get(url) == Validators(None, lm)


# --------------------------------------------------------------------------- politeness


def test_robots_disallow_and_crawl_delay(srv: FaultServer) -> None:
    srv.route("/robots.txt", page("User-agent: warta\nDisallow: /private\nCrawl-delay: 0.3\n", "text/plain"))
    srv.route("/ok", page(HTML_OK))
    srv.route("/ok2", page(HTML_OK))
    srv.route("/private/x", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "obey_robots": True})) as f:
        with pytest.raises(RobotsDisallowed) as info:
            f.fetch(srv.url("/private/x"))
        assert not info.value.retryable
        f.fetch(srv.url("/ok"))
        f.fetch(srv.url("/ok2"))
        assert f.host_delay(srv.url("/ok")) == pytest.approx(0.3)
    assert srv.hits("/private/x") == []
    assert len(srv.hits("/robots.txt")) == 1  # cached per host
    gap = srv.hits("/ok2")[0].at - srv.hits("/ok")[0].at
    assert gap >= 0.25


def test_robots_server_error_means_disallowed(srv: FaultServer) -> None:
    srv.route("/robots.txt", status(500))
    srv.route("/ok", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "obey_robots": True, "retries": 0})) as f:
        with pytest.raises(RobotsDisallowed) as info:
            f.fetch(srv.url("/ok"))
    assert info.value.retryable and srv.hits("/ok") == []


def test_robots_sitemaps_listed(srv: FaultServer) -> None:
    srv.route("/robots.txt", page(f"User-agent: *\nAllow: /\nSitemap: {srv.url('/sitemap.xml')}\n", "text/plain"))
    with Fetcher(FetchSettings.from_mapping(FAST)) as f:
        assert f.sitemaps(srv.url("/")) == [srv.url("/sitemap.xml")]


def test_delay_between_requests_to_one_host(srv: FaultServer) -> None:
    for i in range(3):
        srv.route(f"/p{i}", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "delay": 0.25})) as f:
        for i in range(3):
            f.fetch(srv.url(f"/p{i}"))
    times = [h.at for h in srv.hits() if h.path.startswith("/p")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 2 and all(g >= 0.2 for g in gaps), gaps


def test_private_addresses_blocked_by_default(srv: FaultServer) -> None:
    url = srv.route("/a", page(HTML_OK))
    with Fetcher(FetchSettings(delay=0.0)) as f:
        with pytest.raises(BlockedAddress, match="allow_private"):
            f.fetch(url)
        with pytest.raises(BlockedAddress):
            f.fetch(url.replace("127.0.0.1", "localhost"))
    assert srv.hits() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/x",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "ftp://example.com/file",
        "file:///etc/passwd",
    ],
)
def test_check_address_refuses_non_public(url: str) -> None:
    with pytest.raises(BlockedAddress):
        check_address(url)


def test_check_address_allows_public_literal_ip() -> None:
    check_address("http://93.184.216.34/")


def test_gzip_content_encoding_is_decoded(srv: FaultServer, fetcher: Fetcher) -> None:
    packed = gzip.compress(HTML_OK.encode())
    url = srv.route("/gz", page(packed, headers={"Content-Encoding": "gzip"}))
    got = fetcher.fetch(url)
    assert "Halo Palembang" in got.text
    assert "gzip" in srv.hits("/gz")[0].headers["Accept-Encoding"]


def test_gzip_bomb_stopped_at_max_bytes(srv: FaultServer) -> None:
    packed = gzip.compress(b"<html>" + b" " * 5_000_000)  # ~5 kB on the wire
    url = srv.route("/bomb", page(packed, headers={"Content-Encoding": "gzip"}))
    with Fetcher(FetchSettings.from_mapping({**FAST, "max_bytes": 1_000_000})) as f:
        with pytest.raises(BodyTooLarge):
            f.fetch(url)


def test_cut_gzip_stream_is_truncated(srv: FaultServer, fetcher: Fetcher) -> None:
    packed = gzip.compress(HTML_OK.encode() * 50)
    url = srv.route("/gzcut", truncated(packed[: len(packed) // 2], len(packed)))
    with pytest.raises(TruncatedBody):
        fetcher.fetch(url)


def test_retry_after_holds_back_the_whole_host(srv: FaultServer) -> None:
    """After a 503 with Retry-After, other URLs on the host wait too."""
    srv.route("/busy", status(503, {"Retry-After": "1"}))
    srv.route("/other", page(HTML_OK))
    settings = {**FAST, "retries": 1, "retry_after_max": 0.3}
    with Fetcher(FetchSettings.from_mapping(settings)) as f:
        with pytest.raises(HTTPStatusError):
            f.fetch(srv.url("/busy"))
        f.fetch(srv.url("/other"))
    first_busy, second_busy = (h.at for h in srv.hits("/busy"))
    assert second_busy - first_busy >= 0.25
    assert srv.hits("/other")[0].at - second_busy >= 0.25


def test_robots_request_rate_sets_delay(srv: FaultServer) -> None:
    srv.route("/robots.txt", page("User-agent: *\nRequest-rate: 1/2s\n", "text/plain"))
    srv.route("/x", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "obey_robots": True})) as f:
        assert f.allowed(srv.url("/x"))  # loads robots.txt
        assert f.host_delay(srv.url("/x")) == 2.0
    with Fetcher(FetchSettings.from_mapping({**FAST, "obey_robots": True, "max_crawl_delay": 0.1})) as f:
        assert f.allowed(srv.url("/x")) and f.host_delay(srv.url("/x")) == 0.1


def test_site_seeds_are_the_robots_sitemaps_news_first(srv: FaultServer) -> None:
    """A crawl can start from the sitemaps robots.txt lists (news sitemaps first), else the site URL."""
    robots = (f"User-agent: *\nAllow: /\nSitemap: {srv.url('/sitemap.xml')}\nSitemap: {srv.url('/sitemap_news.xml')}\n"
              f"Sitemap: {srv.url('/sitemap.xml')}\nSitemap: ftp://example.org/sitemap.xml\n")
    srv.route("/robots.txt", page(robots, "text/plain"))
    with Fetcher(FetchSettings.from_mapping(FAST)) as f:
        assert f.site_seeds(srv.url("/")) == [srv.url("/sitemap_news.xml"), srv.url("/sitemap.xml")]


def test_site_seeds_fall_back_to_the_site_url(srv: FaultServer) -> None:
    with Fetcher(FetchSettings.from_mapping(FAST)) as f:  # no robots.txt at all (404)
        assert f.site_seeds(srv.url("/")) == [srv.url("/")]
