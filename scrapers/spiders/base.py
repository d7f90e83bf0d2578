"""What every spider of the project shares: its clock, a page's fetch time, stats counting, and the
`sources` and `full` arguments (see each spider's docstring for what its sources are)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.http import Response

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

    def count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
