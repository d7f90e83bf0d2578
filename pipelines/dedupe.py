"""One record per article and run."""

from __future__ import annotations

import heapq
from typing import Any
from urllib.parse import urlparse

from pipelines import Duplicate, record_fields


class DropDuplicateArticles:
    """Drop an article whose canonical URL (its URL when it names none) was already output in this run with the
    same title and much the same body (`SAME_STORY` of their words; the same body when either has no title): the
    same story reached under two URLs, such as its AMP copy, whose body differs a little. Counted in the crawl
    stats as a duplicate. A record whose title or body differs from those of every record output under its
    canonical URL is another story, written: its page names a canonical URL that is not its own (a template that
    gives every article the section's address, or another article's, and the site's name as every page's
    og:title). Keyed on the canonical URL alone, a site that did so lost all its articles but one, every run,
    with exit 0; keyed on URL and title, one whose pages also shared a title did.

    A page that names no canonical URL (or names each address its own) and is linked with parameters the crawl
    cannot know for noise (`?ref=12`, `;sid=12`) is one page under many URLs: a record whose page address
    without its query and path parameters, title and body are those of a record output is a duplicate too (one
    story was written 82 times). Pages of one address told apart by their query (`article.php?id=7`) have bodies
    of their own, and are kept."""

    def __init__(self) -> None:
        self.seen: dict[str, list[tuple[bool, int, int, frozenset[int]]]] = {}
        """Whether each record output had a title, the hashes of its title and body and the sketch of its words
        (`sketch`), by canonical URL (hashes: the bodies of a run of 20,000 articles would hold 100 MB)."""
        self.stories: set[tuple[str, int, int]] = set()
        """The page address without query and parameters, and the hashes of title and body, of each record
        output with a title and a body."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        key = str(adapter.get("canonical_url") or adapter.get("url"))
        has_title = bool(adapter.get("title"))
        title, body = hash(adapter.get("title")), hash(adapter.get("body"))
        written = self.seen.setdefault(key, [])
        words = sketch(str(adapter.get("body") or ""))
        for other_has_title, other_title, other_body, other_words in written:
            if has_title and other_has_title:
                if title == other_title and (body == other_body or resemblance(words, other_words) >= SAME_STORY):
                    raise Duplicate(f"duplicate of {key}")
            elif body == other_body:
                raise Duplicate(f"duplicate of {key}")
        story = (page_path(str(adapter.get("url"))), title, body) if has_title and adapter.get("body") else None
        if story in self.stories:
            raise Duplicate(f"duplicate of {story[0]} (the same title and body under other parameters)")
        written.append((has_title, title, body, words))
        if story:
            self.stories.add(story)
        return item


SAME_STORY = 0.5
"""Share of their words (estimated, `resemblance`) two bodies under one canonical URL and title have in common to
be one story: an AMP copy and its page share nearly all; two stories of one site share their language's common
words, a fifth or less."""

SKETCH_SIZE = 32
"""Word hashes kept of a body: the smallest of them, enough to estimate the share of words two bodies have in
common within about a tenth."""

SKETCH_TEXT = 2_000
"""Characters of a body its sketch reads: the opening paragraphs tell one story from another."""


def sketch(body: str) -> frozenset[int]:
    """The `SKETCH_SIZE` smallest hashes of the words of the body's opening (a bottom-k sketch)."""
    return frozenset(heapq.nsmallest(SKETCH_SIZE, {hash(word) for word in body[:SKETCH_TEXT].lower().split()}))


def resemblance(one: frozenset[int], other: frozenset[int]) -> float:
    """The share of words two bodies have in common (Jaccard), estimated from their sketches: of the smallest
    hashes of both together, those both hold."""
    union = heapq.nsmallest(SKETCH_SIZE, one | other)
    if not union:
        return 1.0
    return sum(1 for value in union if value in one and value in other) / len(union)


def page_path(url: str) -> str:
    """`url` without its query, fragment and path parameters (`;sid=12`)."""
    parts = urlparse(url)
    return parts._replace(params="", query="", fragment="").geturl()
