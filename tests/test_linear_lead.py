"""The lead reader on pages that repeat one structure thousands of times answers what it answered when it read
each block (or split each paragraph into words) again for every text that led to it: the definitions it had
then are kept here as the oracles, and asked of random pages and of the repeating shapes at a small size. How its
time grows with the page is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import random
from itertools import islice

import pytest
from lxml import etree

from scrapers.extract import lead, read_page
from scrapers.extract.lead import (
    HEADLINE_TAGS,
    INLINE_TAGS,
    INVISIBLE_TAGS,
    LEAD_MIN_WORDS,
    NOT_STANDFIRST_WORDS,
    STANDFIRST_MAX,
    STANDFIRST_MIN,
    STANDFIRST_TAGS,
    STANDFIRST_WINDOW,
    STYLE_RUN,
    WHOLE_STANDFIRST_MAX,
    _after_dateline,
    _before_body,
    _first_paragraphs,
    _in_menu,
    _in_page_chrome,
    _lead_printed,
    _may_be_standfirst,
    _mostly_caption,
    _probe,
    _same_style_run,
)
from scrapers.extract.markup import (
    MOSTLY_LINKS,
    class_words,
    following,
    in_figure_or_box,
    link_text_length,
    text_key,
    text_of,
    text_within,
)
from scrapers.extract.parsed import Element, Parsed, parse_page
from scrapers.extract.vocabulary import STANDFIRST_CLASS_WORDS

URL = "https://example.com/news/story-1"
WORDS = ("alpha", "beta", "gamma", "delta")


def old_printed_whole(parsed: Parsed, description: str, first: Element | None) -> str | None:
    """`lead._printed_whole` as it read each block again for each of its texts."""
    words = description.split()
    if len(words) < LEAD_MIN_WORDS:
        return None
    probe = _probe(description, 5)
    description_words = lead._WORD.findall(description.casefold())
    for node in (text for text in parsed.texts if probe in text and not _in_page_chrome(text)):
        el = node.getparent()
        while el is not None and el.tag in INLINE_TAGS:
            el = el.getparent()
        if el is None or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html"):
            continue
        text = text_of(el)
        if len(description) < len(text) <= WHOLE_STANDFIRST_MAX and _lead_printed([text], 0, description_words):
            return text
        words = lead._WORD.findall(text.casefold())
        if (STANDFIRST_MIN <= len(text) <= WHOLE_STANDFIRST_MAX
                and words[:LEAD_MIN_WORDS] == description_words[:LEAD_MIN_WORDS]
                and description_words[: len(words)] != words and not in_figure_or_box(el)
                and (el is first or _before_body(parsed.root, first, el))):
            return text
    return None


def old_styled_apart_paragraph(el: Element) -> bool:
    """`lead._styled_apart_paragraph` as it counted a parent's paragraphs for each paragraph asked."""
    parent, cls = el.getparent(), el.get("class")
    if el.tag != "p" or not cls or parent is None:
        return False
    paragraphs = [p for p in parent if p.tag == "p"]
    alike = sum(p.get("class") == cls for p in paragraphs)
    return alike <= STYLE_RUN and len(paragraphs) - alike >= 2 and bool(_same_style_run(el))


def old_styled_apart(parsed: Parsed, description: str) -> bool:
    probe = _probe(description, 6)
    classed = (p for p in parsed.tagged("p") if p.get("class"))
    return any(old_styled_apart_paragraph(p) for p in classed if lead._BODY_TEXT_STARTS(p, probe=probe))


def random_description(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS[:2] if rng.random() < 0.5 else WORDS) for _ in range(rng.randint(6, 12)))


def random_lead_page(rng: random.Random, description: str) -> bytes:
    """Tag soup of blocks and inline elements whose texts start as `description` does, go on past it, say it
    otherwise, or run long (past the standfirst's limits), with spaces doubled and character references."""
    words = description.split()

    def text() -> str:
        kind = rng.random()
        if kind < 0.3:
            found = words[: rng.randint(1, len(words))]
        elif kind < 0.5:
            found = words + [rng.choice(WORDS) for _ in range(rng.randint(1, 8))]
        elif kind < 0.6:
            found = words[:LEAD_MIN_WORDS] + ["otherwise"] * rng.randint(1, 6)
        elif kind < 0.7:
            found = words + [rng.choice(WORDS) for _ in range(rng.randint(200, 400))]
        else:
            found = [rng.choice(WORDS) for _ in range(rng.randint(0, 5))]
        joined = rng.choice((" ", "  ", " \n ")).join(found)
        return joined.replace(" ", " &amp;amp;amp; ", 1) if rng.random() < 0.1 else joined

    def children(depth: int) -> str:
        parts = [text()]
        for _ in range(rng.randint(0, 4 if depth < 5 else 0)):
            tag = rng.choice(("div", "p", "p", "span", "b", "a", "br", "nav", "footer", "script", "figure", "h2"))
            cls = rng.choice(("", "x", "x", "y", "standfirst"))
            inner = "" if tag == "br" else children(depth + 1)
            parts.append(f'<{tag} class="{cls}">{inner}</{tag}>{text() if rng.random() < 0.5 else ""}')
        return "".join(parts)

    return f"<html><head><title>T</title></head><body>{children(0)}</body></html>".encode()


def parsed_page(html: bytes) -> Parsed:
    return parse_page(read_page(html), URL)


@pytest.mark.parametrize("seed", range(3))
def test_the_whole_printed_standfirst_is_what_reading_each_block_for_each_text_found(seed: int) -> None:
    rng = random.Random(seed)
    found = 0
    for _ in range(150):
        description = random_description(rng)
        parsed = parsed_page(random_lead_page(rng, description))
        elements = list(parsed.root.iter(etree.Element))
        for first in (None, rng.choice(elements), rng.choice(elements)):
            whole = lead._printed_whole(parsed, description, first)
            assert whole == old_printed_whole(parsed, description, first), etree.tostring(parsed.root)
            found += whole is not None
    assert found > 50  # the shapes reach both answers


@pytest.mark.parametrize("seed", range(3))
def test_text_within_is_the_text_when_it_fits_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    for _ in range(100):
        parsed = parsed_page(random_lead_page(rng, random_description(rng)))
        for el in parsed.root.iter(etree.Element):
            text = text_of(el)
            for limit in (0, 3, 40, 200, 1000, WHOLE_STANDFIRST_MAX):
                within = text_within(el, limit)
                assert within == (text if len(text) <= limit else None), etree.tostring(el)
                answers[within is None] += 1
    assert min(answers.values()) > 1000


def test_text_within_reads_character_references_and_spaces_as_text_of_does() -> None:
    # References escaped twice (the parser reads the first escape; `collapse_space` the second, as a meta value
    # escaped twice), cut at the check's point; spaces doubled across elements; texts that only fit once their
    # references are read.
    for inner in ("<b>&amp;amp;</b>" * 60, "<i>a  </i>" * 100 + "&amp;CounterClockwiseContourIntegral;" * 10,
                  "<b>x </b>" * 50 + "&amp;lt" * 30, "<b>&amp;#0000000065;</b>" * 40):
        el = read_page(f"<html><body><div>{inner}</div></body></html>".encode()).root.find(".//div")
        assert el is not None
        text = text_of(el)
        for limit in range(0, len(inner) + 2, 7):
            assert text_within(el, limit) == (text if len(text) <= limit else None)


@pytest.mark.parametrize("seed", range(3))
def test_a_standfirst_styled_apart_is_what_counting_each_paragraphs_parent_found(seed: int) -> None:
    rng = random.Random(seed)
    answers = {True: 0, False: 0}
    for _ in range(150):
        description = random_description(rng)
        parsed = parsed_page(random_lead_page(rng, description))
        styled = lead._styled_apart(parsed, description)
        assert styled is old_styled_apart(parsed, description), etree.tostring(parsed.root)
        for p in parsed.tagged("p"):
            assert lead._styled_apart_paragraph(p) is old_styled_apart_paragraph(p)
        answers[styled] += 1
    assert min(answers.values()) > 3


DESCRIPTION = "alpha beta gamma delta epsilon zeta eta theta iota kappa"


def page(body: str, head: str) -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("n", [1, 2, 30])
def test_the_repeating_shapes_read_as_they_did(n: int) -> None:
    og = f"<title>T</title><meta property='og:description' content='{DESCRIPTION}'>"
    shapes = [
        page("<div>" + (DESCRIPTION + " other words here<br>") * n + "</div>", og),  # lines in one block
        page("<div>" + f"<span>{DESCRIPTION}" * n + "</span>" * n + "</div>", og),  # nested inline elements
        page("<div>" + f"<div>{DESCRIPTION} more" * n + "</div>" * n, og),  # nested blocks
        page("<div>" + f"<p class='x'>{DESCRIPTION}</p>" * n + "<p>a</p><p>b</p></div>", og),  # styled paragraphs
    ]
    for html in shapes:
        parsed = parsed_page(html)
        first = next(iter(parsed.tagged("p")), None)
        assert lead._printed_whole(parsed, DESCRIPTION, first) == old_printed_whole(parsed, DESCRIPTION, first)
        assert lead._styled_apart(parsed, DESCRIPTION) is old_styled_apart(parsed, DESCRIPTION)


def old_lead_printed(paragraphs: list[str], index: int, lead_words: list[str], *, in_parts: bool = True) -> int:
    """`lead._lead_printed` as it split each paragraph and copied the rest of the lead at each step."""
    covered, end = 0, index
    while end < len(paragraphs) and covered < len(lead_words):
        words = lead._WORD.findall(paragraphs[end].casefold())
        rest = lead_words[covered:]
        if words and words == rest[: len(words)]:
            if not in_parts and len(words) >= LEAD_MIN_WORDS:
                return end + 1
            covered, end = covered + len(words), end + 1
        elif len(lead_words) >= LEAD_MIN_WORDS and len(rest) < len(words) and words[: len(rest) - 1] == rest[:-1]:
            return end + 1
        else:
            break
    return end if covered == len(lead_words) else 0


def old_split_lead(body: str, description: str, *, in_parts: bool = False) -> tuple[str, str]:
    """`lead.split_lead` as it walked from each of the first paragraphs anew."""
    paragraphs = body.split("\n\n")
    lead_words = lead._WORD.findall(description.casefold())
    search = _first_paragraphs(paragraphs)
    for index in range(search):
        end = old_lead_printed(paragraphs, index, lead_words, in_parts=in_parts)
        if not end and not in_parts and _after_dateline(lead._WORD.findall(paragraphs[index].casefold()), lead_words):
            end = index + 1
        if end:
            return "\n\n".join(paragraphs[index:end]), "\n\n".join(paragraphs[:index] + paragraphs[end:])
    if not in_parts and len(lead_words) >= LEAD_MIN_WORDS:
        for paragraph in paragraphs[search:]:
            if lead_words[0] in paragraph.casefold() and old_lead_printed([paragraph], 0, lead_words, in_parts=False):
                return "", body
    return description, body


def random_paragraph(rng: random.Random, vocabulary: tuple[str, ...]) -> str:
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(("", "...", " — "))
    if kind < 0.2:
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 30)))  # past HEAD_FRAGMENT
    return " ".join(rng.choice(vocabulary) + rng.choice(("", "", ".", ",")) for _ in range(rng.randint(1, 9)))


@pytest.mark.parametrize("seed", range(3))
def test_the_lead_split_off_is_what_walking_from_each_paragraph_anew_found(seed: int) -> None:
    rng = random.Random(seed)
    split = 0
    for _ in range(3000):
        vocabulary = ("w", "W", "x", "y")[: rng.randint(1, 4)]
        paragraphs = [random_paragraph(rng, vocabulary) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.5:  # a description that some run of the paragraphs prints, perhaps cut short
            start = rng.randrange(len(paragraphs))
            words = " ".join(paragraphs[start : start + rng.randint(1, 5)]).split()
            description = " ".join(words[: rng.randint(0, len(words))] if rng.random() < 0.3 else words)
        else:
            description = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 16)))
        body = "\n\n".join(paragraphs)
        for in_parts in (False, True):
            found = lead.split_lead(body, description, in_parts=in_parts)
            assert found == old_split_lead(body, description, in_parts=in_parts), (body, description, in_parts)
            split += found[1] != body
    assert split > 1000


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 40])
def test_the_lead_repeated_word_by_word_splits_as_it_did(n: int) -> None:
    long = "Story text that is long enough to count as a paragraph of the article body here. " * 3
    for extra in (0, 1, 99, 100, 101, 102):
        for words in ("w " * (n + extra), "w " * (n + extra) + "x", "w. " * n + "w wor"):
            for tail in ([], [long] * 3, ["w w w w w w w w w"], ["w."] * 3 + [long]):
                body = "\n\n".join(["w w w w w w w w"] + ["w."] * n + tail)
                for in_parts in (False, True):
                    assert lead.split_lead(body, words, in_parts=in_parts) == old_split_lead(
                        body, words, in_parts=in_parts)


def old_headline_element(headings: tuple[Element, ...], title: str | None) -> Element | None:
    """`lead._headline_element` as it searched the title for each heading, alike or not."""
    key = text_key(title or "")
    if not key:
        return None
    for el in headings:
        if el.tag not in HEADLINE_TAGS or _in_menu(el):
            continue
        text = text_key(text_of(el))
        if not text:
            continue
        if text == key or (len(text) >= 20 and text in key) or (len(text) >= 8 and key.endswith(text)):
            return el
    return None


PHRASES = ("Short", "Heading that is long enough here", "the end of it", "A kicker: heading that is long enough here",
           "", "enough here", "here")


@pytest.mark.parametrize("seed", range(3))
def test_the_headline_is_the_heading_that_searching_the_title_for_each_found(seed: int) -> None:
    rng = random.Random(seed)
    found = 0
    for _ in range(300):
        headings = []
        for _ in range(rng.randint(0, 12)):
            tag = rng.choice(("h1", "h2", "h2", "h3"))
            heading = f"<{tag}>{rng.choice(PHRASES)}</{tag}>"
            headings.append(f"<ul><li>{heading}</li></ul>" if rng.random() < 0.2 else heading)
        parsed = parsed_page(page("".join(headings), "<title>T</title>"))
        for title in (None, "", rng.choice(PHRASES), " ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 4)))):
            element = lead._headline_element(parsed.headings, title)
            assert element is old_headline_element(parsed.headings, title), (etree.tostring(parsed.root), title)
            found += element is not None
    assert found > 150  # headlines found, and not


def test_many_alike_headings_under_a_long_title_read_as_they_did() -> None:
    for n in (1, 2, 30):
        parsed = parsed_page(page("<h2>Heading that is long enough here</h2>" * n + "<h2>the end of it</h2>", ""))
        for title in ("word " * (20 * n), "word " * (20 * n) + "the end of it"):
            assert lead._headline_element(parsed.headings, title) is old_headline_element(parsed.headings, title)


def old_standfirst(root: Element, h1: Element | None, first: Element | None = None) -> str | None:
    """`lead._standfirst` as it read the whole text of each element classed as a standfirst."""
    after = root.iter("*") if h1 is None else following(h1)
    started = False
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
        text = text_of(el)
        if (STANDFIRST_MIN <= len(text) <= STANDFIRST_MAX and link_text_length(el) < MOSTLY_LINKS * len(text)
                and not _mostly_caption(el, text)):
            return "\n\n".join([text, *(text_of(sibling) for sibling in _same_style_run(el))])
    return None


@pytest.mark.parametrize("seed", range(3))
def test_the_standfirst_is_what_reading_each_classed_elements_whole_text_found(seed: int) -> None:
    rng = random.Random(seed)
    found = 0
    for _ in range(200):
        html = random_lead_page(rng, random_description(rng))
        if rng.random() < 0.7:
            html = html.replace(b"<body>", b"<body><h1>Headline</h1>" + b"<div class='standfirst'>" * rng.randint(0, 3))
        parsed = parsed_page(html)
        elements = list(parsed.root.iter(etree.Element))
        h1 = next(iter(parsed.tagged("h1")), None)
        for first in (None, rng.choice(elements)):
            standfirst = lead._standfirst(parsed.root, h1, first)
            assert standfirst == old_standfirst(parsed.root, h1, first), etree.tostring(parsed.root)
            found += standfirst is not None
    assert found > 30


def test_a_standfirst_wrapping_the_page_many_times_reads_as_it_did() -> None:
    for n in (1, 2, 30):
        for inner in (f"<p>{DESCRIPTION}</p>", f"<p>{DESCRIPTION * 3}</p>" * n):
            wrapped = "<div class='standfirst'>" * n + inner + "</div>" * n
            parsed = parsed_page(page("<h1>Headline of the story here</h1>" + wrapped, ""))
            h1 = parsed.tagged("h1")[0]
            assert lead._standfirst(parsed.root, h1) == old_standfirst(parsed.root, h1)
