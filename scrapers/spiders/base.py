"""What every spider of the project shares: its clock, a page's fetch time, stats counting, the `sources`
and `full` arguments (see each spider's docstring for what its sources are), and how an article page's
record leaves the spider (`article_record`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from parsel import Selector
from scrapy import Spider, signals
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number

from pipelines import Rejected
from scrapers.extract import read_page
from scrapers.extract.dates import http_date, utc_now
from scrapers.items import Article

EXTRACTION_ERROR = "extraction error"
"""Reason prefix of the reject of a page whose reading raised: `extraction error: ValueError: ...`."""


class HarvestSpider(Spider):
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

    def fetch_time(self, response: Response) -> datetime:
        """When the server produced the page: its HTTP `Date` header, else the spider's clock. Relative dates
        on the page ("2 giờ trước") count back from this moment, and it is the record's `scraped_at`."""
        header = response.headers.get(b"Date")
        return http_date(header.decode("latin-1") if header else None) or self.clock()

    def page(self, response: Response) -> Selector:
        """The page's tree as `extract_article` reads the same bytes (`scrapers.extract.read_page`): one
        decoding and parsing path for the crawl and for scoring."""
        header = response.headers.get(b"Content-Type")
        return read_page(response.body, header.decode("latin-1") if header else None)

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

    def count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

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
            reason = f"{EXTRACTION_ERROR}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            self.crawler.signals.send_catch_log(
                signals.item_dropped, item={"url": response.url}, response=response,
                exception=Rejected(reason.rstrip(": ")[:200], {"url": response.url}), spider=self,
            )
            return
        if item is None:
            return
        if not item.body.strip() and not item.published_raw:
            self.count("articles/no_content")
        yield item
