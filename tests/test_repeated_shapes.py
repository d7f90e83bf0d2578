"""Pages that repeat one structure thousands of times, and JSON-LD nested past Python's recursion: the readers
that once searched the whole page for each element (or recursed through each level) answer what that search
answered. How their time grows with the page is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import json
import random

import pytest
from lxml import etree

from scrapers.extract import boxes, read_page
from scrapers.extract.boxes import PANEL_NAMES, SEARCHED_TABS, Panels, _tab_panel
from scrapers.extract.generic import TEASER_DEPTH, OtherStories, _links_away
from scrapers.extract.markup import class_words
from scrapers.extract.parsed import Element, Parsed, parse_page
from scrapers.extract.structured import MAX_JSON_DEPTH, parse_json_loosely
from scrapers.extract.tags import StoryArea
from scrapers.extract.vocabulary import BOX_CLASS_WORDS
from scrapers.extraction import extract_article

TAGS = ("div", "h1", "h1", "article", "article", "nav", "header", "footer", "main", "p", "a", "span", "section")
NAMES = ("most-read", "x", "tab-2")


def random_page(rng: random.Random) -> bytes:
    """Tag soup of the tags the story area and the tab panels look at (headlines nested in headlines, names
    given twice), sometimes with content after `</html>` (a second tree beside the page's)."""

    def attributes() -> str:
        found = []
        for name in ("id", "data-id", "data-tab", "data-tabid", "aria-controls", "data-target", "href"):
            if rng.random() < 0.15:
                value = rng.choice(NAMES)
                found.append(f'{name}="{"#" if name in ("href", "data-target") and rng.random() < 0.7 else ""}{value}"')
        return " ".join(found)

    def children(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 4 if depth < 5 else 0)):
            if rng.random() < 0.1:
                parts.append("text <!-- a comment -->")
            else:
                tag = rng.choice(TAGS)
                parts.append(f"<{tag} {attributes()}>{children(depth + 1)}</{tag}>tail")
        return "".join(parts)

    html = f"<html><head><title>t</title></head><body>{children(0)}</body></html>"
    return (html + (children(3) if rng.random() < 0.2 else "")).encode()


def every_element(root: Element) -> list[Element]:
    """The elements of the document of `root`, the trees beside it too."""
    tops = [root, *root.itersiblings()]
    return [el for top in tops if isinstance(top.tag, str) for el in top.iter(etree.Element)]


def in_story_area_by_search(el: Element) -> bool:
    """The story area as the tag reader once tested it: the page chrome by the ancestors, the headline by a
    search back from the element."""
    for a in el.iterancestors():
        if a.tag == "nav":
            return False
        if a.tag in ("header", "footer") and not any(b.tag in ("article", "main") for b in a.iterancestors()):
            return False
    return bool(el.xpath("preceding::h1[1]"))


_PANELS = etree.XPath("//@*[. = $id][" + " or ".join(f"name() = '{name}'" for name in PANEL_NAMES) + "]/..")


def tab_panel_by_search(el: Element) -> Element | None:
    """The panel of a tab as the box reader once found it: a search of the page's attributes for each tab."""
    href = el.get("href") or ""
    target = (el.get("aria-controls") or (href[1:] if href.startswith("#") else "")
              or (el.get("data-target") or el.get("data-tab") or "").removeprefix("#"))
    if not target:
        return None
    return next((panel for panel in _PANELS(el, id=target) if panel is not el), None)


@pytest.mark.parametrize("searched_tabs", [SEARCHED_TABS, 0])  # panels searched for the first tabs, or read at once
@pytest.mark.parametrize("seed", range(3))
def test_the_story_area_and_the_tab_panels_are_what_a_search_of_the_page_finds(
        seed: int, searched_tabs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boxes, "SEARCHED_TABS", searched_tabs)
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    panels_found = 0
    for _ in range(150):
        sel = read_page(random_page(rng))
        root = sel.root
        area, panels = StoryArea(parse_page(sel, "https://example.com/news/1")), Panels()
        elements = every_element(root)
        rng.shuffle(elements)  # asked in any order, as the readers do
        for el in elements:
            assert area.holds(el) is in_story_area_by_search(el), etree.tostring(root.getroottree())
            answers[area.holds(el)] += 1
            assert _tab_panel(el, panels) is tab_panel_by_search(el), etree.tostring(root.getroottree())
            panels_found += tab_panel_by_search(el) is not None
    assert answers[True] > 100 and answers[False] > 100 and panels_found > 100  # both answers, many panels


def in_other_story_by_search(el: Element, url: str) -> bool:
    """Whether a byline is another story's as the author reader once told it: each ancestor searched for each
    element."""
    if any(class_words(a) & BOX_CLASS_WORDS and a.find(".//h1") is None for a in el.iterancestors()):
        return True
    for ancestor in list(el.iterancestors())[:TEASER_DEPTH]:
        heading = next(ancestor.iter("h1", "h2", "h3", "h4"), None)
        if heading is not None:
            link = next(heading.iter("a"), None)
            link = next((a for a in heading.iterancestors("a")), None) if link is None else link
            return heading.tag != "h1" and link is not None and _links_away(link.get("href") or "", url)
    return False


def random_story_page(rng: random.Random) -> bytes:
    """Tag soup of boxes, headings (linked or not) and bylines."""

    def children(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 4 if depth < 6 else 0)):
            tag = rng.choice(("div", "div", "section", "h1", "h2", "h3", "h4", "a", "span", "p"))
            classes = " ".join(rng.sample(("related", "teaser", "paywall", "byline", "story", "x"), rng.randint(0, 2)))
            href = rng.choice(("", "#", "/other-story", "https://example.com/news/1")) if tag == "a" else ""
            parts.append(f'<{tag} class="{classes}" href="{href}">{children(depth + 1)}text</{tag}>')
        return "".join(parts)

    return f"<html><body>{children(0)}</body></html>".encode()


@pytest.mark.parametrize("seed", range(3))
def test_a_byline_is_another_storys_as_a_search_of_its_ancestors_finds(seed: int) -> None:
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    for _ in range(200):
        root = read_page(random_story_page(rng)).root
        others = OtherStories("https://example.com/news/1")
        elements = list(root.iter(etree.Element))
        rng.shuffle(elements)
        for el in elements:
            want = in_other_story_by_search(el, "https://example.com/news/1")
            assert others.hold(el) is want, etree.tostring(root)
            answers[want] += 1
    assert answers[True] > 500 and answers[False] > 500


def test_a_tag_list_after_a_nested_headline_is_in_the_story_area() -> None:
    parsed = parsed_page(b"<html><body><h1>Outer <h1>inner</h1> rest</h1><ul id=before></ul>"
                         b"<nav><ul id=nav></ul></nav><div><ul id=after></ul></div></body></html>")
    area = StoryArea(parsed)
    found = {el.get("id"): area.holds(el) for el in parsed.root.iter("ul")}
    assert found == {"before": True, "nav": False, "after": True}
    inside = parsed_page(b"<html><body><h1>Title <ul id=inside></ul></h1></body></html>")
    assert StoryArea(inside).holds(next(inside.root.iter("ul"))) is False  # inside the headline: not after it


def parsed_page(html: bytes) -> Parsed:
    return parse_page(read_page(html), "https://example.com/news/1")


def nested(depth: int, kind: str) -> str:
    """JSON-LD whose article object lies `depth` levels down (a list in a list..., an object's field, or a @graph
    in a @graph)."""
    article = '{"@type": "NewsArticle", "headline": "Deep headline"}'
    if kind == "list":
        return "[" * (depth - 1) + article + "]" * (depth - 1)
    if kind == "graph":
        return '{"@graph": [' * (depth - 1) + article + "]}" * (depth - 1)
    return '{"@type": "NewsArticle", "headline": "Deep headline", "x": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


def page_with_jsonld(jsonld: str) -> bytes:
    return (f'<html><head><script type="application/ld+json">{jsonld}</script></head><body><h1>Printed headline</h1>'
            f"<p>{'The story as printed on the page, long enough to be one. ' * 3}</p></body></html>").encode()


@pytest.mark.parametrize("kind", ["list", "graph", "object"])
def test_json_ld_nested_thousands_deep_leaves_the_page_readable(kind: str) -> None:
    record = extract_article(page_with_jsonld(nested(5000, kind)), "https://example.com/news/1")
    assert record["title"] == "Printed headline"
    assert record["body"].startswith("The story as printed on the page")


def test_json_ld_is_read_down_to_the_depth_limit() -> None:
    record = extract_article(page_with_jsonld(nested(MAX_JSON_DEPTH, "list")), "https://example.com/news/1")
    assert record["title"] == "Deep headline"
    record = extract_article(page_with_jsonld(nested(MAX_JSON_DEPTH + 1, "list")), "https://example.com/news/1")
    assert record["title"] == "Printed headline"  # the article object lay below the limit: dropped


def test_deep_values_are_cut_at_the_limit_and_the_rest_is_kept() -> None:
    value = {"headline": "Kept", "deep": json.loads("[" * 100 + "]" * 100)}
    read = parse_json_loosely(json.dumps(value))
    level, depth = read["deep"], 2
    while level:
        level, depth = level[0], depth + 1
    assert read["headline"] == "Kept" and depth == MAX_JSON_DEPTH + 1  # None where the list below the limit was
