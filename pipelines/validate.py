"""Records checked against the published JSON Schema before they are written."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import fastjsonschema
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from pipelines import Rejected, dataclass_fields


def article_schema() -> dict[str, Any]:
    """The record schema shipped in the package (`scrapers/schema/article.schema.json`)."""
    text = resources.files("scrapers").joinpath("schema/article.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class RejectInvalidArticles:
    """Turn away a record the schema does not accept, with a reason naming each failing field; the
    rejects file receives it.

    Every record is checked by the schema compiled to Python (fastjsonschema, about ten times faster
    than walking the schema), in the schema's `fast_form`; only a record that fails is walked again by
    jsonschema, with the schema as published, which names every failing field for the reason. The record it
    checks is the item as JSON would read it back (`as_json`), made in one walk of the item."""

    def __init__(self) -> None:
        schema = article_schema()
        self.is_valid = fastjsonschema.compile(fast_form(schema))
        self.validator = Draft202012Validator(schema)

    def process_item(self, item: Any) -> Any:
        keep_filled_sources(item)
        record = as_json(item)
        try:
            self.is_valid(record)
            return item
        except fastjsonschema.JsonSchemaException:
            pass
        errors = sorted(self.validator.iter_errors(record), key=lambda error: list(error.absolute_path))
        if errors:
            raise Rejected("; ".join(dict.fromkeys(reason(error) for error in errors)), item)
        return item


def keep_filled_sources(item: Any) -> None:
    """`sources` names the fields the record fills, as written: a pipeline may have emptied one since the page
    was read (a date whose timezone is unknown, a canonical URL that was no URL)."""
    adapter = ItemAdapter(item)
    sources = adapter.get("sources") if "sources" in adapter.field_names() else None
    if not isinstance(sources, dict):
        return
    for name in [name for name in sources if adapter.get(name) in (None, "", [], {})]:
        del sources[name]


ANNOTATIONS = frozenset({"description", "title", "$comment"})
"""Schema keywords that say what a value is for and accept every value."""
STRING_KEYWORDS = frozenset({"type", "minLength", "maxLength", "pattern"})
"""Keywords of a schema of strings that apply to strings alone (any other value passes them)."""
NULL = {"type": "null"}


def fast_form(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` as a schema that accepts the same records and compiles to faster code. Each reference to one of
    its `$defs` is the definition itself (compiled code calls a function for each reference, naming the value's
    path); a value that is a string of some kind or null (`{"oneOf": [{"$ref": "#/$defs/text"}, {"type":
    "null"}]}`) is one schema typed `["string", "null"]`: the compiled `oneOf` tries both and fails one by raising
    an exception, and its string keywords pass null anyway. Together a sixth of the compiled schema's time on the
    309 real records of the test data (116 -> 19 us a record)."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    prefixes = ("#/$defs/", f"{schema.get('$id', '')}#/$defs/")

    def inlined(node: Any) -> Any:
        if isinstance(node, list):
            return [inlined(item) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and set(node) - {"$ref"} <= ANNOTATIONS:
            for prefix in prefixes:
                name = reference.removeprefix(prefix)
                if name != reference and name in definitions:
                    return inlined({**definitions[name], **{k: v for k, v in node.items() if k != "$ref"}})
        node = {key: inlined(value) for key, value in node.items()}
        return _string_or_null(node) or node

    fast: dict[str, Any] = inlined(schema)
    return fast


def _string_or_null(node: dict[str, Any]) -> dict[str, Any] | None:
    """`{"oneOf": [<a schema of strings>, {"type": "null"}]}` (or `anyOf`, either order) as one schema typed
    `["string", "null"]`; None for any other schema."""
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if not isinstance(branches, list) or len(branches) != 2 or NULL not in branches:
            continue
        if set(node) - {key} - ANNOTATIONS:
            continue
        other = branches[1 - branches.index(NULL)]
        if isinstance(other, dict) and other.get("type") == "string" and set(other) <= STRING_KEYWORDS | ANNOTATIONS:
            return {**{k: v for k, v in node.items() if k != key}, **other, "type": ["string", "null"]}
    return None


_PLAIN_SCALARS = frozenset({str, int, bool, float, type(None)})
"""The types `plain` returns as they are (by identity: not their subclasses), answered in the walk of their container
without a call for each (most of a record's values: 1 call for each container instead of one for each value)."""


def plain(value: Any) -> Any:
    """`value` as JSON-ready dicts and lists: dataclass items read field by field (ItemAdapter's asdict,
    which also handles other item types, is several times slower on the record's nested lists). The
    types of a record's values are tried first, by identity."""
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return value
    if kind is list:
        return [v if type(v) in _PLAIN_SCALARS else plain(v) for v in value]
    if (names := dataclass_fields(kind)) is not None:
        return {name: v if type(v := getattr(value, name)) in _PLAIN_SCALARS else plain(v) for name in names}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if ItemAdapter.is_item(value):
        return plain(ItemAdapter(value).asdict())
    return value


class _NotJson(Exception):
    """A value `_as_json` leaves to the JSON encoder."""


def as_json(item: Any) -> Any:
    """`json.loads(json.dumps(plain(item), default=str))`, in one walk of the item for a record of strings,
    numbers, lists and dicts with string keys (every finished record); anything else (a datetime, a
    number key) takes the round trip through the encoder, so the result is the same either way."""
    try:
        return _as_json(item)
    except _NotJson:
        return json.loads(json.dumps(plain(item), default=str))


_JSON_SCALARS = frozenset({str, int, bool, type(None)})
"""The types `_as_json` returns as they are, answered in the walk of their container (as `_PLAIN_SCALARS`)."""


def _as_json(value: Any) -> Any:
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _JSON_SCALARS else _as_json(v) for v in value]
    if (names := dataclass_fields(kind)) is not None:
        return {name: v if type(v := getattr(value, name)) in _JSON_SCALARS else _as_json(v) for name in names}
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise _NotJson
        return {key: v if type(v) in _JSON_SCALARS else _as_json(v) for key, v in value.items()}
    raise _NotJson  # floats (NaN, infinity), subclasses, datetimes, other item types: as the encoder writes them


def reason(error: ValidationError) -> str:
    """`body: missing`, `published_at: '2021-06-17' is not valid`, `title: missing`..."""
    field = ".".join(str(part) for part in error.absolute_path) or "record"
    if error.validator in ("minLength", "required") or error.instance in ("", None):
        missing = error.message.split("'")[1] if error.validator == "required" else field
        return f"{missing}: missing"
    # The message quotes the value: bounded, and without the "; " that separates a record's reasons (a value of
    # "; 0" read as a reason of its own; a 1 MB title made a 1 MB reason, and a stats key of it).
    message = error.message.replace(";", ",")
    return f"{field}: {message if len(message) <= REASON_MAX else message[:REASON_MAX] + '…'}"


REASON_MAX = 160
"""Characters of a validation message kept in a reason."""
