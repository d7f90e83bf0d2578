"""What every spider of the project shares: its clock, a page's fetch time, stats counting, and the
`sources` and `full` arguments (see each spider's docstring for what its sources are)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number

from scrapers.extract.dates import http_date, utc_now


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
