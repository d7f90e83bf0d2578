"""Feeds and sitemaps read as listed articles (scrapers/extract/listed.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scrapers.extract.listed import (
    MAX_FEED_ATTRIBUTES,
    Listed,
    feed_entries,
    newest_first,
    sitemap_entries,
    without_crowded_tags,
)


def feed(date: str) -> bytes:
    return (f"<rss version='2.0'><channel><title>T</title><item><title>One</title><link>/news/one-story.html</link>"
            f"<pubDate>{date}</pubDate></item><item><title>Two</title><link>/news/two-story.html</link></item>"
            "</channel></rss>").encode()


def test_a_feed_gives_its_items_with_their_dates() -> None:
    assert feed_entries(feed("Fri, 06 Sep 2024 16:45:00 +0200"), "https://example.com/feed.xml") == [
        Listed("https://example.com/news/one-story.html", datetime(2024, 9, 6, 14, 45, tzinfo=UTC)),
        Listed("https://example.com/news/two-story.html"),
    ]


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_date_past_what_a_datetime_holds_is_no_date_and_the_feed_is_read(date: str) -> None:
    entries = feed_entries(feed(date), "https://example.com/feed.xml")
    assert [entry.url for entry in entries] == ["https://example.com/news/one-story.html",
                                                "https://example.com/news/two-story.html"]
    assert entries[0].published is None


def test_a_date_far_ahead_of_now_is_no_date_in_a_feed_or_a_sitemap() -> None:
    # A placeholder 9999-12-31 sorted its entry ahead of every real one (newest_first) and, as a modification
    # time, made its article due at every run (fuzzer). A day ahead (time zones, an embargo) stands.
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=20)
    entries = feed_entries(feed("Fri, 31 Dec 9999 23:00:00 +0000"), "https://example.com/feed.xml")
    assert entries[0].published is None
    body = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            "<url><loc>https://example.com/news/one-story.html</loc><lastmod>9999-12-31</lastmod>"
            "<news:news xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><news:publication_date>"
            "9999-12-31T00:00:00Z</news:publication_date></news:news></url>"
            f"<url><loc>https://example.com/news/two-story.html</loc><lastmod>{soon.isoformat()}</lastmod></url>"
            "</urlset>").encode()
    assert sitemap_entries(body, "https://example.com/sitemap.xml")[1] == [
        Listed("https://example.com/news/one-story.html", None, None),
        Listed("https://example.com/news/two-story.html", None, soon)]


def test_a_sitemap_index_gives_its_sitemaps_with_their_dates() -> None:
    body = (b"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<sitemap><loc>/sitemap-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap>"
            b"<sitemap><loc>https://example.com/sitemap-latest.xml</loc></sitemap></sitemapindex>")
    assert sitemap_entries(body, "https://example.com/sitemap.xml") == ([
        Listed("https://example.com/sitemap-2019.xml", None, datetime(2019, 12, 31, tzinfo=UTC)),
        Listed("https://example.com/sitemap-latest.xml", None, None)], [])


def test_newest_first_puts_the_dated_first_newest_first_and_keeps_the_order_of_the_undated() -> None:
    day = datetime(2024, 9, 6, tzinfo=UTC)
    listed = [Listed("a"), Listed("b", None, day), Listed("c"), Listed("d", day + timedelta(days=1), day),
              Listed("e", day - timedelta(days=9), day + timedelta(days=3))]
    assert [entry.url for entry in newest_first(listed)] == ["d", "b", "e", "a", "c"]


def test_a_sitemap_gives_its_pages_with_their_dates() -> None:
    body = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<url><loc>https://example.com/news/one-story.html</loc><lastmod>2024-09-06</lastmod></url></urlset>")
    assert sitemap_entries(body, "https://example.com/sitemap.xml") == (
        [], [Listed("https://example.com/news/one-story.html", None, datetime(2024, 9, 6, tzinfo=UTC))])


def test_a_feeds_texts_are_left_out_before_it_is_read() -> None:
    from scrapers.extract.listed import without_texts

    # `content:encoded` (WordPress's full text), whose name begins as `content` does (the review caught it kept)
    assert without_texts(b"<item><content:encoded><![CDATA[<p>Full text</p>]]></content:encoded><link>/a</link>"
                         b"</item>") == b"<item><content:encoded></content:encoded><link>/a</link></item>"
    assert without_texts(b"<item><description>a<b>x</b></description><contents>k</contents><content/>"
                         b"<summary type='html'>zz</summary><link>/a.html</link><description>open") == (
        b"<item><description></description><contents>k</contents><content/><summary type='html'></summary>"
        b"<link>/a.html</link><description>open")
    body = feed("Fri, 06 Sep 2024 16:45:00 +0200").replace(b"</title><link>", b"</title><description>"
                                                           + b"<p>x</p>" * 50 + b"</description><link>", 1)
    assert feed_entries(body, "https://example.com/feed.xml") == feed_entries(
        feed("Fri, 06 Sep 2024 16:45:00 +0200"), "https://example.com/feed.xml")


def test_a_feed_is_read_up_to_its_item_limit_or_byte_limit() -> None:
    from scrapers.extract.listed import feed_head

    items = b"".join(b"<item><link>/%d.html</link></item>" % n for n in range(10))
    body = b"<rss><channel>" + items + b"</channel></rss>"
    assert feed_head(body, 20, 10_000) == body
    assert feed_head(body, 3, 10_000) == body[:body.index(b"</item>", body.index(b"/2.html")) + 7]
    cut = feed_head(body, 20, 100)  # past the byte limit: after the last whole item within it
    assert cut.endswith(b"</item>") and len(cut) <= 100 and cut.count(b"</item>") == (100 - 14) // 33
    atom = b"<feed>" + b"".join(b"<entry><link href='/%d.html'/></entry>" % n for n in range(5)) + b"</feed>"
    assert feed_head(atom, 2, 10_000).count(b"</entry>") == 2


def test_an_item_of_tens_of_thousands_of_attributes_is_read_with_its_first_ones() -> None:
    """feedparser looks each attribute up among all those of its element: one item of 60,000 attributes (650 KB)
    held a crawl 90 s. The feed reaches it with the first `MAX_FEED_ATTRIBUTES` of each element."""
    attributes = " ".join(f'a{i}="1"' for i in range(60_000))
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item {attributes}>'
            f"<title>Story one</title><link>https://example.com/a-story-1.html</link></item></channel></rss>").encode()
    kept = without_crowded_tags(body)
    assert kept.count(b' a') == MAX_FEED_ATTRIBUTES and b' a31="1"' in kept and b' a32="1"' not in kept
    assert [entry.url for entry in feed_entries(kept, "https://example.com/feed.xml")] == [
        "https://example.com/a-story-1.html"]
    plain = b'<feed><entry><link href="/x" rel="alternate" type="text/html" hreflang="de"/></entry></feed>'
    assert without_crowded_tags(plain) == plain
