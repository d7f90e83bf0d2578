"""The standfirst of an article page without a profile: a block classed or styled as one near the headline,
the text printed right under the headline, a dek, else the page's own description when it prints it."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from typing import Any

from scrapers.extract import structured
from scrapers.extract.markup import (
    BOX_WORDS,
    HEAD_FRAGMENT,
    INLINE_TAGS,
    INVISIBLE_TAGS,
    Page,
    class_words,
    clean_text,
    following,
    in_figure_or_box,
    is_hidden,
    link_text_length,
    text_key,
    text_of,
)


def read_lead(page: Page, title: str | None) -> tuple[str | None, str | None]:
    # The standfirst printed on the page (classed as one, a bold first paragraph, or the block printed
    # right under the headline before the body starts); else the page's own summary of the story, which
    # most CMSs fill from the standfirst, when the page prints it.
    candidates: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("standfirst", lambda: _standfirst(page)),
        ("emphasized first paragraph", lambda: _emphasized_first_paragraph(page)),
        ("text under the headline", lambda: _under_headline(page, title)),
        ("dek", lambda: _dek(page)),
        ("og:description", lambda: structured.meta_content(page.meta, "og:description")),
        ("description", lambda: structured.meta_content(page.meta, "description")),
        ("jsonld description", lambda: structured.text_value(page.article.get("description"))),
    )
    for source, read in candidates:
        if text := clean_text(read()):
            if "description" in source:
                if whole := _printed_whole(page, text):
                    return whole, f"{source}, whole as printed"
                if not _printed(page, text):
                    continue  # a summary written for search and sharing, not a standfirst on the page
                if _styled_apart(page, text):
                    return text, f"{source}, {IN_PARTS}"
            return text, source
    return None, None


# Characters XML (and so an lxml XPath variable) cannot hold: control characters, surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _probe(text: str, words: int) -> str:
    """The first `words` words of `text` as an XPath variable: a control character in a meta description
    (`\\x01`, `\\x1b`) would make lxml raise."""
    return _NOT_XML.sub("", " ".join(text.split()[:words]))


def _printed(page: Page, description: str) -> bool:
    """Whether the page's text holds the start of `description`."""
    probe = _probe(description, 6)
    return bool(page.sel.root.xpath("boolean(//body//text()[contains(., $probe)])", probe=probe))


IN_PARTS = "printed in parts"
"""The lead's source says this when the page prints the lead as several paragraphs."""
PRINTED_SOURCES = frozenset({"standfirst", "text under the headline", "dek"})
"""Sources that read the lead off the page itself, all its paragraphs."""


def printed_in_parts(source: str) -> bool:
    """Whether a lead read from `source` is the page's own standfirst, which may run over several paragraphs
    (so `split_lead` takes them all out of the body), rather than a summary of the story."""
    return source in PRINTED_SOURCES or source.endswith(IN_PARTS)


def _styled_apart(page: Page, description: str) -> bool:
    """Whether `description` starts with a paragraph styled apart from the body's other paragraphs and
    followed by more in its style: a standfirst in several paragraphs (hashed class names)."""
    probe = _probe(description, 6)
    nodes = page.sel.root.xpath("//body//p[starts-with(normalize-space(.), $probe)]", probe=probe)
    return any(_styled_apart_paragraph(node) for node in nodes)


def _styled_apart_paragraph(el: Any) -> bool:
    """Whether paragraph `el` and the few after it in its style differ in style from the paragraphs
    that follow them (the body's)."""
    parent, cls = el.getparent(), el.get("class")
    if el.tag != "p" or not cls or parent is None:
        return False
    paragraphs = [p for p in parent if p.tag == "p"]
    alike = sum(p.get("class") == cls for p in paragraphs)
    return alike <= 4 and len(paragraphs) - alike >= 2 and bool(_same_style_run(el))


def _printed_whole(page: Page, description: str) -> str | None:
    """The page's own text of a standfirst that `description` cuts short: the block whose text starts
    with the description's words and goes on."""
    words = description.split()
    if len(words) < 8:
        return None
    probe = _probe(description, 5)
    description_words = _WORD.findall(description.casefold())
    for node in page.sel.root.xpath("//body//text()[contains(., $probe)]", probe=probe):
        el = node.getparent()
        while el is not None and el.tag in INLINE_TAGS:
            el = el.getparent()
        if el is None or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html"):
            continue
        text = text_of(el)
        if len(description) < len(text) <= 1500 and _lead_printed([text], 0, description_words):
            return text
    return None


# Class or id words of a standfirst ("article__intro", "SplitScreenContentHeaderDek", "einleitung"), and
# of the things printed near it that are not one (captions, credits, players, newsletter boxes).
STANDFIRST_WORDS = frozenset({
    "lead", "lede", "leadtext", "standfirst", "intro", "introduction", "summary", "sapo", "dek", "deck",
    "subtitle", "subheadline", "subhead", "excerpt", "abstract", "chapo", "chapeau", "vorspann", "ingress",
    "einleitung", "preface", "entradilla", "occhiello", "sommario", "bajada", "lid", "preamble", "subheader",
})


NOT_STANDFIRST_WORDS = BOX_WORDS | frozenset({
    "caption", "credit", "credits", "image", "img", "photo", "picture", "media", "figure", "video", "audio",
    "player", "author", "byline", "date", "meta", "share",
})


EMPHASIS_WORDS = frozenset({"bold", "strong", "medium", "semibold", "emphasis", "lead", "intro"})


STANDFIRST_TAGS = frozenset({"p", "div", "h2", "h3", "span", "section", "header"})


STANDFIRST_WINDOW = 150
"""How many elements after the headline a standfirst may come (further down, such classes mark boxes)."""


def _standfirst(page: Page) -> str | None:
    """The first element soon after the headline classed as a standfirst that holds a sentence or a few,
    with the paragraphs printed right after it in the same style (a standfirst in several paragraphs)."""
    h1 = next(page.sel.root.iter("h1"), None)
    after = page.sel.root.iter("*") if h1 is None else following(h1)
    for el in islice(after, STANDFIRST_WINDOW):
        if not isinstance(el.tag, str) or el.tag not in STANDFIRST_TAGS:
            continue
        words = class_words(el)
        if not words & STANDFIRST_WORDS or words & NOT_STANDFIRST_WORDS or in_figure_or_box(el):
            continue
        text = text_of(el)
        if 40 <= len(text) <= 1000 and link_text_length(el) < len(text) / 2 and not _mostly_caption(el, text):
            return "\n\n".join([text, *(text_of(sibling) for sibling in _same_style_run(el))])
    return None


def _mostly_caption(el: Any, text: str) -> bool:
    """Whether most of `el`'s text is a figure's caption or credit (a "lead" image block)."""
    captions = sum(len(text_of(f)) for f in el.iter("figcaption", "figure") if f.getparent() is not None)
    return captions >= len(text) / 2


def _same_style_run(el: Any, limit: int = 4) -> list[Any]:
    """The siblings right after `el` with its tag and class that hold text rather than links, up to `limit`."""
    run: list[Any] = []
    cls = el.get("class")
    if not cls:
        return run
    sibling = el.getnext()
    while sibling is not None and len(run) < limit and sibling.tag == el.tag and sibling.get("class") == cls:
        text = text_of(sibling)
        if link_text_length(sibling) >= len(text) / 2:
            break  # a link to another story printed in the standfirst's style
        run.append(sibling)
        sibling = sibling.getnext()
    return run


HEADLINE_TAGS = ("h1", "h2")


NOT_UNDER_HEADLINE = frozenset({"figure", "aside", "nav", "ul", "ol", "time", "address", "button", "form", "table"})


def _under_headline(page: Page, title: str | None) -> str | None:
    """The text block printed right under the headline, before the body starts: a standfirst the page
    does not class as one. Kickers, bylines, dates and images between the two are passed over."""
    headline = _headline_element(page, title)
    guessed = headline is None
    if guessed:
        headline = _story_heading(page)
        if headline is None:
            return None
    node, hops = headline, 0
    while node is not None and hops < 4:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in INVISIBLE_TAGS:
                continue
            text, words = text_of(sibling), class_words(sibling)
            if sibling is page.first_block or page.first_block in sibling.iterdescendants():
                # The body starts right away, unless with a sentence set as a subheading (a dek).
                return text if sibling.tag in ("h2", "h3") and len(text) >= DEK_LENGTH else None
            if (
                sibling.tag in NOT_UNDER_HEADLINE
                or (words & NOT_STANDFIRST_WORDS and not words & STANDFIRST_WORDS)
                or any(d.tag in ("time", "address", "button") for d in sibling.iterdescendants())
                or is_hidden(sibling)
                or "hidden" in words
                or len(text) < 40
                or (len(text) < 150 and _CLOCK_TIME.search(text))
                or link_text_length(sibling) >= len(text) / 2
                or _mostly_caption(sibling, text)
            ):
                continue
            if len(text) > 1000 or sibling.tag not in STANDFIRST_TAGS:
                return None
            if guessed and not _before_body(page, sibling):
                return None  # a heading inside the story, not over it
            if _styled_apart_paragraph(sibling):
                return "\n\n".join([text, *(text_of(more) for more in _same_style_run(sibling))])
            return text
        node, hops = node.getparent(), hops + 1
    return None


_CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?!\d)")
"""A time of day: a short line holding one is a dateline or byline, not a standfirst."""


def _in_menu(el: Any) -> bool:
    return any(a.tag in ("li", "nav") for a in el.iterancestors())


def _story_heading(page: Page) -> Any:
    """The first heading of the story's <article> when no heading prints the title (the share title is
    reworded), outside breadcrumbs and menus."""
    for article in page.sel.root.iter("article"):
        for el in article.iter(*HEADLINE_TAGS):
            if not _in_menu(el) and text_of(el):
                return el
    return None


def _before_body(page: Page, el: Any) -> bool:
    """Whether `el` comes before the body's first paragraph in the page."""
    first = page.first_block
    if first is None:
        return False
    for node in page.sel.root.iter():
        if node is el:
            return True
        if node is first:
            return False
    return False


def _dek(page: Page) -> str | None:
    """A body opening with a subheading that is a sentence or a few: the story's dek."""
    first = page.first_block
    if first is not None and first.tag in ("h2", "h3") and len(text := text_of(first)) >= DEK_LENGTH:
        return text
    return None


DEK_LENGTH = 60
"""A subheading this long is a sentence, not a section title."""


def _headline_element(page: Page, title: str | None) -> Any:
    """The heading that prints `title`, or its end (the title may lead with a kicker); not one in a
    breadcrumb or menu."""
    key = text_key(title or "")
    for el in page.sel.root.iter(*HEADLINE_TAGS):
        if _in_menu(el):
            continue
        text = text_key(text_of(el))
        if not key or not text:
            continue
        if text == key or (len(text) >= 20 and text in key) or (len(text) >= 8 and key.endswith(text)):
            return el
    return None


def _emphasized_first_paragraph(page: Page) -> str | None:
    """The body's first paragraph when it is set apart as a standfirst: all in bold, or classed so."""
    el = page.first_block
    if el is None or el.tag != "p":
        return None
    text = text_of(el)
    if not 60 <= len(text) <= 800:
        return None
    bold = "".join(text_of(b) for b in el if isinstance(b.tag, str) and b.tag in ("strong", "b"))
    if len(bold) >= 0.9 * len(text) or class_words(el) & EMPHASIS_WORDS:
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
    for index in range(search):
        end = _lead_printed(paragraphs, index, lead_words, in_parts=in_parts)
        if not end and not in_parts and _after_dateline(_WORD.findall(paragraphs[index].casefold()), lead_words):
            end = index + 1  # the description repeats the paragraph without its dateline ("BERLIN (AP) —")
        if end:
            return "\n\n".join(paragraphs[index:end]), "\n\n".join(paragraphs[:index] + paragraphs[end:])
    if not in_parts and len(lead_words) >= LEAD_MIN_WORDS:
        for paragraph in paragraphs[search:]:
            if _lead_printed([paragraph], 0, lead_words, in_parts=False):
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


def _lead_printed(paragraphs: list[str], index: int, lead_words: list[str], *, in_parts: bool = True) -> int:
    """When the paragraphs from `index` on print the lead, the index past the last of them; else 0.
    A description is often the standfirst, or the first paragraph, cut at a word limit ("..." at the
    end): its last part then starts with all the remaining words but the last, which may be cut mid-word.
    The printed paragraphs are the lead, whole, rather than printed twice (measured: aeb body F1 +0.009,
    fundus-dev lead -0.010, one page whose truth keeps the cut description)."""
    covered, end = 0, index
    while end < len(paragraphs) and covered < len(lead_words):
        words = _WORD.findall(paragraphs[end].casefold())
        rest = lead_words[covered:]
        if words and words == rest[: len(words)]:
            if not in_parts and len(words) >= LEAD_MIN_WORDS:
                return end + 1
            covered, end = covered + len(words), end + 1
        elif len(lead_words) >= LEAD_MIN_WORDS and len(rest) < len(words) and words[: len(rest) - 1] == rest[:-1]:
            return end + 1  # the description stops short inside this paragraph
        else:
            break
    return end if covered == len(lead_words) else 0
