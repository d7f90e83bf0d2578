"""Log lines a person reads: a written or dropped article is logged by its URL (and a dropped one by its
reason), not as the whole record (the output and the rejects file keep the record)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class ArticleLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        url = ItemAdapter(item).get("url") if is_item(item) else None
        result["msg"] = "Scraped: %(url)s"
        result["args"] = {"url": url}
        return result

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        url = ItemAdapter(item).get("url") if is_item(item) else None
        result["msg"] = "Dropped (%(exception)s): %(url)s"
        result["args"] = {"exception": exception, "url": url}
        return result
