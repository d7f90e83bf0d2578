"""Code errors a run must not survive silently: a spider whose article callback raises and a pipeline that
raises on every record. The integrity tests crawl with them (`-s SPIDER_MODULES=tests.brokenparts`,
`-s ITEM_PIPELINES=...`) over the sample site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from scrapers.items import Article
from scrapers.spiders.sites import ThoidaiSpider

BROKEN = "https://thoidai.com.vn/can-bo-chien-si-vung-3-vung-4-hai-quan-giao-luu-the-thao-gan-ket-tinh-dong-doi-206430.html"
"""The one article the bugs below lose: one of nine, which no ratio check notices."""


class BrokenCallbackSpider(ThoidaiSpider):
    """The thoidai spider with a bug in its article callback that one page trips."""

    name = "thoidai"

    def parse_article(self, response: Response) -> Iterator[Article]:
        if response.url == BROKEN:
            raise KeyError("a bug in parse_article")
        yield from super().parse_article(response)


class BrokenPipeline:
    """A pipeline with a bug that one record trips."""

    def process_item(self, item: Any) -> Any:
        if item.url == BROKEN:
            raise TypeError("a bug in a pipeline")
        return item
