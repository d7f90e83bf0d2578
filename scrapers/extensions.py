"""Crawl-level bookkeeping: the rejects file and the end-of-crawl summary."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.serialize import ScrapyJSONEncoder

from pipelines import Duplicate, Rejected
from scrapers.items import Article

logger = logging.getLogger(__name__)

# Fields every record has by construction: their coverage says nothing.
NOT_COVERAGE = ("url", "site", "scraped_at", "schema_version")


class RejectsFile:
    """Write each rejected article, with its reason, as one JSON line to `REJECTS_URI` (a local path or
    `file://` URI; `%(name)s` is the spider name), and count it in the stats under `rejects/<reason>`.
    The file is created on the first reject, so a clean run leaves none."""

    def __init__(self, uri: str, stats: StatsCollector) -> None:
        self.uri = uri
        self.stats = stats
        self.file: IO[str] | None = None
        self.encoder = ScrapyJSONEncoder(ensure_ascii=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsFile:
        uri = crawler.settings.get("REJECTS_URI")
        if not uri:
            raise NotConfigured("REJECTS_URI is not set")
        assert crawler.stats is not None
        extension = cls(uri, crawler.stats)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        if isinstance(exception, Duplicate):
            self.stats.inc_value("articles/duplicates")
        if not isinstance(exception, Rejected):
            return
        self.stats.inc_value("rejects/count")
        self.stats.inc_value(f"rejects/{exception.reason}")
        record = {"reason": exception.reason, "url": ItemAdapter(item).get("url"), "item": item}
        self.open(spider).write(self.encoder.encode(record) + "\n")

    def open(self, spider: Spider) -> IO[str]:
        if self.file is None:
            path = Path((self.uri % {"name": spider.name}).removeprefix("file://"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.file = path.open("a", encoding="utf-8")
            self.stats.set_value("rejects/file", str(path))
        return self.file

    def spider_closed(self, spider: Spider) -> None:
        if self.file is not None:
            self.file.close()


class CrawlSummary:
    """Count how many output articles have each field, and log a one-screen summary when the crawl ends:
    pages, articles, rejects by reason, HTTP errors, skipped pages, field coverage. Coverage also goes to
    the stats as `coverage/<field>` (share of articles, 0..1)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.filled: Counter[str] = Counter()
        self.articles = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        if not crawler.settings.getbool("CRAWL_SUMMARY_ENABLED"):
            raise NotConfigured("CRAWL_SUMMARY_ENABLED is off")
        assert crawler.stats is not None
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: Any) -> None:
        if not isinstance(item, Article):
            return
        self.articles += 1
        self.filled.update(name for name, value in ItemAdapter(item).items() if value not in (None, "", []))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for name in self.filled:
            self.stats.set_value(f"coverage/{name}", round(self.filled[name] / self.articles, 3))
        logger.info("%s", self.summary(spider.name, reason))

    def summary(self, name: str, reason: str) -> str:
        stats = self.stats.get_stats()
        lines = [
            f"Crawl summary for {name} ({reason})",
            f"  pages fetched: {stats.get('response_received_count', 0)}"
            f"   articles written: {self.articles}"
            f"   rejects: {stats.get('rejects/count', 0)}"
            f"   duplicates: {stats.get('articles/duplicates', 0)}",
        ]
        lines += self.grouped(stats, "rejects/", "  rejected", skip=("rejects/count", "rejects/file"))
        lines += self.grouped(stats, "downloader/response_status_count/", "  HTTP status", skip=())
        lines += self.grouped(stats, "articles/skipped/", "  skipped", skip=())
        if rejects_file := stats.get("rejects/file"):
            lines.append(f"  rejects file: {rejects_file}")
        if self.articles:
            shown = [name for name in Article.__dataclass_fields__ if name not in NOT_COVERAGE]
            coverage = ", ".join(f"{name} {self.filled[name] / self.articles:.0%}" for name in shown)
            lines.append(f"  field coverage: {coverage}")
        return "\n".join(lines)

    @staticmethod
    def grouped(stats: dict[str, Any], prefix: str, label: str, skip: tuple[str, ...]) -> list[str]:
        return [f"{label} {key.removeprefix(prefix)}: {value}" for key, value in sorted(stats.items())
                if key.startswith(prefix) and key not in skip]
