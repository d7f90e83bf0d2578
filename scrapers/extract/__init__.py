"""Pure extraction helpers: nothing here imports Scrapy. `scrapers.extraction.extract_article` reads one saved
page as a crawl would."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_page(html: bytes) -> str:
    """The page as text when no HTTP header names its charset: valid UTF-8 is UTF-8 (pages re-saved as
    UTF-8 often still declare their old charset in a meta tag), anything else by its declaration or a guess."""
    try:
        return html.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return html_to_unicode(None, html)[1]
