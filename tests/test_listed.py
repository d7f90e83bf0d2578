"""Feeds and sitemaps read as listed articles (scrapers/extract/listed.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.extract.listed import Listed, feed_entries, sitemap_entries


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


def test_a_sitemap_gives_its_pages_with_their_dates() -> None:
    body = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<url><loc>https://example.com/news/one-story.html</loc><lastmod>2024-09-06</lastmod></url></urlset>")
    assert sitemap_entries(body, "https://example.com/sitemap.xml") == (
        [], [Listed("https://example.com/news/one-story.html", None, datetime(2024, 9, 6, tzinfo=UTC))])
