"""Run one saved page through the crawl's own code path, without the network.

`crawl_sample` builds the spider via `from_crawler` with a fixed clock, wraps the saved file in an
`HtmlResponse` at its recorded URL, calls the named callback, and sends what it yields through
`ITEM_PIPELINES` in order, then through Scrapy's JSON encoder, as the feed export would.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.serialize import ScrapyJSONEncoder
from scrapy.utils.test import get_crawler

from pipelines import Rejected
from scrapers import settings as project_settings
from scrapers.replay import CONTENT_TYPES, SavedPage

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(path for path in ROOT.glob("samples/*/*") if path.suffix in CONTENT_TYPES)


def project_crawler(spider_name: str, **settings: Any) -> Crawler:
    """A crawler with the project's settings (plus `settings`) for the spider `spider_name`."""
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    values.update(settings)
    crawler = get_crawler(settings_dict=values)
    spidercls = SpiderLoader.from_settings(crawler.settings).load(spider_name)
    return get_crawler(spidercls, values)


def opened_spider(crawler: Crawler, **spider_args: Any) -> Any:
    """The spider of `crawler` made with `spider_args` and opened as a crawl opens it: the crawler's spider, its
    stats open."""
    assert crawler.spidercls is not None and crawler.stats is not None
    spider = crawler.spidercls.from_crawler(crawler, **spider_args)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def crawl_sample(
    html_path: Path, request: dict[str, Any], **spider_args: Any
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Items (as JSON objects), followed URLs and reject reasons of one saved page.

    `request` is the sample's recorded request: `url`, `callback` and `fetched_at`. The spider is the one
    named after the sample's folder (`samples/thoidai/` -> `thoidai`), built with `spider_args` as
    `-a name=value` would give them.
    """
    fetched_at = datetime.fromisoformat(request["fetched_at"])
    crawler = project_crawler(html_path.parent.name)
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler, clock=lambda: fetched_at, **spider_args)
    crawler.spider = spider
    response = SavedPage(html_path, None).response(Request(request["url"], meta=request.get("meta", {})))
    output = list(getattr(spider, request["callback"])(response))
    follows = [result.url for result in output if isinstance(result, Request)]
    items, rejects = run_pipelines(crawler, [result for result in output if not isinstance(result, Request)])
    return items, follows, rejects


def run_pipelines(crawler: Crawler, items: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """`items` through `ITEM_PIPELINES` in order: the finished records and the reasons of the rejected."""
    order = sorted(crawler.settings.getdict("ITEM_PIPELINES").items(), key=lambda entry: entry[1])
    pipelines = [build_from_crawler(load_object(path), crawler) for path, _ in order]
    encoder = ScrapyJSONEncoder(ensure_ascii=False)
    finished, rejects = [], []
    for item in items:
        try:
            for pipeline in pipelines:
                item = pipeline.process_item(item)
        except Rejected as rejected:
            rejects.append(rejected.reason)
            continue
        except DropItem:
            continue
        finished.append(json.loads(encoder.encode(item)))
    return finished, rejects
