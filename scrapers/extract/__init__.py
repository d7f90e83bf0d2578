"""Pure extraction helpers (no Scrapy imports), and `extract_article`, the one-page entry point.

`extract_article(html, url)` reads one saved page the way a crawl would: the site profile's page class
when the project has a profile for the URL's site, the generic `ArticlePage` otherwise, then the
normalizing pipelines in crawl order (all but those that compare records with each other). It is what
the scoring script and notebooks call; where the record knows the day of publication but not its instant
(a page whose timezone is unknown), its `published_at` is that day (`2024-05-03`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from parsel import Selector
from w3lib.encoding import html_to_unicode


def extract_article(html: bytes, url: str, fetched_at: datetime | None = None) -> dict[str, Any]:
    """The record fields of the article page `html` fetched from `url` (at `fetched_at`, default now)."""
    # Imported here so that the helper modules of this package stay free of Scrapy.
    from scrapy.exceptions import DropItem

    from pipelines.validate import plain
    from scrapers.pages import ArticlePage
    from scrapers.sites import profile_for_url

    text = decode_page(html)
    profile = profile_for_url(url)
    page_class = profile.article_page if profile else ArticlePage
    item = page_class(Selector(text=text), url=url, fetched_at=fetched_at or datetime.now(UTC)).to_item()
    for pipeline in _pipelines():
        try:
            item = pipeline.process_item(item)
        except DropItem:  # a rejected record still shows what was read from the page
            break
    record = dict(plain(item))
    if record.get("published_at") is None and record.get("published_date"):
        record["published_at"] = record["published_date"]  # the day is known though its instant is not
    return record


# Pipelines that compare records with each other or with earlier runs: one page alone has no duplicate
# and no earlier version.
ACROSS_RECORDS = ("pipelines.dedupe.DropDuplicateArticles", "pipelines.state.DropUnchangedArticles")


@lru_cache(maxsize=1)
def _pipelines() -> list[Any]:
    """The project's per-record item pipelines in crawl order, built once (the validator compiles the
    schema once)."""
    from scrapy.utils.misc import load_object

    from scrapers import settings

    order = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.__getitem__)
    return [load_object(path)() for path in order if path not in ACROSS_RECORDS]


def decode_page(html: bytes) -> str:
    """The page as text when no HTTP header names its charset: valid UTF-8 is UTF-8 (pages re-saved as
    UTF-8 often still declare their old charset in a meta tag), anything else by its declaration or a guess."""
    try:
        return html.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return html_to_unicode(None, html)[1]
