"""One record per article and run."""

from __future__ import annotations

from typing import Any

from pipelines import Duplicate, record_fields


class DropDuplicateArticles:
    """Drop an article whose canonical URL (its URL when it names none) was already output in this run with the
    same title or the same body: the same story reached under two URLs. Counted in the crawl stats as a
    duplicate. A record whose title and body both differ from those of every record output under its canonical
    URL is another story, written: its page names a canonical URL that is not its own (a template that
    gives every article the section's address, or another article's). Keyed on the canonical URL alone, a site
    that did so lost all its articles but one, every run, with exit 0."""

    def __init__(self) -> None:
        self.seen: dict[str, list[tuple[int, int]]] = {}
        """The hashes of the title and the body of each record output, by canonical URL (hashes: the bodies of a
        run of 20,000 articles would hold 100 MB)."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        key = str(adapter.get("canonical_url") or adapter.get("url"))
        title, body = hash(adapter.get("title")), hash(adapter.get("body"))
        written = self.seen.setdefault(key, [])
        if any(title == other_title or body == other_body for other_title, other_body in written):
            raise Duplicate(f"duplicate of {key}")
        written.append((title, body))
        return item
