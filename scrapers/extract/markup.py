"""The elements of a page as the generic reader sees them: visible text, class words, boxes around the
story."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, islice
from typing import cast

from lxml import etree
from lxml.etree import _Element as Element

from scrapers.extract.text import collapse_space, is_collapsed
from scrapers.extract.vocabulary import (
    BOILERPLATE_CLASS,
    BOX_CLASS_WORDS,
    HIDDEN_CLASSES,
    NOT_STORY_CLASS_WORDS,
    PROMPT_CLASS_WORDS,
    STATE_CLASS_WORDS,
)


def text_key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


SEPARATOR = "\0"
"""Between two texts of a page in one string (`joined`): no text or attribute of a parsed page holds it (the
parser's strings end at it), and lower case leaves it."""


def joined(texts: Sequence[str]) -> str | None:
    """`texts` in one string, each after a `SEPARATOR`, for one search of them all in C instead of one search of
    each (`separated_matches`); None when a text holds the separator (never one from a parsed page)."""
    text = SEPARATOR + SEPARATOR.join(texts)
    return text if text.count(SEPARATOR) == len(texts) else None


def separated_matches(joined: str, pattern: re.Pattern[str]) -> Iterator[int]:
    """For each match of `pattern` in `joined` (`joined` texts, or them in lower case), the index of the text it
    starts in (or of the text after the separator it starts at), in order."""
    return texts_at(joined, (match.start() for match in pattern.finditer(joined)))


def texts_at(joined: str, positions: Iterable[int]) -> Iterator[int]:
    """For each of `positions` in `joined` (in increasing order), the index of the text it falls in (or of the
    text after the separator it is)."""
    index, counted = -1, 0
    for at in positions:
        index += joined.count(SEPARATOR, counted, at + 1)
        counted = at + 1
        yield index


def texts_holding(joined: str, stems: Iterable[str]) -> list[int]:
    """The indexes of the texts of `joined` (`joined` texts, or them in lower case) that hold one of `stems` (no
    stem holds the separator), in order: each stem found by `str.find`, on from each hit at the next text (a
    page's few stems in its 12,000 characters of marks: a third of the time of a regex search of each text,
    and less than one search of an alternation of them, which the regex engine tries at every character)."""
    starts = set()
    for stem in stems:
        at = joined.find(stem)
        while at >= 0:
            starts.add(at)
            end = joined.find(SEPARATOR, at)
            at = joined.find(stem, end) if end >= 0 else -1
    return list(dict.fromkeys(texts_at(joined, sorted(starts))))


INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "head",
                            "textarea", "xmp", "noembed", "noframes", "plaintext"})
"""Elements whose text is no text of the page: code, hidden alternatives, form controls, and the raw-text elements,
whose markup is their text (a story inside a `<textarea>` or an `<xmp>` was a body of literal tags; fuzzer). Not
`<title>`: a page flattened for its depth can hold its whole story in one (a soak page's body was lost)."""


SKIP_TAGS = INVISIBLE_TAGS | frozenset({"figure", "figcaption", "aside", "nav", "footer", "form", "header", "table"})


INLINE_TAGS = frozenset(
    {"a", "span", "strong", "b", "em", "i", "u", "s", "small", "big", "sup", "sub", "mark", "abbr", "cite",
     "q", "time", "font", "code", "var", "kbd", "dfn", "ins", "del", "bdi", "bdo", "label", "wbr", "br", "img"}
)


BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre"})


HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


LIST_TAGS = frozenset({"ul", "ol", "dl"})




_TAGS_MARK = re.compile(r"[-_]tags?$|^tags?$", re.IGNORECASE)




CLASS_WORD = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")




MAX_MARKS = 10_000
"""Characters of an element's class or id that the reader looks at: the longest on the 309 real pages of
`tests/data` has 2,109 (utility classes); a damaged page's 140,000-character class, split into words at each of
the hundreds of checks of the elements inside it, took a second."""


def marks(el: Element, name: str) -> str:
    """The element's attribute `name` (a class or an id), cut at `MAX_MARKS` characters; "" when absent."""
    return (el.get(name) or "")[:MAX_MARKS]


def class_words(el: Element) -> frozenset[str]:
    """The words of the element's class, id and itemprop, lower-cased ("article__intro" -> article, intro)."""
    return _words_of_marks(f"{marks(el, 'class')} {marks(el, 'id')} {marks(el, 'itemprop')}")


@lru_cache(maxsize=8192)
def _words_of_marks(marks: str) -> frozenset[str]:
    # Cached: a page repeats its class names, and a site its pages'.
    return frozenset(word.lower() for word in CLASS_WORD.split(marks) if word)


def nearest(
    el: Element | None, stop: Callable[[Element], bool], known: dict[Element, Element | None]
) -> Element | None:
    """The nearest of `el` and its ancestors for which `stop` holds, or None. Each element passed on the way is
    kept in `known` with that answer, so that a later climb from below one of them stops there (the elements of a
    page share their ancestors: climbing them all again from each of thousands of nested elements grew with the
    square of their number)."""
    passed: list[Element] = []
    node = el
    while node is not None:
        if node in known:
            node = known[node]
            break
        if stop(node):
            break
        passed.append(node)
        node = node.getparent()
    for element in passed:
        known[element] = node
    return node


def following(el: Element, *tags: str, inside: Element | None = None) -> Iterator[Element]:
    """The elements after `el` in document order (not inside it), lazily (XPath's following:: axis builds them
    all): of `tags` when given, and with `inside` only those inside that element. The subtrees after it are
    chained in C: no Python step for each element they yield (callers read dozens past the one they want).
    Comments and processing instructions are no elements: 160 `<!-- ad slot -->` between a headline and its
    standfirst took up the window the lead is looked for in (fuzzer)."""
    wanted = tags or (etree.Element,)
    return chain.from_iterable(sibling.iter(*wanted) for sibling in _siblings_after(el, inside))


def _siblings_after(el: Element, inside: Element | None) -> Iterator[Element]:
    """The siblings after `el` and after each of its ancestors below `inside`, nearest first."""
    node: Element | None = el
    while node is not None and node is not inside:
        yield from node.itersiblings()
        node = node.getparent()


def in_figure_or_box(el: Element) -> bool:
    ancestors = list(el.iterancestors())
    if any(a.tag in ("aside", "nav", "footer", "figure", "figcaption") for a in ancestors):
        return True
    return any(class_words(a) & BOX_CLASS_WORDS for a in ancestors[:3])


def all_text(el: Element) -> str:
    """Every text of `el` and its descendants, scripts included: lxml.html's `text_content()`. An element without
    children (nearly half of those asked) is its own text, read without a text iterator (a fifth of the time)."""
    if not len(el) and isinstance(el.tag, str):  # (a comment is no element for `itertext`: it raises)
        return el.text or ""
    return "".join(cast("Iterator[str]", el.itertext()))


def text_of(el: Element) -> str:
    """Visible text of an element, whitespace collapsed (scripts and styles left out)."""
    if len(el):
        parts: list[str] = []
        _gather_text(el, parts)
        text = "".join(parts)
    else:  # an element without children (half of those asked): its own text, without the walk
        text = el.text or ""
    return _collapsed(text)


def _collapsed(text: str) -> str:
    """`collapse_space(text)`; text that has nothing to collapse (two in three of the texts the body reader
    asks for) is told in C and returned as it is, rather than split into words and joined again (a quarter of
    `text_of`'s time over the 309 real pages of `tests/data`)."""
    return text if is_collapsed(text) else collapse_space(text)


def text_within(el: Element, limit: int) -> str | None:
    """`text_of(el)` when it holds at most `limit` characters, else None, read no further than needed to tell:
    a reader that takes only a short block (a standfirst) asked `text_of` of each of 150 wrappers nested around a
    whole page, and read the page 150 times. The walk stops once the text gathered so far is too long: collapsed,
    a prefix of the text is a prefix of the whole's (its last word perhaps cut short), and a character
    reference (read by `collapse_space`) can only shorten what comes from its "&" on, so the collapsed text
    before the prefix's first "&" is as long as the whole's start and no longer."""
    if not len(el):
        text = _collapsed(el.text or "")
        return text if len(text) <= limit else None
    parts: list[str] = []
    size, check = 0, limit  # (collapsing and reading references never lengthen a text: first checked past `limit`)
    if el.text:
        parts.append(el.text)
        size += len(el.text)
    stack: list[Iterator[Element]] = [iter(el)]
    owners: list[Element | None] = [None]
    while stack:
        for child in stack[-1]:
            if size > check:
                if _collapsed_start_length("".join(parts)) > limit:
                    return None
                check = 2 * size  # (a check reads all gathered so far: doubling keeps the checks linear in all)
            tag = child.tag
            if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
                if tag == "br":
                    parts.append(" ")
                    size += 1
                if child.text:
                    parts.append(child.text)
                    size += len(child.text)
                if len(child):
                    stack.append(iter(child))
                    owners.append(child)
                    break
            if child.tail:
                parts.append(child.tail)
                size += len(child.tail)
        else:
            stack.pop()
            owner = owners.pop()
            if owner is not None and owner.tail:
                parts.append(owner.tail)
                size += len(owner.tail)
    text = _collapsed("".join(parts))
    return text if len(text) <= limit else None


def _collapsed_start_length(prefix: str) -> int:
    """A lower bound of `len(collapse_space(whole))` for any text `whole` that starts with `prefix`: the length
    of the collapsed part of `prefix` before its first "&" (no character reference reaches into it)."""
    amp = prefix.find("&")
    return len(" ".join((prefix if amp < 0 else prefix[:amp]).split()))


def collapsed_length(text: str) -> int:
    """The length of `collapse_space(text)`; most texts have nothing to collapse and are measured as they are
    (a fifth less time over the 76,000 texts of the 309 pages of the test data than splitting and joining
    each)."""
    return len(_collapsed(text))


def _gather_text(el: Element, parts: list[str]) -> None:
    # A walk with its own stack: a page nested thousands deep passes Python's recursion limit. The stack holds
    # the children still to read at each level, and `owners` the element whose tail follows them.
    if el.text:
        parts.append(el.text)
    stack: list[Iterator[Element]] = [iter(el)]
    owners: list[Element | None] = [None]
    while stack:
        for child in stack[-1]:
            tag = child.tag
            if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
                if tag == "br":
                    parts.append(" ")
                if child.text:
                    parts.append(child.text)
                if len(child):  # its children first, then its tail
                    stack.append(iter(child))
                    owners.append(child)
                    break
            if child.tail:
                parts.append(child.tail)
        else:
            stack.pop()
            owner = owners.pop()
            if owner is not None and owner.tail:
                parts.append(owner.tail)


def link_text_length(el: Element) -> int:
    return sum(collapsed_length(all_text(a)) for a in el.iter("a"))


def is_boilerplate(el: Element) -> bool:
    """Whether the element's class, id or style marks it as something other than the story, or a class hides it
    (`visually-hidden`, `d-none`: a label for screen readers, a teaser shown on other screens)."""
    names = el.keys()  # one call for the names, then only the attributes present are read (each costs a lookup)
    if not names:
        return False
    if "class" in names and _class_boilerplate(marks(el, "class")):
        return True
    if "id" in names and _id_boilerplate(marks(el, "id")):
        return True
    return _hidden(el, names)


def is_caption_frame(el: Element) -> bool:
    """Whether the element is the frame a site prints around an image and its caption (WordPress's
    `wp-caption`, `image-caption`): a class of the word "caption", and no other class, id or style marking it
    as no story. `is_boilerplate` holds for it (a caption is no story text), but its image is the story's:
    read as a box, the images of WordPress's classic captions were lost (newcomer review)."""
    classes = marks(el, "class").split()
    framing = [name for name in classes if CAPTION_WORD in _words_of_marks(name)]
    if not framing:
        return False
    rest = " ".join(name for name in classes if name not in framing)
    names = el.keys()
    return not ((rest and _class_boilerplate(rest)) or ("id" in names and _id_boilerplate(marks(el, "id")))
                or _hidden(el, names))


CAPTION_WORD = "caption"


@lru_cache(maxsize=8192)
def _class_boilerplate(classes: str) -> bool:
    # Cached per class string, which a page repeats on element after element (ids, unique, are asked apart so
    # that they do not spoil the hits).
    names = classes.split()
    return any(_marks_boilerplate(name) for name in names) or any(name.lower() in HIDDEN_CLASSES for name in names)


def _id_boilerplate(ident: str) -> bool:
    return any(_marks_boilerplate(word) for word in ident.split())


@lru_cache(maxsize=8192)
def _marks_boilerplate(mark: str) -> bool:
    if _TAGS_MARK.search(mark):
        return True
    words = [word.lower() for word in CLASS_WORD.split(mark) if word]
    if STATE_CLASS_WORDS.intersection(words):
        return False
    if any(BOILERPLATE_CLASS.match(word) for word in words):
        return True
    return bool(PROMPT_CLASS_WORDS.intersection(words) or NOT_STORY_CLASS_WORDS.intersection(words))


def is_hidden(el: Element) -> bool:
    return _hidden(el, el.keys())


def _hidden(el: Element, names: Sequence[str | bytes]) -> bool:
    """Whether `el`, whose attributes are `names`, is hidden by an attribute or its style."""
    return ("hidden" in names
            or ("style" in names and "display:none" in el.get("style", "").replace(" ", "").lower())
            or ("aria-hidden" in names and el.get("aria-hidden") == "true"))


TEASER_ITEMS = 3
"""A run of this many cards (a linked headline, with or without a picture and an excerpt) is a list of
other stories, not part of this one."""


def is_teaser_list(el: Element) -> bool:
    """Whether `el` is a list of story cards: most of its three or more items lead with a linked headline."""
    if len(el) < TEASER_ITEMS or len(list(islice(el.iter(*CARD_MARKS), TEASER_ITEMS))) < TEASER_ITEMS:
        return False  # each card holds a heading or a picture: three cards, three of them at least
    items: list[Element] = []
    linked: list[Element] = []
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
            items.append(child)
            if tag == "a" or _holds_link(child):
                linked.append(child)
    if len(linked) < TEASER_ITEMS:
        return False
    cards = 0
    for index, item in enumerate(linked):
        if cards + len(linked) - index < TEASER_ITEMS:
            return False  # the items left could not make enough cards
        cards += _is_card(item)
    if cards < TEASER_ITEMS:
        return False
    with_text = sum(1 for item in items if any(t.strip() for t in item.itertext()))  # a card's picture may be an item
    return cards >= TEASER_SHARE * with_text


TEASER_SHARE = 0.6
"""Cards make a teaser list when they are this share of its items that hold text."""


CARD_TITLE = 15
"""A card's linked headline holds this many characters at least."""


CARD_LINK_SHARE = 0.2
"""A picture card's link text is this share of its text at least (its excerpt is the rest)."""


MOSTLY_LINKS = 0.5
"""A block with this share of its text in links is a list of links, not prose."""


ALL_BOLD = 0.9
"""A paragraph with this share of its text in bold is set in bold (a stray space or comma is not)."""


CARD_SIZE = 80
"""A card has fewer elements than this; a larger item is a section of the page, not a card."""


CARD_MARKS = (*sorted(HEADING_TAGS), "img", "picture")
"""The tags of which a card holds one (its headline or its picture)."""


def _holds_link(el: Element) -> bool:
    """Whether a link is inside `el`: `el.find(".//a") is not None`, without an ElementPath query."""
    return next(el.iterdescendants("a"), None) is not None


def _is_card(item: Element) -> bool:
    """A small item with a linked headline (a heading holding a link, or a heading inside one), or with a
    link and a picture."""
    nodes = list(islice(item.iter(), CARD_SIZE + 1))
    if len(nodes) > CARD_SIZE:
        return False
    tags = [node.tag for node in nodes]  # read once: each read of a tag builds a new string
    for node, tag in zip(nodes, tags, strict=True):
        if tag in HEADING_TAGS and (_holds_link(node) or next(node.iterancestors("a"), None) is not None):
            return True
    if "img" not in tags and "picture" not in tags:
        return False
    link_text = sum(len(text_of(node)) for node, tag in zip(nodes, tags, strict=True) if tag == "a")
    return link_text >= CARD_TITLE and link_text >= CARD_LINK_SHARE * len(text_of(item))


SENTENCE_END = re.compile(r"[.!?:;…。！？\"”’»)]$")


HEAD_FRAGMENT = 50
"""Blocks shorter than this at the top of a body, not ending a sentence, are labels rather than story."""
