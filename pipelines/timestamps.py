"""Timestamps as ISO 8601 strings with their UTC offset."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines import has_field, record_fields
from scrapers.extract.dates import to_iso

logger = logging.getLogger(__name__)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
"""No news page on the web is older: an earlier date is a parsing accident (1970-01-01 is Unix time 0)."""
AHEAD = timedelta(days=1)
"""How far after the fetch a stated time may lie (time zones, an embargo set a few hours ahead); later is a
placeholder such as 9999-12-31."""


class FormatTimestamps:
    """`published_at` and `updated_at` keep the page's offset; `scraped_at` is written in UTC. A time whose
    zone the page does not give is left out (None) rather than guessed, and so is a time outside the sane
    window (before `EARLIEST`, or more than `AHEAD` after the fetch), counted under
    `dates/out_of_window/<field>`; either way the text of a publication time stays in `published_raw` (the
    schema keeps no text of the update time)."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FormatTimestamps:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        fetched = _aware(adapter.get("scraped_at"))
        for name in ("published_at", "updated_at"):
            value = adapter.get(name)
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    logger.info("%s of %s has no timezone, left out: %s", name, adapter.get("url"), value)
                    adapter[name] = None
                elif not in_window(value, fetched):
                    logger.info("%s of %s is outside the sane window, left out: %s", name, adapter.get("url"), value)
                    if self.stats is not None:
                        self.stats.inc_value(f"dates/out_of_window/{name}")
                    adapter[name] = None
                else:
                    adapter[name] = to_iso(value)
        if has_field(adapter, "published_date") and not _day_in_window(adapter.get("published_date"), fetched):
            adapter["published_date"] = None  # the day of a time outside the window is as wrong as the time
        if fetched is not None:
            adapter["scraped_at"] = to_iso(fetched.astimezone(UTC))
        return item


def in_window(moment: datetime, fetched: datetime | None) -> bool:
    """Whether the aware `moment` can be a real publication or modification time of a page fetched at
    `fetched` (None: only the lower bound applies)."""
    return moment >= EARLIEST and (fetched is None or moment <= fetched + AHEAD)


def _day_in_window(day: Any, fetched: datetime | None) -> bool:
    """Whether the day `day` (`YYYY-MM-DD`, or None) can be a real publication day: the window of `in_window`,
    by whole days."""
    if not isinstance(day, str):
        return True
    latest = (fetched + AHEAD).date().isoformat() if fetched is not None else "9999-12-31"
    return _EARLIEST_DAY <= day <= latest


_EARLIEST_DAY = EARLIEST.date().isoformat()


def _aware(value: Any) -> datetime | None:
    """A datetime with its zone (UTC when it has none); None for anything else."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
