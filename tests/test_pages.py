"""Page classes: what the generic defaults and a profile's overrides give, and whom `sources` credits."""

from __future__ import annotations

from datetime import UTC, datetime

from parsel import Selector

from scrapers.pages import ArticlePage
from scrapers.sites.mastercms import MasterCMSArticle

FETCHED = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
SENTENCE = "Die Rauchsäule stand stundenlang über dem Hafen, und die Feuerwehr rückte mit allen Zügen aus. "
STORY = f"<p>{SENTENCE * 3}</p>"


def test_language_stated_only_in_jsonld_reaches_the_record_and_dates_its_local_time() -> None:
    page = ArticlePage(Selector(text=f"""<html><head>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand im Hafen",
 "inLanguage": "de-DE", "datePublished": "2024-05-03T10:15:00"}}</script></head>
<body><article><h1>Brand im Hafen</h1>{STORY}</article></body></html>"""), url="https://hafenblatt.de/brand-1.html",
                       fetched_at=FETCHED)
    item = page.to_item()
    assert item.language == "de"  # the language alone; its region still dates the local time
    assert item.published_at == datetime(2024, 5, 3, 8, 15, tzinfo=UTC)
    assert item.sources["language"] == "jsonld"


def test_sources_credit_the_profile_only_for_what_it_read_itself() -> None:
    html = f"""<html lang="vi"><head><meta property="og:title" content="Hai nhà lãnh đạo gặp nhau"></head>
<body><div class="article-detail-desc">Cuộc gặp kéo dài hai giờ.</div>
<div id="__MB_MASTERCMS_EL_3">{STORY}</div></body></html>"""
    item = MasterCMSArticle(Selector(text=html), url="https://thoidai.com.vn/a-1.html", fetched_at=FETCHED).to_item()
    assert item.title == "Hai nhà lãnh đạo gặp nhau"
    assert item.sources["title"] == "og:title"
    assert item.lead == "Cuộc gặp kéo dài hai giờ."
    assert item.sources["lead"] == "profile mastercms"
