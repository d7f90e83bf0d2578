"""Listed: an article link with the dates a listing gives for it; RSS/Atom feeds and XML sitemaps read as such links."""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import feedparser
from lxml import etree

from scrapers.extract import ATTRIBUTE, TAG_NAME
from scrapers.extract.dates import utc_now
from scrapers.extract.links import absolute_url


@dataclass(frozen=True)
class Listed:
    """An article link of a listing page, feed or sitemap, with the dates it gives for it (None when not said)."""

    url: str
    published: datetime | None = None
    modified: datetime | None = None


def feed_entries(body: bytes, base: str) -> list[Listed]:
    """The items of an RSS or Atom feed, in feed order (feedparser reads every dialect and broken ones). It
    neither cleans nor resolves the HTML in their texts: the crawl reads links and dates, and leaves the texts out
    before (`without_texts`, in `parse_feed`, which then cuts the feed to its first items)."""
    parsed = feedparser.parse(body, response_headers={"content-location": base},
                              sanitize_html=False, resolve_relative_uris=False)
    entries = []
    for item in parsed.entries:
        url = absolute_url(item.get("link"), base)
        if url:
            # dict.get: feedparser's own get() answers "updated" with the published date when there is none.
            entries.append(Listed(url, _struct_time(dict.get(item, "published_parsed")),
                                 _struct_time(dict.get(item, "updated_parsed"))))
    return entries


FEED_MAX_ITEMS = 1000
"""Items of a feed read at most (its first: feeds list the newest first). feedparser reads a feed whole, on the
crawl's only thread, at about 1 ms an item once their texts are left out (`without_texts`), and a feed may be as
large as a sitemap (`SITEMAP_MAXSIZE`, 50 MB): three 19 MB feeds held a crawl 47 s on a 15 s bound."""
FEED_READ_MAX = 1 << 20
"""Bytes of a feed read at most once its texts are left out (1,000 items of long titles and many links)."""


FEED_TEXTS = (b"description", b"content:encoded", b"content", b"summary", b"media:description")
"""Elements of a feed item that hold its text, which feedparser reads as HTML, event by event in Python: a
MiB of items whose descriptions hold markup cost 5-9 s."""


def without_texts(body: bytes) -> bytes:
    """`body` with the text elements of its items (`FEED_TEXTS`) emptied, in one pass over the bytes (a text
    that is not closed is left as it is, with what follows it)."""
    lowered = body.lower()
    if not any(b"<" + name in lowered for name in FEED_TEXTS):
        return body
    kept, start = [], 0
    following = {name: lowered.find(b"<" + name) for name in FEED_TEXTS}  # each name's next place, or -1
    while True:
        for name, at in following.items():
            if 0 <= at < start:  # (each looked for again only once passed: one pass in all)
                following[name] = lowered.find(b"<" + name, start)
        found = [(at, name) for name, at in following.items() if at >= 0]
        if not found:
            break
        at, name = min(found, key=lambda place: (place[0], -len(place[1])))  # `content:encoded` before `content`
        after = at + 1 + len(name)
        opened = lowered.find(b">", after)
        if lowered[after:after + 1] not in (b">", b" ", b"\t", b"\n", b"\r", b"/") or opened < 0:
            kept.append(body[start:after])  # another element whose name begins so (`<contents>`)
            start = after
            continue
        if lowered[opened - 1:opened] == b"/":  # <content/>
            kept.append(body[start:opened + 1])
            start = opened + 1
            continue
        closing = lowered.find(b"</" + name, opened)
        if closing < 0:
            break
        kept.append(body[start:opened + 1])
        start = closing
    kept.append(body[start:])
    return b"".join(kept)


MAX_FEED_ATTRIBUTES = 32
"""Attributes of one element of a feed that feedparser is given (an Atom `<link>` has four, an `<enclosure>`
three): it looks each attribute up among all those of its element, in Python, and one item of 60,000
attributes (650 KB) held a crawl 90 s (hostile review)."""
_CROWDED_TAG = re.compile(TAG_NAME.pattern + rb"(?:" + ATTRIBUTE.pattern + rb"){%d,}+" % (MAX_FEED_ATTRIBUTES + 1))


def without_crowded_tags(body: bytes) -> bytes:
    """`body` with each tag of more than `MAX_FEED_ATTRIBUTES` attributes cut to its first ones."""
    def first_attributes(tag: re.Match[bytes]) -> bytes:
        text = tag.group()
        pos = TAG_NAME.match(text).end()  # type: ignore[union-attr]
        for _ in range(MAX_FEED_ATTRIBUTES):
            pos = ATTRIBUTE.match(text, pos).end()  # type: ignore[union-attr]
        return text[:pos]

    return _CROWDED_TAG.sub(first_attributes, body)


def feed_head(body: bytes, max_items: int = FEED_MAX_ITEMS, limit: int = FEED_READ_MAX) -> bytes:
    """The feed `body` up to the end of its `max_items`-th item, and at most `limit` bytes, cut after its last
    whole item within them (feedparser reads a feed whose end is missing); `body` itself when it is shorter."""
    lowered = body[:limit].lower()
    ends: list[int] = []
    for tag in (b"</item>", b"</entry>"):
        at, count = 0, 0
        while count < max_items and (found := lowered.find(tag, at)) >= 0:
            at, count = found + len(tag), count + 1
        if count:
            ends.append(at if count == max_items else -at)  # (negative: the last of fewer than max_items)
    if len(body) <= limit and not any(end > 0 for end in ends):
        return body
    full = [end for end in ends if end > 0]
    if full:
        return body[:min(full)]
    return body[:max(-end for end in ends)] if ends else body[:limit]


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True,
                          huge_tree=True)


SITEMAP_MAX_URLS = 50_000
"""URLs read of one sitemap, the protocol's own limit. A sitemap of a million URLs within `SITEMAP_MAXSIZE` held
the crawl's thread for minutes (past `CLOSESPIDER_TIMEOUT`) and 1.3 GB; the URLs past the limit are left."""


def sitemap_entries(body: bytes, base: str, limit: int = SITEMAP_MAX_URLS) -> tuple[list[Listed], list[Listed]]:
    """The child sitemaps of a sitemap index with their `<lastmod>` as modified, and the pages of a URL set
    with their dates: Google News `<news:publication_date>` as published, `<lastmod>` as modified; at most
    `limit` of each, in the file's order. The XML is read as a stream, no further than the limit: a sitemap of
    900,000 URLs was a tree of millions of elements (665 MB) before the first was read. Entries without a usable
    `<loc>` count too: at most `2 * limit` entries are looked at (a 45 MB sitemap of empty `<url/>`s held the
    crawl 17 s and 695 MB), and each is let go once read."""
    parser = etree.XMLPullParser(events=("end",), tag=("{*}sitemap", "{*}url"), resolve_entities=False,
                                 no_network=True, recover=True, remove_comments=True, huge_tree=True)
    children: list[Listed] = []
    entries: list[Listed] = []
    seen = 0
    try:
        for start in range(0, len(body), _CHUNK):
            parser.feed(body[start:start + _CHUNK])
            for _, node in parser.read_events():
                if not isinstance(node, etree._Element):  # ("end" events give elements; typed for all kinds)
                    continue
                parent = node.getparent()
                if parent is None or parent.getparent() is not None:
                    continue  # (not an entry of the sitemap itself: an element of that name inside one)
                is_child = str(node.tag).endswith("sitemap")
                listed = children if is_child else entries
                if len(listed) < limit and (url := absolute_url(node.findtext("{*}loc"), base)):
                    listed.append(Listed(url, None if is_child else _w3c_date(
                        node.findtext("{*}news/{*}publication_date")), _w3c_date(node.findtext("{*}lastmod"))))
                seen += 1
                node.clear()  # its images and news elements let go, and the entries read before it
                while node.getprevious() is not None:
                    del parent[0]
            if len(children) >= limit or len(entries) >= limit or seen >= 2 * limit:
                break
        else:
            parser.close()
    except etree.XMLSyntaxError:
        pass  # what was read before the markup broke
    return children, entries


_CHUNK = 1 << 16
"""Bytes of a sitemap given to the XML parser at a time."""


def root_name(body: bytes) -> str:
    """The local name of the first element of the XML `body` (`urlset`, `rss`, `feed`, `RDF`; `html` for a
    page); "" when its first bytes hold none."""
    found = _FIRST_ELEMENT.search(body, 0, 4096)
    return found.group(1).decode("ascii", "replace").rsplit(":", 1)[-1] if found else ""


_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w:.-]*)")
"""A start tag's name (the XML declaration, comments and a doctype start otherwise: `<?`, `<!`)."""
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
"""First elements of an RSS (RDF for 1.0) or Atom feed, which the sitemap protocol accepts as a sitemap."""


def text_sitemap_entries(body: bytes, base: str, limit: int = SITEMAP_MAX_URLS) -> list[Listed]:
    """The pages of a sitemap in the protocol's text format (one URL a line, UTF-8), at most `limit`; none when
    the lines are not almost all URLs (a page, a message: nine in ten of the lines with text must be)."""
    if body.lstrip()[:1] == b"<":
        return []
    lines = [line.strip() for line in body[:limit * 2048].decode("utf-8-sig", "replace").splitlines()]
    lines = [line for line in lines if line][:2 * limit]
    urls = [line for line in lines if line[:8].lower().startswith(("http://", "https://"))]
    if not urls or len(urls) * 10 < len(lines) * 9:
        return []
    return [Listed(url) for url in (absolute_url(line, base) for line in urls[:limit]) if url]


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
        return _not_ahead(datetime.fromtimestamp(calendar.timegm(value), UTC)) if value else None
    except (ValueError, OverflowError, OSError):
        return None


def _w3c_date(text: str | None) -> datetime | None:
    # W3C datetime as sitemaps use it; a bare date has no zone, so it is read as UTC midnight.
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _not_ahead(moment)


LISTED_AHEAD = timedelta(days=1)
"""How far after now a feed's or sitemap's date may lie (time zones, an embargo); later is a placeholder
(`9999-12-31`), which sorted its entry ahead of every real one (`newest_first`) and, as a modification time,
made its article due at every run."""


def _not_ahead(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment <= utc_now() + LISTED_AHEAD else None
