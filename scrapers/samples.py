"""Samples: a page saved in `samples/<site>/` with its expected output beside it, made and remade here.

`expected_output` reads a saved page the way the crawl does (the site's spider with its clock at the fetch
time, the named callback, `ITEM_PIPELINES` in order, Scrapy's JSON encoder) and gives the sample's JSON:
`request`, `follows`, `items` and `rejects`; any other key of an existing sample (such as `reconstructed`,
the note on what is real) is kept. `changes` is the unified diff between two versions of a sample's JSON,
which `scrapy sample` shows before anything is written.
"""

from __future__ import annotations

import difflib
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.serialize import ScrapyJSONEncoder
from scrapy.utils.test import get_crawler

from pipelines import Rejected

KINDS = {"parse_article": "article", "parse_section": "section", "parse_home": "home", "parse_feed": "feed",
         "parse_sitemap": "sitemap"}
"""The file name's kind for each callback: `article-<slug>.html`."""


def expected_output(
    settings: Settings, spider_name: str, page: Path, request: dict[str, Any], earlier: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The sample JSON of the saved `page` fetched by `request` (`url`, `callback`, `fetched_at`, `meta`)."""
    fetched_at = datetime.fromisoformat(request["fetched_at"])
    spidercls = get_spider_loader(settings).load(spider_name)
    default = SETTINGS_PRIORITIES["default"]
    changed = {name: settings[name] for name in settings if settings.getpriority(name) != default}
    crawler = get_crawler(spidercls, changed)  # configured, not started: no request is made
    spider = spidercls.from_crawler(crawler, clock=lambda: fetched_at)
    crawler.spider = spider
    cls = XmlResponse if page.suffix == ".xml" else HtmlResponse
    response = cls(request["url"], body=page.read_bytes(), encoding="utf-8",
                   request=Request(request["url"], meta=request.get("meta", {})))
    output = list(getattr(spider, request["callback"])(response))
    order = sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda entry: entry[1])
    pipelines = [build_from_crawler(load_object(path), crawler) for path, _ in order]
    encoder = ScrapyJSONEncoder(ensure_ascii=False)
    items, rejects = [], []
    for item in (entry for entry in output if not isinstance(entry, Request)):
        try:
            for pipeline in pipelines:
                item = pipeline.process_item(item)
        except Rejected as rejected:
            rejects.append({"reason": rejected.reason})
            continue
        except DropItem:
            continue
        items.append(json.loads(encoder.encode(item)))
    sample = {key: value for key, value in (earlier or {}).items() if key not in ("request", "follows", "items",
                                                                                  "rejects")}
    sample.update(request=request, follows=[entry.url for entry in output if isinstance(entry, Request)],
                  items=items)
    if rejects:
        sample["rejects"] = rejects
    return sample


def dumps(sample: dict[str, Any]) -> str:
    return json.dumps(sample, ensure_ascii=False, indent=2) + "\n"


def changes(path: Path, new: dict[str, Any]) -> str:
    """Unified diff of the sample JSON at `path` (empty when new) to `new`; empty when they are equal."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), dumps(new).splitlines(keepends=True),
                                        fromfile=str(path) if old else "/dev/null", tofile=str(path)))


def slug(url: str) -> str:
    """A file name part from the URL's last path segment: `.../sieu-bao-milton-205760.html` gives
    `sieu-bao-milton-205760`; a URL with no path its host's first label (`thoidai`)."""
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if last.endswith((".html", ".htm", ".xml", ".php", ".aspx")) else last
    words = "".join(char if char.isalnum() else "-" for char in stem.lower()).split("-")
    host = (parts.hostname or "site").removeprefix("www.").split(".")[0]
    return "-".join(word for word in words if word)[:80] or host
