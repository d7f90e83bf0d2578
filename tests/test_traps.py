"""The `news` spider against a site of crawler traps (tests/traps.py): the run ends by itself without
`max_pages`, requests each article once and writes it once at its own address, and says nothing is wrong.

The crawl sends one request at a time (CONCURRENT_REQUESTS=1: with more, the engine takes several requests
from the scheduler at once, and they pass the downloader's middlewares side by side, so two may swap), so
the server's log is the order in which the scheduler gave them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from scrapers.extract.links import without_tracking
from scrapers.middlewares import CappedCookieHeader
from tests import traps
from tests.harness import ROOT
from tests.test_hostile import FAST, RUN_BOUND, read_lines

ONE_AT_A_TIME = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "CONCURRENT_REQUESTS=1"]


def crawl_command(site: traps.TrapSite, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/nachrichten/",
            "-o", str(out), "-s", f"REJECTS_URI={out.parent / 'rejects.jsonl'}", *FAST, *ONE_AT_A_TIME, *extra]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("traps") / "news.jsonl"
    with traps.serve() as site:
        result = subprocess.run(crawl_command(site, out), cwd=ROOT, capture_output=True, text=True,
                                timeout=RUN_BOUND, check=False)
    return {"site": site, "result": result, "records": read_lines(out),
            "report": json.loads(out.with_name("news.report.json").read_text(encoding="utf-8"))}


def test_the_run_ends_by_itself_and_finds_nothing_wrong(crawl: dict[str, Any]) -> None:
    assert crawl["result"].returncode == 0, crawl["result"].stderr[-3000:]
    assert crawl["report"]["finish_reason"] == "finished"
    assert crawl["report"]["fetch"]["failed"] == 0
    assert crawl["site"].too_large == 0  # no request carried the 3,000 cookies: every one was answered


def test_each_article_is_requested_once_whatever_session_ids_and_campaign_tags_its_links_carry(
        crawl: dict[str, Any]) -> None:
    site: traps.TrapSite = crawl["site"]
    requested = site.paths_requested()
    assert {path: requested[path] for path in site.articles()} == dict.fromkeys(site.articles(), 1)
    assert not [target for target in site.log if "jsessionid" in target or "utm_" in target]


def test_each_article_is_written_once_at_its_own_address(crawl: dict[str, Any]) -> None:
    site: traps.TrapSite = crawl["site"]
    assert sorted(record["url"] for record in crawl["records"]) == sorted(site.base + path for path in
                                                                            site.articles())


def test_a_canonical_url_that_is_the_section_page_is_not_the_articles(crawl: dict[str, Any]) -> None:
    # Taken at its word, the three articles were one page: the first written, the others dropped as duplicates.
    site: traps.TrapSite = crawl["site"]
    by_url = {record["url"]: record for record in crawl["records"]}
    assert [by_url[site.base + path]["canonical_url"] for path in site.canonical_to_section] == [None] * 3
    assert all("canonical_url" not in by_url[site.base + path]["sources"] for path in site.canonical_to_section)


def test_a_pagination_that_never_ends_ends_where_it_shows_nothing_new(crawl: dict[str, Any]) -> None:
    listing_pages = [target for target in crawl["site"].log if target.startswith("/nachrichten/?")]
    assert listing_pages == ["/nachrichten/?page=2"]  # it shows page 1's articles again


def test_sitemap_indexes_that_never_end_are_followed_two_deep(crawl: dict[str, Any]) -> None:
    indexes = [target for target in crawl["site"].log if target.startswith("/sitemap-index.xml")]
    assert sorted(indexes) == ["/sitemap-index.xml", "/sitemap-index.xml?n=1", "/sitemap-index.xml?n=2"]


def test_a_sitemaps_articles_are_fetched_in_its_order(crawl: dict[str, Any]) -> None:
    # Newest first, as news sitemaps list them: the ones a run that ends early must not miss.
    site: traps.TrapSite = crawl["site"]
    assert [target for target in site.log if target in site.in_sitemap] == site.in_sitemap


def test_campaign_tags_that_change_every_run_do_not_make_known_articles_new(tmp_path: Path) -> None:
    state = ["-s", f"STATE_URI=sqlite:///{tmp_path / 'state.db'}", "-s", "CLOSESPIDER_TIMEOUT=60"]
    with traps.serve() as site:
        for run in ("1", "2"):
            site.campaign = run
            result = subprocess.run(crawl_command(site, tmp_path / f"run-{run}.jsonl", *state), cwd=ROOT,
                                    capture_output=True, text=True, timeout=RUN_BOUND, check=False)
            assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_lines(tmp_path / "run-1.jsonl")) == len(site.articles())
    assert read_lines(tmp_path / "run-2.jsonl") == []
    requested = site.paths_requested()
    assert {path: requested[path] for path in site.listed} == dict.fromkeys(site.listed, 1)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://a.example/x-1.html;jsessionid=3E9", "https://a.example/x-1.html"),
    ("https://a.example/x-1.html;JSESSIONID=ab?id=5", "https://a.example/x-1.html?id=5"),
    ("https://a.example/x.html?utm_source=rss&utm_medium=feed", "https://a.example/x.html"),
    ("https://a.example/x.html?id=5&fbclid=abc&p=2", "https://a.example/x.html?id=5&p=2"),
    ("https://a.example/x.html?sid=07/01/01", "https://a.example/x.html?sid=07/01/01"),  # a story id on some CMSs
    ("https://a.example/x.html?id=5", "https://a.example/x.html?id=5"),
    # a session token in every link, and jQuery's cache buster: one page under a new URL each time
    ("https://a.example/x.html?sid=9u4ka1m2kq3o5f1t7d0cphm2rd", "https://a.example/x.html"),
    ("https://a.example/x.html?sid=1234", "https://a.example/x.html?sid=1234"),  # story ids
    ("https://a.example/story.php?sid=64b7f0c2e13a4d0012345678", "https://a.example/story.php?sid=64b7f0c2e13a4d0012345678"),
    ("https://a.example/x.html?_=1714723200123&id=5", "https://a.example/x.html?id=5"),
    ("https://a.example/x.html?_=2&id=5", "https://a.example/x.html?_=2&id=5"),
    ("https://a.example/x.html?ttclid=E.C.P.abc&id=5", "https://a.example/x.html?id=5"),  # TikTok's (hostile review)
    # a site's own campaign ids on its links to its own stories (a broadcaster's ?intcid=, the Guardian's INTCMP)
    ("https://a.example/x-1/?intcid=CNI-00-10aaa3a", "https://a.example/x-1/"),
    ("https://a.example/x.html?INTCMP=sfl&id=5", "https://a.example/x.html?id=5"),
])
def test_without_tracking(url: str, expected: str) -> None:
    assert without_tracking(url) == expected


def test_a_site_setting_new_cookies_on_every_page_does_not_grow_the_jar_without_end() -> None:
    crawler = get_crawler(settings_dict={"COOKIES_MAX_KEPT": 180, "COOKIES_MAX_HEADER": 4096})
    cookies = CappedCookieHeader.from_crawler(crawler)
    crawler.stats.open_spider()
    for page in range(20):  # 300 new names a page: 6,000 cookies, all kept before
        url = f"https://example.com/news/page-{page}.html"
        headers = {"Set-Cookie": [f"visit{page}x{n}=abcdef; Path=/" for n in range(300)]}
        cookies.process_response(Request(url), HtmlResponse(url, headers=headers, body=b"<html></html>"))
    assert len(cookies.jars[None]) == 180
    assert crawler.stats.get_value("cookies/not_kept") == 20 * 300 - 180
    request = Request("https://example.com/news/next.html")
    cookies.process_request(request)
    header = request.headers[b"Cookie"]
    assert header.startswith(b"visit0x0=abcdef") and len(header) <= 4096


def test_a_cookie_too_big_for_the_header_leaves_room_for_the_others() -> None:
    crawler = get_crawler(settings_dict={"COOKIES_MAX_HEADER": 4096})
    cookies = CappedCookieHeader.from_crawler(crawler)
    crawler.stats.open_spider()
    url = "https://example.com/news/"
    headers = {"Set-Cookie": [f"big={'x' * 5000}; Path=/", "session=abc; Path=/"]}
    cookies.process_response(Request(url), HtmlResponse(url, headers=headers, body=b"<html></html>"))
    request = Request("https://example.com/news/next.html")
    cookies.process_request(request)
    assert request.headers.getlist(b"Cookie") == [b"session=abc"]
    assert crawler.stats.get_value("cookies/not_sent") == 1
    headers = {"Set-Cookie": ["session=; Max-Age=0; Path=/"]}  # the small one gone: no empty header
    cookies.process_response(Request(url), HtmlResponse(url, headers=headers, body=b"<html></html>"))
    request = Request("https://example.com/news/last.html")
    cookies.process_request(request)
    assert b"Cookie" not in request.headers
