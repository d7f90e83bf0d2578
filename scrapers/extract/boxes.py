"""Link boxes around a story, found without knowing the site: related stories and most-read lists.

A box is found by its label or by its class. A label is any short element (a heading, a `div`, a `span`, a
link) whose text starts with one of the words of `vocabulary` ("Related", "Meistgelesen", "Les plus lus",
"관련기사"); the box is what follows the label, up to the next heading: climbing from the label, the first
ancestor with something after it holds the box's links after the label. When what follows is an empty
container (a placeholder a script fills), the box is empty: the label does not climb past it into a
neighbouring list. "ALSO READ: <link>" and "MORE: <link>" lines in the story are one-link boxes.

Elements whose class or id names a box (`related-articles`, `mostRead`, `popular`) are boxes too, anywhere on
the page, unless their own label says otherwise: the label wins over the class ("Top stories" classed
`popular` is not a most-read list, "More from Politics" classed `related` is not related stories).

A box's links are those to the page's site (or a sister domain of the same name) whose text reads as a
headline, and whose URL is not a section, tag or author page. Most-read, popular and trending boxes are
ranked lists; the rest are related stories.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit

from lxml import etree

from scrapers.extract.discover import NOT_ARTICLE, NOT_ARTICLE_WORDS, url_score
from scrapers.extract.links import absolute_url, registrable_domain, without_tracking
from scrapers.extract.markup import (
    SEPARATOR,
    all_text,
    joined,
    nearest,
    separated_matches,
    text_of,
    text_within,
    texts_holding,
)
from scrapers.extract.parsed import Element, Parsed, TextNode
from scrapers.extract.text import clean_text, without_markup
from scrapers.extract.vocabulary import (
    INLINE_RELATED_LABELS,
    OTHER_LIST_LABELS,
    PAID_LABELS,
    RANKED_LABELS,
    RELATED_LABELS,
    THIS_SECTION_LABELS,
    WATCHED_LABELS,
    all_words,
    alternation,
)

RELATED, RANKED, OTHER, SECTION = "related", "ranked", "other", "section"

MAX_LABEL = 60
"""Characters of a label with the words after it ("Most read in Politics this week")."""
MAX_TEXT = 400
"""Characters of an element's own text beyond which it is no label (a paragraph of the story)."""
MAX_LABEL_EXTRA_WORDS = 4
"""Words a heading may add after its label ("Related stories from the region")."""
MAX_TAB = 30
"""Characters of a menu item or tab ("Latest", "Most popular"): a list of such items is no box."""
MAX_CLIMB = 6
"""Ancestors a label climbs to find what follows it (heading in a header in a wrapper in the box)."""
STORY_TEXT = 100
"""Characters of text without a link that end a box: the story or another section goes on."""
INLINE_LABEL = 40
"""Characters outside the links of an "ALSO READ: <link>" line: the label and its punctuation."""
TEASER_LINK_SHARE = 0.25
"""Share of a teaser's text in its link (a headline over a two-line summary); a sentence with a link in it
has less."""
LIST_LINK_SHARE = 0.15
"""Share of a list of three or more teasers' text in their links."""
MIN_TITLE = 12
"""Characters of a link's text for it to read as a headline ("Commenting Policy" has 17 but two words)."""
TEASER_WORDS = 4
"""Words of a headline standing alone as a paragraph of the story, linked to another story."""
ARTICLE_LIKE = 1.0
"""`url_score` of a link standing alone in the story that counts as a teaser (a slug, an id or a date)."""
MAX_LINKS = 20
"""Links kept per field: a box longer than this is a listing, not a box beside a story."""
MIN_LIST = 2
"""Links of a list: a ranked box of one link (a "Trending" bar holding one promotion) gives way to the next."""
MAX_BOX_LINKS = 60
"""Links after a label beyond which what follows it is the page, not its box."""

NOT_LABEL_TAGS = frozenset({"script", "style", "noscript", "template", "title", "option", "textarea", "head",
                            "meta", "svg", "button"})
CONTAINER_TAGS = frozenset({"div", "ul", "ol", "section", "aside", "nav", "article", "dl"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

RANKED_CLASS = re.compile(
    r"most[-_ ]?(?:read|popular|viewed|clicked|shared|commented)|mostread|topread|popular|trending|meistgelesen"
    r"|beliebt|leidos|lidas|plus[-_]?lus|piu[-_]?letti|ranking|top[-_]posts",
)
RELATED_CLASS = re.compile(
    r"related|relacionad|correlat|verwandt|read[-_]?(?:more|also|next)|lesen[-_]?sie|see[-_]?also|more[-_]?on"
    r"|similar|recommend|empfehl|lire[-_]?aussi|leia[-_]?tambem",
)
_BOX_CLASS = re.compile(f"{RANKED_CLASS.pattern}|{RELATED_CLASS.pattern}")
NOT_BOX_CLASS = re.compile(r"tags?\b|topics?|keywords|searches|video|podcast|author|share|social")
"""Class words of lists that a related- or popular-class names but that hold no stories (related tags)."""


class Labels:
    """The labels of some groups of the vocabulary, matched at the start of a text: a label in a script written
    with spaces ends at a word boundary, one in a script without (Chinese, Japanese) anywhere. The longest
    label that matches wins."""

    def __init__(self, groups: Iterable[dict[str, tuple[str, ...]]]) -> None:
        labels = sorted({label for group in groups for words in group.values() for label in words}, key=len,
                        reverse=True)
        self._parts = [(label[0], re.escape(label) + (r"(?!\w)" if label[-1].isascii() or _spaced(label[-1]) else ""))
                       for label in labels]
        self.pattern = re.compile("(?:" + "|".join(part for _, part in self._parts) + ")", re.IGNORECASE)
        """All the labels, to search a text for one anywhere."""
        self._firsts = [(first, re.compile(re.escape(first), re.IGNORECASE)) for first in
                        dict.fromkeys(first for first, _ in self._parts)]
        """The distinct first letters of the labels, each as a pattern: a letter new to `match` is tried against
        these few dozen (not against each of the several hundred labels: 0.7 ms a letter, and a page in a
        script of its own brings a hundred letters)."""
        self._starting: dict[str, re.Pattern[str]] = {}

    def match(self, text: str) -> re.Match[str] | None:
        """The label `text` starts with. Only the labels whose first letter is the text's, ignoring case, are
        tried (a pattern of all several hundred labels tries each of them in turn on every text)."""
        if not text:
            return None
        if (pattern := self._starting.get(text[0])) is None:
            firsts = {first for first, letter in self._firsts if letter.fullmatch(text[0])}
            parts = [part for first, part in self._parts if first in firsts]
            pattern = self._starting[text[0]] = re.compile("(?:" + "|".join(parts or ["(?!)"]) + ")", re.IGNORECASE)
        return pattern.match(text)


def _spaced(char: str) -> bool:
    return not 0x2E80 <= ord(char) <= 0xD7FF  # CJK, kana and hangul are not followed by a space


_UNSPACED = re.compile("[\u2e80-\ud7ff]")


_KINDS = {RANKED: Labels([RANKED_LABELS]), RELATED: Labels([RELATED_LABELS]),
          OTHER: Labels([OTHER_LIST_LABELS, THIS_SECTION_LABELS])}
_THIS_SECTION = frozenset(label for labels in THIS_SECTION_LABELS.values() for label in labels)
_WITHOUT_SPACES = ("ja", "zh", "ko")
_ANYWHERE = {kind: re.compile("|".join(re.escape(label) for lang in _WITHOUT_SPACES for label in group.get(lang, ())))
             for kind, group in ((RANKED, RANKED_LABELS), (RELATED, RELATED_LABELS), (OTHER, OTHER_LIST_LABELS))}
"""Labels of languages that may put words before them without a space ("社会ランキング", "실시간 많이 본 뉴스")."""
MAX_ANYWHERE = 20
"""Characters of a text in which such a label is looked for anywhere (a heading, not a sentence)."""
UNSPACED_REACH = 2 * MAX_ANYWHERE
"""Characters at a text's start in which a letter of a script written without spaces sends the text to
`_label_anywhere` (the label anywhere in `MAX_ANYWHERE` characters, after some leading marks)."""
_STARTS = frozenset(label[:4] for group in (RELATED_LABELS, RANKED_LABELS, OTHER_LIST_LABELS, THIS_SECTION_LABELS,
                                            INLINE_RELATED_LABELS)
                    for words in group.values() for label in words)
"""The first four letters of every label: a text starting otherwise is no label (a quick test before the
patterns; labels of scripts written without spaces are looked for anywhere in a short text besides)."""


def _start_pattern(starts: Iterable[str]) -> str:
    """A pattern matching at least every lower-case text whose case folding starts with one of `starts`: their
    ASCII letters as a tree of alternatives, and any letter outside ASCII wherever one may stand (its case
    folding may be anything: "ß" folds to "ss")."""
    tree: dict[str, Any] = {}
    for start in starts:
        node = tree
        for char in start:
            if not char.isascii():
                break  # a letter outside ASCII, matched by any
            node = node.setdefault(char, {})
        else:
            node[""] = {}  # a whole start: the text may be a label whatever follows

    def alternatives(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        branches = [r"[^\x00-\x7f]", *(re.escape(char) + alternatives(child) for char, child in sorted(node.items()))]
        return "(?:" + "|".join(branches) + ")"

    return alternatives(tree)


_INLINE = Labels([INLINE_RELATED_LABELS, RELATED_LABELS])
_MENU_CLASS = re.compile(r"(?<![a-z])(?:nav|navi|navigation|menu|gnav|submenu|megamenu)(?![a-z])", re.IGNORECASE)
_HEADING_CLASS = re.compile(r"(?<![a-z])(?:title|heading|header|headline|label)(?![a-z])", re.IGNORECASE)
_LEADING = re.compile(r"^[\W_]+")
_INLINE_SEPARATOR = re.compile(r"^\s*[:：|»›>–—-]")


@dataclass(frozen=True)
class Box:
    """A box found on the page: its kind, the element it starts with (its label, or itself), the element that
    holds it and the anchors it lists."""

    kind: str
    start: Any
    element: Any
    listed: tuple[Any, ...] | None
    """The anchors it lists; None for every link its element holds (a box a class, a name or a tab finds)."""
    by_class: bool = False
    """Found by its class or id alone, with no label saying what it is."""

    @cached_property
    def anchors(self) -> tuple[Any, ...]:
        """The anchors it lists, gathered when the box is read: a box inside one read already may not be
        (`_links_of`; 2,000 named boxes nested in one another each gathered the same 2,000 links)."""
        return self.listed if self.listed is not None else tuple(self.element.iter("a"))

    @property
    def whole(self) -> bool:
        """Whether its anchors are every link its element holds, not only those after its label."""
        return self.listed is None


class LinkBoxes(NamedTuple):
    """The page's link boxes: each a list of (absolute URL, title) in page order."""

    related: list[tuple[str, str]]
    ranked: list[tuple[str, str]]
    """The page's most-read list, in rank order."""
    section: list[tuple[str, str]]
    """The first list of the article's own section ("More in News", "Mehr aus dem Ressort", a box headed by a
    link to a section the page's path lies in)."""


def link_boxes(parsed: Parsed) -> LinkBoxes:
    """The related, most-read and same-section links of the page."""
    boxes = _boxes(_scan(parsed), parsed.url)
    cards = Cards()
    return LinkBoxes(_links_of(boxes, parsed.url, RELATED, cards),
                     _links_of(boxes, parsed.url, RANKED, cards, first_only=True),
                     _links_of(boxes, parsed.url, SECTION, cards, first_only=True))


@dataclass(frozen=True)
class Scan:
    """What the page's one walk gives the boxes: the labels (kind, the text after the label), the classed
    boxes, the elements an `aria-label` names and the paragraphs with one link, each with its link."""

    labels: dict[Element, tuple[str, str]]
    classed: list[tuple[Element, str]]
    named: list[tuple[Element, str]]
    paragraphs: list[tuple[Element, Element | None]]
    """The paragraphs of one link with it, then the places of unlabelled teasers in the story
    (`_story_inserts`), without one."""


def _scan(parsed: Parsed) -> Scan:
    """The labels, classed boxes, named regions and linked paragraphs, from the indexes of the page's one
    walk: an element's own text is one of its text nodes (not a tail), in page order."""
    labels: dict[Element, tuple[str, str]] = {}
    read: dict[str, tuple[str, str] | None] = {}  # a page repeats its menus (header, footer): one reading a text
    for text in _may_be_labels([text for text in parsed.texts if len(text) < MAX_TEXT]):
        if (el := _text_owner(text)) is None or el.tag in NOT_LABEL_TAGS:
            continue
        if text not in read:
            read[text] = _label(text)
        if found := read[text]:
            labels[el] = found
        elif (heading := _heading_of_parts(el)) is not None and (whole := text_within(heading, MAX_TEXT)) \
                and (found := _label(whole)):
            labels[heading] = found  # (read no further than a label's length: nested headings read each other)
    for el in parsed.tagged("button"):  # tabs: labels with a panel
        if any(el.get(name) is not None for name in TAB_TARGETS) and (caption := text_of(el)) \
                and (found := _label(caption)) is not None:
            labels[el] = found
    for el in parsed.headings:
        if el not in labels and (found := _image_label(el)) is not None:
            labels[el] = found
    paragraphs: list[tuple[Element, Element | None]] = [
        (p, anchors[0]) for p in parsed.tagged("p") if p not in labels and len(anchors := list(p.iter("a"))) == 1]
    paragraphs += [(el, None) for el in _story_inserts(parsed, labels)]
    classed = [(el, kind) for el, kind in _classed_among(parsed.marked, parsed.distinct_marks, parsed.lowered_marks)
               if el.tag not in NOT_LABEL_TAGS]
    aria = [(el, el.get("aria-label") or "") for el in parsed.aria_labelled]
    candidates = [aria[index] for index in _label_candidates([name for _, name in aria])]
    named = [(el, found[0]) for el, name in candidates
             if any(isinstance(child.tag, str) for child in el) and el not in labels
             and (found := _label(name)) is not None]
    return Scan(labels, classed, named, paragraphs)


def _image_label(heading: Element) -> tuple[str, str] | None:
    """The label of a heading drawn as an image, read from the image's alternative text, as a screen reader
    reads it (`<h2><img src="header_related.svg" alt="Related"></h2>`: aeb, a card hub of a business blog);
    None for a heading with text of its own or no such image."""
    if not len(heading):
        return None
    inner = list(islice(heading.iter(), IMAGE_LABEL_DEPTH + 1))
    if len(inner) > IMAGE_LABEL_DEPTH:  # (headings nested in it: each would read the others' trees)
        return None
    image = next((el for el in inner if el.tag == "img"), None)
    if image is None or not (alt := image.get("alt")) or len(alt) > MAX_LABEL \
            or text_within(heading, 0) is None or any(_is_logo(el) for el in inner):
        return None
    return _label(alt)


def _is_logo(el: Element) -> bool:
    """Whether `el` is a site's logo or its link home (a masthead's `<h1><a href="/"><img alt="Popular
    Science">`: a name, no label)."""
    if el.tag == "a":
        return urlsplit(el.get("href") or "").path in ("", "/")
    return "logo" in f"{el.get('class', '')} {el.get('id', '')} {el.get('src', '')}".lower()


IMAGE_LABEL_DEPTH = 5
"""Elements a heading drawn as an image holds at most, itself first (a link, a picture, a span around the
image): headings nested in headings each read the others' whole trees otherwise (review: 2,000 nested, 10 s)."""


def _heading_of_parts(el: Element) -> Element | None:
    """The heading (h1 to h6) whose text `el`'s own text begins, when the heading prints its label in parts:
    `<h3><span>Most </span> Viewed</h3>` (aeb: a CBS station's most-viewed list), whose parts alone read as no
    label; None otherwise."""
    heading = el if el.tag in HEADINGS else el.getparent()
    if heading is None or heading.tag not in HEADINGS or not len(heading):
        return None
    if heading is not el and (heading[0] is not el or (heading.text and not heading.text.isspace())):
        return None  # (the text of a part after the heading's first: no label's start)
    return heading


def _text_owner(text: TextNode) -> Element | None:
    """The element whose own text `text` is: its parent, or, for the text after an empty first child (an icon:
    `<h2><i class="fa-list"></i>Related</h2>`), the element holding both; None for another tail (the text
    after a link in a sentence is no element's own)."""
    el: Element | None = text.getparent()
    if not text.is_tail or el is None:
        return el
    parent = el.getparent()
    if parent is None or (parent.text and not parent.text.isspace()) or parent[0] is not el or text_of(el):
        return None
    return parent


def _may_be_labels(texts: list[TextNode]) -> list[TextNode]:
    """The texts of `texts` that `_label` may read as a label, in order (`_label_candidates`)."""
    return [texts[index] for index in _label_candidates(texts)]


def _label_candidates(texts: Sequence[str]) -> list[int]:
    """The indexes of the texts that `_label` may read as a label, in order: those that `_LABEL_START` finds at
    their start, by one search of the texts joined, in C (and, on a page written partly without spaces, those
    with such a letter near their start). Asked of each text, `_label`'s own quick test took a microsecond
    (0.05 s for the 52,000 distinct texts of the 309 pages of the test data, nine in ten of them no label); the
    search keeps one text in six."""
    text = joined(texts)
    if text is None:  # then each is read
        return list(range(len(texts)))
    # Lower case, the labels' starts are plain letters (a pattern ignoring case took twice as long and more);
    # the one letter outside ASCII that lowers to ASCII (the Kelvin sign) case-folds to the same letter, and "İ"
    # lowers to "i" and a combining dot, which the search's non-ASCII start lets through.
    found = set(separated_matches(text.lower(), _LABEL_START))
    if _UNSPACED.search(text):
        found.update(separated_matches(text, _UNSPACED_START))
    return sorted(found)


TAB_TARGETS = ("aria-controls", "data-target", "data-tab")
"""Attributes of a button that shows a tab's panel."""


def _boxes(scan: Scan, url: str) -> list[Box]:
    """The boxes of the page: those a label heads (lists labelled as neither kind too, so that a classed box
    inside one counts as one of its items), those an `aria-label` names, one-link paragraphs of the story,
    then the classed boxes that none of these holds or lies in and whose own heading does not say otherwise."""
    labels = scan.labels
    panels = Panels()
    verdicts = Verdicts()
    boxes = [box for el, (kind, rest) in labels.items()
             if (box := _labelled_box(el, kind, rest, labels, panels, verdicts)) is not None]
    taken = Taken(box.element for box in boxes)
    boxes += [Box(kind, el, el, None) for el, kind in scan.named
              if kind != OTHER and not taken.overlaps(el)]
    taken = Taken(box.element for box in boxes)
    boxes += [Box(RELATED, p, p, (anchor,)) for p, anchor in scan.paragraphs
              if anchor is not None and _teaser_line(p, anchor, url) and not taken.overlaps(p)]
    boxes += [Box(RELATED, el, el, teasers) for el, anchor in scan.paragraphs
              if anchor is None and not taken.overlaps(el) and (teasers := _teaser_insert(el, url, scan.labels))]
    taken = Taken(box.element for box in boxes)
    for el, kind in scan.classed:
        if taken.overlaps(el):
            continue
        taken.add(el)
        own = _own_label(el, labels, kind, url)
        if own is None or own == kind:  # otherwise the label says what the box is, and it is found already
            boxes.append(Box(kind, el, el, None, by_class=True))
        elif (heading := _first_heading(el)) is not None and _of_this_section(heading, "", url):
            boxes.append(Box(SECTION, heading, el, None, by_class=True))
    return [Box(SECTION, box.start, box.element, box.listed, box.by_class)
            if box.kind == OTHER and _of_this_section(box.start, labels[box.start][1], url) else box
            for box in boxes]


def _slug(text: str) -> str:
    """`text` as a path's folder spells it: "Science & Health" -> `science-and-health`."""
    return "-".join(re.findall(r"\w+", text.casefold().replace("&", " and ")))


MIN_FOLDER = 4
"""Characters of a folder of the page's path that a heading ending with it names (not `us`, `tv`)."""
ROOT_FOLDERS = frozenset({"news", "article", "articles", "story", "stories", "post", "posts", "content", "detail",
                          "nachrichten", "noticias", "actualites", "notizie", "nyheter", "nieuws", "home", "index"})
"""Folders that hold a site's every story, not one section: "Latest news" on `/news/...` is the site's list."""


def _names_folder(heading: str, url: str) -> bool:
    """Whether `heading` ends with the name of a folder of the page's path ("Next Up In Science & Health" on
    `/science-and-health/2019/...`): it names the article's section."""
    folders = [folder for segment in urlsplit(url).path.split("/")[:-1]
               if len(folder := segment.casefold()) >= MIN_FOLDER and folder not in ROOT_FOLDERS]
    if not folders:
        return False
    slug = _slug(heading)
    return any(slug == folder or slug.endswith(f"-{folder}") for folder in folders)


def _first_heading(box: Element) -> Element | None:
    """The element of the first text of `box` (after any icon) when it is a heading of the box; else None."""
    owner = _first_text_owner(box)
    return owner if owner is not None and _is_heading_text(owner, box) else None


def _first_text_owner(box: Element) -> Element | None:
    """The element whose own text is the first text of `box` (the one after an icon too), or None."""
    for event, el in etree.iterwalk(box, events=("start", "end")):
        text = el.text if event == "start" else el.tail if el is not box else None
        if not isinstance(el.tag, str) or el.tag in NOT_LABEL_TAGS or not (text and text.strip()):
            continue
        return cast("Element", el) if event == "start" else cast("Element", el).getparent()
    return None


def _of_this_section(label: Element, rest: str, url: str) -> bool:
    """Whether the label or heading `label` (with `rest` after a label word) names the section of the page at
    `url`: it links to a page whose path the page's path starts with, or names one of its folders
    ("More in News" on /news/2025/...), or says "this section"."""
    full = (clean_text(all_text(label)) or "").casefold()
    if full in _THIS_SECTION:
        return True
    page = [segment.casefold() for segment in urlsplit(url).path.split("/") if segment]
    if (rest and _slug(rest) in page[:-1]) or _names_folder(full, url):
        return True
    anchor = label if label.tag == "a" else next(label.iterancestors("a"), None)
    if anchor is None:
        anchor = next(label.iter("a"), None)
    if anchor is None or (clean_text(all_text(anchor)) or "").casefold() != full:
        return False
    link = absolute_url(anchor.get("href"), url)
    return link is not None and _folder_of(link, url)


def _label(text: str) -> tuple[str, str] | None:
    """(kind, the text after the label) when `text` starts with a box label; None otherwise."""
    start = text[:MAX_LABEL].lstrip()
    if not start[:1].isalnum():  # a letter or digit first: nothing to strip (most texts)
        start = _LEADING.sub("", start)
    key = start[:5].casefold().replace("\u0307", "")  # "İlgili" folds to "i̇lgili"
    if key[:4] not in _STARTS and key[:3] not in _STARTS and key[:2] not in _STARTS:
        return _label_anywhere(text) if _UNSPACED.search(text, 0, UNSPACED_REACH) else None
    text = _LEADING.sub("", clean_text(text.replace("’", "'")) or "")
    if not text or len(text) > 400:
        return None
    for kind, pattern in _KINDS.items():
        if (match := pattern.match(text)) is not None:
            return kind, text[match.end():]
    if (match := _INLINE.match(text)) is not None and _INLINE_SEPARATOR.match(text[match.end():]):
        return RELATED, text[match.end():]
    return _label_anywhere(text)


def _label_anywhere(text: str) -> tuple[str, str] | None:
    text = clean_text(text) or ""
    if len(text) > MAX_ANYWHERE or not _UNSPACED.search(text):
        return None
    for kind, pattern in _ANYWHERE.items():
        if (match := pattern.search(text)) is not None:
            return kind, text[match.end():]
    return None


def _starts_of(pattern: str) -> list[str]:
    """The letters every match of each top-level alternative of `pattern` starts with (`most` of
    `most[-_ ]?(?:read|popular)`; a letter a quantifier makes optional is left out)."""
    alternatives, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    alternatives.append(pattern[start:])
    starts = [found.group() if (found := re.match(r"[a-z]+(?![?*{])", alternative)) else "" for alternative in
              alternatives]
    if not all(starts):
        raise ValueError(f"an alternative of {pattern!r} starts with no letter")
    return starts


_CLASS_STARTS = _starts_of(_BOX_CLASS.pattern)
_BOX_CLASS_STEMS = tuple(word for word in _CLASS_STARTS
                         if not any(other in word for other in _CLASS_STARTS if other != word))
"""What every match of `_BOX_CLASS` starts with ("mostread" holds "most"): a page's marks without any of these
name no box."""
_LABEL_START = re.compile(rf"{SEPARATOR}[^\w{SEPARATOR}]*+(?:_[^\w{SEPARATOR}]*+)*+{_start_pattern(_STARTS)}")
"""A text in lower case, from the separator before it, that `_label` may read as a label: past its leading spaces
and signs, a start of a label (`_STARTS`). Every text passing `_label`'s quick test for these matches; a few
more do."""
_UNSPACED_START = re.compile(rf"{SEPARATOR}[^{SEPARATOR}\u2e80-\ud7ff]{{0,{UNSPACED_REACH - 1}}}+[\u2e80-\ud7ff]")
"""A text, from the separator before it, with a letter of a script written without spaces among its first
`UNSPACED_REACH` characters: `_label` looks for a label anywhere in it."""


def _classed_among(marked: Sequence[tuple[Element, str]], distinct: Sequence[str],
                   lowered: str | None) -> list[tuple[Element, str]]:
    """The elements of `marked` whose marks name a box, each with the box's kind, in page order, given the
    distinct marks of `marked` in the order first met and them joined in lower case (`Parsed.distinct_marks`
    and `Parsed.lowered_marks`, made once for every search of the marks; None when a mark holds the
    separator). Only the marks holding the start of a box-class word are judged, and those are found by one
    search of the joined marks, in C (`markup.texts_holding`): judged one by one, even with the answers kept,
    they took twice as long (0.13 s instead of 0.07 s for the 160,000 elements with marks on the 309 pages of
    the test data; most marks are new to each site, and an id makes its element's unique)."""
    # (`lowered` may be longer than the marks: "İ" lowers to two characters)
    candidates = list(distinct) if lowered is None else [distinct[i] for i in texts_holding(lowered, _BOX_CLASS_STEMS)]
    kinds = {marks: kind for marks in candidates if (kind := _class_kind(marks)) is not None}
    return [(el, kinds[marks]) for el, marks in marked if marks in kinds] if kinds else []


@lru_cache(maxsize=8192)
def _class_kind(marks: str) -> str | None:
    """The kind of box an element's class and id (`marks`) name; None for none. Pages repeat their class
    names, so the answers are kept."""
    marks = marks.lower()  # the patterns are lower case: faster than matching ignoring case
    if len(marks) < 5 or _BOX_CLASS.search(marks) is None or NOT_BOX_CLASS.search(marks):
        return None
    return RANKED if RANKED_CLASS.search(marks) else RELATED


def _labelled_box(el: Any, kind: str, rest: str, labels: dict[Any, tuple[str, str]], panels: Panels,
                  verdicts: Verdicts) -> Box | None:
    """The box the label `el` heads, or the inline "Also read: <link>" it starts; None when the label heads
    nothing (a placeholder, a story's subheading, a menu item). `verdicts` keeps `_in_menu`'s for the page."""
    rest = _INLINE_SEPARATOR.sub("", rest).strip()
    full = clean_text(all_text(el)) or ""
    anchor = el if el.tag == "a" else next(el.iterancestors("a"), None)  # (lxml picks the tag, in C)
    if anchor is not None and (rest or len(clean_text(all_text(anchor)) or "") > len(full) + MIN_TITLE):
        # "Also read: <headline>" as one link, or a teaser card whose kicker is the label; "More on: <topic>", a
        # link to a topic's page, heads nothing (it had covered the topic's box it sits in, classed `related`)
        linked = clean_text(all_text(anchor)) or ""
        if not _is_headline(rest or (linked[len(full):] if linked.startswith(full) else linked)):
            return None
        return Box(kind, el, anchor, (anchor,)) if kind == RELATED else None
    if (panel := _tab_panel(el if anchor is None else anchor, panels)) is not None:  # a tab: the box is its panel
        return Box(kind, el, panel, None)
    if _in_menu(el, verdicts):
        return None
    if len(full) > MAX_LABEL or len(rest.split()) > MAX_LABEL_EXTRA_WORDS:
        if len(el):  # "ALSO READ: <a>...</a>" in one paragraph
            anchors = tuple(el.iter("a"))
            return Box(kind, el, el, anchors) if anchors and _inline_line(el, full) else None
        return None
    if (panel := _strip_panel(el if anchor is None else anchor, labels)) is not None:
        return Box(kind, el, panel, None)  # a tab of a strip of labels: its list after the strip
    anchors = () if anchor is not None else tuple(el.iter("a"))
    if anchors and any(_is_headline(text_of(a)) for a in anchors) and not _names_a_section(el, anchors):
        return Box(kind, el, el, anchors) if _inline_line(el, full) else None  # "<p>MORE: <a>...</a></p>"
    # (a heading holding only "View all" heads what follows it)
    node = el if anchor is None else anchor  # a heading that links to the full list ("Most read" -> /ranking)
    for _ in range(MAX_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        following = _following(node, labels)
        if following is None:
            return None
        if len(following) > MAX_BOX_LINKS:
            return None  # the label climbed out of its box into the page
        if len(following) > 1 or (following and _may_be_story(following[0])):
            return Box(kind, el, parent, following)  # more than a "See all" link beside the label
        node = parent
    return None


MAX_TABS = 12
"""Tabs a strip of labels holds at most ("Most read | Most shared | Latest": two to six). Each label of a strip
asks whether all its neighbours are labels: 800 labels side by side took 4.4 s, 2,000 took 95 s (fuzzer)."""
STRIP_CLIMB = 3
"""Ancestors a label climbs to find the strip of tabs it is one of (a span in a label in the strip)."""


def _strip_panel(label: Element, labels: dict[Any, tuple[str, str]]) -> Element | None:
    """The list of the tab `label` is, when it is one of a strip of short labels side by side ("Most Read | Most
    Shared" as `<label>`s or `<div>`s, their lists after the strip): the n-th element with links after the
    strip for the n-th tab; None when `label` is in no such strip."""
    node = label
    for _ in range(STRIP_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        items = [child for child in parent if isinstance(child.tag, str)]
        if 2 <= len(items) <= MAX_TABS and all(_is_tab(item, labels) for item in items):
            return _nth_panel(parent, items.index(node))
        node = parent
    return None


def _nth_panel(strip: Element, index: int) -> Element | None:
    """The `index`-th list after the strip of tabs `strip`: the `index`-th child with links of the element
    right after it when that holds one list a tab (`<div class="tab-content"><ul>...</ul><ul>...</ul></div>`),
    else the `index`-th of the elements with links that follow it one after the other (`<ol id="poplist-1">`,
    `<ol id="poplist-2">`); None when there are fewer."""
    following = [sibling for sibling in strip.itersiblings(etree.Element) if sibling.tag not in NOT_LABEL_TAGS]
    if not following:
        return None
    lists = [child for child in following[0] if isinstance(child.tag, str)
             and len(list(islice(child.iter("a"), 2))) == 2]  # (each a list of links: a panel)
    if following[0].tag not in ("ul", "ol") and len(lists) >= 2:
        return lists[index] if index < len(lists) else None
    panels = list(itertools.takewhile(lambda sibling: next(sibling.iter("a"), None) is not None, following))
    return panels[index] if index < len(panels) else None


def _is_tab(el: Element, labels: dict[Any, tuple[str, str]]) -> bool:
    """Whether `el` is a short label, or holds one and little else, and no link with a headline. Its text is read
    no further than a label's length (800 labels nested one in the other each read all those inside it)."""
    return (text_within(el, 2 * MAX_TAB) is not None and (el in labels or any(inner in labels for inner in el.iter()))
            and not any(_is_headline(text_of(a)) for a in el.iter("a")))


_KICKER_ENDS = frozenset(":|»›>–—-")
"""What ends the kicker before a teaser's link in a paragraph of its own, whatever its words."""
MAX_INSERT_LINKS = 12
"""Links of an unlabelled teaser list set in the story (`_teaser_insert`): more is a listing, or the page."""
STORY_PARAGRAPHS = 2
"""Paragraphs of story text (longer than `STORY_TEXT`) a parent holds for an element beside one of them to be set
in the story: one alone is a card's summary or a widget's description."""
INSERT_CARD_TEXT = 400
"""Characters of an unlabelled teaser card set in the story: a headline and a line of summary at most."""
_NOT_INSERT_CLASS = re.compile(r"advert|sponsor|native|promo(?!ted)|anzeige|annons|annonce|publicidad|pubblicit"
                               r"|reklam|paid|partner|(?<![a-z])(?:prev|previous|next|pager|pagination)(?![a-z])")
"""Class or id words of what is set in a story and is no teaser of its site's stories: advertisements (in the
languages of the test data's sites), the pager to the previous and next story."""
_MEDIA_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|mp4|mp3|pdf)$", re.IGNORECASE)
_NOT_INSERT_TAGS = frozenset({"p", *HEADINGS, "table", "blockquote", "form", "iframe", "br", "hr", "img"})
"""Tags of what beside a story's paragraph is the story, or a form or a frame, not a teaser."""


def _story_inserts(parsed: Parsed, labels: dict[Any, tuple[str, str]]) -> list[Element]:
    """The elements beside a paragraph of story text (more than `STORY_TEXT`, in a parent of `STORY_PARAGRAPHS` of
    them) that are no paragraph, heading or label: the places of unlabelled teaser cards and lists set in the
    story, which `_teaser_insert` tells (an `<article>` card, a `<ul>` of headlines between two paragraphs)."""
    found: dict[Element, None] = {}
    long = [p for p in parsed.tagged("p") if text_within(p, STORY_TEXT) is None]
    story = Counter(p.getparent() for p in long)
    for p in long:
        if story[p.getparent()] < STORY_PARAGRAPHS:
            continue
        for sibling in (p.getprevious(), p.getnext()):
            if (sibling is not None and isinstance(sibling.tag, str) and sibling.tag not in _NOT_INSERT_TAGS
                    and sibling.tag not in NOT_LABEL_TAGS and sibling not in labels):
                found[sibling] = None
    return list(found)


def _teaser_insert(el: Any, url: str, labels: dict[Any, tuple[str, str]]) -> tuple[Element, ...]:
    """The links of the teasers when `el`, set in the story (`_story_inserts`), is one teaser card or a list of
    teasers without a label, () when not:
    at most `MAX_INSERT_LINKS` links, every one to another story of the site (not a media file; a list may have
    its title and "More" links to its topic's page too), no advertisement or pager inside; a card has one link
    target, a short text (`INSERT_CARD_TEXT`) of `TEASER_WORDS` words or more,
    a list is link-dominated with headlines for link texts. Found by the related-box error analysis: 20 of the 53
    related links the hand-labelled pages of tests/data/boxes missed were such inserts."""
    anchors = list(islice(el.iter("a"), MAX_INSERT_LINKS + 1))
    if not anchors or len(anchors) > MAX_INSERT_LINKS or any(
            isinstance(inner.tag, str)
            and _NOT_INSERT_CLASS.search(f"{inner.get('class', '')} {inner.get('id', '')}".lower())
            for inner in el.iter()):
        return ()
    here = absolute_url(url, url)
    site = registrable_domain(url)
    targets = set()
    topics = []  # a list's title and "More in <topic>" links, to its topic's page
    itself = []  # the page's own story, in a list of its topic's stories
    for a in anchors:
        link = absolute_url(a.get("href"), url)
        if not link or not _same_publisher(registrable_domain(link), site) or _MEDIA_FILE.search(urlsplit(link).path):
            return ()
        if _is_itself(link, here):
            itself.append(a)
        elif url_score(link) < ARTICLE_LIKE:
            topics.append(a)
        else:
            targets.add(link)
    if any(inner in labels and not (inner in topics or next(inner.iterancestors("a"), None) in topics)
           for inner in el.iter()):
        return ()  # a label inside, but for a "More in <topic>" link
    if len(targets) == 1 and not topics and not itself:
        text = text_within(el, INSERT_CARD_TEXT)
        return tuple(anchors) if text is not None and len(text.split()) >= TEASER_WORDS else ()
    teasers = tuple(a for a in anchors if a not in topics and a not in itself)
    if len(targets) >= 2 and len(topics) <= MAX_INSERT_TOPIC_LINKS and _link_dominated(el, anchors) and all(
            len(text.split()) >= TEASER_WORDS for a in teasers if (text := text_of(a))):
        return teasers
    return ()


MAX_INSERT_TOPIC_LINKS = 2
"""Links to a page that is no story a list of teasers set in the story may hold: its title and its "More in
<topic>" link, to its topic's page ("Trump Impeachment Inquiry" over four stories of the inquiry: aeb, a
broadcaster's site, whose list was lost for them)."""


def _is_itself(link: str, here: str | None) -> bool:
    """Whether `link` is the page's own address `here`, but for the parameters that track the click
    (`?intcid=...` on a broadcaster's links to its own stories, the page's among them)."""
    return link == here or ("?" in link and here is not None and without_tracking(link) == without_tracking(here))


def _teaser_line(p: Any, anchor: Any, url: str) -> bool:
    """Whether `p`, a paragraph of the story with one link, `anchor`, is that link to another story of the site
    and nothing else ("SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'" between two paragraphs)."""
    if not url:
        return False
    # the link's text first: it is short, and too short for a headline in two paragraphs of three (the
    # paragraph's, the longer, is then not read)
    title = clean_text(all_text(anchor)) or ""
    if len(title.split()) < TEASER_WORDS:
        return False
    if (full := clean_text(all_text(p)) or "") != title:  # "<strong>Lesen Sie hier:</strong> <a>headline</a>": a
        kicker = full[:-len(title)].strip() if full.endswith(title) else ""  # kicker ending in a separator
        if not kicker or len(kicker) > INLINE_LABEL or kicker[-1] not in _KICKER_ENDS:
            return False
    link = absolute_url(anchor.get("href"), url)
    if not link or url_score(link) < ARTICLE_LIKE or (
            not _same_publisher(registrable_domain(link), registrable_domain(url))
            and not _site_named_before(anchor, link)):
        return False
    neighbours = (p.getprevious(), p.getnext())
    return any(n is not None and n.tag == "p" and len(clean_text(all_text(n)) or "") > STORY_TEXT for n in neighbours)


PANEL_NAMES = ("id", "data-id", "data-tabid", "data-tab-id", "data-tab")
"""Where a tab's panel names itself: its id, or the data attribute tab scripts match the tab's target to."""
_PANEL_NAMED = " or ".join(f"name() = '{name}'" for name in PANEL_NAMES)
_TAB_PANEL = etree.XPath(f"//@*[. = $id][{_PANEL_NAMED}]/..")
"""The elements with one of `PANEL_NAMES` equal to `$id`, in page order. The attributes holding the name are
found first, by their value: testing the five attributes of every element took three times as long."""
_PANEL_NAMES = etree.XPath(f"//@*[{_PANEL_NAMED}]")
"""The attributes of the page that name a panel (`PANEL_NAMES`), in page order, each with `getparent()`."""

SEARCHED_TABS = 8
"""Tabs of a page whose panel is found by a search of the page each; past them, the page's panel names are read
in one search and looked up. Reading them costs several searches (a page names hundreds of elements) and 6 of
the 309 real pages of `tests/data` have a tab to look up, 2 at most; a search for each of 4,000 tabs took 10
seconds."""


class Panels:
    """The elements of one page that name themselves as a panel (`PANEL_NAMES`), by name."""

    def __init__(self) -> None:
        self._searches = 0
        self._named: dict[str, list[Element]] | None = None

    def named(self, name: str, el: Element) -> list[Element]:
        """The elements named `name` in page order, each once, in the page of `el`."""
        if self._named is None and self._searches < SEARCHED_TABS:
            self._searches += 1
            return cast("list[Element]", _TAB_PANEL(el, id=name))
        if self._named is None:
            self._named = {}
            for value in cast("list[TextNode]", _PANEL_NAMES(el)):
                holders = self._named.setdefault(str(value), [])
                holder = cast("Element", value.getparent())  # (an attribute's element)
                if not holders or holders[-1] is not holder:  # (an element named twice the same way is one)
                    holders.append(holder)
        return self._named.get(name, [])


def _tab_panel(el: Any, panels: Panels) -> Any:
    """The panel a tab label shows (`href="#most-read"`, `aria-controls`, `data-target`), or None for a label
    that is no tab."""
    href = el.get("href") or ""
    target = (el.get("aria-controls") or (href[1:] if href.startswith("#") else "")
              or (el.get("data-target") or el.get("data-tab") or "").removeprefix("#"))
    if not target or not target.isprintable():  # a control character cannot name an element (nor pass to XPath)
        return None
    return next((panel for panel in panels.named(target, el) if panel is not el), None)


def _may_be_story(anchor: Any) -> bool:
    """Whether a link may lead to a story: its text reads as a headline, or it has none (an image)."""
    text = text_of(anchor)
    return not text or _is_headline(text)


@dataclass
class Verdicts:
    """What `_in_menu` learnt of a page's elements, shared by its labels: whether each list asked about is a
    strip of short items (`tabs`: a list of 4,000 items each labelled "Most read" took 30 seconds when each label
    read every item), and whether each ancestor asked about is in a menu (`menus`: 800 labels nested one in the
    other each climbed all the others)."""

    tabs: dict[Element, bool] = field(default_factory=dict)
    menus: dict[Element, bool] = field(default_factory=dict)


def _in_menu(el: Any, verdicts: Verdicts) -> bool:
    """Whether `el` is an item of the site's navigation ("Popular" beside "Politics" in the menu bar) or of
    a strip of tabs whose panels it does not name ("Latest | Popular")."""
    tabs = verdicts.tabs
    item = next(el.iterancestors("li"), None)
    if item is not None and (parent := item.getparent()) is not None:
        if (short := tabs.get(parent)) is None:
            items = list(parent.iterchildren("li"))
            # the label's own item first: when it is long (a whole teaser, a section of the page), no other is read
            short = tabs[parent] = len(items) >= 2 and all(len(clean_text(all_text(li)) or "") <= MAX_TAB
                                                           for li in [item, *items])
        if short:
            return True
    menus = verdicts.menus
    climbed = []
    found = False
    for ancestor in el.iterancestors():
        if (known := menus.get(ancestor)) is not None:
            found = known
            break
        if ancestor.tag in ("body", "html"):
            break  # their classes tell the page's state ("header-menu-nav--closed"), not a menu's
        climbed.append(ancestor)
        if ancestor.tag == "nav" or _names_menu(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            found = True
            break
    for ancestor in climbed:
        menus[ancestor] = found
    return found


@lru_cache(maxsize=4096)
def _names_menu(marks: str) -> bool:
    """Whether an element's class and id (`marks`) name a menu. The answers are kept: the labels of a page share
    their ancestors (5,600 ancestors asked about on the 309 pages of the test data, 1,800 distinct)."""
    return _MENU_CLASS.search(marks) is not None


def _names_a_section(el: Element, anchors: tuple[Element, ...]) -> bool:
    """Whether `el` is a heading whose links all lead to section or topic pages: it heads the list after it, as
    one without a link does ("Related coverage from <a href="/category/money">Money</a>:" over a list of
    stories: aeb, a business site), not an inline "Also read: <link>"."""
    return el.tag in HEADINGS and all(url_score(a.get("href") or "") == NOT_ARTICLE for a in anchors)


def _inline_line(el: Any, full: str) -> bool:
    """Whether `el`, a label with links, is a line announcing them ("MORE: <a>...</a>"), not a paragraph
    of the story that happens to start with a label word: all its text but the label is link text."""
    linked = sum(len(clean_text(all_text(a)) or "") for a in el.iter("a"))
    return linked > 0 and len(full) - linked <= INLINE_LABEL


def _following(node: Any, labels: dict[Any, tuple[str, str]]) -> tuple[Any, ...] | None:
    """The anchors of the siblings after `node` up to the next heading or story text; () when nothing
    follows `node` at this level (climb on), None when what follows ends the box before any link: another
    section, or only an empty container (the box a script fills) that the label must not climb past. Past
    `MAX_BOX_LINKS` anchors the rest is not read: the caller drops what holds more, and the anchors only grow
    (a page of 4,000 teasers each labelled "Related" took 25 seconds when each label read every teaser after
    it), nor are the anchors of a sibling that holds more than it (400 labelled lists each nested in the one
    before, 1.7 MB, took 43 seconds when each label listed and measured every link of the lists below it)."""
    anchors: list[Any] = []
    placeholder = False
    for sibling in node.itersiblings(etree.Element):  # (no comments)
        if sibling.tag in NOT_LABEL_TAGS:
            continue
        links = list(islice(sibling.iter("a"), MAX_BOX_LINKS + 1))
        if _is_heading(sibling, labels, links):
            return tuple(anchors) or None
        if len(links) > MAX_BOX_LINKS:
            if not anchors:  # too many links for a box, or the box ends here: the caller takes neither
                return None
            links = list(sibling.iter("a"))
        if not links:
            text = clean_text(all_text(sibling)) or ""
            if len(text) > STORY_TEXT:
                return tuple(anchors) or None
            placeholder = placeholder or (not text and sibling.tag in CONTAINER_TAGS
                                          and sibling.find(".//img") is None)
            continue
        if not _link_dominated(sibling, links):
            return tuple(anchors) or None
        anchors += links
        if len(anchors) > MAX_BOX_LINKS:
            return tuple(anchors)
    return tuple(anchors) if anchors else (None if placeholder else ())


def _is_heading(el: Any, labels: dict[Any, tuple[str, str]], links: list[Any]) -> bool:
    """Whether `el` is, or starts with, a heading without a link or a box label: another section begins."""
    if el.tag in HEADINGS and not links:
        return True
    for inner in el.iter():
        if inner.tag == "a":
            return False
        if inner in labels or (inner.tag in HEADINGS and inner.find(".//a") is None and not _in_card(inner, el)):
            return True
    return False


def _in_card(heading: Element, bound: Element) -> bool:
    """Whether `heading` is the headline of a teaser card (`bound` or below it) whose link comes after it (an `article`
    or list item with a link over the whole card: `<article><h2>Title</h2>... <a class="stretched-link">`)."""
    for ancestor in heading.iterancestors():
        if ancestor.tag in ("article", "li"):
            return ancestor.find(".//a") is not None
        if ancestor is bound:
            return False
    return False


def _link_dominated(el: Any, links: list[Any]) -> bool:
    """Whether `el` is a teaser or list of teasers rather than a paragraph of text with a link in it."""
    text = len(text_of(el))
    linked = sum(len(text_of(a) or a.get("aria-label") or "") for a in links)  # (a card's overlay link: its label)
    return linked >= TEASER_LINK_SHARE * text or (len(links) >= 3 and linked >= LIST_LINK_SHARE * text)


def _own_label(box: Any, labels: dict[Any, tuple[str, str]], kind: str, url: str) -> str | None:
    """The kind of the heading a classed box starts with (its first text, after any icon): the label's kind;
    OTHER for a heading naming another list anywhere ("Politics Latest Articles") or no box at all ("World", a
    section's name over a box classed `related`: the heading says what the box is); None without a heading."""
    if (owner := _first_text_owner(box)) is None:
        return None
    if owner in labels:
        return labels[owner][0]
    if not _is_heading_text(owner, box):
        return None
    heading = clean_text(all_text(owner)) or ""
    if len(heading) > MAX_LABEL:
        return None
    if (kind == RANKED or _KINDS[OTHER].pattern.search(heading) or _names_section(owner, heading, box, url)
            or _names_folder(heading, url)):
        return OTHER
    return None


def _names_section(heading: Element, text: str, box: Element, url: str) -> bool:
    """Whether the heading `heading` of `box`, of text `text`, is a link to a page that is no story (a section:
    "World" -> /world/ over a box classed `related`; one the page's path lies in): the box is that section's
    list."""
    anchor = heading if heading.tag == "a" else next(heading.iter("a"), None)
    if anchor is None:
        anchor = next((a for a in heading.iterancestors("a") if box in a.iterancestors()), None)
    if anchor is None or (clean_text(all_text(anchor)) or "") != text:
        return False
    link = absolute_url(anchor.get("href"), url or "http://x.invalid/")
    return link is not None and (url_score(link) == NOT_ARTICLE or _folder_of(link, url))


def _folder_of(link: str, url: str) -> bool:
    """Whether `link` is a folder the path of the page at `url` lies in (`/politics/politics-government/` of
    `/politics/politics-government/20241013-216478/`), on its host."""
    if urlsplit(link).hostname != urlsplit(url).hostname:
        return False
    path = [segment.casefold() for segment in urlsplit(link).path.split("/") if segment]
    page = [segment.casefold() for segment in urlsplit(url).path.split("/") if segment]
    return 0 < len(path) < len(page) and page[:len(path)] == path


def _is_heading_text(el: Any, box: Any) -> bool:
    """Whether `el` is, or sits in, a heading of `box` (a heading tag or an element classed as its title)."""
    node = el
    while node is not None and node is not box:
        if node.tag in HEADINGS or _HEADING_CLASS.search(node.get("class", "")):
            return True
        node = node.getparent()
    return False


class Taken:
    """Elements taken as boxes, to tell whether another is one of them, lies in one or holds one (the ancestors
    of each are gathered once, rather than walked for every element asked about). The elements found in or
    below one taken are kept, and, until the next is taken, those found in none: an element asked about climbs
    only to the first ancestor already known (2,000 named boxes nested in one another took half a second when
    each climbed to the root)."""

    def __init__(self, elements: Iterable[Any] = ()) -> None:
        self._elements: set[Any] = set()
        self._around: set[Any] = set()
        self._inside: set[Any] = set()
        self._outside: set[Any] = set()
        for el in elements:
            self.add(el)

    def add(self, el: Any) -> None:
        self._elements.add(el)
        self._outside.clear()
        for ancestor in el.iterancestors():  # those above an ancestor gathered are gathered already
            if ancestor in self._around:
                break
            self._around.add(ancestor)

    def overlaps(self, el: Any) -> bool:
        if el in self._elements or el in self._around or el in self._inside:
            return True
        climbed = [el]
        for ancestor in el.iterancestors():
            if ancestor in self._elements or ancestor in self._inside:
                self._inside.update(climbed)
                return True
            if ancestor in self._outside:
                break
            climbed.append(ancestor)
        self._outside.update(climbed)
        return False


def _links_of(boxes: list[Box], url: str, kind: str, cards: Cards, *,
              first_only: bool = False) -> list[tuple[str, str]]:
    """The links of the boxes of `kind` in page order; with `first_only`, of the first box that has `MIN_LIST` or
    more (a page's ranked list is the first one: a second is another ranking, site-wide or of another tab), none
    when no box has.

    A box inside a whole box read before it (`Box.whole`) adds no link when each link of that box without a
    text of its own was read as a story: the inner box's links are among the outer's, and a link with a text
    reads the same in any box (only an empty link's card, bounded by its box, may differ). Such boxes are
    not read: 2,000 `aria-label`led boxes nested in one another, each holding the same 2,000 links, took
    minutes when each was read."""
    places: dict[Element, dict[Element, int]] = {}
    paths: dict[Element, tuple[int, ...]] = {}

    # the ranked list a label names before one a class suggests, one of what is read before one of what is watched
    def order(box: Box) -> tuple[bool, bool, tuple[int, ...]]:
        return (first_only and box.by_class, first_only and _watched(box), _position(box.start, places, paths))

    chosen = [box for box in boxes if box.kind == kind]
    if not chosen:
        return []
    site = registrable_domain(url) if url else ""
    here = absolute_url(url, url)
    links: dict[str, str] = {}
    read: set[Element] = set()  # the elements of whole boxes read whose every empty link gave one
    inside: set[Element] = set()  # elements found in or below one of `read`

    def within_read(el: Element) -> bool:
        """Whether `el` or an ancestor is in `read`; the elements climbed are kept when it is (boxes nested
        in one another are read outermost first: each climbs one step)."""
        climbed: list[Element] = []
        node: Element | None = el
        while node is not None:
            if node in read or node in inside:
                inside.update(climbed)
                return True
            climbed.append(node)
            node = node.getparent()
        return False

    for box in sorted(chosen, key=order) if len(chosen) > 1 else chosen:
        if first_only and links:
            if len(links) >= MIN_LIST:
                break
            links.clear()
        if first_only:
            box = _first_list(box)
        elif read and within_read(box.element):
            continue
        complete = True
        for anchor in box.anchors:
            found, own = _box_link(anchor, box, url, site, here, cards)
            if found is None:
                complete = complete and own
                continue
            link, title = found
            if link not in links:
                links[link] = title
                if len(links) == MAX_LINKS:  # the links after these are not read (each costs a canonical URL)
                    return list(links.items())
        if complete and box.whole:
            read.add(box.element)
    if first_only and len(links) < MIN_LIST:
        return []  # a ranked "list" of one link is none (a "Trends:" box of one topic)
    return list(links.items())


WATCHED = re.compile(alternation(all_words(WATCHED_LABELS)), re.IGNORECASE)


def _watched(box: Box) -> bool:
    """Whether the label of `box` ranks what is watched, not what is read (a video ranking above the most-read
    list took its place)."""
    return not box.by_class and WATCHED.match(clean_text(all_text(box.start)) or "") is not None


def _position(el: Any, places: dict[Element, dict[Element, int]],
              paths: dict[Element, tuple[int, ...]]) -> tuple[int, ...]:
    """Where `el` starts in document order: the place of each of its ancestors and of itself among its
    siblings, from the root (rather than a count of every element before it: 0.005 ms instead of 0.07 ms a box
    on the test data). `places` keeps the places of the children of each parent met, for the next box: finding
    each box's place by a scan of its siblings made a page of 16,000 boxes side by side take 20 seconds.
    `paths` keeps the position of each element met: a box nested in another climbs only to the other's (2,000
    boxes nested in one another took half a second when each climbed to the root)."""
    climbed = []
    node = el
    while (path := paths.get(node)) is None:
        if (parent := node.getparent()) is None:
            path = paths[node] = ()
            break
        climbed.append((node, parent))
        node = parent
    for child, parent in reversed(climbed):
        if (place := places.get(parent)) is None:
            place = places[parent] = {child: index for index, child in enumerate(parent)}
        path = paths[child] = (*path, place[child])
    return path


def _first_list(box: Box) -> Box:
    """`box` with only the anchors of its first list when it holds several (the tabs of a ranking: today,
    this week, shared most); links outside the lists ("See all") go too."""
    lists = _lists_of(box.anchors)
    if len(set(lists) - {None}) < 2:
        return box
    first = next(inside for inside in lists if inside is not None)
    anchors = tuple(anchor for anchor, inside in zip(box.anchors, lists, strict=True) if inside is first)
    return Box(box.kind, box.start, box.element, anchors, by_class=box.by_class)


def _lists_of(anchors: Iterable[Element]) -> list[Element | None]:
    """The list (`ul`, `ol`) each anchor is in, the nearest, or None. The elements climbed keep their answer for
    the next anchors (`markup.nearest`): 2,000 links at the bottom of 2,000 nested boxes each climbed to the root."""
    known: dict[Element, Element | None] = {}
    return [nearest(anchor.getparent(), _is_list, known) for anchor in anchors]


def _is_list(el: Element) -> bool:
    return el.tag in ("ul", "ol")


def _box_link(anchor: Any, box: Box, url: str, site: str, here: str | None,
             cards: Cards) -> tuple[tuple[str, str] | None, bool]:
    """(The link and title `anchor` gives in `box`, or None for none; whether the anchor has a text of its own,
    which then reads the same in any box of its kind)."""
    own = text_of(anchor) or clean_text(anchor.get("title")) or clean_text(anchor.get("aria-label"))
    title = _LEADING.sub("", without_markup(own or _card_title(anchor, box, cards)))  # (before its `<` is cut)
    if (label := _label(title)) is not None and label[1]:
        title = _INLINE_SEPARATOR.sub("", label[1]).strip()
    if not _is_headline(title) or _is_paid(anchor):
        return None, bool(own)
    link = absolute_url(anchor.get("href"), url)  # after the cheaper test: canonicalizing takes time
    if not link or (box.kind == RELATED and _is_itself(link, here)) or not _may_be_article(link):
        return None, bool(own)  # a ranked list keeps the page's own place in it
    if site and not _same_publisher(registrable_domain(link), site) and not _site_named_before(anchor, link):
        return None, bool(own)
    return (link, title), bool(own)


PAID = all_words(PAID_LABELS)


def _is_paid(anchor: Any) -> bool:
    """Whether the teaser of `anchor` opens with a label of paid placement printed apart: the link's first text
    ("<a><div>Sponsored</div><p>Headline</p></a>", read down the first elements only), or the card's before the
    link when the link comes first in it after at most a bare label element ("<li>Anzeige <a>Headline</a></li>",
    "<div><span>Sponsored</span><a>Headline</a></div>"): an advertiser's story in a related box (a blind pass; the
    link's path looks like any story's). Other elements before the link are not read: the one before is another
    card or an ad slot, whose label is not this link's (a review: the card after an "Advertisement" slot was
    lost)."""
    if _is_paid_label(_opening_text(anchor)):
        return True
    before = anchor.getprevious()
    while before is not None and not isinstance(before.tag, str) and not (before.tail or "").strip():
        before = before.getprevious()  # a comment between them
    if before is None:
        parent = anchor.getparent()
        return parent is not None and _is_paid_label(parent.text or "")
    if (before.tail or "").strip():
        return _is_paid_label(before.tail or "")
    return (isinstance(before.tag, str) and not len(before) and before.getprevious() is None
            and _is_paid_label(before.text or ""))


def _opening_text(el: Element) -> str:
    """The first text of `el` down its first elements (`OPENING_DEPTH` at most: a label sits in the link's first
    element or one inside it), empty when none of them holds text before its first child."""
    node: Element | None = el
    for _ in range(OPENING_DEPTH + 1):
        if node is None:
            break
        if text := (node.text or "").strip():
            return text
        node = next(node.iterchildren(etree.Element), None)
    return ""


OPENING_DEPTH = 4
"""Elements down a link's first children in which its opening label is looked for (`_opening_text`)."""


def _is_paid_label(text: str) -> bool:
    """Whether `text` is one of `PAID` labels, with its closing mark ("Sponsored:", "Anzeige |")."""
    return len(text) <= PAID_LABEL_MAX and text.rstrip(_LABEL_MARKS).casefold() in PAID


PAID_LABEL_MAX = max(map(len, PAID)) + 2
_LABEL_MARKS = " :|·•-–—\u00a0"


def _site_named_before(anchor: Any, link: str) -> bool:
    """Whether the text before `anchor` in its parent names the site `link` leads to by its address: a sister
    site's teaser ("<strong>On HoustonChronicle.com:</strong> <a>Car sales plunge</a>" on chron.com; a blind
    pass). Another site's link is no story of this one's otherwise: named by its name alone ("Daily Mail",
    "Sponsored by Mirror", "Latest news" before a news.com.au link), a box's sources and ads were taken (review)."""
    parent = anchor.getparent()
    if parent is None:
        return False
    full, title = clean_text(all_text(parent)) or "", clean_text(all_text(anchor)) or ""
    kicker = full[:full.find(title)] if title and title in full else ""
    domain = registrable_domain(link).removeprefix("www.")
    return len(domain.split(".")[0]) >= SITE_NAME_CHARS and domain in kicker.casefold()


SITE_NAME_CHARS = 4
"""Letters of a site's name, at least, that a kicker names it by (`_site_named_before`)."""


def _may_be_article(link: str) -> bool:
    """Whether a link in a box may lead to a story: a path with some mark of one (`url_score` above 0: a slug,
    an id, a date), one without but ending in a slug of two words or more (`/politics/brexit-vote`; not
    `/original/weekly/`, a section, nor `/information/terms-of-service/`), an opaque id (`/b5k2x`, `/a/Xk3fQ`)
    or a story's number in the query (`/news/view?id=9001`): inside a box, a link with a headline for text needs
    no more."""
    segments = [segment.lower() for segment in urlsplit(link).path.split("/") if segment]
    if segments and segments[-1].endswith(DOCUMENT_SUFFIXES):
        return False
    score = url_score(link)
    if score > 0:
        return True
    if score == 0:
        words = [word for word in re.split(r"[-_.,+]+", segments[-1]) if word]
        return ((len(words) >= 2 and words[0] not in NOT_ARTICLE_WORDS) or _opaque_id(segments[-1])
                or _QUERY_ID.search(urlsplit(link).query) is not None)
    return len(segments) == 1 and _opaque_id(segments[0])


DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".epub", ".zip", ".jpg",
                     ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp3", ".mp4")
"""Endings of the address of a file that is no story: a guide's PDF after a teaser's words (aeb, a blind pass)."""
_QUERY_ID = re.compile(r"(?:^|&)(?:id|p|aid|sid|story|storyid|article|articleid|news|newsid|idx|no)=\d{3,}", re.I)
"""A story's number in the query (`/news/view?id=9001`, `?p=123`): many CMSs name their stories so."""


def _opaque_id(segment: str) -> bool:
    """Whether a path's segment is a short id of a story (`b5k2x`, `Xk3fQ`): a digit in it, and no word that
    names a page of another kind."""
    return any(char.isdigit() for char in segment) and segment not in NOT_ARTICLE_WORDS


def _card_title(anchor: Any, box: Box, cards: Cards) -> str:
    """The text of the card an empty link (an image, an overlay) belongs to: its largest ancestor inside the
    box that links nowhere else."""
    card = cards.card(anchor, box.element)
    return cards.text(card) if card is not None else ""


class Cards:
    """For one page: whether an element's links all lead to one place, the card of the links of an element in
    a box, and the text of each card read. The empty links of a box climb the same ancestors: 4,000 image
    links to one story in one list took 20 seconds when each read the list's links and text again, and 400
    boxes nested in one another, each holding the same 400 image links, took seconds when each link climbed
    to its box."""

    def __init__(self) -> None:
        self._one_link: dict[Element, bool] = {}
        self._cards: dict[tuple[Element | None, Element], Element | None] = {}
        self._texts: dict[Element, str] = {}

    def card(self, anchor: Element, bound: Element) -> Element | None:
        """The largest ancestor of `anchor` below `bound` that links nowhere else, or None. Whether an
        ancestor links elsewhere does not depend on which of its links asks: the links of one parent share
        the answer."""
        key = (parent := anchor.getparent(), bound)
        if key not in self._cards:
            card, node = None, parent
            while node is not None and node is not bound and self.one_link(node):
                card, node = node, node.getparent()
            self._cards[key] = card
        return self._cards[key]

    def one_link(self, el: Element) -> bool:
        """Whether the links of `el` (at least one) all have the same `href`: for a link inside it, whether
        it links nowhere else."""
        if (found := self._one_link.get(el)) is None:
            anchors = el.iter("a")
            href = next(anchors).get("href")
            found = self._one_link[el] = all(a.get("href") == href for a in anchors)
        return found

    def text(self, card: Element) -> str:
        if (found := self._texts.get(card)) is None:
            found = self._texts[card] = text_of(card)
        return found


def _same_publisher(domain: str, site: str) -> bool:
    """The page's own site, or a sister domain of the same name (`bbc.com` beside `bbc.co.uk`)."""
    return domain == site or domain.removeprefix("www.").split(".")[0] == site.removeprefix("www.").split(".")[0]


def _is_headline(title: str) -> bool:
    """A headline has a few words ("Commenting Policy" does not); CJK titles, written without spaces,
    by their length."""
    if len(title) < MIN_TITLE:
        return False
    words = _WORD.findall(title)  # "Science & Health": 2
    return len(words) >= 3 or _UNSPACED.search(title, 0, 20) is not None


_WORD = re.compile(r"\S*[^\W_]\S*")
"""A word with a letter or a digit in it (the words of a text are what lies between its spaces)."""
