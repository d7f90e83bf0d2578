"""Versions of articles across runs (with `STATE_URI`): a new article is version 1, a changed one the next
version, an unchanged one is not written again."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from pipelines import Unchanged
from scrapers.harvest import CANONICAL, HarvestState, content_hashes


class DropUnchangedArticles:
    """Compare each record with the state: new gives `version` 1 (`harvest/new`), changed the stored version + 1
    (`harvest/updated`), unchanged is dropped (`harvest/unchanged`). Without a state every record passes as
    version 1; with `-a full=1` unchanged records pass too, keeping their version."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DropUnchangedArticles:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = self.crawler.get_extension(HarvestState) if self.crawler is not None else None
        adapter = ItemAdapter(item)
        if state is None or "version" not in adapter.field_names():
            return item
        known = state.known(str(adapter.get("url")))
        same_content = content_hashes(adapter)
        if known is not None and known.status == CANONICAL and known.content_hash not in same_content:
            known = None  # only named by another page, whose story this is not: new here
        canonical = adapter.get("canonical_url")
        if (known is None or known.content_hash is None) and canonical and canonical != adapter.get("url"):
            # The same story under another spelling of its link (`?pos=3` where the last run had `?pos=1`, a
            # trailing slash): unchanged when the canonical URL its page names holds this content.
            same = state.known(str(canonical))
            if same is not None and same.content_hash in same_content:
                known = same
        if known is None or known.content_hash is None:  # never output before
            adapter["version"] = 1
            state.stats.inc_value("harvest/new")
        elif known.content_hash not in same_content:
            adapter["version"] = known.version + 1
            state.stats.inc_value("harvest/updated")
        else:
            adapter["version"] = known.version
            state.stats.inc_value("harvest/unchanged")
            if not state.full:
                raise Unchanged(f"unchanged since version {known.version}: {adapter.get('url')}")
        return item
