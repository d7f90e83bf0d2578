"""Link boxes around a story, found without knowing the site: related stories and most-read lists.

A box is an element whose class or id names it (`related-articles`, `mostRead`, `popular`) or whose
heading says what it is ("Related", "Read more", "Meistgelesen", "Đọc nhiều", "Les plus lus"): the
heading's nearest ancestor that holds several links. Its links are the ones to other pages of the site
with a headline for text (or a `title`), in page order. Most-read, popular and trending boxes are ranked
lists; the rest are related stories.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import parsel

from scrapers.extract.discover import url_score
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.extract.markup import HEADING_TAGS, all_text
from scrapers.extract.text import clean_text

RANKED_WORDS = re.compile(
    r"most[\s_-]?read|mostread|most[\s_-]?popular|mostpopular|most[\s_-]?viewed|popular|trending|meistgelesen"
    r"|beliebt|les plus lus|más leídas|mas leidas|più lett|mais lidas|najczęściej|đọc nhiều|xem nhiều"
    r"|mest lest|mest lästa|meest gelezen|top stories|top news",
    re.IGNORECASE,
)
RELATED_WORDS = re.compile(
    r"related|read[\s_-]?(?:more|also|next)|more[\s_-]?(?:on|from|about|stories|news)|recommended|you may also"
    r"|see also|mehr zum thema|lesen sie auch|das könnte sie|weitere artikel|à lire aussi|lire aussi"
    r"|sur le même sujet|leggi anche|articoli correlati|artículos relacionados|noticias relacionadas"
    r"|leia também|relacionad|tin liên quan|tin bài liên quan|bài liên quan|czytaj też|zobacz też",
    re.IGNORECASE,
)
MIN_TITLE = 15
ARTICLE_LIKE = 1.0
"""A box's link counts when its URL looks like an article's (a headline slug, an id, a date)."""
MAX_LINKS = 20


def link_boxes(
    sel: parsel.Selector, url: str, marked: Sequence[Any] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(related, ranked) links of the page: each a list of (absolute URL, title) in page order.

    `marked` are the elements already known to be classed as boxes around the story (the body reader
    finds them on its way), so that the page need not be walked again; None walks it."""
    site = registrable_domain(url) if url else ""
    here = absolute_url(url, url)
    related: dict[str, str] = {}
    ranked: dict[str, str] = {}
    seen_boxes: set[Any] = set()
    for box, is_ranked in _boxes(sel.root, marked):
        if box in seen_boxes or any(ancestor in seen_boxes for ancestor in box.iterancestors()):
            continue
        seen_boxes.add(box)
        target = ranked if is_ranked else related
        for link, title in _links(box, url, site, here):
            if len(target) < MAX_LINKS and link not in related and link not in ranked:
                target[link] = title
    return list(related.items()), list(ranked.items())


def _boxes(root: Any, marked: Sequence[Any] | None) -> list[tuple[Any, bool]]:
    found = []
    for heading in root.iter(*HEADING_TAGS):
        text = clean_text(all_text(heading)) or ""
        if len(text) > 40 or (kind := _kind(text, at_start=True)) is None:
            continue
        if (box := _holder(heading)) is not None:
            found.append((box, kind))
    candidates = marked if marked is not None else root.iter("*")
    for box in candidates:
        marks = f"{box.get('class', '')} {box.get('id', '')}"
        if marks.strip() and (kind := _kind(marks)) is not None and len(box.xpath("(.//a)[2]")) > 0:
            found.append((box, kind))
    return found


def _kind(text: str, *, at_start: bool = False) -> bool | None:
    """True for a ranked box, False for related stories, None for neither. A heading must start with
    the words ("Most read today"); a class or id may hold them anywhere ("sidebar-mostread")."""
    for pattern, ranked in ((RANKED_WORDS, True), (RELATED_WORDS, False)):
        if (pattern.match(text) if at_start else pattern.search(text)) is not None:
            return ranked
    return None


def _holder(heading: Any) -> Any:
    """The heading's nearest ancestor with at least two links (the box it heads)."""
    for ancestor in heading.iterancestors():
        if ancestor.tag in ("body", "html", "main", "article"):
            return None
        if len(ancestor.findall(".//a")) >= 2:
            return ancestor
    return None


def _is_headline(title: str) -> bool:
    """A headline has a few words ("Commenting Policy" does not); CJK titles, written without spaces,
    by their length."""
    words = title.split()
    written_without_spaces = len(words) <= 2 and any(ord(char) >= 0x2E80 for char in title)
    return len(title) >= MIN_TITLE and (len(words) >= 4 or written_without_spaces)


def _links(box: Any, url: str, site: str, here: str | None) -> list[tuple[str, str]]:
    links = []
    for anchor in box.iter("a"):
        title = clean_text(all_text(anchor)) or clean_text(anchor.get("title"))
        if not title or not _is_headline(title):
            continue
        link = absolute_url(anchor.get("href"), url)  # after the title test: resolving is the costlier
        if not link or link == here:
            continue
        if (site and registrable_domain(link) != site) or url_score(link) < ARTICLE_LIKE:
            continue  # another site, or a section, tag, author, programme or service page
        links.append((link, title))
    return links
