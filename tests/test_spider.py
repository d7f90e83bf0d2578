"""What the thoidai spider requests, under the bounds a scheduled run sets."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse

from tests.harness import ROOT, crawl_sample, opened_spider, project_crawler

SAMPLES = ROOT / "samples" / "thoidai"
FIRST_PAGE = SAMPLES / "section-quoc-te.html"


def recorded(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def next_page_of(path: Path) -> str:
    return str(recorded(path)["follows"][-1])


def test_section_page_follows_its_articles_then_its_next_page() -> None:
    _, follows, _ = crawl_sample(FIRST_PAGE, recorded(FIRST_PAGE)["request"])
    assert follows[-1].endswith("&s_cond=&BRSR=16")
    assert all(url.endswith(".html") for url in follows[:-1])


def test_max_pages_stops_pagination() -> None:
    _, follows, _ = crawl_sample(FIRST_PAGE, recorded(FIRST_PAGE)["request"], max_pages="1")
    assert follows == recorded(FIRST_PAGE)["follows"][:-1]


def test_since_after_every_listed_article_follows_nothing() -> None:
    _, follows, _ = crawl_sample(FIRST_PAGE, recorded(FIRST_PAGE)["request"], since="2030-01-01")
    assert follows == []


def test_since_before_every_listed_article_changes_nothing() -> None:
    _, follows, _ = crawl_sample(FIRST_PAGE, recorded(FIRST_PAGE)["request"], since="2000-01-01")
    assert follows == recorded(FIRST_PAGE)["follows"]


async def collect_start(spider_args: dict[str, Any]) -> list[Request]:
    crawler = project_crawler("thoidai")
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler, **spider_args)
    return [request async for request in spider.start()]


def test_start_is_the_home_page_feeds_and_sitemaps_by_default() -> None:
    requests = asyncio.run(collect_start({}))
    assert [(r.url, r.callback.__name__) for r in requests] == [
        ("https://thoidai.com.vn/", "parse_home"),
        ("https://thoidai.com.vn/rss_feed/", "parse_feed"),
        ("https://thoidai.com.vn/sitemap.xml", "parse_sitemap"),
    ]


def test_sources_choose_where_to_look() -> None:
    requests = asyncio.run(collect_start({"sources": "feeds,sitemaps"}))
    assert [r.callback.__name__ for r in requests] == ["parse_feed", "parse_sitemap"]
    with pytest.raises(ValueError, match="unknown sources"):
        asyncio.run(collect_start({"sources": "rss"}))


def test_start_is_the_chosen_sections() -> None:
    requests = asyncio.run(collect_start({"sections": "quoc-te,quoc-te/nhip-song", "sources": "sections"}))
    assert [(r.url, r.callback.__name__) for r in requests] == [
        ("https://thoidai.com.vn/quoc-te", "parse_section"),
        ("https://thoidai.com.vn/quoc-te/nhip-song", "parse_section"),
    ]


def test_spider_stays_on_the_site() -> None:
    crawler = project_crawler("thoidai")
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler)
    assert spider.allowed_domains == ["thoidai.com.vn"]
    assert crawler.settings.getbool("ROBOTSTXT_OBEY")
    assert crawler.settings.getbool("AUTOTHROTTLE_ENABLED")
    assert "newsharvest" in crawler.settings.get("USER_AGENT")


BOT_WALL = b"""<html><head><title>Just a moment...</title></head><body><h1>Checking your browser</h1>
<p>Please enable JavaScript and cookies to continue.</p></body></html>"""


@pytest.mark.parametrize(
    ("spider_name", "args", "url"),
    [
        ("thoidai", {}, "https://thoidai.com.vn/bai-viet-202411.html"),
        ("news", {"url": "https://www.hafenblatt.example/politik/"}, "https://www.hafenblatt.example/politik/a-1.html"),
    ],
)
def test_every_spider_reads_articles_on_one_path(spider_name: str, args: dict[str, Any], url: str) -> None:
    # A page served with 200 that holds neither a story nor a date (a bot wall) is counted alike by the
    # site spider and the news spider: both go through HarvestSpider.parse_article.
    from scrapy.http import HtmlResponse

    from scrapers.spiders.base import HarvestSpider

    crawler = project_crawler(spider_name)
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler, **args)
    assert crawler.stats is not None
    response = HtmlResponse(url, body=BOT_WALL, encoding="utf-8", request=Request(url))
    items = list(HarvestSpider.parse_article(spider, response))
    callback = type(spider).parse_article  # the site spider's carries its `scrapy check` contract
    assert getattr(callback, "__wrapped__", callback) is HarvestSpider.parse_article
    stats = crawler.stats.get_stats()
    assert stats.get("articles/no_content") == 1
    if spider_name == "news":  # the generic page class tells a bot wall is no article, by its kind
        assert items == [] and stats.get("articles/skipped/other") == 1
    else:  # the profile's page class takes it for an article: the record is written, empty
        assert len(items) == 1


def test_gzipped_sitemap_is_read_as_the_plain_one() -> None:
    # sitemap.xml.gz is a gzip file (not a Content-Encoding), which Scrapy's gunzip unpacks.
    crawler = project_crawler("thoidai")
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler)
    crawler.spider = spider
    plain = (ROOT / "samples" / "thoidai" / "sitemap-news.xml").read_bytes()
    url = "https://thoidai.com.vn/sitemap-news.xml"
    want = [request.url for request in spider.parse_sitemap(XmlResponse(url, body=plain))]
    packed = Response(f"{url}.gz", body=gzip.compress(plain), headers={"Content-Type": "application/x-gzip"},
                      request=Request(f"{url}.gz"))
    assert [request.url for request in spider.parse_sitemap(packed)] == want
    assert len(want) == 8


def test_a_sitemap_index_and_a_sitemap_are_read_newest_first() -> None:
    """Indexes often list their sitemaps oldest first (2009 ... 2025), and sitemaps their pages: a run that ends
    at its bound of time or of articles had read the site's oldest."""
    crawler = project_crawler("thoidai")
    assert crawler.spidercls is not None
    spider = crawler.spidercls.from_crawler(crawler)
    crawler.spider = spider
    index = ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             + "".join(f"<sitemap><loc>https://thoidai.com.vn/sitemap-{year}.xml</loc><lastmod>{year}-12-31</lastmod>"
                       "</sitemap>" for year in (2009, 2010, 2025)) + "</sitemapindex>").encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://thoidai.com.vn/sitemap.xml", body=index)))
    assert [request.url.rsplit("-", 1)[1] for request in requests] == ["2025.xml", "2010.xml", "2009.xml"]
    pages = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             + "".join(f"<url><loc>https://thoidai.com.vn/tin-{day}-20{day}.html</loc><lastmod>2024-10-{day}</lastmod>"
                       "</url>" for day in (10, 11, 24)) + "</urlset>").encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://thoidai.com.vn/sitemap-2024.xml", body=pages)))
    assert [request.url for request in requests] == [f"https://thoidai.com.vn/tin-{day}-20{day}.html"
                                                     for day in (24, 11, 10)]


@pytest.mark.parametrize(("stamps", "read"), [
    ([f"2026-12-01T10:00:{second:02d}+00:00" for second in range(30)], False),  # the moment it was made: no news
    ([f"2026-12-01T{hour:02d}:00:00+00:00" for hour in range(24)] + ["2026-11-30T10:00:00+00:00"] * 6, True),
    (["2026-12-01T10:00:00+00:00"] * 10, True),  # ten edited in the same minute: too few to tell
    (["2026-12-01"] * 30, True),  # a daily sitemap's days: no moment it was made at (review)
])
def test_a_sitemap_or_feed_that_stamps_every_url_with_the_time_it_was_made_says_nothing_of_modifications(
        stamps: list[str], read: bool) -> None:
    # Read as modifications, the stamps made every article the state knows due in every run (hostile review)
    crawler = project_crawler("thoidai")
    spider = opened_spider(crawler)
    pages = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             + "".join(f"<url><loc>https://thoidai.com.vn/tin-{n}-20{n:04d}.html</loc><lastmod>{stamp}</lastmod></url>"
                       for n, stamp in enumerate(stamps)) + "</urlset>").encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://thoidai.com.vn/sitemap-2026.xml", body=pages)))
    assert len(requests) == len(stamps)
    assert all((request.meta["article"] is not None) == read for request in requests)
    assert crawler.stats.get_value("sitemaps/lastmod_stamped") == (None if read else 1)
    # A feed's <updated> the same way: its 30 stories were fetched again every run (hostile review, 7th round)
    feed = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>"
            + "".join(f"<entry><title>t</title><link href='https://thoidai.com.vn/tin-{n}-20{n:04d}.html'/>"
                      f"<published>2026-11-01T10:00:00+00:00</published><updated>{stamp}</updated></entry>"
                      for n, stamp in enumerate(stamps)) + "</feed>").encode()
    requests = list(spider.parse_feed(XmlResponse("https://thoidai.com.vn/feed.atom", body=feed)))
    assert len(requests) == len(stamps)
    assert all((request.meta["article"] is not None) == read for request in requests)
    assert crawler.stats.get_value("feeds/updated_stamped") == (None if read else 1)


def test_a_section_whose_next_page_shows_only_what_its_pages_showed_ends_its_pagination() -> None:
    """A pagination that loops or serves its last page again past the end ran to max_pages, which is all by
    default for a site profile: without end. Another listing showing the same articles does not end it."""
    crawler = project_crawler("thoidai")
    spider = opened_spider(crawler)
    front = (ROOT / "samples" / "thoidai" / "section-quoc-te.html").read_bytes()

    def section(url: str, meta: dict[str, Any]) -> list[Request]:
        response = HtmlResponse(url, body=front, encoding="utf-8", request=Request(url, meta=meta))
        return [request for request in spider.parse_section(response) if request.callback == spider.parse_section]

    (second,) = section("https://thoidai.com.vn/quoc-te", {"page": 1})
    assert section(second.url, second.meta) == []  # page 2 shows page 1's articles again
    assert crawler.stats.get_value("listing/pagination_ended") == 1
    (other,) = section("https://thoidai.com.vn/viet-nam-hom-nay", {"page": 1})  # the same articles, another
    assert other.meta == {"page": 2, "pagination": "https://thoidai.com.vn/viet-nam-hom-nay"}  # section


def test_since_spares_the_sitemap_articles_last_modified_before_it() -> None:
    """A sitemap gives `<lastmod>` only: an article last modified before `since` was published before it too. The
    2019-2021 and early-October articles were fetched, then dropped once their pages dated them."""
    sitemap = SAMPLES / "sitemap-articles.xml"
    _, every, _ = crawl_sample(sitemap, recorded(sitemap)["request"])
    _, recent, _ = crawl_sample(sitemap, recorded(sitemap)["request"], since="2024-10-23")
    assert len(recent) == 7 < len(every)
    assert set(recent) < set(every)


ARTICLES = [f"https://thoidai.com.vn/tin-{n}-20{n:04d}.html" for n in range(3)]


@pytest.mark.parametrize(("body", "read"), [
    ("\n".join(ARTICLES) + "\n", True),  # the protocol's text format
    ("\ufeff" + "\r\n".join(ARTICLES), True),
    ("<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
     + "".join(f"<item><title>t</title><link>{url}</link></item>" for url in ARTICLES) + "</channel></rss>", True),
    ("<?xml version='1.0'?><!-- feed --><feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>"
     + "".join(f"<entry><title>t</title><link href='{url}'/></entry>" for url in ARTICLES) + "</feed>", True),
    ("<html><body><p>Not found</p>" + "".join(f"<a href='{url}'>x</a>" for url in ARTICLES) + "</body></html>", False),
    ("Sorry, the sitemap is being rebuilt.\nTry again later.\n" + ARTICLES[0], False),  # a message, not a list
])
def test_a_sitemap_as_text_or_as_a_feed_is_read_and_one_that_is_neither_is_said(body: str, read: bool) -> None:
    # The sitemap protocol accepts a text file of URLs and RSS and Atom feeds; robots.txt named them, and they
    # were read as empty with nothing said (hostile review, 7th round).
    crawler = project_crawler("thoidai")
    spider = opened_spider(crawler)
    response = Response("https://thoidai.com.vn/sitemap.txt", body=body.encode())
    requests = list(spider.parse_sitemap(response))
    assert [request.url for request in requests] == (ARTICLES if read else [])
    assert crawler.stats.get_value("sitemaps/unreadable") == (None if read else 1)


def test_a_sitemap_s_entries_become_no_requests_once_the_run_is_shutting_down() -> None:
    # Its 50,000 entries went on becoming requests (dropped at once) for 22 s past the run's bound after SIGTERM
    # (hostile review)
    from scrapers.shutdown import stop_downloads

    crawler = project_crawler("thoidai")
    spider = opened_spider(crawler)
    pages = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             + "".join(f"<url><loc>https://thoidai.com.vn/tin-{n}-20{n:04d}.html</loc></url>" for n in range(100))
             + "</urlset>").encode()
    requests = spider.parse_sitemap(XmlResponse("https://thoidai.com.vn/sitemap-2026.xml", body=pages))
    first = [next(requests) for _ in range(10)]
    crawler.signals.send_catch_log(stop_downloads)
    assert len(first) == 10 and list(requests) == []
    assert crawler.stats.get_value("listing/left_at_shutdown") == 90  # found, not asked for
    assert crawler.stats.get_value("listing/articles_found") == 100


def test_a_site_spider_reads_its_articles_with_its_profile_even_if_sites_lacks_it(
        caplog: pytest.LogCaptureFixture) -> None:
    # A profile left out of SITES: its article pages were read with the generic class, and nothing said so
    # (newcomer review)
    from dataclasses import replace

    from scrapy.utils.test import get_crawler

    from scrapers.pages import ArticlePage
    from scrapers.sites.profile import SiteProfile
    from scrapers.sites.thoidai import PROFILE
    from scrapers.spiders.sites import SiteSpider

    class ToyArticle(ArticlePage):
        pass

    toy_profile: SiteProfile = replace(PROFILE, name="toy", home_url="https://toy.example/",
                                       domains=("toy.example",), article_page=ToyArticle)

    class ToySpider(SiteSpider):
        name = "toy"
        profile = toy_profile

    spider = ToySpider.from_crawler(get_crawler(ToySpider))
    assert spider.article_page("https://www.toy.example/a-1.html") is ToyArticle
    assert spider.article_page("https://elsewhere.example/a-1.html") is ArticlePage  # another site: its own
    assert "is not in SITES" in caplog.text
