"""Finding articles on a site the project has no profile for: which links look like articles, which fetched
pages are articles, and where a listing continues.

- `article_links(urls)`: the links of a listing page that look like article URLs. A URL scores by its own
  shape (a long slug, an id, a date in the path, `.html`), and paths of section, tag, author, search and
  media pages do not count. Then the page's own pattern decides: URLs are grouped by shape (digits and
  slugs abstracted), and a shape that several candidate links share lends its weight to every member,
  so a site's article URLs are learned from the page rather than from a list of sites.
- `page_kind(parsed, body)`: `article` when the page says so (`og:type=article`, a JSON-LD Article type) or,
  saying nothing, holds a story (several paragraphs of body text and a headline); `listing`, `profile`,
  `video`, `other` otherwise.
- `next_page(sel, url)`: `rel=next`, or a link labelled "next" in the page's language.
- `robots_sitemaps(body)`: the sitemaps a robots.txt names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

import parsel

from scrapers.extract import structured
from scrapers.extract.links import absolute_url
from scrapers.extract.parsed import Parsed
from scrapers.extract.vocabulary import NEXT_LABELS, all_words, alternation

# Path words of pages that are not articles.
NOT_ARTICLE_WORDS = frozenset({
    "tag", "tags", "topic", "topics", "thema", "themen", "author", "authors", "autor", "autoren", "auteur",
    "profile", "profil", "category", "categories", "kategorie", "kategorien", "categoria", "categorias",
    "categorie", "rubrik", "rubriken", "section", "sections", "ressort", "page",
    "search", "suche", "login", "signin", "register", "subscribe", "abo", "newsletter", "newsletters", "about",
    "contact", "kontakt", "impressum", "privacy", "datenschutz", "terms", "agb", "cookies", "feed", "rss",
    "video", "videos", "gallery", "galleries", "galerie", "photos", "fotos", "podcast", "podcasts", "live",
    "shop", "jobs", "advertise", "archive", "archiv", "wp-login", "cdn-cgi", "account", "epaper",
})
_DATE_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|$)")
_ID = re.compile(r"\d{5,}")
_WORD_SPLIT = re.compile(r"[-_.,+]+")
_DIGITS = re.compile(r"\d+")
# JSON-LD types (lower-cased, as `structured.types_of` gives them) of pages that are not articles.
PAGE_TYPES_OTHER = {"profilepage": "profile", "collectionpage": "listing", "searchresultspage": "listing"}
"""JSON-LD types of a page itself that make it no article."""
THING_TYPES_OTHER = {"person": "profile", "itemlist": "listing", "videoobject": "video"}
"""JSON-LD types of things an article page shows beside its story too (an author box, a carousel of other
stories, an embedded clip): they make a page that kind when they name its address as theirs, or when the page
tells no story. Deciding first, they made full stories profiles, listings and videos, stored as skipped and
never fetched again (hostile review)."""
NEXT_LABEL = re.compile(rf"^(?:{alternation(all_words(NEXT_LABELS))})\s*[›»→>]?$", re.IGNORECASE)


NOT_ARTICLE = -1.0


def url_score(url: str) -> float:
    """How much `url` looks like an article URL by itself: from 0 up; `NOT_ARTICLE` for the home page, a
    top-level page and the paths of section, tag, author, search and media pages."""
    path = urlsplit(url).path
    segments = [segment for segment in path.split("/") if segment]
    if not segments or any(segment.lower() in NOT_ARTICLE_WORDS for segment in segments):
        return NOT_ARTICLE
    last = segments[-1].lower()
    words = [word for word in _WORD_SPLIT.split(last.removesuffix(".html").removesuffix(".htm")) if word]
    score = 0.0
    if len(words) >= 4:
        score += 1.0  # a slug of the headline
    if _ID.search(path):
        score += 1.0
    if _DATE_PATH.search(path):
        score += 1.0
    if last.endswith((".html", ".htm", ".shtml", ".php")):
        score += 0.5
    if len(segments) == 1 and len(words) < 3 and not _ID.search(last):
        return NOT_ARTICLE  # a top-level page: /politik, /about-us
    return score


def shape(url: str) -> str:
    """The URL with digits and slug words abstracted: the site's pattern for a kind of page."""
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.split("/"):
        words = [word for word in _WORD_SPLIT.split(segment) if word]
        if len(words) >= 3:
            segment = "<slug>" + (".html" if segment.endswith(".html") else "")
        segments.append(_DIGITS.sub("<n>", segment))
    return f"{parts.hostname}{'/'.join(segments[:-1])}/{segments[-1] if segments else ''}"


def article_links(urls: Iterable[str], *, threshold: float = 1.0) -> list[str]:
    """The URLs among `urls` (one listing page's links, absolute) that look like articles, in page order."""
    unique = list(dict.fromkeys(urls))
    scores = {url: url_score(url) for url in unique}
    shape_of = {url: shape(url) for url, score in scores.items() if score != NOT_ARTICLE}
    shapes = Counter(shape_of.values())
    picked = []
    for url in unique:
        score = scores[url]
        if score != NOT_ARTICLE and "<slug>" in shape_of[url] and shapes[shape_of[url]] >= 3:
            score += 1.0  # the page lists several of this kind: the site's article pattern
        if score >= threshold:
            picked.append(url)
    return picked


def page_kind(parsed: Parsed, body: str, title: str | None) -> str:
    """What a fetched page is: `article`, `listing`, `profile`, `video` or `other`, from what the page read
    once says about itself (its JSON-LD and `og:type`, read like every other meta tag)."""
    og_type = (structured.meta_content(parsed.meta, "og:type") or "").lower()
    if parsed.article or og_type.startswith("article"):
        return "article"
    shown = None  # the kind of the first thing the page shows (THING_TYPES_OTHER)
    for obj in parsed.jsonld:
        for kind_name in structured.types_of(obj):
            if kind_name in PAGE_TYPES_OTHER:
                return PAGE_TYPES_OTHER[kind_name]
            if kind_name in THING_TYPES_OTHER:
                if structured.names_page(obj, parsed.url):
                    return THING_TYPES_OTHER[kind_name]
                shown = shown or THING_TYPES_OTHER[kind_name]
    if og_type.startswith("video"):
        return "video"
    if og_type == "profile":
        return "profile"
    paragraphs = [block for block in body.split("\n\n") if len(block) >= 80]
    if title and len(paragraphs) >= 3 and sum(len(p) for p in paragraphs) >= 800:
        return "article"
    if shown is not None:
        return shown
    links = sum(1 for anchor in parsed.tagged("a") if anchor.get("href") is not None)
    return "listing" if links >= 20 else "other"


def next_page(sel: parsel.Selector, url: str) -> str | None:
    """The listing's next page: a `rel=next` link, else a link labelled "next"."""
    href = sel.css("link[rel=next]::attr(href), a[rel~=next]::attr(href)").get()
    if href:
        return absolute_url(href, url)
    # Attributes read with `get`: parsel's `.attrib` copies them all, and lxml raises for an attribute whose
    # name holds a control character (`<a \x01x="" href=...>`), which failed the listing's callback. The anchors
    # are lxml's own, their text `itertext`'s (XPath's string()): a parsel Selector and an XPath call per link
    # took 5 s of a listing of 90,000 links.
    for anchor in sel.root.iter("a"):
        if (href := anchor.get("href")) is None:
            continue
        label = " ".join("".join(anchor.itertext()).split())
        aria = anchor.get("aria-label") or ""
        if NEXT_LABEL.match(label) or NEXT_LABEL.match(aria):
            return absolute_url(href, url)
    return None


def feed_links(sel: parsel.Selector, url: str) -> list[str]:
    """RSS and Atom feeds the page advertises in its head."""
    hrefs = sel.xpath(
        "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href"
    ).getall()
    return [link for link in (absolute_url(href, url) for href in hrefs) if link]


def robots_sitemaps(body: bytes) -> list[str]:
    """The addresses of the `Sitemap:` lines of the robots.txt `body`, as written (relative ones resolve against
    the robots.txt). Each line is read on its own: a reader that parses the whole file raised at a malformed one
    (`Sitemap: http://[::1`) and lost the lines after it."""
    sitemaps = []
    for line in body.splitlines():
        field, _, value = line.partition(b":")
        if field.strip().lower() == b"sitemap" and value.strip():
            sitemaps.append(value.decode("utf-8", "replace").strip())
    return sitemaps
