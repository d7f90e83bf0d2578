"""The page as every stage of the generic reader sees it: parsed once, indexed once, then only read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import parsel
from lxml import etree
from lxml.etree import _Element as Element
from lxml.etree import _ElementUnicodeResult as TextNode

from scrapers.extract import structured
from scrapers.extract.markup import MAX_MARKS, joined
from scrapers.extract.structured import JsonObject, MetaTable

# Elements of the parsed tree are `Element`s: `lxml.html.HtmlElement` under a crawl's selector, a plain
# lxml `_Element` under `extract_article`'s.
__all__ = ["Element", "Parsed", "TextNode", "parse_page"]


@dataclass(frozen=True)
class Parsed:
    """What the page says about itself, read once: its tree, its JSON-LD, the JSON-LD object of the
    article, its meta tags, and indexes that spare each stage a search of the whole tree (each XPath or
    CSS search of the tree costs about a fifth of the parse). They are built as soon as the page is parsed,
    while its tree is still in the processor's caches: built when a stage first asked for them, they cost a
    sixth more. Only the join of the marks' distinct values (`lowered_marks`) is made when first asked for, from
    `distinct_marks`, not the tree. No stage changes it."""

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
    distinct_marks: tuple[str, ...]
    """The marks of `marked` without repeats, in the order first met: the searches of the marks read each once (a
    page repeats its classes: the 160,000 marked elements of the 309 real pages of tests/data hold 66,000
    distinct marks). Gathered in the walk that makes each mark, while the new string is in the processor's
    caches: made from `marked` when the box reader first asked for them (past the story reader), they cost
    0.115 ms a page on fundus-dev, 0.04 ms in the walk."""
    aria_labelled: tuple[Element, ...]
    """The elements with an `aria-label`, in page order."""
    headings: tuple[Element, ...]
    """The <h1>, <h2> and <h3> elements, in page order (the headline is among them): found with the tag index,
    where a search of the tree for them walked it all when none matched (a tenth of the parse each time)."""

    @cached_property
    def lowered_marks(self) -> str | None:
        """`distinct_marks` joined (`markup.joined`) in lower case, for one search of them all in C, made once
        for the stages that search the marks; None when a mark holds the separator."""
        text = joined(self.distinct_marks)
        return None if text is None else text.lower()

    @property
    def root(self) -> Element:
        root: Element = self.sel.root
        return root

    def tagged(self, tag: str) -> tuple[Element, ...]:
        return self.elements.get(tag, ())


def parse_page(sel: parsel.Selector, url: str) -> Parsed:
    root: Element = sel.root
    elements, headings = _tag_index(root)
    if url and (base := document_base(root, url)) is not None:
        _resolve_against_base(root, base)
    itemprops: dict[str, list[Element]] = {}
    marked: list[tuple[Element, str]] = []
    distinct: dict[str, None] = {}
    aria_labelled: list[Element] = []
    # One walk over every element for its attributes. Its tag is not read (`Element.tag` makes a new string at
    # each call: indexing every element by tag here took a third of the walk), and the attributes are named
    # as bytes (lxml encodes a name given as str at every call).
    for el in root.iter(etree.Element):
        if prop := el.get(b"itemprop"):
            itemprops.setdefault(prop, []).append(el)
        marks = el.get(b"class")
        if (ident := el.get(b"id")) is not None:
            marks = f"{marks or ''} {ident}"
        if marks:
            marks = marks[:MAX_MARKS]
            marked.append((el, marks))
            distinct[marks] = None
        if el.get(b"aria-label") is not None:
            aria_labelled.append(el)
    objects = structured.jsonld_in_scripts(elements.get("script", ()))
    return Parsed(
        sel,
        url,
        tuple(objects),
        structured.find_article(objects, url) or {},
        structured.meta_table(elements.get("meta", ())),
        elements,
        {prop: tuple(found) for prop, found in itemprops.items()},
        _body_texts(root, elements.get("body", ())),
        tuple(marked),
        tuple(distinct),
        tuple(aria_labelled),
        headings,
    )


HEADINGS = ("h1", "h2", "h3")
"""The tags of `Parsed.headings`."""
_HEADING_SET = frozenset(HEADINGS)


INDEXED_TAGS = ("a", "article", "body", "button", "link", "meta", "p", "script", "time", "title", *HEADINGS)
"""The tags the stages ask `Parsed.tagged` for on every page (and <body>, for `_body_texts`, and `HEADINGS`),
found in one walk of the tree in C (lxml's `iter(*tags)`) when the page is parsed; another tag is found by a
walk of its own when first asked for. The walk costs what a walk of the whole tree does whatever it finds (two
tags more cost 1% of it on the 309 real pages of tests/data)."""


class _TagIndex(Mapping[str, tuple[Element, ...]]):
    """The elements of each tag of the tree of `root` (a tag without elements is no key, as in a dict built by a
    walk), from `found` for the tags it holds and else by a walk for that tag, kept."""

    def __init__(self, root: Element, found: dict[str, tuple[Element, ...]]) -> None:
        self._root = root
        self._found = found

    def __getitem__(self, tag: str) -> tuple[Element, ...]:
        if not (found := self._elements(tag)):
            raise KeyError(tag)
        return found

    def get(self, tag: str, default: Any = None) -> Any:
        """The elements of `tag`, or `default` when the tree has none: answered without `Mapping.get`'s way
        through `__getitem__` and a KeyError (the readers ask this some twenty times a page, most of the tags
        absent from a small page)."""
        found = self._found.get(tag)
        return (self._walk(tag) if found is None else found) or default

    def _elements(self, tag: str) -> tuple[Element, ...]:
        found = self._found.get(tag)
        return self._walk(tag) if found is None else found

    def _walk(self, tag: str) -> tuple[Element, ...]:
        """The elements named `tag`, found by a walk of the tree and kept: lxml reads "*" and "{*}div" as patterns,
        and libxml2 names an element of `<p*>` "p*"."""
        found = self._found[tag] = tuple(el for el in self._root.iter(tag) if el.tag == tag)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(el.tag for el in self._root.iter(etree.Element)))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def document_base(root: Element, url: str) -> str | None:
    """The URL the links of the page `url` (the tree of `root`) are resolved against when it is not `url`: its
    first `<base href>`, itself resolved against `url`, as a browser reads it; None without one (found in
    <head> without a walk of the tree)."""
    head = root.find("head")
    bases = head.findall("base") if head is not None else []
    href = next((value for base in bases if (value := base.get("href")) and value.strip()), None)
    if href is None:
        return None
    try:
        base = urljoin(url, href.strip())
    except ValueError:
        return None
    return base if urlsplit(base).scheme in ("http", "https") and base != url else None


def _resolve_against_base(root: Element, base: str) -> None:
    """The links and image addresses of the tree made absolute against its `document_base`, as a browser
    resolves them; then every reader, which resolves against the page's URL, reads what the page shows. Read
    against the page's URL, a Taipei Times page's `<base href="https://www.taipeitimes.com/">` gave its images a
    `/News/front/archives/2024/10/16/` path of the article's own (fuzzer). An in-page anchor (`#top`) stays."""
    for el in root.iter(etree.Element):
        for name in LINK_ATTRIBUTES:
            if (value := el.get(name)) and not value.startswith("#") and not _ABSOLUTE.match(value):
                try:
                    _set_address(el, name, urljoin(base, value.strip()))
                except ValueError:
                    continue
        for name in ("srcset", "data-srcset"):
            if srcset := el.get(name):
                try:
                    _set_address(el, name, ", ".join(_resolved_candidate(part, base) for part in srcset.split(",")))
                except ValueError:
                    continue


def _set_address(el: Element, name: str, value: str) -> None:
    """Set the attribute to an address without the control characters lxml refuses in a value (a browser
    drops them from an address too): a `srcset` holding one raised out of the reader (fuzzer)."""
    el.set(name, _CONTROLS.sub("", value))


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


LINK_ATTRIBUTES = ("href", "src", "data-src", "data-lazy-src", "data-original", "poster")
"""Attributes whose relative address a `<base href>` resolves, among those the readers read."""
_ABSOLUTE = re.compile(r"\s*[a-zA-Z][a-zA-Z0-9+.-]*:")


def _resolved_candidate(candidate: str, base: str) -> str:
    """One candidate of a `srcset` ("img/a.jpg 2x") with its address resolved against `base`."""
    address, _, descriptor = candidate.strip().partition(" ")
    if not address or _ABSOLUTE.match(address):
        return candidate.strip()
    try:
        return f"{urljoin(base, address)} {descriptor}".strip()
    except ValueError:
        return candidate.strip()


def _tag_index(root: Element) -> tuple[_TagIndex, tuple[Element, ...]]:
    """The tag index of the tree of `root`, holding the elements of `INDEXED_TAGS`, and its `HEADINGS` in page
    order (`Parsed.headings`)."""
    found: dict[str, list[Element]] = {tag: [] for tag in INDEXED_TAGS}
    headings: list[Element] = []
    for el in root.iter(*INDEXED_TAGS):
        tag = el.tag
        found[tag].append(el)
        if tag in _HEADING_SET:
            headings.append(el)
    return _TagIndex(root, {tag: tuple(els) for tag, els in found.items()}), tuple(headings)


def _body_texts(root: Element, bodies: tuple[Element, ...]) -> tuple[TextNode, ...]:
    """`Parsed.texts` of the tree of `root`, whose <body> elements are `bodies`."""
    beside = next(root.itersiblings(etree.Element), None)  # what follows `</html>`: a tree with a body of its own
    if len(bodies) == 1 and root.getparent() is None and beside is None:  # the page's one body: searched alone
        return tuple(cast("list[TextNode]", _TEXTS_UNDER(bodies[0])))
    return tuple(cast("list[TextNode]", _BODY_TEXTS(root)))


_BODY_TEXTS = etree.XPath("/descendant::body/descendant::text()[normalize-space()]")
"""`//body//text()[normalize-space()]` with its steps spelled out as the descendant axis: libxml2 evaluates
`//x` as every node's children, and rewrites it into the descendant axis only for a step without a predicate
(a fifth faster on the 309 real pages of tests/data; the same nodes in the same order)."""
_TEXTS_UNDER = etree.XPath("descendant::text()[normalize-space()]")
"""`_BODY_TEXTS` of a tree with one <body>, searched from it: libxml2 does not walk the whole tree for it."""
