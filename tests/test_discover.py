"""Telling article links and article pages from the rest, on sites without a profile."""

from __future__ import annotations

import pytest
from parsel import Selector

from scrapers.extract.discover import article_links, next_page, page_kind, url_score
from scrapers.extract.parsed import parse_page

SITE = "https://www.hafenblatt.example"


@pytest.mark.parametrize(
    ("path", "article"),
    [
        ("/hamburg/article242192802/Hamburg-Marathon-2024-Royaler-Besuch.html", True),
        ("/2024/04/30/swedish-police-to-investigate-reports-of-leaks", True),  # a date in the path
        ("/news/economy/economists-weigh-in-jobs-report", True),  # a headline slug
        ("/de/ukrainische-gegenoffensive/a-65464327", True),  # an id
        ("/politik", False),  # a section front
        ("/nachrichten/", False),
        ("/thema/hafen", False), ("/tag/ukraine-krieg-russland-nato", False), ("/autoren/anna-beispiel", False),
        ("/video/so-loeschte-die-feuerwehr-den-brand-4411223.html", False),  # media pages by their path
        ("/impressum", False), ("/", False),
    ],
)
def test_url_score(path: str, article: bool) -> None:
    assert (url_score(SITE + path) >= 1.0) is article


def test_article_links_learns_the_sites_pattern_from_the_page() -> None:
    # Short slugs alone score too low; three links of one shape on the page make it the site's pattern.
    links = [f"{SITE}/lokales/kurz-notiert-{n}" for n in range(1, 4)] + [f"{SITE}/lokales/"]
    assert article_links(links) == links[:3]
    assert article_links(links[:1]) == []


STORY_PARAGRAPH = "Ein Absatz mit genug Text, um eine Geschichte zu erzählen, und noch mehr Worten dazu. " * 3


def jsonld(kind: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "{kind}", "name": "x"}}</script>'


@pytest.mark.parametrize(
    ("head", "body", "kind"),
    [
        ('<meta property="og:type" content="article">', "", "article"),
        (jsonld("NewsArticle"), "", "article"),
        (jsonld("ProfilePage"), "", "profile"),
        ('<meta property="og:type" content="video.other">', "", "video"),
        ("", "\n\n".join([STORY_PARAGRAPH] * 4), "article"),  # says nothing, holds a story
        ("", "Kurz.", "other"),
        ('<meta name="OG:TYPE" content=" Article ">', "", "article"),  # read like the readers read meta tags
        ('<meta property="og:type" content="">', "", "other"),
        ('<meta name="og:type" content="video.other">', "\n\n".join([STORY_PARAGRAPH] * 4), "video"),  # says so
        # An author box, a carousel, an embedded clip beside a story: the page is the story (hostile review) ...
        (jsonld("Person"), "\n\n".join([STORY_PARAGRAPH] * 4), "article"),
        (jsonld("ItemList"), "\n\n".join([STORY_PARAGRAPH] * 4), "article"),
        (jsonld("VideoObject"), "\n\n".join([STORY_PARAGRAPH] * 4), "article"),
        ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "Person", "name": "x"}]}'
         "</script>", "\n\n".join([STORY_PARAGRAPH] * 4), "article"),
        # ... and what it is without one, or when the thing names the page as its own
        (jsonld("Person"), "Kurz.", "profile"),
        (jsonld("VideoObject"), "Kurz.", "video"),
        (jsonld("ItemList"), "Kurz.", "listing"),
        (f'<script type="application/ld+json">{{"@type": "Person", "url": "{SITE}/a"}}</script>',
         "\n\n".join([STORY_PARAGRAPH] * 4), "profile"),
        (jsonld("CollectionPage"), "\n\n".join([STORY_PARAGRAPH] * 4), "listing"),  # the page's own type
    ],
)
def test_page_kind(head: str, body: str, kind: str) -> None:
    parsed = parse_page(Selector(text=f"<html><head>{head}</head><body></body></html>"), f"{SITE}/a")
    assert page_kind(parsed, body, "Titel") == kind


def test_a_page_of_many_links_and_no_story_is_a_listing() -> None:
    def links(count: int) -> str:
        return "".join(f'<a href="/nachrichten/{n}">Meldung {n}</a>' for n in range(count)) + "<a>no link</a>"

    for count, kind in ((20, "listing"), (19, "other")):
        sel = Selector(text=f"<html><body>{links(count)}</body></html>")
        assert page_kind(parse_page(sel, f"{SITE}/"), "Kurz.", None) == kind


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ('<link rel="next" href="/p/2">', f"{SITE}/p/2"),
        ('<a href="/nachrichten/seite-2">Weiter</a>', f"{SITE}/nachrichten/seite-2"),
        ('<a href="?page=3" aria-label="Next page">›</a>', f"{SITE}/nachrichten/?page=3"),
        ('<a href="/archiv">Archiv</a>', None),
    ],
)
def test_next_page(links: str, expected: str | None) -> None:
    assert next_page(Selector(text=f"<html><body>{links}</body></html>"), f"{SITE}/nachrichten/") == expected


def test_real_article_pages_are_articles() -> None:
    """Every page of fundus-dev is an article page of a real publisher (89 of them, many languages)."""
    import gzip
    from datetime import UTC, datetime

    from scrapers.extract import decode_page
    from scrapers.pages import ArticlePage
    from tests.sitecopy import DATA

    pages = sorted((DATA / "pages").glob("*.html.gz"))
    kinds = []
    for path in pages:
        sel = Selector(text=decode_page(gzip.decompress(path.read_bytes())))
        page = ArticlePage(sel, url="https://example.org/a-1.html", fetched_at=datetime.now(UTC))
        kinds.append(page_kind(page.parsed, page.body(), page.title()))
    assert len(pages) == 128
    assert kinds.count("article") / len(kinds) >= 0.98
