"""One record per article and run."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from pipelines import Duplicate, record_fields


class DropDuplicateArticles:
    """Drop an article whose canonical URL (its URL when it names none) was already output in this run with the
    same title (the same body, when either has no title): the same story reached under two URLs (its AMP copy's
    body may differ a little, its headline seldom does). Counted in the crawl stats as a duplicate. A record
    whose title differs from that of every record output under its canonical URL is another story, written: its
    page names a canonical URL that is not its own (a template that gives every article the section's address,
    or another article's). Keyed on the canonical URL alone, a site that did so lost all its articles but one,
    every run, with exit 0.

    A page that names no canonical URL (or names each address its own) and is linked with parameters the crawl
    cannot know for noise (`?ref=12`, `;sid=12`) is one page under many URLs: a record whose page address
    without its query and path parameters, title and body are those of a record output is a duplicate too (one
    story was written 82 times). Pages of one address told apart by their query (`article.php?id=7`) have bodies
    of their own, and are kept."""

    def __init__(self) -> None:
        self.seen: dict[str, list[tuple[bool, int, int]]] = {}
        """Whether each record output had a title, and the hashes of its title and body, by canonical URL
        (hashes: the bodies of a run of 20,000 articles would hold 100 MB)."""
        self.stories: set[tuple[str, int, int]] = set()
        """The page address without query and parameters, and the hashes of title and body, of each record
        output with a title and a body."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        key = str(adapter.get("canonical_url") or adapter.get("url"))
        has_title = bool(adapter.get("title"))
        title, body = hash(adapter.get("title")), hash(adapter.get("body"))
        written = self.seen.setdefault(key, [])
        if any(title == other_title if has_title and other_has_title else body == other_body
               for other_has_title, other_title, other_body in written):
            raise Duplicate(f"duplicate of {key}")
        story = (page_path(str(adapter.get("url"))), title, body) if has_title and adapter.get("body") else None
        if story in self.stories:
            raise Duplicate(f"duplicate of {story[0]} (the same title and body under other parameters)")
        written.append((has_title, title, body))
        if story:
            self.stories.add(story)
        return item


def page_path(url: str) -> str:
    """`url` without its query, fragment and path parameters (`;sid=12`)."""
    parts = urlparse(url)
    return parts._replace(params="", query="", fragment="").geturl()
