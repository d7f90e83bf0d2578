"""The checks of `scrapers/monitors.py` run in process on a crawler's stats, Spidermon's way, and the
`news` spider's counting of article pages with no body and no date (a bot wall)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

from scrapers.extensions import COVERAGE_LEVELS
from scrapers.harvest import NO_RECORD
from scrapers.monitors import FAILED_CHECKS, HarvestChecks
from scrapers.spiders import base
from tests.harness import opened_spider, project_crawler
from tests.test_harvest import CHALLENGE

FETCHED = datetime(2024, 10, 24, 8, 0, tzinfo=UTC)


def failed_checks(spider_name: str, stats: dict[str, Any], **spider_args: Any) -> list[str]:
    """The lines of the checks that fail on `stats`, for a crawl of `spider_name`."""
    crawler = project_crawler(spider_name)
    spider = opened_spider(crawler, **spider_args)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    SpiderMonitorRunner(spider=spider).run(
        HarvestChecks(), stats=crawler.stats.get_stats(), stats_history=[], crawler=crawler, spider=spider, job=None
    )
    lines: list[str] = crawler.stats.get_value(FAILED_CHECKS, [])
    return lines


HEALTHY = {"response_received_count": 20, "listing/articles_found": 10, "articles/pages": 10,
           "articles/extracted": 10, "coverage/title": 1.0, "coverage/body": 1.0, "coverage/published_at": 1.0}

RECENT = {"articles": {"extracted": 40}, "failed_checks": [],
          "coverage": {"title": 1.0, "body": 1.0, "published_at": 1.0, "credit": 0.8}}
SMALL_RUN = {**HEALTHY, "articles/pages": 5, "articles/extracted": 5, "listing/articles_found": 5,
             "harvest/history": [RECENT, RECENT, RECENT]}

TWO_NEW = {**HEALTHY, "articles/pages": 2, "articles/extracted": 2, "listing/articles_found": 20}
BROKEN = {"articles": {"extracted": 2, "rejected": 2}, "failed_checks": [],
          "coverage": {"title": 1.0, "body": 0.0, "published_at": 1.0}, "fetch": {"ok": 4, "failed": 0}}
UNTITLED = {"articles": {"extracted": 2, "rejected": 0}, "failed_checks": [],
            "coverage": {"title": 0.0, "body": 1.0, "published_at": 1.0}}
HALF_503 = {"articles": {"extracted": 2}, "failed_checks": [], "fetch": {"ok": 2, "failed": 2}}
RECENT_FETCHES = {**RECENT, "fetch": {"ok": 60, "failed": 0}}
ONE_OF_TWO = {"articles": {"extracted": 2, "rejected": 1}, "failed_checks": [],
              "coverage": {"title": 1.0, "body": 0.5, "published_at": 1.0}, "fetch": {"ok": 4, "failed": 0}}
PARTNERS = {"articles": {"extracted": 2}, "failed_checks": [], "fetch": {"ok": 6, "failed": 4, "failed_as_before": 4}}
NO_BYLINE = {"articles": {"extracted": 8}, "failed_checks": ["authors present in 0% of 8 articles"],
             "coverage": {"title": 1.0, "body": 1.0, "published_at": 1.0, "authors": 0.0},
             "coverage_levels": {"title": 1.0, "body": 1.0, "published_at": 1.0, "authors": 1.0}}
"""A run that failed the coverage check, with the levels it compared with (its report's `coverage_levels`)."""


@pytest.mark.parametrize(
    ("stats", "lines"),
    [
        (HEALTHY, []),
        ({**HEALTHY, "articles/no_content": 2}, []),  # two empty pages of ten: no surge
        ({**HEALTHY, "articles/no_content": 8},
         ["thoidai.com.vn: 8 of 10 article pages came back with no body and no date"
          " (a bot wall or an error page served with status 200?)"]),
        ({**HEALTHY, "rejects/count": 5, "rejects/body: missing": 5},
         ["thoidai.com.vn: 5 of 10 articles rejected (body: missing: 5)"]),
        ({**HEALTHY, "listing/articles_found": 0},
         ["thoidai.com.vn: no article link on any of 20 listing, feed and sitemap pages"]),
        ({"fetch/failed/timeout": 2, "fetch/failed/dns": 1},  # down, unknown or hanging: not one answer
         ["thoidai.com.vn: no page of the site answered (timeout: 2, dns: 1)"]),
        ({"fetch/stopped": 3, "downloader/request_count": 3, "finish_reason": "shutdown"}, []),  # stopped before
        # anything answered: no failure
        ({"finish_reason": "shutdown"}, []),  # stopped before it asked
        # robots.txt answered, the one section page timed out: the site did not answer, no layout changed
        ({"response_received_count": 2, "robotstxt/response_count": 1, "listing/robots_pages": 1,
          "downloader/request_count": 5, "fetch/failed/timeout": 1},
         ["thoidai.com.vn: no page of the site answered (timeout: 1)"]),
        ({"response_received_count": 2, "robotstxt/response_count": 1, "listing/robots_pages": 1,
          "downloader/request_count": 2, "robotstxt/forbidden": 3},
         ["thoidai.com.vn: robots.txt forbids every page the run asked for (3 requests not sent)"]),
        ({"fetch/stopped": 2, "downloader/request_count": 3, "finish_reason": "closespider_timeout"},
         ["thoidai.com.vn: no page of the site answered before the run's time bound (2 requests unanswered)"]),
        ({"response_received_count": 3, "robotstxt/response_count": 1, "listing/articles_found": 0},
         ["thoidai.com.vn: no article link on any of 2 listing, feed and sitemap pages"]),
        ({**HEALTHY, "listing/articles_found": 0, "fetch/failed/http_404": 1},  # -a sections=nope
         ["thoidai.com.vn: no article link on any of 20 listing, feed and sitemap pages (fetch failed: http_404: 1)"]),
        ({"offsite/filtered": 2},  # not one request left, though nothing stopped the run
         ["thoidai.com.vn: no page of the site was requested (2 requests filtered as off the site)"]),
        # An hourly run of 5 new articles, 1 with a credit where recent runs had 80%: chance gives it 7 runs in
        # 1,000, no failure. The same run without a title where recent runs had every title fails.
        # A quiet hour: the section page and four partner links that redirect to another site, as they did in an
        # earlier run (the state knows them missing). Not errors.
        ({**HEALTHY, "fetch/ok": 1, "fetch/failed/offsite": 4, "fetch/failed_as_before/offsite": 4}, []),
        ({**HEALTHY, "fetch/ok": 3, "fetch/failed/offsite": 4, "fetch/failed_as_before/offsite": 4,
          "fetch/failed/http_500": 3}, ["thoidai.com.vn: 3 of 6 fetches failed (http_500: 3)"]),
        # Every article link sent to another host for the first time (a bot wall on a third-party host, a move)
        ({**HEALTHY, "fetch/ok": 2, "fetch/failed/offsite": 40},
         ["thoidai.com.vn: 40 of 42 fetches failed (offsite: 40)"]),
        ({**HEALTHY, "fetch/ok": 2, "fetch/failed/robots": 40, "fetch/failed_as_before/robots": 2},
         ["thoidai.com.vn: 38 of 40 fetches failed (robots: 38)"]),
        ({**SMALL_RUN, "coverage/credit": 0.2}, []),
        ({**SMALL_RUN, "coverage/credit": 0.2, "coverage/title": 0.0},
         ["thoidai.com.vn: title present in 0% of 5 articles (recent runs: 100%)"]),
        # A problem that lasts, in hourly runs of 2 new articles (each alone too small to say anything): the
        # third run in a row with both rejected fails, and so does every run after it until the repair.
        ({**TWO_NEW, "rejects/count": 2, "rejects/body: missing": 2, "harvest/history": [RECENT, RECENT]}, []),
        ({**TWO_NEW, "rejects/count": 2, "rejects/body: missing": 2, "harvest/history": [BROKEN, RECENT]}, []),
        ({**TWO_NEW, "rejects/count": 2, "rejects/body: missing": 2, "harvest/history": [BROKEN, BROKEN, RECENT]},
         ["thoidai.com.vn: 6 of 6 articles rejected in this run and the runs before it (body: missing: 2)"]),
        ({**TWO_NEW, "rejects/count": 1, "rejects/body: missing": 1, "harvest/history": [BROKEN] * 5},
         ["thoidai.com.vn: 7 of 8 articles rejected in this run and the runs before it (body: missing: 1)"]),
        # a site where 1 article in 10 is rejected by its nature (a video page): the runs with one add up to
        # nothing that a 20% share would not give by chance; a reject seen before (asked again) is no new one
        ({**TWO_NEW, "rejects/count": 1, "rejects/body: missing": 1,
          "harvest/history": [ONE_OF_TWO, ONE_OF_TWO, ONE_OF_TWO, RECENT]}, []),
        ({**TWO_NEW, "rejects/count": 2, "rejects/body: missing": 2, "harvest/rejected_again": 2,
          "harvest/history": [BROKEN, BROKEN, RECENT]}, []),
        ({**TWO_NEW, "rejects/count": 2, "rejects/body: missing": 2,
          "harvest/history": [{**BROKEN, "articles": {"extracted": 4, "rejected": 4, "rejected_again": 2}}] * 2},
         ["thoidai.com.vn: 6 of 6 articles rejected in this run and the runs before it (body: missing: 2)"]),
        ({**TWO_NEW, "harvest/history": [BROKEN] * 5}, []),  # repaired
        # a field gone from 2 new articles an hour; the baseline stays the runs that were big enough to measure
        ({**TWO_NEW, "coverage/title": 0.0, "harvest/history": [UNTITLED, UNTITLED, RECENT, RECENT]},
         ["thoidai.com.vn: title present in 0% of 6 articles in this run and the runs before it"
          " (recent runs: 100%)"]),
        ({**TWO_NEW, "coverage/title": 0.0, "harvest/history": [UNTITLED, RECENT, RECENT]}, []),
        # half the fetches answering 503, 4 an hour: six runs together are beyond chance, two are not
        ({**TWO_NEW, "fetch/ok": 2, "fetch/failed/http_503": 2, "harvest/history": [HALF_503] * 6 + [RECENT]},
         ["thoidai.com.vn: 12 of 24 fetches failed in this run and the runs before it (http_503: 2)"]),
        ({**TWO_NEW, "fetch/ok": 2, "fetch/failed/http_503": 2, "harvest/history": [HALF_503, RECENT]}, []),
        ({**TWO_NEW, "fetch/ok": 2, "fetch/failed/http_503": 2, "harvest/history": [RECENT_FETCHES, HALF_503]}, []),
        # a quiet hour whose only article page is a story asked again that still answers 404: no news
        ({**HEALTHY, "articles/pages": 1, "articles/extracted": 0, "articles/pages_failed_again": 1, "fetch/ok": 3,
          "fetch/failed/http_404": 1, "fetch/failed_as_before/http_404": 1, "coverage/title": None,
          "coverage/body": None, "coverage/published_at": None}, []),
        # partner links that fail every hour as before are no errors in earlier runs either
        ({**TWO_NEW, "fetch/ok": 6, "fetch/failed/http_503": 2, "harvest/history": [PARTNERS] * 6}, []),
        ({**TWO_NEW, "fetch/ok": 2, "fetch/failed/http_503": 4, "harvest/history": [HALF_503] * 6}, [
            "thoidai.com.vn: 4 of 6 fetches failed (http_503: 4)"]),  # a run big enough speaks for itself
        # a byline gone for longer than the history read (48 runs, all failed): the levels the failed runs
        # compared with are carried on, and the field still fails (it passed from the 49th run on: operator review)
        ({**HEALTHY, "coverage/authors": 0.0, "harvest/history": [NO_BYLINE] * 48},
         ["thoidai.com.vn: authors present in 0% of 10 articles (recent runs: 100%)"]),
        ({**HEALTHY, "coverage/authors": 1.0, "harvest/history": [NO_BYLINE] * 48}, []),  # repaired
        ({**HEALTHY, "listing/start_gone": ["https://thoidai.com.vn/the-gioi", "https://thoidai.com.vn/rss.xml"],
          "listing/start_gone_count": 2},
         ["thoidai.com.vn: 2 start pages gone (404 or 410): https://thoidai.com.vn/the-gioi,"
          " https://thoidai.com.vn/rss.xml"]),
        # the last worker of a distributed run, another worker having fetched the page: the run's count (review)
        ({**HEALTHY, "listing/start_gone_count": 1},
         ["thoidai.com.vn: 1 start page gone (404 or 410): see the workers' logs"]),
        ({**HEALTHY, "coverage/authors": 0.0,  # an operator accepted the new level: the baseline
          "harvest/history": [{**NO_BYLINE, "accepted": True}, NO_BYLINE]}, []),
    ],
)
def test_checks(stats: dict[str, Any], lines: list[str]) -> None:
    assert failed_checks("thoidai", stats) == lines


def news_spider() -> Any:
    crawler = project_crawler("news")
    spider = opened_spider(crawler, url="https://www.example.com/news/", clock=lambda: FETCHED)
    return spider


def test_a_run_that_fails_the_coverage_check_keeps_the_levels_it_compared_with() -> None:
    crawler = project_crawler("thoidai")
    spider = opened_spider(crawler)
    stats = {**HEALTHY, "coverage/title": 0.0, "coverage/credit": 0.8, "harvest/history": [RECENT, RECENT]}
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    SpiderMonitorRunner(spider=spider).run(
        HarvestChecks(), stats=crawler.stats.get_stats(), stats_history=[], crawler=crawler, spider=spider, job=None
    )
    assert crawler.stats.get_value(FAILED_CHECKS) == ["thoidai.com.vn: title present in 0% of 10 articles"
                                                      " (recent runs: 100%)"]
    levels = crawler.stats.get_value(COVERAGE_LEVELS)
    assert (levels["title"], levels["credit"], levels["authors"]) == (1.0, 0.8, 0.0)


def test_news_spider_counts_a_challenge_page_as_no_content() -> None:
    spider = news_spider()
    response = HtmlResponse("https://www.example.com/news/2024/10/24/harbour-bridge-vote", body=CHALLENGE.encode())
    assert list(spider.parse_article(response)) == []
    assert spider.crawler.stats.get_value("articles/no_content") == 1
    assert spider.crawler.stats.get_value("articles/skipped/other") == 1


def test_news_spider_tells_the_state_which_pages_to_try_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # A page that may pass (a challenge page; a listing at an article URL, most often the site's "not found"
    # page of latest stories; a page whose reading raised) is tried again later (scrapers.harvest.NO_RECORD):
    # a listing was remembered as no article, and a story that once answered with one was never asked for again.
    spider = news_spider()
    url = "https://www.example.com/news/2024/10/24/harbour-bridge-vote"
    links = "".join(f'<li><a href="/news/story-{n}">Story number {n} of the day</a></li>' for n in range(30))
    walled, listing, broken = (HtmlResponse(url, body=body.encode(), request=Request(url)) for body in (
        CHALLENGE, f"<html><head><title>News</title></head><body><ul>{links}</ul></body></html>", "<p>x</p>"))
    assert list(spider.parse_article(walled)) == list(spider.parse_article(listing)) == []
    assert (walled.meta.get(NO_RECORD), listing.meta.get(NO_RECORD)) == ("missing", "missing")

    def raises(*args: Any) -> None:
        raise ValueError("a page no reader expected")

    monkeypatch.setattr(base, "read_article_page", raises)
    assert list(spider.parse_article(broken)) == []
    assert broken.meta.get(NO_RECORD) == "rejected"


def test_news_spider_does_not_count_a_listing_as_no_content() -> None:
    spider = news_spider()
    links = "".join(f'<li><a href="/news/story-{n}">Story number {n} of the day</a></li>' for n in range(30))
    listing = f"<html><head><title>News</title></head><body><ul>{links}</ul></body></html>"
    response = HtmlResponse("https://www.example.com/news/2024/10/24/today", body=listing.encode())
    assert list(spider.parse_article(response)) == []
    assert spider.crawler.stats.get_value("articles/no_content") is None
    assert spider.crawler.stats.get_value("articles/skipped/listing") == 1


def test_bot_wall_under_the_news_spider_fails_the_checks() -> None:
    spider = news_spider()
    for n in range(10):
        url = f"https://www.example.com/news/2024/10/24/story-{n}"
        assert list(spider.parse_article(HtmlResponse(url, body=CHALLENGE.encode()))) == []
    stats = spider.crawler.stats.get_stats()
    lines = failed_checks("news", {**stats, "articles/pages": 10, "response_received_count": 11,
                                   "listing/articles_found": 10}, url="https://www.example.com/news/")
    assert "10 of 10 article pages came back with no body and no date" in lines[0]


def test_news_spider_tries_a_non_text_article_page_again_and_counts_it_as_no_content() -> None:
    # An image or a PDF where an article was listed (a CDN's hiccup, a bot wall's picture): with a state, the
    # URL is tried again after RETRY_AFTER (it was remembered as no article for good), and a run of them fails
    # the bot-wall check.
    spider = news_spider()
    url = "https://www.example.com/news/2024/10/24/harbour-bridge-vote"
    image = Response(url, body=b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"}, request=Request(url))
    assert list(spider.parse_article(image)) == []
    assert image.meta.get(NO_RECORD) == "missing"
    assert spider.crawler.stats.get_value("articles/no_content") == 1
    assert failed_checks("news", {"articles/pages": 10, "articles/no_content": 10, "response_received_count": 11,
                                  "listing/articles_found": 10, "articles/skipped/non_text_response": 10},
                         url="https://www.example.com/news/") == [
        "example.com: 10 of 10 article pages came back with no body and no date"
        " (a bot wall or an error page served with status 200?)"]
