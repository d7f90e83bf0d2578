"""URLs: absolute, canonical, and which site they belong to."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import tldextract
from w3lib.url import canonicalize_url

# The public suffix list bundled with tldextract: nothing is fetched at run time.
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def absolute_url(href: str | None, base: str) -> str | None:
    """`href` resolved against `base`, fragment dropped and canonicalized; None for empty, `javascript:`,
    `mailto:` and other non-web links, and for malformed ones (`http://[::1`, a bad port)."""
    if not href or not href.strip():
        return None
    try:
        return _canonical(urljoin(base, href.strip()))
    except ValueError:  # "Invalid IPv6 URL", "Port out of range": one bad link, not a failed page
        return None


@lru_cache(maxsize=16384)
def _canonical(url: str) -> str | None:
    # Cached: the same links recur on every page of a site, and the pipelines resolve each link the page reader
    # resolved already (w3lib's canonicalize_url is ~40 µs; CanonicalizeUrls took 0.6 ms a record, fundus-dev).
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return canonicalize_url(url, keep_fragments=False)


@lru_cache(maxsize=4096)
def registrable_domain(url: str) -> str:
    """The site a URL belongs to: `https://tacnghiep.thoidai.com.vn/x` gives `thoidai.com.vn`."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    parts = _SUFFIXES(host)
    return parts.top_domain_under_public_suffix or host
