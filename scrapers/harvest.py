"""Incremental harvesting: the Scrapy side of `scrapers.state`.

Switched on by `STATE_URI`. Three components share one `StateStore`:
- `HarvestState` (extension) opens and locks the store, opens the run, stages what each fetch gave (a
  record, a reject, an HTTP error, a page that is not an article) and commits the run once its output files
  are in place. It puts the reports of the latest runs in the stats (`harvest/history`) for the checks.
- `SkipKnownArticles` (spider middleware) drops requests for articles the state has and the revisit
  policy does not call due.
- `pipelines.state.DropUnchangedArticles` numbers versions and drops a refetched article whose content
  did not change.

`-a full=1` on the spider ignores the state for fetching and output (every article fetched and written),
and still records what it saw.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from pipelines import Rejected, Unchanged
from scrapers.extract.dates import utc_now
from scrapers.feeds import output_opened
from scrapers.state import Known, RevisitPolicy, Staged, StateLocked, Store, acquire_store

logger = logging.getLogger(__name__)

ARTICLE = "article"
"""Request meta key marking an article request; its value is the modification time the listing, feed or
sitemap shows for it (a datetime), or None."""

# What the content hash covers: what a reader would call the article. Link boxes change every hour.
HASHED = ("title", "lead", "body", "authors", "credit", "tags", "section", "images", "published_at", "updated_at")


class HarvestState:
    """The state store of this run; see the module docstring."""

    def __init__(
        self, store: Store, policy: RevisitPolicy, stats: StatsCollector, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.policy = policy
        self.stats = stats
        self.clock = clock
        self.run_id: int | None = None
        self.full = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HarvestState:
        settings = crawler.settings
        uri = settings.get("STATE_URI")
        if not uri:
            raise NotConfigured  # off unless STATE_URI is set
        if settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT"):
            raise ValueError("STATE_URI does not work with FEED_EXPORT_BATCH_ITEM_COUNT: a run's output is one file")
        name = crawler.spidercls.name if crawler.spidercls else "crawl"
        policy = RevisitPolicy.parse(settings.get("REVISIT_AFTER"), settings.get("RETRY_AFTER"))
        try:
            store = acquire_store(uri, name=name, site=getattr(crawler.spider, "site", None),
                                  lock_timeout=settings.getfloat("STATE_LOCK_TIMEOUT"),
                                  shared=bool(settings.get("REDIS_URL")), lease=settings.getfloat("REDIS_LEASE", 15))
        except StateLocked as locked:
            logger.error("Not starting %s: %s", name, locked)
            raise
        assert crawler.stats is not None
        state = cls(store, policy, crawler.stats)
        for handler, signal in (
            (state.spider_opened, signals.spider_opened),
            (state.output_opened, output_opened),
            (state.item_scraped, signals.item_scraped),
            (state.item_dropped, signals.item_dropped),
            (state.response_received, signals.response_received),
            (state.engine_stopped, signals.engine_stopped),
        ):
            crawler.signals.connect(handler, signal=signal)
        return state

    # -------------------------------------------------------------------- the run

    def spider_opened(self, spider: Spider) -> None:
        self.full = bool(getattr(spider, "full", False))  # the spiders read -a full=1 (scrapers/spiders/base.py)
        for run_id, outcome in self.store.settle_unfinished():
            logger.warning("Run %s of the state %s did not finish; %s", run_id, self.store.location, outcome)
            self.stats.inc_value(f"harvest/earlier_runs_{outcome}")
        self.run_id = self.store.start_run(spider.name, self.clock())
        self.stats.set_value("harvest/run_id", self.run_id)
        self.stats.set_value("harvest/history", self.store.reports(spider.name))
        self.stats.set_value("harvest/state", str(self.store.location))

    def output_opened(self, path: Path) -> None:
        assert self.run_id is not None
        self.store.add_output(self.run_id, path)

    def engine_stopped(self) -> None:
        """Commit the run: the feed exporter has renamed its files into place by now (spider_closed)."""
        try:
            if self.run_id is not None:
                report = self.stats.get_value("harvest/report")
                self.store.commit_run(self.run_id, finished_at=self.clock(), report=report)
                logger.info("State %s: %d URLs known after run %s", self.store.location, self.store.count(),
                            self.run_id)
        finally:
            self.store.close()

    # -------------------------------------------------------------------- what each fetch gave

    def is_due(self, url: str, listed_modified: datetime | None) -> bool:
        if self.full:
            return True
        known = self.store.known(url)
        return known is None or self.policy.is_due(known, self.clock(), listed_modified)

    def known(self, url: str) -> Known | None:
        return self.store.known(url)

    def stage(self, url: str, status: str, **values: Any) -> None:
        assert self.run_id is not None
        self.store.stage(self.run_id, Staged(url=url, status=status, fetched_at=self.clock(), **values))

    def item_scraped(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        if "body" in adapter.field_names():
            self.stage_record(adapter, "emitted")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(exception, Rejected):
            self.stage(str(ItemAdapter(item).get("url")), "rejected")
        elif isinstance(exception, Unchanged):
            self.stage_record(ItemAdapter(item), "emitted")

    def stage_record(self, adapter: ItemAdapter, status: str) -> None:
        self.stage(
            str(adapter.get("url")), status, content_hash=content_hash(adapter),
            published_at=_moment(adapter.get("published_at")), updated_at=_moment(adapter.get("updated_at")),
            version=int(adapter.get("version") or 1),
        )

    def response_received(self, response: Response, request: Request) -> None:
        if ARTICLE in request.meta and response.status >= 400:
            self.stage(request.url, "missing")
            self.stats.inc_value("harvest/articles_missing")


class SkipKnownArticles:
    """Spider middleware: article requests the state does not call due are not sent; an article page that
    gave no record (an infographic, a video) is remembered as such."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.state: HarvestState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipKnownArticles:
        if not crawler.settings.get("STATE_URI"):
            raise NotConfigured  # off unless STATE_URI is set
        return cls(crawler)

    def harvest_state(self) -> HarvestState:
        if self.state is None:
            self.state = self.crawler.get_extension(HarvestState)
            if self.state is None:
                raise RuntimeError("SkipKnownArticles needs the HarvestState extension")
        return self.state

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        produced = [False]
        async for entry in result:
            if self.keep(entry, produced):
                yield entry
        self.finish(response, produced[0])

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        produced = [False]
        for entry in result:
            if self.keep(entry, produced):
                yield entry
        self.finish(response, produced[0])

    def keep(self, entry: Any, produced: list[bool]) -> bool:
        """Whether to pass `entry` on: an article request only when due; notes in `produced` an item."""
        if isinstance(entry, Request):
            if ARTICLE in entry.meta and not self.harvest_state().is_due(entry.url, entry.meta[ARTICLE]):
                self.count("harvest/articles_not_due")
                return False
        else:
            produced[0] = True
        return True

    def finish(self, response: Response, produced: bool) -> None:
        if ARTICLE in response.meta and not produced and response.status < 400:
            self.harvest_state().stage(response.url, "skipped")

    def count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def content_hash(adapter: ItemAdapter) -> str:
    """SHA-256 of the record's article content (`HASHED`), stable across runs."""
    content = {name: adapter.get(name) for name in HASHED}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None
