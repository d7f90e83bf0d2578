"""The article's tags (keywords, topics): what the page names them in its metadata, or prints as links.

Metadata first (JSON-LD `keywords`, `article:tag`, `news_keywords`, `keywords`); the links the page prints as
its tags (`rel=tag`, a short list classed `tags`, `topics` or `keywords`) when the metadata names none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from scrapers.extract import structured
from scrapers.extract.markup import all_text
from scrapers.extract.parsed import Parsed
from scrapers.extract.text import collapse_space


def read_tags(parsed: Parsed) -> tuple[list[str], str | None]:
    """The page's tags and the signal they came from; ([], None) when it names none."""
    # A single keyword string with no commas is often several tags run together ("Berlin Ukraine Unfall"):
    # a later source that lists them apart is taken instead.
    candidates: tuple[tuple[str, Callable[[], list[str]]], ...] = (
        ("jsonld", lambda: structured.keyword_list(parsed.article.get("keywords"))),
        ("article:tag", lambda: [t for raw in structured.meta_contents(parsed.meta, "article:tag")
                                 for t in structured.keyword_list(raw)]),
        ("news_keywords", lambda: structured.keyword_list(structured.meta_content(parsed.meta, "news_keywords"))),
        ("keywords", lambda: structured.keyword_list(structured.meta_content(parsed.meta, "keywords"))),
    )
    first: tuple[list[str], str | None] = ([], None)
    for source, read in candidates:
        if tags := _unique([tag for tag in read() if not _NOT_A_TAG.match(tag)]):
            if len(tags) > 1:
                return tags, source
            first = first if first[0] else (tags, source)
    if not first[0] and (printed := _printed_tags(parsed)):
        return printed
    return first


_NOT_A_TAG = re.compile(r"^(?:_|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)", re.IGNORECASE)
"""Keywords that are a CMS's internal flags ("_commerce") or ids (a UUID), not topics."""
TAG_LINK_RELS = ("tag",)
"""`rel` values of links to the page's tags (WordPress and most blog engines print `rel="tag"`)."""
TAG_LIST_CLASS = re.compile(
    r"^(?!(?:trending|popular|hot|top)[-_])(?:[a-z]+(?:-|_|__))*(?:tags?|taglist|topics|keywords|schlagworte|schlagwoerter"
    r"|stichworte|etiquetas|mots-cles)(?:(?:-|_|__)(?:list|links|container|wrapper|block))?$"
)
"""Class words (or ids) of a short list printed under the story whose links are its tags: `tags`,
`article__tags`, `post-tags-list` (not `trending-topics`, a site-wide bar)."""
_TAG_HINT = re.compile(r"tag|topic|keyword|schlag|stichw|etiquet|mots")
"""A quick test before the class words are split: one of these is in every TAG_LIST_CLASS word."""
MAX_TAG = 40
"""Characters of a tag: longer link text is a headline."""
MAX_TAGS = 20
"""Links of a tag list: a longer list is an index of topics."""


def _printed_tags(parsed: Parsed) -> tuple[list[str], str] | None:
    """The tags the page prints as links when its metadata names none: `rel=tag` links, or the links of a
    short list classed `tags`, `topics` or `keywords` (outside navigation)."""
    rel_tagged = [_tag_text(a) for a in parsed.root.iter("a")
                  if set((a.get("rel") or "").lower().split()) & set(TAG_LINK_RELS)]
    if tags := _unique([tag for tag in rel_tagged if tag and len(tag) <= MAX_TAG]):
        return tags, "rel=tag"
    for el in parsed.root.iter("ul", "ol", "div", "p", "section", "footer"):
        if not _tag_list(el):
            continue
        texts = [_tag_text(a) for a in el.iter("a")]
        if texts and all(text and len(text) <= MAX_TAG for text in texts) and len(texts) <= MAX_TAGS:
            return _unique([text for text in texts if text]), "tag list"
    return None


def _tag_text(anchor: Any) -> str:
    """A tag link's text without the separators some pages print inside it ("Taylor Swift,")."""
    return (collapse_space(all_text(anchor)) or "").strip(" ,;|·•")


def _tag_list(el: Any) -> bool:
    """Whether `el` is classed as the story's tag list: outside navigation, and after the headline (a bar
    of trending topics above it is the site's)."""
    marks = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if not _TAG_HINT.search(marks) or not any(TAG_LIST_CLASS.match(word) for word in marks.split()):
        return False
    if any(a.tag in ("nav", "header") for a in el.iterancestors()):
        return False
    return bool(el.xpath("preceding::h1[1]"))


def _unique(items: list[str]) -> list[str]:
    """`items` in order without repeats, compared case-blind."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out
