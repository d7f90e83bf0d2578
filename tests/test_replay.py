"""Replay mode answers requests from saved pages, as the live site would."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse

from scrapers.replay import ReplayDownloads, index_samples
from tests.harness import ROOT

SAMPLES = ROOT / "samples" / "thoidai"


def middleware() -> ReplayDownloads:
    pages, robots = index_samples(SAMPLES)
    return ReplayDownloads(pages, robots)


def test_saved_page_is_served_with_its_recorded_fetch_time() -> None:
    url = "https://thoidai.com.vn/hai-nha-lanh-dao-nga-my-nhat-tri-hop-tac-giai-quyet-van-de-an-ninh-mang-142422.html"
    response = middleware().answer(Request(url))
    assert isinstance(response, HtmlResponse)
    assert response.status == 200
    assert response.css("h1.article-detail-title::text").get() == (
        "Hai nhà lãnh đạo Nga - Mỹ nhất trí hợp tác giải quyết vấn đề an ninh mạng"
    )
    assert response.headers[b"Date"] == b"Thu, 24 Oct 2024 08:00:00 GMT"


def test_unsaved_url_is_a_404() -> None:
    response = middleware().answer(Request("https://thoidai.com.vn/khong-co-trang-nay-1234.html"))
    assert response.status == 404


def test_robots_txt_is_served_for_the_site() -> None:
    response = middleware().answer(Request("https://thoidai.com.vn/robots.txt"))
    assert response.status == 200
    assert b"Disallow: /apicenter@/" in response.body


def test_every_sample_is_indexed_under_its_recorded_url() -> None:
    pages, _ = index_samples(SAMPLES)
    assert len(pages) == len(list(SAMPLES.glob("*.json")))
    assert {page.path.suffix for page in pages.values()} == {".html", ".xml"}


def test_sitemap_is_served_as_xml() -> None:
    response = middleware().answer(Request("https://thoidai.com.vn/sitemap.xml"))
    assert isinstance(response, XmlResponse)
    assert response.xpath("//*[local-name()='loc']/text()").getall() == [
        "https://thoidai.com.vn/sitemap-news.xml", "https://thoidai.com.vn/sitemaparticles-site-1.xml",
    ]
