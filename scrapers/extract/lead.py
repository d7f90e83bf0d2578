"""The standfirst of an article page without a profile: a block classed or styled as one near the headline,
the text printed right under the headline, else the page's own description when it prints it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from itertools import islice

from lxml import etree

from scrapers.extract import structured
from scrapers.extract.markup import (
    ALL_BOLD,
    HEAD_FRAGMENT,
    INLINE_TAGS,
    INVISIBLE_TAGS,
    MAX_MARKS,
    MOSTLY_LINKS,
    class_words,
    following,
    in_figure_or_box,
    is_hidden,
    link_text_length,
    nearest,
    text_key,
    text_of,
    text_within,
)
from scrapers.extract.parsed import Element, Parsed, TextNode
from scrapers.extract.text import collapse_space
from scrapers.extract.vocabulary import (
    BOX_CLASS_WORDS,
    EMPHASIS_CLASS_WORDS,
    NEAR_STANDFIRST_CLASS_WORDS,
    STANDFIRST_CLASS_WORDS,
)


def read_lead(parsed: Parsed, first: Element | None, title: str | None) -> tuple[str | None, str | None]:
    # The standfirst printed on the page (classed as one, a bold first paragraph, or the block printed
    # right under the headline before the body starts); else the page's own summary of the story, which
    # most CMSs fill from the standfirst, when the page prints it. `first` is the element of the body's first
    # block (`Story.first_block`).
    root = parsed.root
    candidates: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("standfirst", lambda: _standfirst(root, next(iter(parsed.tagged("h1")), None), first)),
        ("emphasized first paragraph", lambda: _emphasized_first_paragraph(first)),
        ("text under the headline", lambda: _under_headline(parsed, first, title)),
        ("og:description", lambda: structured.meta_content(parsed.meta, "og:description")),
        ("description", lambda: structured.meta_content(parsed.meta, "description")),
        ("jsonld description", lambda: structured.text_value(parsed.article.get("description"))),
    )
    for source, read in candidates:
        if text := collapse_space(read()):
            if "description" in source:
                if whole := _printed_whole(parsed, text, first):
                    return whole, f"{source}, whole as printed"
                if not _printed(parsed.texts, text):
                    continue  # a summary written for search and sharing, not a standfirst on the page
                if _styled_apart(parsed, text):
                    return text, f"{source}, {IN_PARTS}"
            return text, source
    return None, None


# Characters XML (and so an lxml XPath variable, or a text node of the tree) cannot hold: control characters,
# surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _probe(text: str, words: int) -> str:
    """The first `words` words of `text` as the tree's text can hold them: a control character in a meta
    description (`\\x01`, `\\x1b`) would make an lxml XPath variable raise, and no text node has one."""
    return _NOT_XML.sub("", " ".join(text.split()[:words]))


def _printed(texts: tuple[TextNode, ...], description: str) -> bool:
    """Whether the page's text (`Parsed.texts`) holds the start of `description`, outside the page's footer
    and navigation (where a site prints the one description it gives every page)."""
    probe = _probe(description, 6)
    return any(probe in text and not _in_page_chrome(text) for text in texts)


def _in_page_chrome(text: TextNode) -> bool:
    # The ancestors are filtered by tag in lxml, not read one by one in Python (an element proxy and a tag string
    # each): the element holding the text is not among them.
    parent = text.getparent()
    return parent is not None and next(parent.iterancestors("footer", "nav"), None) is not None


IN_PARTS = "printed in parts"
"""The lead's source says this when the page prints the lead as several paragraphs."""
PRINTED_SOURCES = frozenset({"standfirst", "text under the headline"})
"""Sources that read the lead off the page itself, all its paragraphs."""


def printed_in_parts(source: str) -> bool:
    """Whether a lead read from `source` is the page's own standfirst, which may run over several paragraphs
    (so `split_lead` takes them all out of the body), rather than a summary of the story."""
    return source in PRINTED_SOURCES or source.endswith(IN_PARTS)


def _styled_apart(parsed: Parsed, description: str) -> bool:
    """Whether `description` starts with a paragraph styled apart from the body's other paragraphs and
    followed by more in its style: a standfirst in several paragraphs (hashed class names). Only a classed
    paragraph can be (`_styled_apart_paragraph`), so only those are read: a search of the whole tree read the
    text of every paragraph."""
    probe = _probe(description, 6)
    classed = (p for p in parsed.tagged("p") if p.get("class"))
    styles: dict[Element, tuple[int, Counter[str | None]]] = {}
    return any(_styled_apart_paragraph(p, styles) for p in classed if _BODY_TEXT_STARTS(p, probe=probe))


_BODY_TEXT_STARTS = etree.XPath("boolean(ancestor::body) and starts-with(normalize-space(.), $probe)")
"""Whether a paragraph inside <body> (`//body//p`) starts with the text `$probe`, whitespace collapsed as XPath does."""


def _styled_apart_paragraph(el: Element, styles: dict[Element, tuple[int, Counter[str | None]]] | None = None) -> bool:
    """Whether paragraph `el` and the few after it in its style differ in style from the paragraphs
    that follow them (the body's). `styles` keeps, per parent, its paragraphs' count and classes for the next
    paragraph asked of it: thousands of paragraphs of one parent, each asked, counted all the others each time."""
    parent, cls = el.getparent(), el.get("class")
    if el.tag != "p" or not cls or parent is None:
        return False
    style = None if styles is None else styles.get(parent)
    if style is None:
        classes = [p.get("class") for p in parent if p.tag == "p"]
        style = (len(classes), Counter(classes))
        if styles is not None:
            styles[parent] = style
    paragraphs, alike = style[0], style[1][cls]
    return alike <= STYLE_RUN and paragraphs - alike >= 2 and bool(_same_style_run(el))


def _printed_whole(parsed: Parsed, description: str, first: Element | None) -> str | None:
    """The page's own text of a standfirst that `description` cuts short: the block whose text starts
    with the description's words and goes on; or that it rewrites: the body's first block (`first`), or one
    above it, that starts with the description's first words and then says it otherwise.
    Each block is judged once, by its text read only as far as `WHOLE_STANDFIRST_MAX` (both tests want no
    more): a block holding thousands of lines that start with the description was read whole for each line,
    and its words split out each time. The verdict on a block does not depend on which of its texts led to it."""
    words = description.split()
    if len(words) < LEAD_MIN_WORDS:
        return None
    probe = _probe(description, 5)
    description_words = _WORD.findall(description.casefold())
    judged: set[Element] = set()
    blocks: dict[Element, Element | None] = {}  # an inline element -> the block above it (climbed once)
    for node in (text for text in parsed.texts if probe in text):
        el = nearest(node.getparent(), _is_block, blocks)  # (a text in the thousandth of nested spans)
        if el is None or el in judged or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html"):
            continue
        if _in_page_chrome(node):
            continue  # (told of the text, not of its block: a text right inside a <nav> is not in one)
        judged.add(el)
        text = text_within(el, WHOLE_STANDFIRST_MAX)
        if text is None:
            continue
        if len(description) < len(text) and _lead_printed([text], 0, description_words):
            return text
        if len(text) < STANDFIRST_MIN:
            continue
        words = _WORD.findall(text.casefold())
        if (words[:LEAD_MIN_WORDS] == description_words[:LEAD_MIN_WORDS]
                and description_words[: len(words)] != words and not in_figure_or_box(el)
                and (el is first or _before_body(parsed.root, first, el))):
            # The description starts as a block of the page does, then says it otherwise (a rewritten
            # standfirst): the page's own text. A block the description goes on past is a part of it.
            return text
    return None


def _is_block(el: Element) -> bool:
    return el.tag not in INLINE_TAGS


NOT_STANDFIRST_WORDS = BOX_CLASS_WORDS | NEAR_STANDFIRST_CLASS_WORDS


STANDFIRST_TAGS = frozenset({"p", "div", "h2", "h3", "span", "section", "header"})


STANDFIRST_MIN = 40
"""A standfirst holds a sentence at least: shorter text near the headline is a kicker, a byline or a date."""


STANDFIRST_MAX = 1000
"""Longer text under the headline is the story itself, not its standfirst."""


WHOLE_STANDFIRST_MAX = 1500
"""The longest block read as the whole standfirst that a description cuts short."""


STYLE_RUN = 4
"""A standfirst runs over at most this many paragraphs in its own style; more in that style are the body."""


UNDER_HEADLINE_HOPS = 4
"""How many levels above the headline the text printed under it is looked for (headlines sit in wrappers)."""


DATELINE_LENGTH = 150
"""A line shorter than this that holds a time of day is a dateline or a byline."""


EMPHASIZED_MIN, EMPHASIZED_MAX = 60, 800
"""A bold or classed first paragraph is a standfirst when it is a sentence or a few, not a label or the story."""


STANDFIRST_WINDOW = 150
"""How many elements after the headline a standfirst may come (further down, such classes mark boxes)."""


def _standfirst(root: Element, h1: Element | None, first: Element | None = None) -> str | None:
    """The first element soon after the headline (the first <h1>) classed as a standfirst that holds a sentence
    or a few, with the paragraphs printed right after it in the same style (a standfirst in several paragraphs).
    Not a subheading within the story (after its first block `first`), which CMSs class "subtitle" too."""
    after = root.iter("*") if h1 is None else following(h1)
    started = False  # past the body's first block: a heading there is the story's subheading, however classed
    for el in islice(after, STANDFIRST_WINDOW):
        tag = el.tag
        if started and tag in ("h2", "h3"):
            break
        started = started or el is first
        if tag not in STANDFIRST_TAGS or not _may_be_standfirst(el.get(b"class"), el.get(b"id"), el.get(b"itemprop")):
            continue
        words = class_words(el)
        if not words & STANDFIRST_CLASS_WORDS or words & NOT_STANDFIRST_WORDS or in_figure_or_box(el):
            continue
        text = text_within(el, STANDFIRST_MAX)  # (a wrapper of the whole page is read only that far)
        if (text is not None and len(text) >= STANDFIRST_MIN and link_text_length(el) < MOSTLY_LINKS * len(text)
                and not _mostly_caption(el, text)):
            return "\n\n".join([text, *(text_of(sibling) for sibling in _same_style_run(el))])
    return None


_STANDFIRST_WORD = re.compile("|".join(sorted(STANDFIRST_CLASS_WORDS)))
"""Any of `STANDFIRST_CLASS_WORDS` (lower case) anywhere in a text."""


def _may_be_standfirst(cls: str | None, ident: str | None, prop: str | None) -> bool:
    """False only if an element with this class, id and itemprop has none of `STANDFIRST_CLASS_WORDS` among its
    `class_words`: each of those is a piece of its marks (cut at `MAX_MARKS`), lowered, so the lowered marks hold
    it. Told from the attributes named as bytes, and the answer kept per marks: a standfirst's window holds 70
    blocks, a few of them marked as one, and `class_words` on each took three fifths of the search."""
    if cls is None and ident is None and prop is None:
        return False
    return _marks_name_standfirst(" ".join(value[:MAX_MARKS] for value in (cls, ident, prop) if value))


@lru_cache(maxsize=8192)
def _marks_name_standfirst(marks: str) -> bool:
    """Whether `marks` (cut, so that a damaged page's 100,000-character class is not what the cache keeps) hold
    one of `STANDFIRST_CLASS_WORDS` in any case."""
    return _STANDFIRST_WORD.search(marks.lower()) is not None


def _mostly_caption(el: Element, text: str) -> bool:
    """Whether most of `el`'s text is a figure's caption or credit (a "lead" image block)."""
    captions = sum(len(text_of(f)) for f in el.iter("figcaption", "figure") if f.getparent() is not None)
    return captions >= len(text) / 2


def _same_style_run(el: Element, limit: int = STYLE_RUN) -> list[Element]:
    """The siblings right after `el` with its tag and class that hold text rather than links, up to `limit`."""
    run: list[Element] = []
    cls = el.get("class")
    if not cls:
        return run
    sibling = el.getnext()
    while sibling is not None and len(run) < limit and sibling.tag == el.tag and sibling.get("class") == cls:
        text = text_of(sibling)
        if link_text_length(sibling) >= MOSTLY_LINKS * len(text):
            break  # a link to another story printed in the standfirst's style
        run.append(sibling)
        sibling = sibling.getnext()
    return run


HEADLINE_TAGS = ("h1", "h2")


NOT_UNDER_HEADLINE = frozenset({"figure", "aside", "nav", "ul", "ol", "time", "address", "button", "form", "table"})


def _under_headline(parsed: Parsed, first: Element | None, title: str | None) -> str | None:
    """The text block printed right under the headline, before the body starts: a standfirst the page
    does not class as one. Kickers, bylines, dates and images between the two are passed over."""
    root = parsed.root
    headline = _headline_element(parsed.headings, title)
    guessed = headline is None
    if guessed:
        headline = _story_heading(parsed.tagged("article"))
        if headline is None:
            return None
    node, hops = headline, 0
    while node is not None and hops < UNDER_HEADLINE_HOPS:
        for sibling in node.itersiblings():
            tag = sibling.tag
            if not isinstance(tag, str) or tag in INVISIBLE_TAGS:
                continue
            if sibling is first or (first is not None and any(a is sibling for a in first.iterancestors())):
                # The body starts right away. A long subheading opening it is not taken for a dek: that
                # read 3 more fundus-dev leads right (0.931 against 0.901) and is a convention of those sites;
                # on sites never seen it took in-body subheadings for standfirsts.
                return None
            words = class_words(sibling)
            if (
                tag in NOT_UNDER_HEADLINE
                or (words & NOT_STANDFIRST_WORDS and not words & STANDFIRST_CLASS_WORDS)
                or next(sibling.iterdescendants("time", "address", "button"), None) is not None
                or is_hidden(sibling)
                or "hidden" in words
            ):
                continue
            text = text_of(sibling)  # read past the tests above: a sibling may be the whole story
            if (
                len(text) < STANDFIRST_MIN
                or (len(text) < DATELINE_LENGTH and _CLOCK_TIME.search(text))
                or link_text_length(sibling) >= MOSTLY_LINKS * len(text)
                or _mostly_caption(sibling, text)
            ):
                continue
            if len(text) > STANDFIRST_MAX or tag not in STANDFIRST_TAGS:
                return None
            if guessed and not _before_body(root, first, sibling):
                return None  # a heading inside the story, not over it
            if _styled_apart_paragraph(sibling):
                return "\n\n".join([text, *(text_of(more) for more in _same_style_run(sibling))])
            return text
        node, hops = node.getparent(), hops + 1
    return None


_CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?!\d)")
"""A time of day: a short line holding one is a dateline or byline, not a standfirst."""


def _in_menu(el: Element) -> bool:
    # (ancestors filtered by tag in lxml, as in `_in_page_chrome`)
    return next(el.iterancestors("li", "nav"), None) is not None


def _story_heading(articles: tuple[Element, ...]) -> Element | None:
    """The first heading of the story's <article> (of the page's `articles`) when no heading prints the title
    (the share title is reworded), outside breadcrumbs and menus."""
    for article in articles:
        for el in article.iter(*HEADLINE_TAGS):
            if not _in_menu(el) and text_of(el):
                return el
    return None


def _before_body(root: Element, first: Element | None, el: Element) -> bool:
    """Whether `el` comes before the body's first paragraph (`first`) in the page."""
    if first is None:
        return False
    for node in root.iter():
        if node is el:
            return True
        if node is first:
            return False
    return False


def _headline_element(headings: tuple[Element, ...], title: str | None) -> Element | None:
    """The heading that prints `title`, or its end (the title may lead with a kicker); not one in a
    breadcrumb or menu. `headings` are the page's (`Parsed.headings`). The verdict on a heading's text is kept
    for the headings that repeat it: each of thousands of alike headings searched a long share title anew."""
    key = text_key(title or "")
    if not key:
        return None
    refused: set[str] = set()
    for el in headings:
        if el.tag not in HEADLINE_TAGS or _in_menu(el):
            continue
        text = text_key(text_of(el))
        if not text or text in refused:
            continue
        if text == key or (len(text) >= 20 and text in key) or (len(text) >= 8 and key.endswith(text)):
            return el
        refused.add(text)
    return None


def _emphasized_first_paragraph(el: Element | None) -> str | None:
    """The body's first paragraph `el` when it is set apart as a standfirst: all in bold, or classed so."""
    if el is None or el.tag != "p":
        return None
    text = text_of(el)
    if not EMPHASIZED_MIN <= len(text) <= EMPHASIZED_MAX:
        return None
    bold = "".join(text_of(b) for b in el if isinstance(b.tag, str) and b.tag in ("strong", "b"))
    if len(bold) >= ALL_BOLD * len(text) or class_words(el) & EMPHASIS_CLASS_WORDS:
        return text
    return None


LEAD_SEARCH = 3
"""How many paragraphs at the top of the body may repeat the lead."""


LEAD_MIN_WORDS = 8
"""Fewer words than this are too few to tell a lead cut short from another text starting alike."""


_WORD = re.compile(r"\w+")


def split_lead(body: str, description: str, *, in_parts: bool = False) -> tuple[str, str]:
    """The lead and the body without it. When a paragraph among the body's first few prints the standfirst
    that `description` repeats (or cuts short at a word limit), that paragraph is the lead, in full, and
    leaves the body; otherwise the lead is `description` and the body stays whole. A standfirst the page
    prints in several paragraphs (`in_parts`) takes them all; else a description that goes on past the
    paragraph it starts with (a summary of the first paragraphs) takes only that one. A paragraph that
    prints the description after a dateline ("BERLIN (AP) —") is the lead, dateline and all."""
    paragraphs = body.split("\n\n")
    lead_words = _WORD.findall(description.casefold())
    search = _first_paragraphs(paragraphs)
    words_of = _ParagraphWords(paragraphs)
    walks = _LeadWalks(paragraphs, lead_words, search, words_of)
    for index in range(search):
        end = walks.end(index, in_parts=in_parts)
        if not end and not in_parts and _after_dateline(words_of(index), lead_words):
            end = index + 1  # the description repeats the paragraph without its dateline ("BERLIN (AP) —")
        if end:
            return "\n\n".join(paragraphs[index:end]), "\n\n".join(paragraphs[:index] + paragraphs[end:])
    if not in_parts and len(lead_words) >= LEAD_MIN_WORDS:
        for paragraph in paragraphs[search:]:
            # A paragraph that prints the description starts with its first word: most do not hold it at all,
            # which spares splitting each paragraph of a long story into words.
            if lead_words[0] in paragraph.casefold() and _lead_printed([paragraph], 0, lead_words, in_parts=False):
                return "", body  # a summary quoting a paragraph further down the story: no standfirst
    return description, body


DATELINE_WORDS = 6
"""How many words a dateline ("BERLIN --", "WASHINGTON (AP) —") may put before a paragraph's first sentence."""


def _first_paragraphs(paragraphs: list[str]) -> int:
    """How many blocks from the top hold the body's first `LEAD_SEARCH` paragraphs (short lines above
    them, a video's title or a time stamp, do not count)."""
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        seen += len(paragraph) >= HEAD_FRAGMENT
        if seen == LEAD_SEARCH:
            return index + 1
    return len(paragraphs)


def _after_dateline(words: list[str], lead_words: list[str]) -> bool:
    """Whether the paragraph is the lead printed after a dateline."""
    if len(lead_words) < LEAD_MIN_WORDS:
        return False
    for start in range(1, min(DATELINE_WORDS, len(words)) + 1):
        if words[start : start + len(lead_words)] == lead_words:
            return True
    return False


def _lead_printed(paragraphs: list[str], index: int, lead_words: list[str], *, in_parts: bool = True,
                  words_of: Callable[[int], list[str]] | None = None) -> int:
    """When the paragraphs from `index` on print the lead, the index past the last of them; else 0.
    A description is often the standfirst, or the first paragraph, cut at a word limit ("..." at the
    end): its last part then starts with all the remaining words but the last, which may be cut mid-word.
    The printed paragraphs are the lead, whole, rather than printed twice (measured: aeb body F1 +0.009,
    fundus-dev lead -0.010, one page whose truth keeps the cut description).
    `words_of` gives a paragraph's words split once for all the starts `split_lead` tries, and the lead's words
    are compared in place, not copied from each paragraph on: a thousand one-word paragraphs that a description
    repeated word by word split and copied every paragraph and the rest of the description for each start."""
    covered, end, total = 0, index, len(lead_words)
    while end < len(paragraphs) and covered < total:
        words = _WORD.findall(paragraphs[end].casefold()) if words_of is None else words_of(end)
        count = len(words)
        if words and covered + count <= total and lead_words[covered : covered + count] == words:
            if not in_parts and count >= LEAD_MIN_WORDS:
                return end + 1
            covered, end = covered + count, end + 1
        elif (total >= LEAD_MIN_WORDS and total - covered < count
              and words[: total - covered - 1] == lead_words[covered:-1]):
            return end + 1  # the description stops short inside this paragraph
        else:
            break
    return end if covered == total else 0


class _ParagraphWords:
    """The words of each of `paragraphs` (in lower case), split when first asked and kept."""

    def __init__(self, paragraphs: list[str]) -> None:
        self._paragraphs = paragraphs
        self._words: dict[int, list[str]] = {}

    def __call__(self, index: int) -> list[str]:
        words = self._words.get(index)
        if words is None:
            words = self._words[index] = _WORD.findall(self._paragraphs[index].casefold())
        return words


class _LeadWalks:
    """`_lead_printed` from each of the first `search` paragraphs, in linear time in all. A start whose first
    paragraph the lead starts with walks on; the first such walk is `_lead_printed`'s (on a story page, that of
    the standfirst, which ends the search). Later ones are told from where the paragraphs' words, read as one
    stream, stop matching the lead's (`_LeadWalks._stream`): a thousand one-word paragraphs that a description
    repeated word by word were each walked to the end of the description, for each start.
    A walk from paragraph i (its words from position `starts[i]` of the stream) matches paragraph j whole while
    j holds words and the words from i through j are the lead's first ones: while
    `starts[j + 1] - starts[i] <= matched` (how many of the lead's words the stream from i matches). It stops at
    the first paragraph m that does not match (or the first with no words): all the lead matched when
    `starts[m] - starts[i]` is its length; else m may end the lead cut short, if the stream from i matches all
    of the lead's words but the last; without `in_parts`, a matched paragraph of `LEAD_MIN_WORDS` words or more
    ends the walk."""

    def __init__(self, paragraphs: list[str], lead_words: list[str], search: int,
                 words_of: Callable[[int], list[str]]) -> None:
        self._paragraphs, self._lead, self._search, self._words_of = paragraphs, lead_words, search, words_of
        self._walked_on = False
        self._starts: list[int] = []
        self._matched: list[int] = []
        self._next_empty: list[int] = []
        self._next_long: list[int] = []

    def end(self, index: int, *, in_parts: bool) -> int:
        """`_lead_printed(paragraphs, index, lead_words, in_parts=in_parts)`."""
        if not self._walked_on:
            words = self._words_of(index)
            self._walked_on = bool(words) and self._lead[: len(words)] == words
            return _lead_printed(self._paragraphs, index, self._lead, in_parts=in_parts, words_of=self._words_of)
        if not self._starts:
            self._stream()
        starts, total = self._starts, len(self._lead)
        matched = self._matched[index]
        stop = min(bisect_right(starts, starts[index] + matched) - 1, self._next_empty[index])
        if not in_parts and self._next_long[index] < stop:
            return self._next_long[index] + 1
        covered = starts[stop] - starts[index]
        if covered == total:
            return stop
        if (stop < len(starts) - 1 and total >= LEAD_MIN_WORDS
                and total - covered < starts[stop + 1] - starts[stop] and matched >= total - 1):
            return stop + 1  # the description stops short inside this paragraph
        return 0

    def _stream(self) -> None:
        """The words of the paragraphs any walk reads, as one stream: `starts` (each paragraph's first position
        in it, and the end), how many of the lead's words the stream matches from each paragraph on
        (`matched`), and the next paragraph from each with no words and with `LEAD_MIN_WORDS` or more."""
        paragraphs, total = self._paragraphs, len(self._lead)
        stream: list[str | None] = [*self._lead, None]  # (None: no word, so no match runs past the lead)
        starts = self._starts
        reach = len(paragraphs)
        for index in range(len(paragraphs)):
            if index >= self._search and len(stream) - total - 1 >= starts[self._search - 1] + total:
                reach = index  # (a walk from a start before `search` matches the whole lead before this one)
                break
            starts.append(len(stream) - total - 1)
            stream.extend(self._words_of(index))
        starts.append(len(stream) - total - 1)
        prefix = _prefix_matches(stream)
        self._matched = [prefix[total + 1 + start] if start < len(stream) - total - 1 else 0 for start in starts]
        empty, long = [reach] * (reach + 1), [reach] * (reach + 1)
        for index in range(reach - 1, -1, -1):
            count = starts[index + 1] - starts[index]
            empty[index] = index if count == 0 else empty[index + 1]
            long[index] = index if count >= LEAD_MIN_WORDS else long[index + 1]
        self._next_empty, self._next_long = empty, long


def _prefix_matches(sequence: list[str | None]) -> list[int]:
    """For each position, how many items from it on equal the sequence's first ones (the Z-function: linear
    time, each item compared a bounded number of times)."""
    size = len(sequence)
    matches = [0] * size
    left = right = 0
    for position in range(1, size):
        length = min(right - position, matches[position - left]) if position < right else 0
        while position + length < size and sequence[length] == sequence[position + length]:
            length += 1
        matches[position] = length
        if position + length > right:
            left, right = position, position + length
    if size:
        matches[0] = size
    return matches
