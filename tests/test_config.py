"""sources.toml loading: the shipped file, defaults and overrides, errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, DEFAULTS, ConfigError, load_config, parse_config

GOOD = """\
[defaults]
max_pages = 50
keywords = ["smart city"]

[fetch]
read_timeout = 5

[[source]]
name = "lokal"
outlet = "warta.example"
feeds = ["http://warta.example/rss"]

[[source]]
name = "lokal-2"
outlet = "two.example"
sitemaps = ["http://two.example/sitemap.xml"]
allowed_hosts = ["cdn.two.example"]
keywords = []
delay = 0
enabled = false
"""


def test_shipped_config_covers_the_regional_outlets() -> None:
    config = load_config()
    names = {s.name for s in config.sources}
    assert {"tribunsumsel", "antara-sumsel", "detik", "kompas", "sumeks"} <= names
    tribun = next(s for s in config.sources if s.name == "tribunsumsel")
    assert tribun.feeds == ("https://sumsel.tribunnews.com/rss",)
    assert "smart city" in tribun.settings.keywords
    assert config.path == str(DEFAULT_CONFIG)


def test_defaults_table_and_source_overrides() -> None:
    config = parse_config(GOOD, "s.toml")
    one, two = config.sources
    assert one.settings.max_pages == 50 and one.settings.keywords == ("smart city",)
    assert one.settings.delay == DEFAULTS.delay and one.settings.max_attempts == DEFAULTS.max_attempts
    assert two.settings.keywords == () and two.settings.delay == 0.0
    assert two.hosts == {"two.example", "cdn.two.example"}
    assert dict(config.fetch) == {"read_timeout": 5}
    assert [s.name for s in config.select(None)] == ["lokal"]  # lokal-2 is disabled
    assert [s.name for s in config.select(["lokal-2"])] == ["lokal-2"]


def test_keyword_filter_matches_title_or_text_case_insensitively() -> None:
    source = parse_config(GOOD, "s.toml").sources[0]
    assert source.wants("Palembang Menuju SMART CITY", "")
    assert source.wants("Judul", "... program Smart City tahap 2 ...")
    assert not source.wants("Festival kuliner", "harga cabai naik")


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        (GOOD.replace("max_pages = 50", "max_pages = 0"), 2, "max_pages", "whole number >= 1"),
        (GOOD.replace('name = "lokal-2"', 'name = "lokal-2"\nretry_backoff_minutes = "x"'), 15,
         "retry_backoff_minutes", "number >= 0"),
        (GOOD.replace('feeds = ["http://warta.example/rss"]', 'feeds = "http://warta.example/rss"'),
         11, "feeds", "list of non-empty strings"),
        (GOOD.replace('outlet = "two.example"', 'outlet = "two.example"\nfeed = []'), 16, "feed", "unknown key"),
        (GOOD.replace('outlet = "warta.example"\n', ""), 8, "outlet", "missing the required key"),
        (GOOD.replace('name = "lokal-2"', 'name = "lokal"'), 14, "name", "used twice"),
        (GOOD.replace("[defaults]", "[defaults]\nmax_page = 3"), 2, "max_page", "unknown key"),
        (GOOD + "\n[extra]\nx = 1\n", 22, "extra", "unknown top-level key"),
        (GOOD.replace('"http://two.example/sitemap.xml"', '"two.example/sitemap.xml"'), 16, "sitemaps",
         "not an absolute http(s) URL"),
    ],
)
def test_errors_name_file_line_and_key(text: str, line: int, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "conf/sources.toml")
    err = info.value
    assert (err.path, err.line, err.key) == ("conf/sources.toml", line, key)
    assert str(err).startswith(f"conf/sources.toml:{line}: ")
    assert fragment in str(err)
    assert isinstance(err, ValueError)


def test_toml_syntax_error_gives_the_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(GOOD.replace('outlet = "warta.example"', 'outlet = "warta.example'), "s.toml")
    assert info.value.line == 10
    assert "not valid TOML" in str(info.value)


def test_source_without_discovery_urls_and_empty_file() -> None:
    with pytest.raises(ConfigError, match="nothing to discover"):
        parse_config('[[source]]\nname = "a"\noutlet = "a.example"\n', "s.toml")
    with pytest.raises(ConfigError, match="no sources"):
        parse_config("", "s.toml")


def test_unknown_source_name_lists_the_known_ones() -> None:
    config = parse_config(GOOD, "s.toml")
    with pytest.raises(ConfigError, match="the file defines: lokal, lokal-2"):
        config.select(["nope"])


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")
