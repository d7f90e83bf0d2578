"""Text fields as Unicode NFC, whitespace collapsed, no zero-width or control characters; every field within a size."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines import is_record, record_fields
from scrapers.extract.text import are_clean_paragraphs, clean_paragraphs, clean_text, is_clean, without_markup

logger = logging.getLogger(__name__)

# Fields that are text even when empty: the schema rejects them empty, with the field named.
REQUIRED_TEXT = {"url", "site", "title", "body", "schema_version"}


class CollapseWhitespace:
    """Clean every text value of the item, nested links and images included; `body` keeps its paragraph
    breaks. Empty optional text becomes None, empty list entries are dropped."""

    def process_item(self, item: Any) -> Any:
        clean_fields(record_fields(item))
        return item


MARKUP_KEPT = frozenset({"body", "url", "canonical_url", "published_raw", "authors"})
"""Fields whose `<...>` is left as it is: the story's own text (an article on HTML may print `<div>`), addresses,
the raw date text, and the bylines, which SplitBylines reads markup and all (`<br>` parts two names). Every other
text of a record, its images' and links' included, loses the HTML it holds as text (`without_markup`): an escaped
`<script>` in a keyword was a tag, `<b>Flooded</b> street` a caption (fuzzer)."""


def clean_fields(record: MutableMapping[str, Any]) -> None:
    for name, value in list(record.items()):
        if value is None:  # (a third of a record's fields: answered before the type tests)
            continue
        if isinstance(value, str):
            if name == "body":
                if not are_clean_paragraphs(value):
                    record[name] = clean_paragraphs(value)
            elif not is_clean(value) or ("<" in value and name not in MARKUP_KEPT):
                text = clean_text(value)
                if text is not None and name not in MARKUP_KEPT:
                    text = without_markup(text) or None
                record[name] = text or ("" if name in REQUIRED_TEXT else None)
        elif isinstance(value, list):
            record[name] = clean_list(value, markup=name in MARKUP_KEPT)


def clean_list(values: list[Any], *, markup: bool = False) -> list[Any]:
    """`values` cleaned, their texts without the HTML they hold unless `markup`."""
    cleaned = []
    for value in values:
        if isinstance(value, str):
            if is_clean(value) and (markup or "<" not in value):
                cleaned.append(value)
            elif (text := clean_text(value)) and (markup or (text := without_markup(text))):
                cleaned.append(text)
        elif is_record(value):
            clean_fields(record_fields(value))
            cleaned.append(value)
        else:
            cleaned.append(value)
    return cleaned


FIELD_LIMITS = {"title": 1_000, "lead": 5_000, "body": 1_000_000, "published_raw": 1_000, "credit": 1_000}
"""Characters a text field keeps. The longest in the 309 real test pages' truth: title 151, lead 870, body 53,372
(a long read of 10,000 words is about 60,000); the limits leave ten times that and more. What lies beyond them is
a page's accident or an attack (a 1 MB headline, a 6 MB JSON-LD `articleBody`), and a line of several MB breaks
the tools that read JSON Lines line by line."""

TEXT_LIMIT = 2_000
"""Characters a text in a list or a nested record keeps (an author's name, a tag, a crumb, a caption, a linked
story's title or summary)."""

URL_FIELDS = frozenset({"url", "canonical_url"})
"""Fields never cut, in a record or a nested one."""

LIST_LIMITS = {"section": 20, "authors": 100, "tags": 200, "images": 500, "related": 500, "more_in_section": 500,
               "trending": 500}
"""Entries a list field keeps, in page order (the most in the real pages: 5 authors, 31 tags)."""


class BoundFields:
    """Each field within its limit (`FIELD_LIMITS`, `TEXT_LIMIT`, `LIST_LIMITS`): a text cut at the last
    paragraph break or space before it, a list after its first entries. Each cut is logged and counted under
    `fields/truncated/<field>` (the run report's `truncated`); the article is written. A lead beyond its limit
    on a page whose body was not found is the story: it becomes the body (an aeb page's 20,535 characters)."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundFields:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        record = record_fields(item)
        lead = record.get("lead")
        if isinstance(lead, str) and len(lead) > FIELD_LIMITS["lead"] and not record.get("body"):
            # No standfirst is that long: the story, read as the lead of a page whose body was not found.
            record["body"], record["lead"] = lead, None
            sources = record.get("sources")
            if isinstance(sources, dict) and "lead" in sources:
                sources["body"] = sources.pop("lead")
        for name, sizes in bound_record(record, FIELD_LIMITS, LIST_LIMITS).items():
            logger.warning("Cut %s of %s to its limit: %s", name, record.get("url"), ", ".join(sizes))
            if self.stats is not None:
                self.stats.inc_value(f"fields/truncated/{name}")
        return item


def bound_record(
    record: MutableMapping[str, Any], limits: dict[str, int], entries: dict[str, int]
) -> dict[str, list[str]]:
    """Cut each text of `record` to its limit (`limits` by field, else `TEXT_LIMIT`) and each list to its number of
    `entries`, nested records and the texts of lists to `TEXT_LIMIT`; what was cut, by field: the sizes before and
    after."""
    cut: dict[str, list[str]] = {}
    for name, value in record.items():  # (values replaced, no key added: the walk goes on)
        if name in URL_FIELDS:
            continue  # a URL cut is a link to nowhere: Scrapy's URLLENGTH_LIMIT bounds those fetched
        if isinstance(value, str):
            limit = limits.get(name, TEXT_LIMIT)
            if len(value) > limit:
                record[name] = cut_text(value, limit)
                cut.setdefault(name, []).append(f"{len(value):,} characters, {len(record[name]):,} kept")
        elif isinstance(value, list) and value:
            most = entries.get(name)
            if most is not None and len(value) > most:
                cut.setdefault(name, []).append(f"{len(value):,} entries, {most:,} kept")
                value = record[name] = value[:most]
            for index, entry in enumerate(value):
                if isinstance(entry, str):
                    if len(entry) > TEXT_LIMIT:
                        value[index] = cut_text(entry, TEXT_LIMIT)
                        cut.setdefault(name, []).append(f"an entry of {len(entry):,} characters, {TEXT_LIMIT:,} kept")
                elif is_record(entry):
                    for inner, sizes in bound_record(record_fields(entry), {}, {}).items():
                        cut.setdefault(name, []).extend(f"{inner}: {size}" for size in sizes)
    return cut


def cut_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters: at its last paragraph break before the limit, else its last
    space, else at the limit."""
    head = text[:limit]
    for mark in ("\n\n", " "):
        end = head.rfind(mark)
        if end > limit // 2:
            return head[:end]
    return head
