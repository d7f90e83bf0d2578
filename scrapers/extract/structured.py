"""Structured data an article page declares about itself: JSON-LD, meta tags, microdata.

Pure helpers over the page's `<script>` and `<meta>` elements and its JSON-LD objects. Values are returned as
the page gives them (stripped of surrounding whitespace); turning them into dates or names is the caller's job.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

JsonObject = dict[str, Any]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "scholarlyarticle",
        "techarticle",
        "report",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "discussionforumposting",
        "medicalscholarlyarticle",
        "advertisercontentarticle",
    }
)

_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_json_loosely(text: str) -> Any:
    """Parse JSON as pages write it: comment or CDATA wrappers, trailing commas, raw newlines
    in strings, several objects back to back. None when nothing can be read."""
    text = text.strip()
    if text.startswith(("<!--", "//", "<![CDATA[")) or text.endswith(("]]>", "-->")):  # else nothing to strip
        text = _WRAPPERS.sub("", text).strip()
    text = text.rstrip(";")
    if not text:
        return None
    try:  # most pages: valid JSON, read without repairs (each repair is a pass over the text)
        return _within_depth(json.loads(text, strict=False), text)
    except ValueError:
        pass
    except RecursionError:  # nested deeper than Python's decoder goes: no page's data is
        return None
    repaired = _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", text))
    try:
        return _within_depth(json.loads(repaired, strict=False), repaired)
    except ValueError:
        return _within_depth(_leading_values(repaired), repaired) or None
    except RecursionError:
        return None


MAX_JSON_DEPTH = 64
"""Levels of nesting of a JSON value that the readers look into (the deepest JSON-LD of the 309 real pages of
`tests/data` has 7): a list or object below is dropped, so that no reader of its fields recurses through a
hostile page's thousand levels."""


def _within_depth(value: Any, text: str) -> Any:
    """`value`, read from `text`, with the lists and objects nested deeper than `MAX_JSON_DEPTH` dropped (None in
    their place). A text with fewer brackets than that cannot nest so deep, and is not walked (most pages)."""
    if not isinstance(value, dict | list) or text.count("{") + text.count("[") <= MAX_JSON_DEPTH:
        return value
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        keys = container.keys() if isinstance(container, dict) else range(len(container))
        for key in keys:
            if isinstance(child := container[key], dict | list):
                if depth == MAX_JSON_DEPTH:
                    container[key] = None
                else:
                    stack.append((child, depth + 1))
    return value


def _leading_values(text: str) -> list[Any]:
    """The JSON values that can be read one after another from the start of `text`."""
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    pos = 0
    while pos < len(text):
        start = text.find("{", pos)
        if start < 0:
            break
        try:
            value, pos = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):  # (RecursionError: nested deeper than the decoder goes)
            break
        values.append(value)
    return values


def jsonld_in_scripts(scripts: Iterable[Any]) -> list[JsonObject]:
    """The JSON-LD objects of the `<script>` elements whose type says `ld+json` in any case, in their order."""
    objects: list[JsonObject] = []
    for script in scripts:
        # The type first: reading a script's text copies it, and most scripts are long JavaScript. (`str.lower`
        # lowers no other character to one of "ld+json": half the time of a translation of those letters alone.)
        if "ld+json" in (script.get(b"type") or "").lower() and (text := script.text) is not None:
            objects.extend(_flatten(parse_json_loosely(text)))
    return objects


def _flatten(value: Any) -> Iterator[JsonObject]:
    """The objects of `value` in order: the items of its lists, the objects of each `@graph` and then the object
    holding it when it has a type of its own."""
    pending: list[Iterator[Any]] = [iter((value,))]  # (a stack of its own: Python's would end at 1,000 levels)
    while pending:
        item = next(pending[-1], _DONE)
        if item is _DONE:
            pending.pop()
        elif isinstance(item, _Holder):
            yield item.obj
        elif isinstance(item, list):
            pending.append(iter(item))
        elif isinstance(item, dict):
            graph = item.get("@graph")
            if graph is None:
                yield item
            else:
                pending.append(iter((graph, _Holder(item)) if "@type" in item else (graph,)))


_DONE = object()


@dataclass(frozen=True)
class _Holder:
    """An object with a `@graph` and a type, given after the objects of its graph."""

    obj: JsonObject


def types_of(obj: JsonObject) -> set[str]:
    """The object's `@type` values, lower-cased and without a schema.org prefix."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].casefold() for v in values if v}


def is_article(obj: JsonObject) -> bool:
    return bool(types_of(obj) & ARTICLE_TYPES)


def find_article(objects: Iterable[JsonObject], url: str = "") -> JsonObject | None:
    """The JSON-LD object that describes the article itself.

    Pages list several (the article, teasers of related ones, a `WebPage` whose `mainEntity` is
    the article); the one with the most article fields wins, the first among equals. Those that name the page
    itself, `url`, as theirs (`url`, `@id`, `mainEntityOfPage`) come first: a related story's object with more
    fields filled took the page's own title, date and authors (fuzzer).
    """
    candidates: list[JsonObject] = []
    for obj in objects:
        if is_article(obj):
            candidates.append(obj)
        for key in ("mainEntity", "mainEntityOfPage"):
            inner = obj.get(key)
            if isinstance(inner, dict) and is_article(inner):
                candidates.append(inner)
    if not candidates:
        return None
    if url and len(candidates) > 1 and (own := [obj for obj in candidates if names_page(obj, url)]):
        candidates = own
    return max(candidates, key=_article_weight)


def names_page(obj: JsonObject, url: str) -> bool:
    """Whether the JSON-LD object names the page at `url` as its own (`url`, `@id`, `mainEntityOfPage`)."""
    return bool(url) and _page_key(url) in _addresses(obj)


def _addresses(obj: JsonObject) -> set[str]:
    """The page addresses a JSON-LD object names as its own, as `_page_key` gives them."""
    values = [obj.get("url"), obj.get("@id"), obj.get("mainEntityOfPage")]
    found = set()
    for value in values:
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip():
            found.add(_page_key(value))
    return found


def _page_key(address: str) -> str:
    """An address without its scheme, `www.`, query, fragment and trailing slash, the host in lower case."""
    address = address.strip().split("#", 1)[0].split("?", 1)[0]
    address = address.split("://", 1)[-1].rstrip("/")
    host, _, path = address.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}"


def _article_weight(obj: JsonObject) -> int:
    fields = ("headline", "datePublished", "author", "articleBody", "description", "dateModified", "image")
    return sum(1 for name in fields if obj.get(name))


def text_value(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, `@value`/`name` of an object."""
    if value is None:  # the field absent (most asks: the readers ask for fields a page's JSON-LD may not have)
        return None
    if isinstance(value, list):
        for item in value:
            if (text := text_value(item)) is not None:
                return text
        return None
    if isinstance(value, dict):
        return text_value(value.get("@value") or value.get("name"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = html.unescape(str(value)).strip()
        return text or None
    return None


def person_names(value: Any) -> list[str]:
    """Names out of a JSON-LD `author`/`creator` value: a string, a Person or Organization, or a list."""
    if isinstance(value, list):
        return [name for item in value for name in person_names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [n.strip() for n in name if isinstance(n, str) and n.strip()]
        if isinstance(name, str) and name.strip():
            return [name.strip()]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given.strip()} {family.strip()}".strip()]
        return []
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    return []


def keyword_list(value: Any) -> list[str]:
    """JSON-LD or meta keywords: a list, or one string separated by commas."""
    if isinstance(value, list):
        return [word for item in value for word in keyword_list(item)]
    if isinstance(value, str):
        return [word.strip() for word in value.split(",") if word.strip()]
    return []


def breadcrumb_names(objects: Iterable[JsonObject]) -> list[str]:
    """Crumb names of the first JSON-LD BreadcrumbList, in position order."""
    for obj in objects:
        if "breadcrumblist" not in types_of(obj):
            continue
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        crumbs = sorted(
            (item for item in items if isinstance(item, dict)),
            key=lambda item: _position(item.get("position")),
        )
        names = []
        for crumb in crumbs:
            inner = crumb.get("item")
            name = text_value(crumb.get("name")) or (text_value(inner) if isinstance(inner, dict) else None)
            if name:
                names.append(name)
        if names:
            return names
    return []


def _position(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


MetaTable = dict[str, list[str]]


_META_KEYS = (b"property", b"name", b"itemprop", b"http-equiv")


def meta_table(metas: Iterable[Any]) -> MetaTable:
    """All contents of the `<meta>` elements `metas` keyed by lower-cased property, name, itemprop or
    http-equiv, in page order."""
    table: MetaTable = {}
    for meta in metas:
        content = meta.get(b"content")  # (names as bytes: lxml encodes a name given as str at every call)
        if content is None:
            continue
        content = content.strip()
        for attr in _META_KEYS:
            key = meta.get(attr)
            if key:
                key = key.strip().casefold()
                if (contents := table.get(key)) is None:  # (`setdefault` would make a list at every call)
                    table[key] = [content]
                else:
                    contents.append(content)
    return table


def meta_content(table: MetaTable, *keys: str) -> str | None:
    """The first non-empty content among `keys` (lower-case), trying the keys in the order given."""
    for key in keys:
        for value in table.get(key, ()):
            if value:
                return value
    return None


def meta_contents(table: MetaTable, key: str) -> list[str]:
    """Every non-empty content of the `<meta>` tags named `key` (lower-case)."""
    return [value for value in table.get(key, ()) if value]
