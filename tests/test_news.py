"""The `news` spider on a site it has no profile for: a local copy built from real article pages."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from w3lib.url import canonicalize_url

from pipelines.validate import article_schema
from scrapers.spiders.news import NewsSpider
from tests import sitecopy
from tests.harness import ROOT, opened_spider


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("news")
    with sitecopy.serve() as site:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/nachrichten/",
             "-O", str(out / "news.jsonl"), "-s", f"REJECTS_URI={out / 'rejects.jsonl'}",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        records = [json.loads(line) for line in (out / "news.jsonl").read_text(encoding="utf-8").splitlines()]
        return {"site": site, "result": result, "records": records, "rejects": out / "rejects.jsonl"}


def test_news_spider_runs_clean(crawl: dict[str, Any]) -> None:
    assert crawl["result"].returncode == 0, crawl["result"].stderr[-3000:]
    assert not crawl["rejects"].exists()


def test_is_an_article_precision_and_recall(crawl: dict[str, Any]) -> None:
    site: sitecopy.SiteCopy = crawl["site"]
    articles = {canonicalize_url(url) for url in site.articles}
    emitted = {canonicalize_url(record["url"]) for record in crawl["records"]}
    true_positives = len(emitted & articles)
    precision = true_positives / len(emitted)
    recall = true_positives / len(articles)
    print(f"is-an-article on the site copy: {len(articles)} articles, {len(site.not_articles)} other pages; "
          f"emitted {len(emitted)}; precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.98
    assert not emitted & {canonicalize_url(url) for url in site.not_articles}
    assert len(crawl["records"]) == len(emitted)  # one record per article


def test_every_record_is_valid(crawl: dict[str, Any]) -> None:
    validator = Draft202012Validator(article_schema())
    for record in crawl["records"]:
        assert list(validator.iter_errors(record)) == [], record["url"]


def test_non_articles_fetched_at_article_urls_are_counted_as_skipped(crawl: dict[str, Any]) -> None:
    log = crawl["result"].stderr
    assert "'articles/skipped/video': 1" in log
    assert "'articles/skipped/listing': 1" in log or "'articles/skipped/other': 1" in log  # the photo gallery


def test_feed_only_and_sitemap_only_articles_are_found(crawl: dict[str, Any]) -> None:
    emitted = {sitecopy.local_path(record["url"]) for record in crawl["records"]}
    names = sitecopy.FEED_ONLY + sitecopy.SITEMAP_ONLY
    only_there = {sitecopy.local_path(sitecopy.truth_urls()[name]) for name in names}
    assert only_there <= emitted


def test_news_spider_needs_a_url() -> None:
    from scrapers.spiders.news import NewsSpider

    with pytest.raises(ValueError, match="give the section page"):
        NewsSpider()


@pytest.mark.parametrize(("url", "start"), [
    ("https://www.example.com./politik/", "https://www.example.com/politik/"),
    ("http://www.example.com.:8080/politik/", "http://www.example.com:8080/politik/"),
    ("https://www.example.com/politik./", "https://www.example.com/politik./"),
])
def test_a_host_name_written_with_its_root_dot_is_the_sites(url: str, start: str) -> None:
    """`www.example.com.` (the fully qualified name) was not among the site's domains: the start page was
    filtered as off the site, nothing was fetched, and the run exited 0 with an empty file."""
    spider = NewsSpider(url=url)
    assert (spider.start_url, spider.allowed_domains) == (start, ["example.com"])


def test_a_home_page_is_a_listing_but_an_article_served_at_the_root_path_is_not() -> None:
    """Some sites serve their articles at `/?newsid=4711`: taking that canonical URL for the home page dropped
    it, and the article fetched under two addresses was written twice."""
    spider = NewsSpider(url="https://www.example.com/politik/")
    assert spider.is_listing("https://www.example.com/") and spider.is_listing("https://www.example.com")
    assert not spider.is_listing("https://www.example.com/?newsid=4711")
    assert not spider.is_listing("https://www.example.com/politik/")  # not read yet in this crawl


def test_a_section_page_s_feeds_are_followed_up_to_a_bound() -> None:
    # 5,000 feeds named in a page's head: the run read 75 feeds and 1 article in 153 s (hostile review)
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from scrapers.spiders.news import MAX_FEEDS
    from tests.harness import project_crawler

    crawler = project_crawler("news", url="https://www.example.com/politik/")
    spider = opened_spider(crawler, url="https://www.example.com/politik/")
    feeds = "".join(f'<link rel="alternate" type="application/rss+xml" href="/feeds/{n}.xml">' for n in range(300))
    page = f"<html><head>{feeds}</head><body><p>Politik</p></body></html>"
    url = "https://www.example.com/politik/"
    response = HtmlResponse(url, body=page.encode(), encoding="utf-8", request=Request(url, meta={"page": 1}))
    requested = [request.url for request in spider.parse_listing(response) if "/feeds/" in request.url]
    assert requested == [f"https://www.example.com/feeds/{n}.xml" for n in range(MAX_FEEDS)]
    assert crawler.stats.get_value("feeds/over_bound") == 300 - MAX_FEEDS
