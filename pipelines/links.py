"""URLs absolute and canonical; link lists without repeats."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pipelines import has_field, record_fields
from scrapers.extract.links import absolute_url

LINK_LISTS = ("related", "more_in_section", "trending")


class CanonicalizeUrls:
    """Every URL of the record resolved against the page URL, fragment dropped, canonicalized with w3lib.
    A link whose URL cannot be made absolute (`javascript:`, empty, a space in its host) is dropped. The
    record's own `url` (the address the page was fetched from) loses its fragment (`#ref=rss`, or one a
    redirect carried over) and has its scheme in lower case: the schema refused the record for either."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        base = adapter["url"] = page_address(adapter.get("url") or "")
        if adapter.get("canonical_url"):
            adapter["canonical_url"] = absolute_url(adapter["canonical_url"], base)
        for name in ("images", *LINK_LISTS):
            if has_field(adapter, name):
                adapter[name] = [entry for entry in adapter.get(name) or [] if resolve(entry, base)]
        return item


class DeduplicateLinks:
    """Each link list keeps the first entry of each URL; ranked lists are numbered 1..n again."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        for name in LINK_LISTS:
            if not has_field(adapter, name):
                continue
            seen: set[str] = set()
            kept = []
            for link in adapter.get(name) or []:
                url = record_fields(link)["url"]
                if url not in seen:
                    seen.add(url)
                    kept.append(link)
            for rank, link in enumerate(kept, start=1):
                fields = record_fields(link)
                if has_field(fields, "rank"):
                    fields["rank"] = rank
            adapter[name] = kept
        return item


def page_address(url: str) -> str:
    """`url` without its fragment, its scheme in lower case; as it is when it is no URL (the schema says why)."""
    try:
        return urlunsplit(urlsplit(url)._replace(fragment=""))
    except ValueError:
        return url


def resolve(entry: Any, base: str) -> bool:
    """Make `entry.url` absolute in place; False when it cannot be."""
    link = record_fields(entry)
    link["url"] = absolute_url(link.get("url"), base)
    return link["url"] is not None
