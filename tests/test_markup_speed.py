"""The shortcuts of the shared element helpers give what their general computation gives, on random trees."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import cast

import pytest
from lxml import etree

from scrapers.extract import markup
from scrapers.extract.body import Story, _marked_as_story, body_images
from scrapers.extract.markup import (
    INVISIBLE_TAGS,
    Element,
    all_text,
    following,
    is_boilerplate,
    link_text_length,
    text_of,
)
from scrapers.extract.text import collapse_space

TAGS = ["div", "p", "span", "a", "em", "h2", "h3", "img", "picture", "br", "li", "ul", "script", "style", "svg",
        "section", "b", "figure", "button"]
TEXTS = ["", " ", "\n  ", "Wort", "zwei  Wörter", "\u00a0nbsp\u00a0", "A &amp; B", "x&amp;amp;y", " Ende. ",
         "\t\ttab", "\u2003em space", "İstanbul ſtraße K\u212a", "line\nbreak", "&#228;", "a\u200bb", "\x85sep\u2028"]

CLASSES = ["", "", "", "related", "article-body", "gallery sidebar-layout", "Teaser-Box", "entry-content related",
           "d-none", "ſidebar", "K\u212aey"]


def random_page(rng: random.Random, size: int) -> Element:
    """A tree of `size` random elements, comments and processing instructions, each with random text and tail."""
    root = etree.Element("div")
    nodes = [root]
    for _ in range(size):
        parent = rng.choice(nodes)
        kind = rng.random()
        if kind < 0.08:
            node: Element = etree.Comment(rng.choice(TEXTS).replace("-", "") or "c")
        elif kind < 0.12:
            node = etree.ProcessingInstruction("pi", rng.choice(TEXTS))
        else:
            node = etree.SubElement(parent, rng.choice(TAGS))
            node.text = rng.choice(TEXTS) or None
            if classes := rng.choice(CLASSES):
                node.set("class", classes)
            if node.tag == "img":
                node.set("src", f"/i{rng.randrange(20)}.jpg")
            nodes.append(node)
        if kind < 0.12:
            parent.append(node)
        node.tail = rng.choice(TEXTS) or None
    return root


def old_text_of(el: Element) -> str:
    """`text_of` as a plain walk: every visible text and tail, a space for each <br>, then collapsed."""
    parts: list[str] = [el.text or ""]

    def walk(node: Element) -> None:
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
                if tag == "br":
                    parts.append(" ")
                parts.append(child.text or "")
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return collapse_space("".join(parts))


def old_following(el: Element, *tags: str, inside: Element | None = None) -> Iterator[Element]:
    node: Element | None = el
    while node is not None and node is not inside:
        for sibling in node.itersiblings():
            yield from sibling.iter(*tags)
        node = node.getparent()


FOLLOWING_AXIS = "following::*"


def elements_of(nodes: Iterator[Element]) -> list[Element]:
    return [node for node in nodes if isinstance(node.tag, str)]


PAGES = [random_page(random.Random(seed), size) for seed, size in enumerate([1, 3, 8, 20, 60, 150] * 30)]


@pytest.mark.parametrize("page", range(0, len(PAGES), 30))
def test_text_of_and_link_text_length_read_every_element_as_the_plain_walk(page: int) -> None:
    for root in PAGES[page:page + 30]:
        for el in root.iter():
            assert text_of(el) == old_text_of(el)
            assert link_text_length(el) == sum(len(collapse_space("".join(cast("Iterator[str]", a.itertext()))))
                                               for a in el.iter("a"))
            if isinstance(el.tag, str):
                assert all_text(el) == "".join(cast("Iterator[str]", el.itertext()))
            assert markup._holds_link(el) == any(link is not el for link in el.iter("a"))


def test_text_of_collapses_what_has_something_to_collapse() -> None:
    page = etree.fromstring("<div><p>Ein  Satz.</p><p>Ein Satz.</p><p> A &amp;amp; B</p><p/><p>x<!-- c -->y</p></div>",
                            etree.HTMLParser()).find(".//div")
    assert [text_of(p) for p in page] == ["Ein Satz.", "Ein Satz.", "A & B", "", "xy"]


def test_following_yields_the_elements_of_the_xpath_axis_in_order() -> None:
    checked = 0
    for root in PAGES:
        elements = list(root.iter())
        for el in elements:
            inside = el.getparent()
            if inside is not None:
                inside = inside.getparent()
            for tags in ((), ("a",), ("h2", "img", "p")):  # (elements only: no comment takes room in a window)
                assert list(following(el, *tags)) == elements_of(old_following(el, *tags))
                assert list(following(el, *tags, inside=inside)) == elements_of(
                    old_following(el, *tags, inside=inside))
            if isinstance(el.tag, str):
                assert list(following(el)) == el.xpath(FOLLOWING_AXIS)
                checked += 1
    assert checked > 1000


def old_body_images(container: Element) -> list[str]:
    """The addresses `body_images` gives, as it found them by testing every ancestor of every image."""
    scope = container.getparent()
    if scope is None:
        scope = container
    found: list[str] = []
    for img in scope.iter("img"):
        ancestors = list(img.iterancestors())
        ancestors = ancestors[: ancestors.index(scope)] if scope in ancestors else ancestors
        figure = next((a for a in ancestors if a.tag == "figure"), None)
        if (container not in ancestors and figure is None) or any(
                is_boilerplate(a) and not _marked_as_story(a) for a in ancestors):
            continue
        src = "https://example.com" + (img.get("src") or "")
        if src not in found:
            found.append(src)
    return found


def test_body_images_keep_the_images_that_testing_every_ancestor_keeps() -> None:
    kept = 0
    for root in PAGES:
        for container in root.iter("div", "section", "p"):
            story = Story("", None, container, None, None)
            images = [image.url for image in body_images(story, "https://example.com/a")]
            assert images == old_body_images(container)
            kept += len(images)
    assert kept > 100
