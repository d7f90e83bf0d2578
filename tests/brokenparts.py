"""Code errors a run must not survive silently: a spider whose article callback raises and a pipeline that
raises on every record. The integrity tests crawl with them (`-s SPIDER_MODULES=tests.brokenparts`,
`-s ITEM_PIPELINES=...`) over the sample site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from scrapers.items import Article
from scrapers.sites import SITES
from scrapers.spiders.sites import spider_for


class BrokenCallbackSpider(spider_for(SITES["thoidai"])):  # type: ignore[misc]
    """The thoidai spider with a bug in its article callback."""

    name = "thoidai"

    def parse_article(self, response: Response) -> Iterator[Article]:
        raise KeyError("a bug in parse_article")


class BrokenPipeline:
    """A pipeline with a bug: every record raises."""

    def process_item(self, item: Any) -> Any:
        raise TypeError("a bug in a pipeline")
