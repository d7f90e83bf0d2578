"""One record per article and run."""

from __future__ import annotations

from typing import Any

from pipelines import Duplicate, record_fields


class DropDuplicateArticles:
    """Drop an article whose canonical URL (its URL when it names none) was already output in this run:
    the same story reached under two URLs. Counted in the crawl stats as a duplicate."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        key = str(adapter.get("canonical_url") or adapter.get("url"))
        if key in self.seen:
            raise Duplicate(f"duplicate of {key}")
        self.seen.add(key)
        return item
