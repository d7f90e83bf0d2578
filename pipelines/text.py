"""Text fields as Unicode NFC, whitespace collapsed, no zero-width or control characters."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import MutableMapping
from typing import Any

from pipelines import is_record, record_fields
from scrapers.extract.text import clean_paragraphs, clean_text

# Fields that are text even when empty: the schema rejects them empty, with the field named.
REQUIRED_TEXT = {"url", "site", "title", "body", "schema_version"}

PARAGRAPH_BREAK = "\n\n"
"""What joins a body's paragraphs, in the reader's body and in the cleaned one."""


class CollapseWhitespace:
    """Clean every text value of the item, nested links and images included; `body` keeps its paragraph
    breaks. Empty optional text becomes None, empty list entries are dropped."""

    def process_item(self, item: Any) -> Any:
        clean_fields(record_fields(item))
        return item


def clean_fields(record: MutableMapping[str, Any]) -> None:
    for name, value in list(record.items()):
        if name == "body" and isinstance(value, str):
            if not _clean_body(value):
                record[name] = clean_paragraphs(value)
        elif isinstance(value, str):
            if not settled(value):
                record[name] = clean_text(value) or ("" if name in REQUIRED_TEXT else None)
        elif isinstance(value, list):
            record[name] = clean_list(value)


def clean_list(values: list[Any]) -> list[Any]:
    cleaned = []
    for value in values:
        if isinstance(value, str):
            if settled(value):
                cleaned.append(value)
            elif text := clean_text(value):
                cleaned.append(text)
        elif is_record(value):
            clean_fields(record_fields(value))
            cleaned.append(value)
        else:
            cleaned.append(value)
    return cleaned


def settled(text: str) -> bool:
    """Whether `clean_text` gives `text` back as it is, told by tests that run in C over the string rather than
    by cleaning it (most values come from the reader clean already; cleaning them took two thirds of this
    pipeline). A printable string holds no whitespace but the ASCII space, and no control, format (zero-width)
    or surrogate character (`str.isprintable`); with no space doubled or at an end, its words are joined as
    `collapse_space` joins them; an ASCII string is in NFC. Not the empty string, which cleans to None."""
    return (text.isprintable() and "  " not in text and text[:1] not in ("", " ") and text[-1] != " "
            and _no_reference(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)))


def _clean_body(body: str) -> bool:
    """Whether `clean_paragraphs` gives `body` back as it is: non-empty paragraphs joined by one blank line,
    each `settled`. Told of the body with each blank line read as a space: a line break left over is not
    printable, an empty paragraph leaves two spaces or one at an end; and a paragraph's NFC is the whole's (a
    line break composes with nothing)."""
    flat = body.replace(PARAGRAPH_BREAK, " ")
    return (flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " "
            and _no_reference(body) and (body.isascii() or unicodedata.is_normalized("NFC", body)))


def _no_reference(text: str) -> bool:
    """Whether `text` holds no character reference that `collapse_space` would read ("&amp;" for "&"): a text
    without "&", or one that `html.unescape` leaves as it is."""
    return "&" not in text or html.unescape(text) == text
