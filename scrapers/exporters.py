"""CSV and XML exports (`-O out.csv`, `-O out.xml`) that keep nested fields readable.

Scrapy's CSV exporter joins a list of strings with commas and writes any other value with `str()`, so
`images` came out as `[Image(url=...)]`. Here every list or nested field of a CSV row is one JSON cell
(`["Quốc tế", "Nhịp sống"]`, `[{"url": ..., "alt": ..., "caption": ...}]`), which `json.loads` or DuckDB's
`from_json` reads back; XML gets nested elements (`<images><value><url>...</url>...</value></images>`), and
a null is an empty element.
JSON Lines, the main format, is written as Scrapy writes it, byte for byte, with the record converted in one
walk (`RecordJsonLinesItemExporter`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from scrapy.exporters import CsvItemExporter, JsonLinesItemExporter, XmlItemExporter
from scrapy.utils.python import to_bytes
from scrapy.utils.serialize import ScrapyJSONEncoder

from pipelines import dataclass_fields
from pipelines.validate import plain as record_plain


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


class RecordJsonLinesItemExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, for a dataclass item whose fields carry no `serializer` (every record
    of the project) encoding the item read in one walk (`pipelines.validate.plain`): the same JSON, since
    Scrapy's encoder writes a nested item as its dict, a tuple as a list and the rest alike, without an
    ItemAdapter for the item, for each field's metadata and for each nested Image and Link (0.5 of 0.9 ms a
    record on the 309 real pages). Any other item, or an export that names its fields, goes Scrapy's way."""

    def export_item(self, item: Any) -> None:
        if self.fields_to_export is not None or not _plain_fields(type(item)):
            super().export_item(item)
            return
        record = record_plain(item)
        try:
            self.file.write(to_bytes(self.encoder.encode(record) + "\n", self.encoding))
        except UnicodeEncodeError:  # an encoding without some character of the record (ascii, latin-1)
            escaped = ScrapyJSONEncoder(**{**self._kwargs, "ensure_ascii": True})  # JSON's \u escapes say it
            self.file.write(to_bytes(escaped.encode(record) + "\n", self.encoding))


_PLAIN_FIELDS: dict[type, bool] = {}


def _plain_fields(cls: type) -> bool:
    """Whether `cls` is a dataclass none of whose fields names a `serializer` for the exporters."""
    if cls not in _PLAIN_FIELDS:
        _PLAIN_FIELDS[cls] = dataclass_fields(cls) is not None and not any(
            "serializer" in f.metadata for f in fields(cls))
    return _PLAIN_FIELDS[cls]
