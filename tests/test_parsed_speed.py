"""The indexes `Parsed` keeps for the stages answer as the searches of the tree they replace did, on crafted and
random pages (the searches are written out here as they were)."""

from __future__ import annotations

import random

from lxml import etree

from scrapers.extract import read_page
from scrapers.extract.boxes import _class_kind, _classed_among
from scrapers.extract.lead import _headline_element, _in_menu, _story_heading
from scrapers.extract.markup import SEPARATOR, text_key, text_of
from scrapers.extract.parsed import Element, Parsed, parse_page

URL = "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"

TITLE = "Großbrand im Hafen: die Feuerwehr rückt aus"


def _parsed(html: str) -> Parsed:
    return parse_page(read_page(html.encode()), URL)


def _headline_by_walk(root: Element, title: str | None) -> Element | None:
    """`lead._headline_element` as a walk of the tree."""
    key = text_key(title or "")
    for el in root.iter("h1", "h2"):
        if _in_menu(el):
            continue
        text = text_key(text_of(el))
        if not key or not text:
            continue
        if text == key or (len(text) >= 20 and text in key) or (len(text) >= 8 and key.endswith(text)):
            return el
    return None


def _story_heading_by_walk(root: Element) -> Element | None:
    """`lead._story_heading` as a walk of the tree."""
    for article in root.iter("article"):
        for el in article.iter("h1", "h2"):
            if not _in_menu(el) and text_of(el):
                return el
    return None


CRAFTED = [
    f"<html><body><nav><h2>{TITLE}</h2></nav><article><h3>{TITLE}</h3><h2>Die Feuerwehr rückt aus</h2>"
    f"<h1>{TITLE}</h1></article></body></html>",
    f"<html><body><ul><li><h1>{TITLE}</h1></li></ul><h2>Hafen</h2><h1>  </h1><h2>{TITLE.upper()}</h2></body></html>",
    "<html><body><article><h3>Ohne Titel</h3><article><h2></h2><h2>Zweite</h2></article></article></body></html>",
    f"<html><body><p>Text</p></body></html><html><body><h1>{TITLE}</h1></body></html>",  # content after </html>
    f"<h1>{TITLE}</h1><h2>rückt aus</h2>",  # no <html>: the parser adds it
]


def test_the_headings_are_those_of_a_walk_in_page_order() -> None:
    for html in CRAFTED:
        parsed = _parsed(html)
        assert parsed.headings == tuple(parsed.root.iter("h1", "h2", "h3"))
    parsed = _parsed(CRAFTED[0])
    assert [el.tag for el in parsed.headings] == ["h2", "h3", "h2", "h1"]
    assert [el.tag for el in parsed.tagged("h2")] == ["h2", "h2"]


def test_the_headline_and_story_heading_are_those_the_walks_found() -> None:
    titles = [TITLE, TITLE.upper(), "Die Feuerwehr rückt aus", "rückt aus", "", None, "Hafen", "Anderes"]
    for html in CRAFTED:
        parsed = _parsed(html)
        for title in titles:
            assert _headline_element(parsed.headings, title) is _headline_by_walk(parsed.root, title)
        assert _story_heading(parsed.tagged("article")) is _story_heading_by_walk(parsed.root)
    parsed = _parsed(CRAFTED[0])
    found = _headline_element(parsed.headings, TITLE)
    # not the menu's <h2>, nor the <h3> (no headline tag): the first <h2> after them prints the title's end
    assert found is not None and found.tag == "h2" and text_of(found) == "Die Feuerwehr rückt aus"
    story = _story_heading(parsed.tagged("article"))
    assert story is not None and text_of(story) == "Die Feuerwehr rückt aus"


def _random_page(rng: random.Random) -> str:
    words = ["Hafen", "Brand", "Feuerwehr rückt aus", "Großbrand im Hafen", "die", "", "  "]
    tags = ["h1", "h2", "h3", "article", "nav", "li", "div", "p", "span"]
    parts = ["<html><body>"]
    opened: list[str] = []
    for _ in range(rng.randrange(5, 40)):
        roll = rng.random()
        if roll < 0.4:
            tag = rng.choice(tags)
            parts.append(f"<{tag}>")
            opened.append(tag)
        elif roll < 0.6 and opened:
            parts.append(f"</{opened.pop()}>")
        else:
            parts.append(" ".join(rng.choice(words) for _ in range(rng.randrange(0, 3))))
    parts.append("</body></html>")
    return "".join(parts)


def test_random_pages_read_as_the_walks_read_them() -> None:
    rng = random.Random(4411)
    for _ in range(300):
        parsed = _parsed(_random_page(rng))
        assert parsed.headings == tuple(parsed.root.iter("h1", "h2", "h3"))
        for title in ("Großbrand im Hafen", "Feuerwehr rückt aus", "Brand", "die Feuerwehr rückt aus Hafen"):
            assert _headline_element(parsed.headings, title) is _headline_by_walk(parsed.root, title)
        assert _story_heading(parsed.tagged("article")) is _story_heading_by_walk(parsed.root)


def test_the_distinct_marks_and_their_join_are_those_of_the_marked_elements() -> None:
    parsed = _parsed('<html><body class="page"><div class="Related-Box" id="r1"><p class="page">x</p></div>'
                     '<div class="MOST-read"></div><span class="Related-Box" id="r1">y</span></body></html>')
    assert parsed.distinct_marks == ("page", "Related-Box r1", "MOST-read")
    assert parsed.lowered_marks == SEPARATOR + SEPARATOR.join(["page", "related-box r1", "most-read"])
    assert [(el.tag, kind) for el, kind in _classed_among(parsed.marked, parsed.distinct_marks,
                                                         parsed.lowered_marks)] == [
        ("div", "related"), ("div", "ranked"), ("span", "related")]


def test_the_classed_elements_from_the_kept_marks_are_those_whose_marks_name_a_box() -> None:
    rng = random.Random(4412)
    pieces = ["related", "most", "read", "popular", "İ", "\u212a", "Trending", "nav", "footer", "-", " ", "x",
              "Leia", "see", "more", "teaser", "SEHR", "\0"]
    for _ in range(300):
        marked = [(etree.Element("div"), "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 6))))
                  for _ in range(rng.randrange(0, 30))]
        distinct = list(dict.fromkeys(marks for _, marks in marked))
        joined = SEPARATOR + SEPARATOR.join(distinct)
        lowered = joined.lower() if joined.count(SEPARATOR) == len(distinct) else None
        assert _classed_among(marked, distinct, lowered) == [
            (el, kind) for el, marks in marked if (kind := _class_kind(marks)) is not None]
