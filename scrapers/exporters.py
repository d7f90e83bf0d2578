"""CSV and XML exports (`-O out.csv`, `-O out.xml`) that keep nested fields readable.

Scrapy's CSV exporter joins a list of strings with commas and writes any other value with `str()`, so
`images` came out as `[Image(url=...)]`. Here every list or nested field of a CSV row is one JSON cell
(`["Quốc tế", "Nhịp sống"]`, `[{"url": ..., "alt": ..., "caption": ...}]`), which `json.loads` or DuckDB's
`from_json` reads back; XML gets nested elements (`<images><value><url>...</url>...</value></images>`), and
a null is an empty element.
JSON Lines, the main format, is unchanged.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Any

from scrapy.exporters import CsvItemExporter, XmlItemExporter


def plain(value: Any, *, none: Any = None) -> Any:
    """`value` with nested records (Image, Link) as dicts, recursively, and None as `none`."""
    if is_dataclass(value) and not isinstance(value, type):
        return {name: plain(inner, none=none) for name, inner in asdict(value).items()}
    if isinstance(value, list | tuple):
        return [plain(inner, none=none) for inner in value]
    if isinstance(value, dict):
        return {key: plain(inner, none=none) for key, inner in value.items()}
    return none if value is None else value


class JsonCellsCsvItemExporter(CsvItemExporter):
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, list | tuple | dict) or is_dataclass(value):
            return json.dumps(plain(value), ensure_ascii=False, default=str)
        return super().serialize_field(field, name, value)


class NestedXmlItemExporter(XmlItemExporter):
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return super().serialize_field(field, name, plain(value, none=""))  # null: an empty element
