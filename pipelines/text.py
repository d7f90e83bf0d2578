"""Text fields as Unicode NFC, whitespace collapsed, no zero-width or control characters."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pipelines import is_record, record_fields
from scrapers.extract.text import are_clean_paragraphs, clean_paragraphs, clean_text, is_clean

# Fields that are text even when empty: the schema rejects them empty, with the field named.
REQUIRED_TEXT = {"url", "site", "title", "body", "schema_version"}


class CollapseWhitespace:
    """Clean every text value of the item, nested links and images included; `body` keeps its paragraph
    breaks. Empty optional text becomes None, empty list entries are dropped."""

    def process_item(self, item: Any) -> Any:
        clean_fields(record_fields(item))
        return item


def clean_fields(record: MutableMapping[str, Any]) -> None:
    for name, value in list(record.items()):
        if value is None:  # (a third of a record's fields: answered before the type tests)
            continue
        if isinstance(value, str):
            if name == "body":
                if not are_clean_paragraphs(value):
                    record[name] = clean_paragraphs(value)
            elif not is_clean(value):
                record[name] = clean_text(value) or ("" if name in REQUIRED_TEXT else None)
        elif isinstance(value, list):
            record[name] = clean_list(value)


def clean_list(values: list[Any]) -> list[Any]:
    cleaned = []
    for value in values:
        if isinstance(value, str):
            if is_clean(value):
                cleaned.append(value)
            elif text := clean_text(value):
                cleaned.append(text)
        elif is_record(value):
            clean_fields(record_fields(value))
            cleaned.append(value)
        else:
            cleaned.append(value)
    return cleaned
