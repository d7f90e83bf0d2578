"""The page as every stage of the generic reader sees it: parsed once, indexed in one walk, then only read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import parsel
from lxml import etree
from lxml.etree import _Element as Element
from lxml.etree import _ElementUnicodeResult as TextNode

from scrapers.extract import structured
from scrapers.extract.markup import MAX_MARKS
from scrapers.extract.structured import JsonObject, MetaTable

# Elements of the parsed tree are `Element`s: `lxml.html.HtmlElement` under a crawl's selector, a plain
# lxml `_Element` under `extract_article`'s.
__all__ = ["Element", "Parsed", "TextNode", "parse_page"]


@dataclass(frozen=True)
class Parsed:
    """What the page says about itself, read once: its tree, its JSON-LD, the JSON-LD object of the
    article, its meta tags, and indexes that spare each stage a search of the whole tree (each XPath or
    CSS search of the tree costs about a fifth of the parse; the one walk that builds these, a third).
    No stage changes it."""

    sel: parsel.Selector
    url: str
    jsonld: tuple[JsonObject, ...]
    article: JsonObject
    """The JSON-LD object describing the article; empty when the page has none."""
    meta: MetaTable
    elements: Mapping[str, tuple[Element, ...]]
    """The elements of each tag, in page order."""
    itemprops: Mapping[str, tuple[Element, ...]]
    """The elements of each `itemprop` value (microdata), in page order."""
    texts: tuple[TextNode, ...]
    """The text nodes under <body> that hold more than whitespace, in page order (strings with `getparent()`
    and `is_tail`)."""
    marked: tuple[tuple[Element, str], ...]
    """The elements with a class or an id, in page order, each with its marks: the class, then the id after a
    space when there is one (`"story-body main"`), cut at `MAX_MARKS` characters."""
    aria_labelled: tuple[Element, ...]
    """The elements with an `aria-label`, in page order."""

    @property
    def root(self) -> Element:
        root: Element = self.sel.root
        return root

    def tagged(self, tag: str) -> tuple[Element, ...]:
        return self.elements.get(tag, ())


_BODY_TEXTS = etree.XPath("//body//text()[normalize-space()]")


def parse_page(sel: parsel.Selector, url: str) -> Parsed:
    elements: dict[str, list[Element]] = {}
    itemprops: dict[str, list[Element]] = {}
    marked: list[tuple[Element, str]] = []
    aria_labelled: list[Element] = []
    for el in sel.root.iter(etree.Element):
        elements.setdefault(el.tag, []).append(el)
        if prop := el.get("itemprop"):
            itemprops.setdefault(prop, []).append(el)
        marks = el.get("class")
        if (ident := el.get("id")) is not None:
            marks = f"{marks or ''} {ident}"
        if marks:
            marked.append((el, marks[:MAX_MARKS]))
        if el.get("aria-label") is not None:
            aria_labelled.append(el)
    objects = structured.jsonld_in_scripts(elements.get("script", ()))
    return Parsed(
        sel,
        url,
        tuple(objects),
        structured.find_article(objects) or {},
        structured.meta_table(elements.get("meta", ())),
        {tag: tuple(found) for tag, found in elements.items()},
        {prop: tuple(found) for prop, found in itemprops.items()},
        tuple(cast("list[TextNode]", _BODY_TEXTS(sel.root))),
        tuple(marked),
        tuple(aria_labelled),
    )
