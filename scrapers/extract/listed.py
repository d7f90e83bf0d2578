"""Listed: an article link with the dates a listing gives for it; RSS/Atom feeds and XML sitemaps read as such links."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

import feedparser
from lxml import etree

from scrapers.extract.links import absolute_url


@dataclass(frozen=True)
class Listed:
    """An article link of a listing page, feed or sitemap, with the dates it gives for it (None when not said)."""

    url: str
    published: datetime | None = None
    modified: datetime | None = None


def feed_entries(body: bytes, base: str) -> list[Listed]:
    """The items of an RSS or Atom feed, in feed order (feedparser reads every dialect and broken ones)."""
    parsed = feedparser.parse(body, response_headers={"content-location": base})
    entries = []
    for item in parsed.entries:
        url = absolute_url(item.get("link"), base)
        if url:
            # dict.get: feedparser's own get() answers "updated" with the published date when there is none.
            entries.append(Listed(url, _struct_time(dict.get(item, "published_parsed")),
                                 _struct_time(dict.get(item, "updated_parsed"))))
    return entries


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True,
                          huge_tree=True)


SITEMAP_MAX_URLS = 50_000
"""URLs read of one sitemap, the protocol's own limit. A sitemap of a million URLs within `SITEMAP_MAXSIZE` held
the crawl's thread for minutes (past `CLOSESPIDER_TIMEOUT`) and 1.3 GB; the URLs past the limit are left."""


def sitemap_entries(body: bytes, base: str, limit: int = SITEMAP_MAX_URLS) -> tuple[list[Listed], list[Listed]]:
    """The child sitemaps of a sitemap index with their `<lastmod>` as modified, and the pages of a URL set
    with their dates: Google News `<news:publication_date>` as published, `<lastmod>` as modified; at most
    `limit` of each, in the file's order."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    children = []
    for node in islice(root.iterfind("{*}sitemap"), limit):
        url = absolute_url(node.findtext("{*}loc"), base)
        if url:
            children.append(Listed(url, None, _w3c_date(node.findtext("{*}lastmod"))))
    entries = []
    for node in islice(root.iterfind("{*}url"), limit):
        url = absolute_url(node.findtext("{*}loc"), base)
        if url:
            entries.append(Listed(url, _w3c_date(node.findtext("{*}news/{*}publication_date")),
                                 _w3c_date(node.findtext("{*}lastmod"))))
    return children, entries


def newest_first(listed: list[Listed]) -> list[Listed]:
    """`listed` with the dated ones first, newest first (by publication, else modification), and the undated
    after them in their order: a run that ends before its listings' last article (its bound of time or of
    articles) has read the news."""
    return sorted(listed, key=lambda entry: -_seconds(entry.published or entry.modified))


def _seconds(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("-inf")


def _struct_time(value: time.struct_time | None) -> datetime | None:
    # feedparser gives every date as a UTC struct_time; one past what a datetime holds (a feed's
    # "9999-12-31T23:59:59-12:00" is in the year 10000) is no date, not a lost feed.
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (ValueError, OverflowError, OSError):
        return None


def _w3c_date(text: str | None) -> datetime | None:
    # W3C datetime as sitemaps use it; a bare date has no zone, so it is read as UTC midnight.
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
