"""URLs: absolute, canonical, and which site they belong to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
"""The public suffix list bundled with tldextract: nothing is fetched at run time. With its private domains
(`github.io`), as Scrapy's cookie middleware asks it (`scrapers.middlewares`); the site of a URL is read
without them."""


def within_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` (lower case) is one of `domains` or a sub-domain of one (`www.example.com` of `example.com`,
    not `badexample.com`)."""
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def absolute_url(href: str | None, base: str) -> str | None:
    """`href` resolved against `base`, fragment dropped and canonicalized; None for empty, `javascript:`,
    `mailto:` and other non-web links, and for malformed ones (`http://[::1`, a bad port)."""
    if not href or not href.strip():
        return None
    href = href.strip()
    if "\\" in href:  # a browser reads a backslash before the query as a slash ("\\\\cdn.example.com\\a.jpg")
        path, mark, query = href.partition("?")
        href = path.replace("\\", "/") + mark + query
    try:
        url = urljoin(base, href)
        if (scheme := _HOSTLESS.match(url)) is not None:  # "http:www.example.com/a.jpg" on an https page:
            url = f"{scheme.group(1)}://{url[scheme.end():]}"  # its host, as a browser reads it
        return _canonical(url)
    except ValueError:  # "Invalid IPv6 URL", "Port out of range": one bad link, not a failed page
        return None


_HOSTLESS = re.compile(r"(https?):/*(?=[^/])", re.IGNORECASE)
"""A web URL whose host part lost its two slashes, up to where its host begins (one `urljoin` left as it was:
a scheme other than the page's)."""


@lru_cache(maxsize=16384)
def _canonical(url: str) -> str | None:
    # Cached: the same links recur on every page of a site, and the pipelines resolve each link the page reader
    # resolved already (w3lib's canonicalize_url is ~40 µs; CanonicalizeUrls took 0.6 ms a record, fundus-dev).
    if _PLAIN_URL.match(url) and "/." not in url:
        return url  # what canonicalize_url gives back unchanged: 60 us less for each of a sitemap's 50,000 URLs
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:  # ("http:///p.jpg", "https://:80/p.jpg")
        return None
    if "@" in parts.netloc:
        url = without_userinfo(url)
    canonical = canonicalize_url(url, keep_fragments=False)
    # w3lib escapes a space in the path, not in the host ("https://cdn.example.com /i.jpg"): no URL a browser
    # would follow, and a record holding one failed the schema as a whole.
    return None if _SPACE.search(canonical) else canonical


def without_userinfo(url: str) -> str:
    """`url` without a user name and password before its host (`http://user:pass@host/a` is `http://host/a`):
    Scrapy's HTTP client refuses such an address with a traceback (hostile review), and an article's address is
    no place for a password."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl() if "@" in parts.netloc else url


_SPACE = re.compile(r"\s")
_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+"
                        r"(?::(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d\d|655[0-2]\d|6553[0-5]))?"
                        r"/[A-Za-z0-9/._~-]*\Z")
"""A URL that canonicalize_url leaves as it is, once it has no dot segment (`/./`, `/../`): lower-case host, a
port in range, a path of unreserved characters, no query, no fragment (24,226 of the 30,735 links of the 309
test pages)."""


@lru_cache(maxsize=4096)
def registrable_domain(url: str) -> str:
    """The site a URL belongs to: `https://tacnghiep.thoidai.com.vn/x` gives `thoidai.com.vn`."""
    if plain := _PLAIN_HOST.match(url):
        return _domain_of_host(plain.group(1))
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return _domain_of_host(host)


_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?::\d*)?(?:[/?#]|\Z)")
"""A URL's host where it is plain (lower case, no user, no IPv6 brackets): what `urlsplit(url).hostname` gives."""


@lru_cache(maxsize=4096)
def _domain_of_host(host: str) -> str:
    """`registrable_domain` of a host: kept by host, since a listing's 90,000 links are as many URLs (each its own
    entry of the URL's cache) on one host, and the suffix list was asked 180,000 times (10 s)."""
    parts = SUFFIXES(host, include_psl_private_domains=False)
    return parts.top_domain_under_public_suffix or host


TRACKING_PARAMETERS = frozenset({
    # Campaign and click identifiers of analytics and ad networks.
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "ttclid", "li_fat_id", "epik", "srsltid",  # (TikTok, LinkedIn, Pinterest, Google's search result id)
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_enc_id", "oly_anon_id", "vero_id", "wt_mc", "wt_zmc",
    # Internal campaign ids a site adds to its own links (which box or page the click came from).
    "intcid", "intcmp", "s_cid", "ncid", "ocid",  # (not "icid", "cmpid": a course, a competition on some sites)
    # Session ids that servers without cookies write into every link.
    "jsessionid", "phpsessid", "aspsessionid", "cfid", "cftoken", "sessionid", "session_id",
})
"""Query parameters that name the visitor, the visit or the campaign, never the page (`utm_*` too)."""
_SESSION_IN_PATH = re.compile(r";(?:jsessionid|phpsessid)=[^/?#]*", re.IGNORECASE)


def without_tracking(url: str) -> str:
    """`url` without the query parameters of `TRACKING_PARAMETERS` and `utm_*`, and without a session id in
    its path (`/a.html;jsessionid=0A1B`): the address of the page, the same for every visitor and visit. The
    other parameters stay as they are, in their order."""
    parts = urlsplit(url)
    path = _SESSION_IN_PATH.sub("", parts.path)
    pairs = parts.query.split("&") if parts.query else []
    kept = [pair for pair in pairs if not _is_tracking(*pair.partition("=")[::2])]
    if path == parts.path and len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(path=path, query="&".join(kept)))


def _is_tracking(name: str, value: str = "") -> bool:
    name = name.lower()
    if name == "_":  # jQuery's cache buster: the time of the request in milliseconds
        return value.isdigit() and len(value) >= 10
    if name == "sid":  # a session id, when it is a token: a story id (`?sid=1234`, `?sid=06/01/02/123`) stays
        return _SESSION_TOKEN.fullmatch(value) is not None
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


_SESSION_TOKEN = re.compile(r"(?=[0-9a-zA-Z]*[a-zA-Z])(?=[0-9a-zA-Z]*\d)[0-9a-zA-Z]{26,128}")
"""A token of 26 characters or more, letters and digits mixed, as session ids are written (PHP's are 26, 32 or 40
long); a shorter one may be a story's id (a 24-digit MongoDB ObjectId, an 8-digit hexadecimal id)."""
