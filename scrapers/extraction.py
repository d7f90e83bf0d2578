"""`extract_article(html, url)`: one saved page read the way a crawl reads it.

The page class of the URL's site profile (the generic `ArticlePage` for a site without one), then the
normalizing pipelines in crawl order (all but those that compare records with each other). It is what the
quality gate, the benchmark, the scoring script and notebooks call; it lives outside `scrapers/extract/`
because it runs the Scrapy pipelines. Where the record knows the day of publication but not its
instant (a page whose timezone is unknown), its `published_at` is that day (`2024-05-03`). A record a pipeline
rejects (the crawl would put it in the rejects file) is returned with the reason under `rejected`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object

from pipelines.validate import plain
from scrapers import settings
from scrapers.extract import DEEP_PAGE_DEPTH, read_page
from scrapers.sites import profile_for_url


def extract_article(html: bytes, url: str, fetched_at: datetime | None = None) -> dict[str, Any]:
    """The record fields of the article page `html` fetched from `url` (at `fetched_at`, default now)."""
    with collector_paused():
        return _extract_article(html, url, fetched_at)


def _extract_article(html: bytes, url: str, fetched_at: datetime | None) -> dict[str, Any]:
    if not _is_url(url):  # "http://[::1": the page is read without an address of its own
        record = _extract_article(html, "", fetched_at)
        record["url"] = url  # (what the schema refuses, as the crawl's rejects file would say)
        return record
    page_class = profile_for_url(url).article_page
    fetched_at = fetched_at or datetime.now(UTC)
    try:
        item = page_class(read_page(html), url=url, fetched_at=fetched_at).to_item()
    except RecursionError:  # nested deeper than the readers recurse: read it flattened, as the crawl does
        item = page_class(read_page(html, max_depth=DEEP_PAGE_DEPTH), url=url, fetched_at=fetched_at).to_item()
    rejected = None
    for pipeline in _pipelines():
        try:
            item = pipeline.process_item(item)
        except DropItem as error:  # a rejected record still shows what was read from the page, and why
            rejected = str(error)
            break
    record = dict(plain(item))
    if rejected is not None:
        record["rejected"] = rejected  # the reason the rejects file would give; the crawl writes no record
    if record.get("published_at") is None and record.get("published_date"):
        record["published_at"] = record["published_date"]  # the day is known though its instant is not
        sources = record.get("sources")
        if isinstance(sources, dict) and "published_date" in sources:
            sources["published_at"] = sources["published_date"]
    return record


def _is_url(url: str) -> bool:
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while one page is read, and back on after (unless it was off).
    Reading a page makes thousands of objects (element proxies, strings, tuples) that reference counting
    frees when the page is done, and no cyclic garbage (309 real pages read with the collector off leave none),
    so the collector's passes that those objects set off find nothing: 503 passes over the 309 pages
    collected 0 objects and took 7% of the time."""
    if not gc.isenabled():
        yield
        return
    try:
        gc.disable()  # the process's collector: another thread's allocations are not collected meanwhile either
        yield
    finally:
        gc.enable()


# Pipelines that compare records with each other or with earlier runs: one page alone has no duplicate
# and no earlier version.
ACROSS_RECORDS = ("pipelines.dedupe.DropDuplicateArticles", "pipelines.versions.DropUnchangedArticles")


@lru_cache(maxsize=1)
def _pipelines() -> list[Any]:
    """The project's per-record item pipelines in crawl order, built once (the validator compiles the
    schema once)."""
    order = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.__getitem__)
    return [load_object(path)() for path in order if path not in ACROSS_RECORDS]
