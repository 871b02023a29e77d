"""URL canonicalisation: one key per article however it was linked.

Drops tracking parameters (``utm_*``, ``fbclid`` ...) and fragments, lower-cases scheme and
host, removes default ports, and maps mobile/AMP mirrors (``m.detik.com``,
``/amp/`` paths, ``?amp=1``, ``amp.kompas.com``) back to the desktop article.
Pager parameters (``page=2``) are dropped too, since every page of an article is one article;
``page=all`` and ``single=1`` are fetch-time switches, not part of the key.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ref", "ref_src", "cmpid", "spm",
        "amp", "amp_js_v", "amp_gsa", "usqp", "outputtype", "tag_from",
        "page", "single", "_ref",
    }
)
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "at_")
_MOBILE_HOST = re.compile(r"^(?:m|mobile|amp)\.(?=[^.]+\.[^.]+)")
_AMP_PATH = re.compile(r"(?:^|/)amp(?=/|$)")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that never change which article a URL points at."""
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """Return the canonical form of ``url`` (idempotent).

    Args:
        url: an absolute http(s) URL.

    Returns:
        The URL with tracking parameters, fragment, default port, pager switches and
        mobile/AMP mirror markers removed, host lower-cased, query sorted.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    if _MOBILE_HOST.match(host):
        host = _MOBILE_HOST.sub("", host)
        if host.count(".") == 1:  # m.tribunnews.com -> www.tribunnews.com
            host = "www." + host
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if "/amp" in path:
        path = _AMP_PATH.sub("", path) or "/"
        if not path.startswith("/"):
            path = "/" + path
    path = re.sub(r"/{2,}", "/", path)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def same_site(url: str, host: str) -> bool:
    """True when ``url``'s host is ``host`` or one of its mirrors/subdomains' parent matches."""
    h = _MOBILE_HOST.sub("", (urlsplit(url).hostname or "").lower())
    host = _MOBILE_HOST.sub("", host.lower())
    return h == host or h.endswith("." + host)


def declared_url(html: str | bytes) -> str | None:
    """The URL a saved page says it has: its ``<link rel="canonical">``, else its ``og:url``.

    Lets a page saved without its address pick its site adapter by host.

    Args:
        html: the page markup.

    Returns:
        An absolute http(s) URL, or None when the page declares none.
    """
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):  # empty or unparsable markup
        return None
    candidates = [
        *root.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"),
        *root.xpath("//meta[@property='og:url' or @name='og:url']/@content"),
    ]
    for url in candidates:
        url = str(url).strip()
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            return url
    return None
