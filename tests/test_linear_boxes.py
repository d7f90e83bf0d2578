"""The box reader on pages that repeat or nest one structure: the lists a label's menu test reads, the teasers
after a label, the cards of empty links and boxes nested in boxes. Each reader answers what its earlier
definition, kept here as the oracle, answered (on random pages and on the repeated shapes at a small size); how
their time grows is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from scrapers.extract import boxes as B
from scrapers.extract import read_page
from scrapers.extract.boxes import (
    CONTAINER_TAGS,
    MAX_BOX_LINKS,
    MAX_CLIMB,
    MAX_LABEL,
    MAX_LABEL_EXTRA_WORDS,
    MAX_LINKS,
    MAX_TAB,
    MIN_TITLE,
    NOT_LABEL_TAGS,
    OTHER,
    RANKED,
    RELATED,
    STORY_TEXT,
    Box,
    Cards,
    Panels,
)
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.extract.markup import all_text, text_of
from scrapers.extract.parsed import Element, parse_page
from scrapers.extract.text import clean_text

URL = "https://example.com/news/story-1"


# The earlier definitions (the oracle) ----------------------------------------------------------------------------

def old_link_boxes(page: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    parsed = parse_page(read_page(page), URL)
    boxes = old_boxes(B._scan(parsed), parsed.url)
    return old_links_of(boxes, parsed.url, RELATED), old_links_of(boxes, parsed.url, RANKED, first_only=True)


def old_boxes(scan: B.Scan, url: str) -> list[Box]:
    labels = scan.labels
    panels = Panels()
    boxes = [box for el, (kind, rest) in labels.items()
             if (box := old_labelled_box(el, kind, rest, labels, panels)) is not None]
    taken = OldTaken(box.element for box in boxes)
    boxes += [Box(kind, el, el, tuple(el.iter("a"))) for el, kind in scan.named
              if kind != OTHER and not taken.overlaps(el)]
    taken = OldTaken(box.element for box in boxes)
    boxes += [Box(RELATED, p, p, (anchor,)) for p, anchor in scan.paragraphs
              if anchor is not None and B._teaser_line(p, anchor, url) and not taken.overlaps(p)]
    boxes += [Box(RELATED, el, el, teasers) for el, anchor in scan.paragraphs
              if anchor is None and not taken.overlaps(el) and (teasers := B._teaser_insert(el, url, labels))]
    taken = OldTaken(box.element for box in boxes)
    for el, kind in scan.classed:
        if taken.overlaps(el):
            continue
        taken.add(el)
        own = B._own_label(el, labels, kind, url)
        if own is None or own == kind:
            boxes.append(Box(kind, el, el, tuple(el.iter("a")), by_class=True))
    return boxes


def old_labelled_box(el: Any, kind: str, rest: str, labels: dict[Any, tuple[str, str]], panels: Panels) -> Box | None:
    rest = B._INLINE_SEPARATOR.sub("", rest).strip()
    full = clean_text(all_text(el)) or ""
    anchor = el if el.tag == "a" else next(el.iterancestors("a"), None)
    if anchor is not None and (rest or len(clean_text(all_text(anchor)) or "") > len(full) + MIN_TITLE):
        linked = clean_text(all_text(anchor)) or ""
        if not B._is_headline(rest or (linked[len(full):] if linked.startswith(full) else linked)):
            return None
        return Box(kind, el, anchor, (anchor,)) if kind == RELATED else None
    if (panel := B._tab_panel(el if anchor is None else anchor, panels)) is not None:
        return Box(kind, el, panel, tuple(panel.iter("a")))
    if old_in_menu(el):
        return None
    if len(full) > MAX_LABEL or len(rest.split()) > MAX_LABEL_EXTRA_WORDS:
        if len(el):
            anchors = tuple(el.iter("a"))
            return Box(kind, el, el, anchors) if anchors and B._inline_line(el, full) else None
        return None
    if (panel := B._strip_panel(el if anchor is None else anchor, labels)) is not None:
        return Box(kind, el, panel, tuple(panel.iter("a")))
    anchors = () if anchor is not None else tuple(el.iter("a"))
    if anchors and any(B._is_headline(text_of(a)) for a in anchors) and not B._names_a_section(el, anchors):
        return Box(kind, el, el, anchors) if B._inline_line(el, full) else None
    node = el if anchor is None else anchor
    for _ in range(MAX_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        following = old_following(node, labels)
        if following is None:
            return None
        if len(following) > MAX_BOX_LINKS:
            return None
        if len(following) > 1 or (following and B._may_be_story(following[0])):
            return Box(kind, el, parent, following)
        node = parent
    return None


def old_in_menu(el: Any) -> bool:
    item = next(el.iterancestors("li"), None)
    if item is not None and item.getparent() is not None:
        items = list(item.getparent().iterchildren("li"))
        if len(items) >= 2 and all(len(clean_text(all_text(li)) or "") <= MAX_TAB for li in [item, *items]):
            return True
    for ancestor in el.iterancestors():
        if ancestor.tag in ("body", "html"):
            return False
        if ancestor.tag == "nav" or B._names_menu(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            return True
    return False


def old_following(node: Any, labels: dict[Any, tuple[str, str]]) -> tuple[Any, ...] | None:
    anchors: list[Any] = []
    placeholder = False
    for sibling in node.itersiblings(etree.Element):
        if sibling.tag in NOT_LABEL_TAGS:
            continue
        links = list(sibling.iter("a"))
        if B._is_heading(sibling, labels, links):
            return tuple(anchors) or None
        if not links:
            text = clean_text(all_text(sibling)) or ""
            if len(text) > STORY_TEXT:
                return tuple(anchors) or None
            placeholder = placeholder or (not text and sibling.tag in CONTAINER_TAGS
                                          and sibling.find(".//img") is None)
            continue
        if not B._link_dominated(sibling, links):
            return tuple(anchors) or None
        anchors += links
    return tuple(anchors) if anchors else (None if placeholder else ())


class OldTaken:
    def __init__(self, elements: Any = ()) -> None:
        self._elements: set[Any] = set()
        self._around: set[Any] = set()
        for el in elements:
            self.add(el)

    def add(self, el: Any) -> None:
        self._elements.add(el)
        self._around.update(el.iterancestors())

    def overlaps(self, el: Any) -> bool:
        return (el in self._elements or el in self._around
                or any(ancestor in self._elements for ancestor in el.iterancestors()))


def old_links_of(boxes: list[Box], url: str, kind: str, *, first_only: bool = False) -> list[tuple[str, str]]:
    places: dict[Element, dict[Element, int]] = {}

    def order(box: Box) -> tuple[bool, bool, tuple[int, ...]]:
        return (first_only and box.by_class, first_only and B._watched(box), old_position(box.start, places))

    chosen = [box for box in boxes if box.kind == kind]
    if not chosen:
        return []
    site = registrable_domain(url) if url else ""
    here = absolute_url(url, url)
    links: dict[str, str] = {}
    alone: dict[str, str] = {}
    for box in sorted(chosen, key=order) if len(chosen) > 1 else chosen:
        if first_only and links:
            if len(links) >= B.MIN_LIST:
                break
            alone = alone or dict(links)
            links.clear()
        if first_only:
            box = B._first_list(box)
        for link, title in old_box_links(box, url, site, here):
            if link not in links:
                links[link] = title
                if len(links) == MAX_LINKS:
                    return list(links.items())
    if first_only and len(links) < B.MIN_LIST:
        return []
    return list((links if len(links) >= B.MIN_LIST or not alone else alone).items())


def old_position(el: Any, places: dict[Element, dict[Element, int]]) -> tuple[int, ...]:
    path = []
    node = el
    while (parent := node.getparent()) is not None:
        if (place := places.get(parent)) is None:
            place = places[parent] = {child: index for index, child in enumerate(parent)}
        path.append(place[node])
        node = parent
    return tuple(reversed(path))


def old_box_links(box: Box, url: str, site: str, here: str | None) -> Any:
    for anchor in box.anchors:
        title = (text_of(anchor) or clean_text(anchor.get("title")) or clean_text(anchor.get("aria-label"))
                 or old_card_title(anchor, box))
        title = B._LEADING.sub("", title)
        if (label := B._label(title)) is not None and label[1]:
            title = B._INLINE_SEPARATOR.sub("", label[1]).strip()
        if not B._is_headline(title):
            continue
        link = absolute_url(anchor.get("href"), url)
        if not link or (link == here and box.kind == RELATED) or not B._may_be_article(link):
            continue
        if site and not B._same_publisher(registrable_domain(link), site):
            continue
        yield link, title


def old_card_title(anchor: Any, box: Box) -> str:
    href = anchor.get("href")
    card = None
    for ancestor in anchor.iterancestors():
        if ancestor is box.element or any(a.get("href") != href for a in ancestor.iter("a")):
            break
        card = ancestor
    return text_of(card) if card is not None else ""


def new_link_boxes(page: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    found = B.link_boxes(parse_page(read_page(page), URL))
    return found.related, found.ranked


# Random pages ----------------------------------------------------------------------------------------------------

LABELS = ("Related stories", "Most read", "Popular", "Read more", "Latest", "More from Politics", "Trending now",
          "Related: ", "ALSO READ:", "")
HREFS = ("/news/a-b-c-d", "/news/a-b-c-d", "/news/story-e-f-g-h", "https://example.com/news/2024/another-story",
         "/tag/x", "#most-read", "https://other.org/news/a-b-c-d", "/", "/news/story-1")
LINK_TEXTS = ("Same headline words here", "A second headline of the site", "t", "", "", "Most read stories today",
              "Related: the story of the day here")
TAGS = ("div", "div", "nav", "ul", "li", "li", "section", "aside", "span", "h2", "h3", "p", "a", "a", "a", "button")
CLASSES = ("related", "most-read", "popular", "menu", "tags", "title", "x", "")
LONG = "Story text that is long enough to count as a paragraph of the article body here. "


def random_page(rng: random.Random) -> bytes:
    """Tag soup of boxes: labels, `aria-label`led and classed boxes nested in one another, lists, tabs, and
    links with a headline, a short text or none (an image, sometimes a title), to a few places."""

    def attributes(tag: str) -> str:
        found = []
        if rng.random() < 0.25:
            found.append(f'aria-label="{rng.choice(LABELS)}"')
        if rng.random() < 0.3:
            found.append(f'class="{rng.choice(CLASSES)}"')
        if rng.random() < 0.1:
            found.append(f'id="{rng.choice(("most-read", "tab-2", "x"))}"')
        if tag == "a" or (tag == "button" and rng.random() < 0.5):
            found.append(f'href="{rng.choice(HREFS)}"' if tag == "a" else 'aria-controls="most-read"')
            if tag == "a" and rng.random() < 0.15:
                found.append(f'title="{rng.choice(LINK_TEXTS)}"')
        return " ".join(found)

    def children(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 5 if depth < 7 else 0)):
            roll = rng.random()
            if roll < 0.12:
                parts.append(rng.choice(LABELS))
            elif roll < 0.17:
                parts.append(f"<p>{LONG * rng.randint(1, 3)}</p>")
            elif roll < 0.22:
                parts.append("<img src='x.jpg'>")
            else:
                tag = rng.choice(TAGS)
                extra = rng.choice(("", "<img src='x.jpg'>", "<span>words in a card</span>"))
                inner = rng.choice(LINK_TEXTS) + extra if tag == "a" else children(depth + 1)
                parts.append(f"<{tag} {attributes(tag)}>{inner}</{tag}>")
        return "".join(parts)

    return f"<html><head><title>t</title></head><body><p>{LONG * 3}</p>{children(0)}</body></html>".encode()


def nested_page(rng: random.Random) -> bytes:
    """Boxes named or classed alike nested in one another, holding cards of empty links to one place, lists
    and links of their own between the levels: where reading only the outermost box would lose a link."""
    depth = rng.randint(1, 6)
    parts = []
    for _ in range(depth):
        label = rng.choice(("Related stories", "Most read", "Related stories"))
        wrapper = rng.choice((f'<nav aria-label="{label}">', f'<div aria-label="{label}">',
                              f'<div class="{rng.choice(("related", "most-read"))}">'))
        between = rng.choice(("", "<ul><li><a href='/news/a-b-c-d'>t</a></li></ul>",
                              "<a href='/news/a-b-c-d'><img src='x.jpg'></a>",
                              f"<a href='{rng.choice(HREFS)}'>{rng.choice(LINK_TEXTS)}</a>",
                              "<span>Card headline words here</span>"))
        parts.append(wrapper + between)
    card = rng.choice(("<a href='/news/a-b-c-d'><img src='x.jpg'></a>",
                       "<a href='/news/a-b-c-d'>Same headline words here</a>",
                       "<ul><li><a href='/news/story-e-f-g-h'>A second headline of the site</a></li></ul>"))
    inner = card * rng.randint(1, 3)
    closing = "".join("</nav>" if part.startswith("<nav") else "</div>" for part in reversed(parts))
    return f"<html><body><p>{LONG * 3}</p>{''.join(parts)}{inner}{closing}</body></html>".encode()


@pytest.mark.parametrize("seed", range(3))
def test_the_boxes_links_are_what_the_earlier_reader_found(seed: int) -> None:
    rng = random.Random(seed)
    found = {RELATED: 0, RANKED: 0}
    for index in range(300):
        page = random_page(rng) if index % 3 else nested_page(rng)
        related, ranked = new_link_boxes(page)
        assert (related, ranked) == old_link_boxes(page), page
        found[RELATED] += bool(related)
        found[RANKED] += bool(ranked)
    assert found[RELATED] > 50 and found[RANKED] > 10  # pages with links of both kinds


def elements(page: bytes) -> list[Element]:
    return list(read_page(page).root.iter(etree.Element))


@pytest.mark.parametrize("seed", range(2))
def test_the_menu_test_answers_what_it_answered_when_each_label_read_its_list(seed: int) -> None:
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    for _ in range(150):
        els = elements(random_page(rng))
        rng.shuffle(els)  # asked in any order
        verdicts = B.Verdicts()
        for el in els:
            answer = B._in_menu(el, verdicts)
            assert answer is old_in_menu(el)
            answers[answer] += 1
    assert answers[True] > 500 and answers[False] > 500


def same_reading(new: tuple[Any, ...] | None, old: tuple[Any, ...] | None) -> bool:
    """Whether the caller reads `new` as it read `old`: the same anchors, or both more than it keeps, or one
    None and the other more than it keeps (`_labelled_box` gives no box for either)."""
    if new is None or old is None:
        other = old if new is None else new
        return other is None or len(other) > MAX_BOX_LINKS
    return new == old or (len(new) > MAX_BOX_LINKS and len(old) > MAX_BOX_LINKS and old[:len(new)] == new)


@pytest.mark.parametrize("seed", range(2))
def test_the_links_after_a_label_are_read_until_there_are_too_many(seed: int) -> None:
    rng = random.Random(seed)
    cut = 0
    for index in range(150):
        page = random_page(rng) if index % 2 else teasers_with_labels(rng.randint(1, 80))
        parsed = parse_page(read_page(page), URL)
        labels = B._scan(parsed).labels
        for el in parsed.sel.root.iter(etree.Element):
            new, old = B._following(el, labels), old_following(el, labels)
            assert same_reading(new, old)
            cut += new != old
    assert cut > 20


@pytest.mark.parametrize("seed", range(2))
def test_an_empty_links_card_is_what_the_earlier_reader_found(seed: int) -> None:
    rng = random.Random(seed)
    titled = 0
    for index in range(150):
        root = read_page(random_page(rng) if index % 2 else nested_page(rng)).root
        cards = Cards()
        anchors = list(root.iter("a"))
        rng.shuffle(anchors)
        for anchor in anchors:
            for bound in [None, *anchor.iterancestors()]:
                box = Box(RELATED, anchor, bound, (anchor,))
                title = B._card_title(anchor, box, cards)
                assert title == old_card_title(anchor, box)
                titled += bool(title)
    assert titled > 200


# The repeated shapes, small ----------------------------------------------------------------------------------------

P = f"<p>{LONG * 3}</p>"


def page_of(body: str) -> bytes:
    return f"<html><head><title>T</title></head><body>{body}</body></html>".encode()


def teasers_with_labels(n: int) -> bytes:
    return page_of(P + "<div>" + "<div><a href='/news/a-b-c-d-e'>Long link text here</a><span>Related</span></div>" * n
                   + "</div>")


SHAPES: dict[str, Callable[[int], bytes]] = {
    "nested named related boxes": lambda n: page_of(
        P + "<nav aria-label='Related stories'>" * n + "<a href='/news/a-b-c-d'>Same headline words here</a>" * n
        + "</nav>" * n),
    "nested named ranked boxes": lambda n: page_of(
        P + "<nav aria-label='Most read'>" * n + "<a href='/news/a-b-c-d'>Same headline words here</a>" * n
        + "</nav>" * n),
    "nested named boxes of image links": lambda n: page_of(
        P + "<nav aria-label='Related stories'><span>Card headline words here</span>" * n
        + "<a href='/news/a-b-c-d'><img src='x.jpg'></a>" * n + "</nav>" * n),
    "nested named boxes of bare image links": lambda n: page_of(
        P + "<nav aria-label='Related stories'>" * n + "<a href='/news/a-b-c-d'><img src='x.jpg'></a>" * n
        + "</nav>" * n),
    "a list of labels": lambda n: page_of(P + "<ul>" + "<li><span>Most read</span></li>" * n + "</ul>"),
    # (fuzzer: 2,000 took 95, 65 and 14 s)
    "a strip of labels": lambda n: page_of(
        P + "<div class='tabs'>" + "<label>Most read</label>" * n + "</div>"
        + "<ul><li><a href='/news/a-b-c-d'>Same headline words here</a></li></ul>"),
    "nested labelled boxes": lambda n: page_of(P + "<div class='related'><h3>Related</h3>" * n + "</div>" * n),
    "nested labelled asides": lambda n: page_of(P + "<aside><h3>Most read</h3>" * n + "</aside>" * n),
    "teasers each with a label": teasers_with_labels,
    "a box of image links to one story": lambda n: page_of(
        P + "<div class='related'><ul>" + "<li><a href='/news/story-a-b-c-d'><img src='x.jpg'></a></li>" * n
        + "</ul></div>"),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n", [1, 2, 3, 30, 70])
def test_the_repeated_shapes_read_as_before(shape: str, n: int) -> None:
    page = SHAPES[shape](n)
    assert new_link_boxes(page) == old_link_boxes(page)


def test_a_box_nested_in_a_box_of_its_kind_gives_the_card_title_only_it_reads() -> None:
    """The outer box reads the image link's card up to itself: "Related stories of the day", a label and too
    little after it for a headline; the inner box, bounded lower, reads "stories of the day": the link is the
    inner box's."""
    page = page_of(P + "<nav aria-label='Related stories'><div>Related "
                   "<nav aria-label='Related stories'><div><a href='/news/a-b-c-d'><img src='x.jpg'></a>"
                   "<span>stories of the day</span></div></nav></div></nav>")
    expected = [("https://example.com/news/a-b-c-d", "stories of the day")]
    assert new_link_boxes(page) == old_link_boxes(page) == (expected, [])


@pytest.mark.parametrize("seed", range(2))
def test_taken_boxes_overlap_what_they_overlapped_when_each_element_climbed_to_the_root(seed: int) -> None:
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    for index in range(100):
        els = elements(random_page(rng) if index % 2 else nested_page(rng))
        taken, old = B.Taken(rng.sample(els, 1)), OldTaken(els[:0])
        old.add(next(iter(taken._elements)))
        for _ in range(3 * len(els)):  # boxes taken between the questions, as the classed boxes are
            el = rng.choice(els)
            if rng.random() < 0.1:
                taken.add(el)
                old.add(el)
            else:
                answer = taken.overlaps(el)
                assert answer is old.overlaps(el)
                answers[answer] += 1
    assert answers[True] > 1000 and answers[False] > 1000


@pytest.mark.parametrize("seed", range(2))
def test_the_places_and_lists_of_elements_are_what_climbing_each_to_the_root_finds(seed: int) -> None:
    rng = random.Random(seed)
    listed = 0
    for index in range(100):
        els = elements(random_page(rng) if index % 2 else nested_page(rng))
        rng.shuffle(els)
        places: dict[Element, dict[Element, int]] = {}
        paths: dict[Element, tuple[int, ...]] = {}
        old_places: dict[Element, dict[Element, int]] = {}
        for el in els:
            assert B._position(el, places, paths) == old_position(el, old_places)
        lists = B._lists_of(els)
        assert lists == [next(el.iterancestors("ul", "ol"), None) for el in els]
        listed += sum(found is not None for found in lists)
    assert listed > 500
