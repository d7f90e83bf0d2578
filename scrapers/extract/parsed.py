"""The page as every stage of the generic reader sees it: parsed once, then only read."""

from __future__ import annotations

from dataclasses import dataclass

import parsel
from lxml import etree
from lxml.etree import _Element as Element
from parsel.selector import create_root_node

from scrapers.extract import structured
from scrapers.extract.structured import JsonObject, MetaTable

# Elements of the parsed tree are `Element`s: `lxml.html.HtmlElement` under a crawl's selector, a plain
# lxml `_Element` under `extract_article`'s.
__all__ = ["Element", "Parsed", "parse_html", "parse_page"]


@dataclass(frozen=True)
class Parsed:
    """What the page says about itself, read once: its tree, its JSON-LD, the JSON-LD object of the
    article, and its meta tags. No stage changes it."""

    sel: parsel.Selector
    url: str
    jsonld: tuple[JsonObject, ...]
    article: JsonObject
    """The JSON-LD object describing the article; empty when the page has none."""
    meta: MetaTable

    @property
    def root(self) -> Element:
        return self.sel.root


def parse_page(sel: parsel.Selector, url: str) -> Parsed:
    objects = structured.jsonld_objects(sel)
    return Parsed(sel, url, tuple(objects), structured.find_article(objects) or {}, structured.meta_table(sel))


def parse_html(text: str) -> parsel.Selector:
    """The page as a selector over a plain lxml tree: the parse parsel makes, without lxml.html's element
    classes, whose per-element lookup costs as much as a tenth of the extraction (their methods are not
    used: `text_content()` is `"".join(el.itertext())`)."""
    return parsel.Selector(root=create_root_node(text, etree.HTMLParser), type="html")
