"""What every spider of the project shares: the one path from a listed link to a record (`follow_articles`,
`parse_article`, `article_record`), feeds and sitemaps, its clock, a page's fetch time and tree, stats
counting, and the `sources` and `full` arguments (see each spider's docstring for what its sources are)."""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import chain
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from parsel import Selector
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip, gzip_magic_number

from pipelines import Rejected
from pipelines.timestamps import EARLIEST
from scrapers.extract import read_page
from scrapers.extract.dates import http_date, utc_now
from scrapers.extract.links import absolute_url, without_tracking
from scrapers.extract.listed import (
    FEED_MAX_ITEMS,
    FEED_READ_MAX,
    FEED_ROOTS,
    SITEMAP_MAX_URLS,
    Listed,
    feed_entries,
    feed_head,
    newest_first,
    root_name,
    sitemap_entries,
    text_sitemap_entries,
    without_crowded_tags,
    without_texts,
)
from scrapers.harvest import ARTICLE, NO_RECORD, SITEMAP_DEPTH
from scrapers.items import Article
from scrapers.pages import ArticlePage
from scrapers.readerprocess import Reading, read_article_page
from scrapers.replay import REPLAYED
from scrapers.shutdown import stop_downloads
from scrapers.sites import profile_for_url

SITEMAP_MAX_DEPTH = 2
"""Deepest sitemap followed: an index may list indexes once more (the protocol allows none; some sites nest
once), which list URL sets. A site whose indexes list new indexes forever (`index?n=N` naming `index?n=N+1`)
had the crawl fetch 16,500 of them in a minute, to the end of the run; deeper ones are counted, not fetched."""

SITEMAP_PRIORITY = -10
"""A sitemap waits behind the articles already found, as if it were ten links deeper (`DEPTH_PRIORITY` ranks the
rest by depth). Ranked by depth alone, each child sitemap of an index came before the articles of the children
read before it: an index of 3,000 daily sitemaps had all of them fetched first, every run, and a run bounded in
time read none of their articles. Now the newest child's articles are fetched before the next child."""

EXTRACTION_ERROR = "extraction error"
"""Reason prefix of the reject of a page whose reading raised: `extraction error: ValueError: ...`."""


BEHIND = timedelta(days=7)
"""How long before the crawl's clock a live page's HTTP `Date` may lie: a cache serves a page with the `Date`
of when its origin made it, hours or days ago; a week earlier, the server's clock is wrong."""


def stamped(entries: list[Listed]) -> bool:
    """Whether the `<lastmod>` of a sitemap's URLs is the time the sitemap was made, not each page's: at least
    `STAMPED_MIN` URLs, each with one, all within `STAMPED_SPREAD` of each other. A sitemap built on each request
    stamps every URL with the moment: read as modifications, they made every article the state knows due in every
    run (408 known articles fetched again an hour, the new ones not reached within the run's bound; hostile review)."""
    if len(entries) < STAMPED_MIN:
        return False
    known = [entry.modified for entry in entries if entry.modified is not None]
    if len(known) < len(entries):
        return False
    if all(not (moment.hour or moment.minute or moment.second) for moment in known):
        return False  # days alone (a daily sitemap's "2024-05-03"): a day is no moment it was made at
    return max(known) - min(known) <= STAMPED_SPREAD


STAMPED_MIN = 20
"""URLs a sitemap must list for its `<lastmod>`s to be judged stamped (`stamped`): a few articles edited in the
same minute are no sign."""
STAMPED_SPREAD = timedelta(minutes=2)
"""How close together a sitemap's `<lastmod>`s are when it stamps them (seconds apart, as it writes them out)."""


class HarvestSpider(Spider):
    """A crawl of one site: subclasses say where to start and which listed links are articles
    (`is_article_url`); every article page goes through `parse_article`."""

    SOURCES: ClassVar[tuple[str, ...]] = ()
    """Where the spider may look for articles; `-a sources=...` picks some, all by default."""

    def __init__(
        self,
        sources: str | None = None,
        full: str | bool = False,
        clock: Callable[[], datetime] = utc_now,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = [source.strip() for source in (sources or ",".join(self.SOURCES)).split(",") if source.strip()]
        if unknown := set(self.sources) - set(self.SOURCES):
            raise ValueError(f"unknown sources {sorted(unknown)}: choose from {', '.join(self.SOURCES)}")
        self.full = str(full).lower() in ("1", "true", "yes")
        """`-a full=1`: with STATE_URI, fetch and write every article again (see scrapers/harvest.py)."""
        self.clock = clock
        self.set_aside: deque[tuple[str, int]] = deque()
        """Sitemaps an index set aside for when there is room, with their depth (`within_sitemap_bound`)."""
        self.listings: set[str] = set()
        """The listing pages this crawl read (section fronts, their next pages, the home page), as asked for
        and as answered."""
        self.listed: dict[str, set[str]] = {}
        """For each pagination (by the URL of its first page), the article URLs its pages showed so far
        (without tracking parameters)."""
        self.readings: WeakKeyDictionary[Response, Reading | BaseException] = WeakKeyDictionary()
        """The article pages a reader process read before `parse_article` got them (`scrapers.readers`)."""
        self.stopping = False
        """Whether the run is shutting down (`stop_listing`)."""
        self.arguments: dict[str, str] = {}
        """The `-a` arguments as given (set by `from_crawler`): the workers of a distributed run must share them
        (`scrapers.distributed.run_arguments`)."""

    def fetch_time(self, response: Response) -> datetime:
        """When the server produced the page: its HTTP `Date` header, else the spider's clock. Relative dates
        on the page ("2 giờ trước") count back from this moment, and it is the record's `scraped_at`. A `Date`
        no page can have been made at (before `EARLIEST`, the Unix epoch of a server without a clock; later
        than the clock: `Date` is in GMT, so no timezone explains it, and a server 20 hours ahead gave records
        fetched in the future, hostile review; `9999-12-31` overflowed the reading of the page's dates) is the
        server's error: the clock's time is taken. So is one more than `BEHIND` before the clock,
        but for a saved page (`REPLAYED`, served as of the day it was saved): a server whose clock stood in 2019
        dated the fetch then, and the page's 2024 publication time, after it, was nulled as in the future."""
        now = self.clock()
        stated = http_date(header(response, b"Date"))
        earliest = EARLIEST if REPLAYED in response.flags else max(EARLIEST, now - BEHIND)
        return stated if stated is not None and earliest <= stated <= now else now

    def page(self, response: Response) -> Selector:
        """The page's tree as `extract_article` reads the same bytes (`scrapers.extract.read_page`): one
        decoding and parsing path for the crawl and for scoring."""
        return read_page(response.body, header(response, b"Content-Type"))

    def sitemap_body(self, response: Response) -> bytes:
        """The sitemap's XML. A gzipped sitemap (`sitemap.xml.gz`, served as a gzip file rather than with a
        Content-Encoding) is unpacked with Scrapy's own `gunzip`, as its SitemapSpider does, within
        `DOWNLOAD_MAXSIZE`; past it the sitemap is counted under `sitemaps/too_large` and read as empty."""
        if not gzip_magic_number(response):
            return response.body
        max_size = int(response.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE")))
        try:
            return gunzip(response.body, max_size=max_size)
        except ValueError:  # larger than max_size unpacked
            self.count("sitemaps/too_large")
            return b""
        except (OSError, EOFError, zlib.error) as error:  # corrupt or cut short: read as empty, as a bad XML is
            self.logger.warning("Not read %s: its gzip does not unpack (%s)", response.url, error)
            self.count("listing/gzip_broken")
            return b""

    def fetch_failed(self, failure: Any) -> Any:
        """Errback of every request (set by scrapers.middlewares.CountFetchOutcomes, a spider method so that a
        distributed frontier can store the request): the failure counted by its cause, then passed on."""
        from scrapers.middlewares import CountFetchOutcomes

        counter = self.crawler.get_spider_middleware(CountFetchOutcomes)
        if counter is None:
            return failure  # passed on as it came
        return counter.failed(failure)

    def count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)

    def note_listing(self, response: Response) -> None:
        """Remember `response` as a listing page: an article naming it as its canonical URL is not that page."""
        self.listings.update([response.url, *meta_of(response).get("redirect_urls", [])])

    def next_listing(self, response: Response, urls: Iterable[str]) -> dict[str, Any] | None:
        """The meta of the request of the next page of the listing page `response` (which has a next page and
        shows the article `urls`); None when it shows none that the pages before it in its pagination did not. That ends
        a pagination that loops (page 3 back to page 1) or never ends (`?page=N` forever, the last page again
        past the end, a calendar's next day), whatever `max_pages` allows. The home page or another section
        showing the same articles does not count: a section's second page may hold only what the home page
        shows, and its third page older ones."""
        meta = meta_of(response)
        number, chain = int(meta.get("page", 1)), str(meta.get("pagination", response.url))
        seen = self.listed.setdefault(chain, set())
        new = {without_tracking(url) for url in urls} - seen
        seen.update(new)
        if number > 1 and not new:
            self.logger.info("Listing %s shows no article its earlier pages did not: its pagination ends",
                             response.url)
            self.count("listing/pagination_ended")
            return None
        return {"page": number + 1, "pagination": chain}

    def is_listing(self, url: str) -> bool:
        """Whether `url` is a listing page of this crawl or a home page (`https://example.com/`; with a query,
        `/?newsid=4711`, the root path serves articles on some sites)."""
        parts = urlsplit(url)
        return url in self.listings or (parts.path in ("", "/") and not parts.query)

    def article_page(self, url: str) -> type[ArticlePage]:
        """The page class that reads the article at `url`: its site's profile's (the generic one for a site
        without a profile)."""
        return profile_for_url(url).article_page

    def is_article_url(self, url: str) -> bool:
        """Whether a link of a feed or sitemap is worth fetching as an article."""
        return True

    def is_too_old(self, entry: Listed) -> bool:
        """Whether a listed article is older than the crawl wants (`since`); by default none is."""
        return False

    def parse_feed(self, response: Response) -> Iterator[Request]:
        yield from self.feed_articles(self.sitemap_body(response), response)  # a gzipped feed unpacked too

    def feed_articles(self, body: bytes, response: Response) -> Iterator[Request]:
        body = without_texts(body)
        head = feed_head(body)
        if len(head) < len(body):
            self.logger.warning("Read the first %d items of the feed %s (or its first %d KiB): its newest",
                                FEED_MAX_ITEMS, response.url, FEED_READ_MAX >> 10)
            self.count("feeds/cut")
        entries = feed_entries(without_crowded_tags(head), response.url)
        yield from self.follow_articles(self.unstamped(entries, response.url, "feeds/updated_stamped"))

    def feed_request(self, url: str) -> Request:
        """The request of the RSS or Atom feed at `url`, held to `SITEMAP_MAXSIZE` as a sitemap is: a feed of
        50,000 items (20 MB) is no page, and past `DOWNLOAD_MAXSIZE` it was given up with a warning."""
        return Request(url, callback=self.parse_feed, meta={"download_maxsize": self.listing_maxsize()})

    def listing_maxsize(self) -> int:
        return max(self.crawler.settings.getint("SITEMAP_MAXSIZE"), self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def sitemap_request(self, url: str, depth: int = 0) -> Request:
        """The request of the sitemap at `url`, `depth` sitemap indexes below robots.txt or the profile. A
        sitemap may be larger than a page: the protocol allows 50,000 URLs and 50 MB unpacked, which the
        download and its unpacking may reach (`SITEMAP_MAXSIZE`, against `DOWNLOAD_MAXSIZE` for the rest)."""
        meta = {SITEMAP_DEPTH: depth, "download_maxsize": self.listing_maxsize()}
        return Request(url, callback=self.parse_sitemap, meta=meta, priority=SITEMAP_PRIORITY)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = self.sitemap_body(response)
        children, entries = sitemap_entries(body, response.url, SITEMAP_MAX_URLS + 1)
        if not children and not entries and (root := root_name(body)) not in ("urlset", "sitemapindex"):
            # The protocol's other formats: an RSS or Atom feed, a text file of URLs; they were read as empty.
            if root in FEED_ROOTS:
                yield from self.feed_articles(body, response)
                return
            if not (entries := text_sitemap_entries(body, response.url, SITEMAP_MAX_URLS + 1)):
                self.logger.warning("Read no URL of the sitemap %s: it is no sitemap, feed or list of URLs",
                                    response.url)
                self.count("sitemaps/unreadable")
        if len(children) > SITEMAP_MAX_URLS or len(entries) > SITEMAP_MAX_URLS:
            self.logger.warning("Read the first %d URLs of %s, the sitemap protocol's limit: it lists more",
                                SITEMAP_MAX_URLS, response.url)
            self.count("sitemaps/over_url_limit")
            children, entries = children[:SITEMAP_MAX_URLS], entries[:SITEMAP_MAX_URLS]
        entries = self.unstamped(entries, response.url, "sitemaps/lastmod_stamped")
        children, entries = newest_first(children), newest_first(entries)
        depth = int(meta_of(response).get(SITEMAP_DEPTH, 0)) + 1
        if children and depth > SITEMAP_MAX_DEPTH:
            self.logger.warning("Not following %d sitemaps of %s: nested deeper than %d sitemap indexes",
                                len(children), response.url, SITEMAP_MAX_DEPTH)
            self.count("sitemaps/too_deep", len(children))
            children = []
        for child in self.within_sitemap_bound(children, depth):
            yield self.sitemap_request(child.url, depth)
        if not children and (deferred := self.deferred_sitemap()):
            yield deferred  # a sitemap of articles read: room for one set aside by an index
        yield from self.follow_articles(self.sitemap_articles(entries))

    def unstamped(self, entries: list[Listed], url: str, stat: str) -> list[Listed]:
        """The entries of the sitemap or feed at `url` without their modification times when those are the time
        the list was made (`stamped`: a feed's `<updated>` too), counted under `stat`."""
        if not stamped(entries):
            return entries
        self.logger.info("Not reading the modification times of %s: its %d URLs all have one within %s (the time"
                         " the list was made, not of each page)", url, len(entries), STAMPED_SPREAD)
        self.count(stat)
        return [replace(entry, modified=None) for entry in entries]

    def within_sitemap_bound(self, children: list[Listed], depth: int) -> list[Listed]:
        """The first of `children` (newest first) while this crawl has followed fewer than `SITEMAP_MAX_FILES`
        sitemaps of indexes; the others counted under `sitemaps/over_run_bound`, said once in the log. Children
        that may be indexes themselves (above `SITEMAP_MAX_DEPTH`) take half the room left at once: an index of
        1,000 indexes took it all, and no sitemap of articles was read. The next half are set aside, each
        requested once a sitemap of articles has been read and while there is room (an index of 1,400 sitemaps of
        articles gets its 1,000)."""
        bound = self.crawler.settings.getint("SITEMAP_MAX_FILES")
        if bound <= 0:
            return children
        room = max(bound - self.sitemaps_followed(), 0)
        now = room if depth >= SITEMAP_MAX_DEPTH else (room + 1) // 2
        later = children[now:room][:max(bound - len(self.set_aside), 0)]
        self.set_aside.extend((child.url, depth) for child in later)
        if later:
            self.count("sitemaps/set_aside", len(later))
        if len(children) > now + len(later):
            if self.crawler.stats is None or not self.crawler.stats.get_value("sitemaps/over_run_bound"):
                self.logger.warning("This run follows no more sitemaps: %d is SITEMAP_MAX_FILES (the others are"
                                    " counted under sitemaps/over_run_bound)", bound)
            self.count("sitemaps/over_run_bound", len(children) - now - len(later))
        if taken := children[:now]:
            self.count("sitemaps/followed", len(taken))
        return taken

    def sitemaps_followed(self) -> int:
        return int(self.crawler.stats.get_value("sitemaps/followed", 0)) if self.crawler.stats else 0

    def deferred_sitemap(self) -> Request | None:
        """The request of the first sitemap an index set aside (`within_sitemap_bound`, counted under
        `sitemaps/set_aside`), while there is room; None otherwise."""
        if not self.set_aside or self.sitemaps_followed() >= self.crawler.settings.getint("SITEMAP_MAX_FILES"):
            return None
        url, depth = self.set_aside.popleft()
        self.count("sitemaps/followed")
        return self.sitemap_request(url, depth)

    def sitemap_articles(self, entries: list[Listed]) -> list[Listed]:
        """The entries of a sitemap worth following as articles (all, by default)."""
        return entries

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.arguments = {name: str(value) for name, value in kwargs.items()}
        crawler.signals.connect(spider.stop_listing, signal=stop_downloads)
        return spider

    def stop_listing(self) -> None:
        """The run is shutting down (a signal, its time bound): no more article requests of the listings."""
        self.stopping = True

    def follow_articles(self, listed: Iterable[Listed]) -> Iterator[Request]:
        """Requests for the article links among `listed` (other links of a feed or sitemap are left); none once
        the run is shutting down: a sitemap's 50,000 entries went on becoming requests (and being dropped) for 22 s
        past the run's bound after SIGTERM (hostile review)."""
        entries = iter(listed)
        for entry in entries:
            if self.stopping:  # the rest counted as found (the listing showed them), not asked for
                left = sum(1 for each in chain([entry], entries) if self.is_article_url(each.url))
                self.count("listing/articles_found", left)
                self.count("listing/left_at_shutdown", left)
                return
            if not self.is_article_url(entry.url):
                continue
            self.count("listing/articles_found")
            if self.is_too_old(entry):
                self.count("articles/skipped/older_than_since")
                continue
            yield Request(entry.url, callback=self.parse_article, meta={ARTICLE: entry.modified})

    def parse_article(self, response: Response) -> Iterator[Article]:
        if not isinstance(response, TextResponse):  # a PDF or image at an article URL
            # Counted as a page with no content, and with a state tried again after RETRY_AFTER: a CDN's hiccup or
            # a bot wall's image were remembered as no article for good, and a run of them all passed the checks.
            self.count("articles/skipped/non_text_response")
            self.count("articles/no_content")
            no_record(response, "missing")
            return
        yield from self.article_record(response, lambda: self.read_article(response))

    def read_article(self, response: TextResponse) -> Article | None:
        """The record of an article page; None for a page that is not an article (counted by its kind). A
        reader process may have read it already (`scrapers.readers`): its reading is taken, or its error
        raised."""
        reading = self.readings.pop(response, None)
        if reading is None:
            reading = read_article_page(*self.reading_arguments(response))
        elif isinstance(reading, BaseException):
            raise reading
        return self.taken(response, *reading)

    def reading_arguments(self, response: TextResponse) -> tuple[type[ArticlePage], bytes, str | None, str, datetime]:
        """What `read_article_page` reads the article page `response` with, here or in a reader process."""
        return (self.article_page(response.url), response.body, header(response, b"Content-Type"), response.url,
                self.fetch_time(response))

    def taken(self, response: TextResponse, item: Article | None, reason: str | None) -> Article | None:
        """The record `item` of the article page `response`, or, when the page is no article, None after
        counting it by its kind `reason`."""
        if reason:
            self.count(f"articles/skipped/{reason}")
            if reason == "other":
                # At an article URL, neither a story nor a listing: a bot wall or an error page served with 200
                # (its few sentences may read as a body, and the URL may hold a date, so neither is asked).
                # With a state, the URL is tried again later, not remembered as no article.
                self.count("articles/no_content")
                no_record(response, "missing")
            elif reason == "listing":
                # At an article URL, a listing is most often the site's "not found" page of latest stories, or
                # where a story not yet (or no longer) published redirects to: remembered as no article, the
                # story was never asked for again once it was there. With a state, it is tried again later.
                no_record(response, "missing")
            self.logger.info("Not an article (%s): %s", reason, response.url)
            return None
        return item

    def article_record(self, response: Response, read: Callable[[], Article | None]) -> Iterator[Article]:
        """The record `read()` makes of an article page (None: the page is not an article, counted by `read`).

        A page whose reading raises is rejected with the error as its reason (`extraction error: ValueError:
        ...`; rejects file, counted) instead of the exception escaping into the crawl. A record with no body
        and no date is counted under `articles/no_content`: many of them are a bot wall or an error page
        served with status 200, which the checks fail."""
        try:
            item = read()
        except Exception as error:  # whatever a hostile page makes the readers raise
            self.logger.warning("Could not read %s", response.url, exc_info=True)
            no_record(response, "rejected")  # with a state, tried again after RETRY_AFTER as a reject is
            reason = f"{EXTRACTION_ERROR}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            self.crawler.signals.send_catch_log(
                signals.item_dropped, item={"url": response.url}, response=response,
                exception=Rejected(reason.rstrip(": ")[:200], {"url": response.url}), spider=self,
            )
            return
        if item is None:
            return
        canonical = absolute_url(item.canonical_url, response.url) if item.canonical_url else None
        if canonical and canonical != response.url and self.is_listing(canonical):
            # A CMS that gives every article its section's or home page's address as canonical: taken at its
            # word, every article after the first was dropped as a duplicate of that page.
            self.logger.info("Canonical URL %s of %s is a listing page: not the article's", canonical, response.url)
            self.count("articles/canonical_is_listing")
            item.canonical_url = None
            item.sources.pop("canonical_url", None)
        if not item.body.strip() and not item.published_raw:
            self.count("articles/no_content")
        yield item


def header(response: Response, name: bytes) -> str | None:
    """The response's header `name` as text (Latin-1, as HTTP's bytes are), None without one."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def meta_of(response: Response) -> dict[str, Any]:
    """The meta of the request of `response`; empty for a response made without a request (a test's)."""
    return response.request.meta if response.request is not None else {}


def no_record(response: Response, status: str) -> None:
    """Tell the state (`scrapers.harvest.NO_RECORD`) what the article page at `response` was, when it gave no
    record for a reason that may pass. A response made without a request (a test's) has no meta to tell."""
    if response.request is not None:
        response.meta[NO_RECORD] = status
