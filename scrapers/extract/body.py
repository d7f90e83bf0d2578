"""The story's text on a page without a profile: the container its paragraphs make, read as blocks (paragraphs,
subheadings, text lists, data tables), without boxes, labels and chrome; images with their captions."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import islice
from urllib.parse import urljoin

import lxml.html

from scrapers.extract import structured
from scrapers.extract.markup import (
    BLOCK_TAGS,
    HEAD_FRAGMENT,
    HEADING_TAGS,
    INLINE_TAGS,
    INVISIBLE_TAGS,
    LIST_TAGS,
    MOSTLY_LINKS,
    SENTENCE_END,
    SKIP_TAGS,
    TEASER_ITEMS,
    all_text,
    is_boilerplate,
    is_caption_frame,
    is_teaser_list,
    link_text_length,
    text_of,
)
from scrapers.extract.markup import collapsed_length as _collapsed_length
from scrapers.extract.parsed import Element, Parsed, TextNode
from scrapers.extract.text import collapse_space
from scrapers.extract.vocabulary import AD_LABELS, PROMPT_PHRASES, all_words, alternation
from scrapers.items import Image

Block = tuple[str, Element | None]
"""A block of the story: its text, and its element (None for loose text between elements)."""


MIN_PARAGRAPH = 20
"""A text block shorter than this scores nothing for its container (a label, a date, a caption line)."""


SHORT_BODY = 300
"""A body this short may be a page whose story its scripts render; an `itemprop=articleBody` holding no more is
a teaser or a wrapper of the lead only, and JSON-LD's `articleBody` must give more than this to be taken."""


STORY_TEXT = 500
"""A wrapper (form, layout table, marked box) holding this many characters of paragraphs, and half of the
page's, holds the story and is not excluded."""


WIDEN_ONE = 1.15
"""The container's parent holding this many times its text holds more of the story: the container widens."""


WIDEN = 1.6
"""An ancestor holding this many times the chosen container's text holds a story split in parts."""


@dataclass(frozen=True)
class Story:
    """Where the story is on the page and what it says, as the body reader found it."""

    body: str
    """Paragraphs and subheadings in reading order, joined by a blank line (before `trim_head`)."""
    source: str | None
    """The signal the body came from (`itemprop=articleBody`, `text density`, `jsonld`, `script data`)."""
    container: Element | None
    """The element holding the story's blocks; None when no container holds text."""
    first_block: Element | None
    """The element of the body's first block, when the body was read from the page's markup."""
    last_block: Element | None
    """The element of the body's last block (the container's, even when JSON-LD gave the text)."""


def find_story(parsed: Parsed) -> Story:
    guard = _Exclusions(parsed)
    for node in parsed.itemprops.get("articleBody", ()):
        blocks = _blocks(node, guard)
        if sum(len(text) for text, _ in blocks) > SHORT_BODY:
            return _read_story(blocks, "itemprop=articleBody", node)
    container = _best_container(parsed, guard)
    blocks = _blocks(container, guard) if container is not None else []
    story = _read_story(blocks, "text density", container)
    # Pages that render the story with JavaScript often still carry it whole in their JSON-LD.
    structured_body = structured.text_value(parsed.article.get("articleBody")) or ""
    if len(structured_body) > max(2 * len(story.body), SHORT_BODY):
        text = "\n\n".join(p for p in (collapse_space(line) for line in structured_body.splitlines()) if p)
        return replace(story, body=text, source="jsonld", first_block=None)
    scripted = _body_in_scripts(parsed.root) if len(story.body) < SHORT_BODY else ""
    if len(scripted) > 2 * len(story.body):
        return replace(story, body=scripted, source="script data", first_block=None, last_block=None)
    return story


def _read_story(
    blocks: list[Block], source: str, container: Element | None
) -> Story:
    body = "\n\n".join(text for text, _ in blocks)
    first = blocks[0][1] if blocks else None
    last = blocks[-1][1] if blocks else None
    return Story(body, source if body else None, container, first, last)


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*+(")?')
r"""A double-quoted string, or (without group 1) the unterminated rest of one. The possessive loop reads each
character once: `"(?:[^"\\]|\\.)*"` was tried again from each escaped quote of an unterminated string to its
end (quadratic: 100 KB of `\"` took 28 s). A match without its closing quote ran to the end of the code (or to
a backslash before a line break), and no quote inside it starts a string either: each ends an escape, so
reading on from it reads the same characters the same way."""


_ESCAPED_PARAGRAPH = re.compile(r"\\u003cp[\s>\\]|<p[\s>]", re.IGNORECASE)


def _body_in_scripts(root: Element) -> str:
    """The story as a page that renders it with JavaScript carries it: HTML in a string of its inline
    data (Next.js `__NEXT_DATA__` and `self.__next_f.push`, Nuxt, Apollo state), often JSON within a
    JavaScript string. The longest such string with three or more paragraphs, read as a body."""
    best = ""
    for script in root.iter("script"):
        code = script.text or ""
        if script.get("src") or "ld+json" in (script.get("type") or ""):
            continue
        for markup in _html_strings(code):
            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
            blocks = _Blocks()
            _collect(fragment, blocks, _Verdicts())
            text = "\n\n".join(text for text, _ in blocks)
            if len(text) > len(best):
                best = text
    return best


def _html_strings(code: str, depth: int = 0) -> Iterator[str]:
    """The innermost string values in `code` that hold three or more paragraphs of HTML."""
    if depth > 2 or len(_ESCAPED_PARAGRAPH.findall(code)) < 3:
        return
    for match in _STRING_LITERAL.finditer(code):
        literal = match.group()
        if match.group(1) is None or len(_ESCAPED_PARAGRAPH.findall(literal)) < 3:
            continue
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        inner = list(_html_strings(value, depth + 1)) if isinstance(value, str) and '"' in value else []
        yield from inner or ([value] if isinstance(value, str) else [])


IMAGE_SOURCES = ("data-src", "data-original", "data-lazy-src", "src")


def body_images(story: Story, url: str) -> list[Image]:
    """The images of the body's container, with their alt text and the caption of their figure, in page
    order; beside the container only a figure counts (the lead image above the text). Images in boxes
    (related stories, galleries, ads) do not."""
    container = story.container
    if container is None:
        return []
    scope = container.getparent()
    if scope is None:
        scope = container
    images: dict[str, Image] = {}
    boxed: dict[Element, bool] = {}  # whether each element is a box: the images of a gallery share their ancestors
    framed: set[Element] = set()  # caption frames (`is_caption_frame`) `boxed` met: figures of their images
    captions: dict[Element, str | None] = {}  # each figure's, read once for all its images
    for img in scope.iter("img"):
        ancestors = list(_ancestors_below(img, scope))
        if any(_is_box(a, boxed, framed) for a in ancestors):
            continue
        figure = next((a for a in ancestors if a.tag == "figure" or a in framed), None)
        if container not in ancestors and figure is None:
            continue
        src = _image_url(img, url)
        if src and src not in images:
            caption = _caption(figure, captions) if figure is not None else None
            images[src] = Image(url=src, alt=collapse_space(img.get("alt")) or None, caption=caption or None)
    return list(images.values())


def _caption(figure: Element, captions: dict[Element, str | None]) -> str | None:
    """The text of the caption of `figure`, read once for each figure in `captions`: a figure of many images
    and a long caption once read it again for each image (quadratic: 4 s on 120 KB)."""
    if figure in captions:
        return captions[figure]
    figcaption = figure.find(".//figcaption")
    if figcaption is None and figure.tag != "figure":  # a caption frame's caption: its element of a caption class
        figcaption = next((el for el in figure.iterdescendants() if isinstance(el.tag, str) and el.tag != "img"
                           and is_caption_frame(el) and el.find(".//img") is None), None)
    caption = captions[figure] = text_of(figcaption) if figcaption is not None else None
    return caption


def _ancestors_below(el: Element, scope: Element) -> Iterator[Element]:
    """The ancestors of `el` below `scope`, nearest first (all of them when `scope` is none of them)."""
    for ancestor in el.iterancestors():
        if ancestor is scope:
            return
        yield ancestor


def _is_box(el: Element, boxed: dict[Element, bool], framed: set[Element]) -> bool:
    """Whether `el` is marked as boilerplate and not as the story, nor as an image's caption frame (added to
    `framed`), answered once for each element in `boxed`."""
    verdict = boxed.get(el)
    if verdict is None:
        verdict = is_boilerplate(el) and not _marked_as_story(el)
        if verdict and is_caption_frame(el):
            framed.add(el)
            verdict = False
        boxed[el] = verdict
    return verdict


def _image_url(img: Element, base: str) -> str | None:
    for name in IMAGE_SOURCES:
        src = (img.get(name) or "").strip()
        if src and not src.startswith("data:"):
            try:
                return str(urljoin(base, src))
            except ValueError:  # "http://[::1": a malformed address, one image less rather than a failed page
                continue
    return None


LABEL_REPEATS = 3
"""A short line printed this many times between the paragraphs is a label ("Article content", "Advertisement")."""


def _without_labels(blocks: list[str]) -> list[str]:
    """`blocks` without a short line printed again and again between paragraphs ("Article content",
    "Advertisement"); a short line repeated among other short lines (a schedule, a table) stays."""
    counts = Counter(block for block in blocks if _may_be_label(block))

    def apart(index: int, block: str) -> bool:  # a paragraph, the same label again, or the body's edge
        return not 0 <= index < len(blocks) or len(blocks[index]) >= HEAD_FRAGMENT or blocks[index] == block

    between_paragraphs = Counter(
        block
        for index, block in enumerate(blocks)
        if counts[block] and apart(index - 1, block) and apart(index + 1, block)
    )
    labels = {block for block, n in counts.items() if n >= LABEL_REPEATS and between_paragraphs[block] >= 0.75 * n}
    return [block for block in blocks
            if block not in labels and not _is_ad_line(block) and not NOT_STORY_LINE.match(block)
            and not _ends_with_credit(block)]


AD_LINES = all_words(AD_LABELS)
"""Lines that only announce an ad slot, in any language."""


AD_LINE_MAX = max(map(len, AD_LINES))
"""The length of the longest of `AD_LINES`: a longer block is none of them."""


def _is_ad_line(block: str) -> bool:
    """Whether `block` is one of `AD_LINES`. Casefolding never shortens a text (each character folds to one or
    more), so a block longer than the longest line is not casefolded to be compared: casefolding every
    paragraph of every body was a third of `trim_head`'s time over the 309 real pages of tests/data."""
    return len(block) <= AD_LINE_MAX and block.casefold() in AD_LINES


NOT_STORY_LINE = re.compile(
    r"^(?:photo|photos|foto|fotos|bild|image|picture|credit|crédit|photo credit|crédito)\s*:\s*[^.!?]{1,60}$",
    re.IGNORECASE,
)
"""A line that is only a photo credit ("Photo: AFP", "Image: Jane Doe"), not a sentence of the story."""


CAPTION_END = re.compile(
    r"(?:^|[.!?)\s])\(?(?:photo|photos|foto|fotos|bild|image|picture|credit|crédit|crédito)\s*(?:\[m\])?\s*:"
    r"\s*[^.!?:]{1,60}\)?$",
    re.IGNORECASE,
)
"""A block that ends with a photo credit ("... tritt zurück. Foto: Jane Doe/dpa", "(credit: NASA)"): an image's
caption printed among the paragraphs, not a sentence of the story."""


CREDIT_TAIL = 62
"""Characters after a block's last colon, leading spaces aside, that a credit matching `CAPTION_END` takes at
most: its 60, a closing parenthesis and a final newline (where `$` matches too)."""


def _ends_with_credit(block: str) -> bool:
    """Whether `block` ends with a photo credit (`CAPTION_END`). The credit's colon is the block's last, so a block
    with none, or with more after it than a credit takes, is not searched: the search tries every position of
    every paragraph, and took two thirds of `trim_head`'s time."""
    colon = block.rfind(":")
    return colon >= 0 and len(block[colon + 1:].lstrip()) <= CREDIT_TAIL and bool(CAPTION_END.search(block))


def _may_be_label(block: str) -> bool:
    return len(block) < HEAD_FRAGMENT and not SENTENCE_END.search(block) and any(c.isalpha() for c in block)


def trim_head(body: str, title: str | None) -> str:
    """`body` without the headline printed again in it, without short labels repeated between its
    paragraphs, and without the short fragments above its first real paragraph and below its last:
    gallery counters ("1 / 8"), photo credits, "Back to Gallery", kickers, box headings."""
    headline = (title or "").casefold()
    # A block longer than the casefolded headline is not the headline: casefolding never shortens a text.
    blocks = [block for block in body.split("\n\n") if len(block) > len(headline) or block.casefold() != headline]
    blocks = _without_labels(blocks)
    start = 0  # the fragments above counted, then cut at once (popping each off the front moved all the rest)
    while len(blocks) - start > 1 and len(blocks[start]) < HEAD_FRAGMENT and not SENTENCE_END.search(blocks[start]):
        start += 1
    del blocks[:start]
    while len(blocks) > 1 and (
            (len(blocks[-1]) < HEAD_FRAGMENT and not SENTENCE_END.search(blocks[-1])) or _prompt(blocks[-1])):
        blocks.pop()  # box headings, labels and prompts left below the story ("Most Popular Videos")
    return "\n\n".join(blocks)


PROMPT_MAX = 300
"""A prompt at the story's edge is shorter than this; a longer block is a paragraph that may mention one."""


PROMPT = re.compile(rf"(?<!\w)(?:{alternation(all_words(PROMPT_PHRASES))})(?!\w)")


def _prompt(block: str) -> bool:
    """Whether `block` is a short call to sign up, subscribe, follow or install an app. Only the body's end is
    trimmed of them: a story's first paragraph may be about a newsletter or an app."""
    return len(block) < PROMPT_MAX and bool(PROMPT.search(block.casefold()))


class _Verdicts:
    """Whether an element is marked as boilerplate and whether it is a list of story cards, each asked once a
    page: the container search asks it of the ancestors of the text, the block reader of the container's
    children, many the same elements."""

    def __init__(self) -> None:
        self._boilerplate: dict[Element, bool] = {}
        self._teasers: dict[Element, bool] = {}

    def boilerplate(self, el: Element) -> bool:
        verdict = self._boilerplate.get(el)
        if verdict is None:
            verdict = self._boilerplate[el] = is_boilerplate(el)
        return verdict

    def teaser_list(self, el: Element) -> bool:
        if len(el) < TEASER_ITEMS:
            return False  # what `is_teaser_list` answers first, without the cache (nine in ten of the questions)
        verdict = self._teasers.get(el)
        if verdict is None:
            verdict = self._teasers[el] = is_teaser_list(el)
        return verdict


class _Exclusions(_Verdicts):
    """Which elements sit in navigation, an aside, a hidden element or a box marked as
    boilerplate. A marked box that holds the headline is the article itself (WordPress and
    Drupal print tags and states into the article's classes), so it is not excluded; nor is a
    form, layout table or marked box that holds most of the page's paragraph text (a page wrapped
    in one ASP.NET <form>, a table layout, a layout column classed "l-sidebar-fixed")."""

    def __init__(self, parsed: Parsed) -> None:
        super().__init__()
        self.verdicts: dict[Element, bool] = {}
        headline = next(iter(parsed.tagged("h1")), None)
        self.holds_headline = set(headline.iterancestors()) if headline is not None else set()
        self.paragraphs = parsed.tagged("p")
        self.paragraph_lengths: dict[Element, int] = {}

    @cached_property
    def paragraph_text(self) -> int:
        """Length of the text of the page's <p> elements: asked only of a wrapper holding `STORY_TEXT` of it."""
        return sum(map(self._paragraph_length, self.paragraphs))

    def _paragraph_length(self, p: Element) -> int:
        length = self.paragraph_lengths.get(p)
        if length is None:
            length = self.paragraph_lengths[p] = len(all_text(p))
        return length

    def excluded(self, el: Element) -> bool:
        """Whether `el` or an element above it is a box. Asked from the top down, from below the nearest element
        already answered: nothing inside a box is looked at (a footer's or a sidebar's paragraphs), which spares
        two in five of the questions."""
        verdict = self.verdicts.get(el)
        if verdict is not None:
            return verdict
        unknown = [el]
        for node in el.iterancestors():
            verdict = self.verdicts.get(node)
            if verdict is not None:
                break
            unknown.append(node)
        else:
            verdict = False
        for node in reversed(unknown):
            verdict = verdict or self._is_box(node)
            self.verdicts[node] = verdict
        return verdict

    def _is_box(self, el: Element) -> bool:
        tag = el.tag
        if tag in ("body", "html", "article", "main") or el in self.holds_headline:
            return False
        if tag in INVISIBLE_TAGS:
            return True
        if tag in SKIP_TAGS:  # a form, table, aside or header that holds the story is a layout wrapper
            return not self._holds_most_text(el)
        if len(el) < TEASER_ITEMS and not el.keys():
            # no class, id or style, too few items for a list of cards (most blocks of text): what the two
            # questions below answer for such an element (`is_boilerplate` reads marks, `is_teaser_list`
            # wants TEASER_ITEMS items), answered without asking them
            return False
        if self.boilerplate(el) and not self._holds_most_text(el) and not _marked_as_story(el):
            return True
        return self.teaser_list(el) and not self._holds_most_text(el)

    def _holds_most_text(self, el: Element) -> bool:
        inside = sum(map(self._paragraph_length, el.iter("p")))  # each paragraph measured once a page
        return inside >= STORY_TEXT and inside >= 0.5 * self.paragraph_text


_STORY_CLASS = re.compile(
    r"^(?:article|entry|post|story|news|blog)[-_]*(?:__)?(?:body|content|text)$|^articlebody$", re.IGNORECASE)
"""A class naming the story's own text (`article-body`, `entry-content`, `story__body`)."""


_COLLAPSIBLE_CLASS = re.compile(r"(?<![a-z])(?:infobox|info-box|factbox|fact-box|accordion|collapsible)(?![a-z])",
                                re.IGNORECASE)


def _collapsible(el: Element, tag: str) -> bool:
    """Whether `el`, of tag `tag`, is a box the reader opens or that stands beside the story: `<details>`, an
    accordion, an info or fact box."""
    return tag == "details" or _collapsible_class(el.get("class") or "")


@lru_cache(maxsize=4096)
def _collapsible_class(classes: str) -> bool:
    # Cached: a page repeats its class strings.
    return bool(_COLLAPSIBLE_CLASS.search(classes))


_POST_CLASS = re.compile(r"(?<![a-z])(?:twitter-tweet|instagram-media|tiktok-embed|bluesky-embed)(?![a-z])")


def _embedded_post(el: Element) -> bool:
    """Whether `el` is, or only wraps, a social post quoted in the story (`blockquote.twitter-tweet`)."""
    quotes = [el] if el.tag == "blockquote" else list(el.iter("blockquote"))
    return len(quotes) == 1 and bool(_POST_CLASS.search(quotes[0].get("class") or ""))


def _marked_as_story(el: Element) -> bool:
    """Whether `el` says it holds the story (`itemprop=articleBody`, a class such as `article-body`): a
    boilerplate word among its other classes is a layout modifier (`sidebar-layout`, `gallery--wide`)."""
    if el.get("itemprop") == "articleBody":
        return True
    return any(_STORY_CLASS.match(word) for word in (el.get("class") or "").split())


def _text_blocks(texts: tuple[TextNode, ...]) -> dict[Element, list[int]]:
    """Elements that hold text directly (through inline children), with [text, link text] lengths."""
    # The text nodes come from one XPath (`Parsed.texts`): a walk over every element in Python measured
    # 1.7x slower.
    blocks: dict[Element, list[int]] = {}
    for text in texts:
        node = text.getparent()
        if text.is_tail and node is not None:
            node = node.getparent()
        in_link = False
        while node is not None:
            tag = node.tag  # read once: each read builds a new string
            if tag not in INLINE_TAGS:
                break
            in_link = in_link or tag == "a"
            node = node.getparent()
        else:
            continue
        if tag in INVISIBLE_TAGS:
            continue
        length = _collapsed_length(text)
        counts = blocks.get(node)
        if counts is None:
            blocks[node] = [length, length if in_link else 0]
        else:
            counts[0] += length
            if in_link:
                counts[1] += length
    return blocks


SCORED_LEVELS = 3
"""A block's text scores for its parent and the two elements above, half as much each level up."""


def _best_container(parsed: Parsed, guard: _Exclusions) -> Element | None:
    scores: dict[Element, float] = {}
    held: dict[Element, int] = {}  # the weight of the blocks each element holds as its children
    story = _first_of_several_stories(parsed.tagged("article"), parsed.tagged("h1"))
    for block, (length, link_length) in _text_blocks(parsed.texts).items():
        weight = length - link_length
        if length < MIN_PARAGRAPH or weight <= MOSTLY_LINKS * length or block.tag in LIST_TAGS or guard.excluded(block):
            continue
        if story is not None and story not in block.iterancestors():
            continue  # the next story of an endless-scroll page
        share = 1.0
        for node in islice(block.iterancestors(), SCORED_LEVELS):
            scores[node] = scores.get(node, 0.0) + weight * share
            share /= 2
        if (parent := block.getparent()) is not None:
            held[parent] = held.get(parent, 0) + weight
    if not scores:
        return None
    good = _held_below(held)
    best = max(scores, key=lambda n: scores[n])
    # Widen to the ancestor that holds clearly more of the story: the next one up when it does, or one
    # further up past wrappers that hold only this part (paragraphs each wrapped in their own divs).
    while (parent := best.getparent()) is not None and good.get(parent, 0) > WIDEN_ONE * good[best]:
        best = parent
    for ancestor in list(best.iterancestors()):
        if ancestor.tag in ("body", "html"):
            break
        if good.get(ancestor, 0) > WIDEN * good[best]:
            best = ancestor
    return _with_sibling_parts(best, good)


def _held_below(held: dict[Element, int]) -> dict[Element, int]:
    """The weight of the blocks each element holds at any depth: what each holds as children, added to it and
    to every element above it (once for each parent of blocks, rather than once for each block)."""
    good: dict[Element, int] = {}
    for node, weight in held.items():
        good[node] = good.get(node, 0) + weight
        for ancestor in node.iterancestors():
            good[ancestor] = good.get(ancestor, 0) + weight
    return good


SPLIT_HOPS = 3
"""How many levels above the container a part of the story split by a box is looked for."""


def _with_sibling_parts(best: Element, good: dict[Element, int]) -> Element:
    """The container widened to hold every part of a story that a box (related links, an ad) splits into
    siblings of one tag and class (`div.article-widget-text`, a related box, `div.article-widget-text`)."""
    node: Element | None = best
    for _ in range(SPLIT_HOPS):
        if node is None or node.tag in ("body", "html"):
            break
        parent, cls = node.getparent(), node.get("class")
        if parent is None:
            break
        if cls and _split_part(node, cls, good):
            return parent
        node = parent
    return best


def _split_part(node: Element, cls: str, good: dict[Element, int]) -> bool:
    """Whether a sibling of `node` with its tag and class, apart from it by something else (a box, an ad slot),
    holds a part of the story."""
    for siblings in (node.itersiblings(), node.itersiblings(preceding=True)):
        apart = False
        for sibling in siblings:
            if sibling.tag == node.tag and sibling.get("class") == cls:
                if apart and good.get(sibling, 0) >= MIN_PARAGRAPH * SPLIT_PART:
                    return True
            elif isinstance(sibling.tag, str):
                apart = True
    return False


SPLIT_PART = 5
"""A sibling holding this many paragraphs' worth of text (5 x `MIN_PARAGRAPH` characters) is a part of the story."""


def _first_of_several_stories(articles: tuple[Element, ...], headlines: tuple[Element, ...]) -> Element | None:
    """On a page that prints several stories, each an <article> with its own <h1> (endless scroll), the
    first: the page's own; None on a page with one story. `headlines`, the page's <h1> elements, name the
    articles holding one: a page has few of them, and a list of cards many articles, each searched for one
    (a thirtieth of the story reader's time on the 309 pages of the test data)."""
    if len(headlines) < 2:
        return None  # two stories hold two headlines
    headed = {article for headline in headlines for article in headline.iterancestors("article")}
    stories = [article for article in articles if article in headed]
    # a story inside another is no story of its own: each story's ancestors looked up among the stories (testing
    # every pair took 6 seconds on a page of 5,000 headed articles)
    outermost = [a for a in stories if not any(b in headed for b in a.iterancestors("article"))]
    return outermost[0] if len(outermost) >= 2 else None


def _blocks(container: Element, verdicts: _Verdicts) -> list[Block]:
    """The paragraphs and subheadings of `container` in order, each with its element (None for loose text)."""
    blocks = _Blocks()
    _collect(container, blocks, verdicts)
    return blocks


class _Blocks(list[Block]):
    """The blocks read so far, which only grow while the story is read, and whether a paragraph is among them
    (the story has started), which once true stays true: asked before each list and table, each block is
    looked at once (looking at them all each time took 1.7 s on 8,000 lists each after a block of text)."""

    def __init__(self) -> None:
        super().__init__()
        self._looked_at = 0
        self._started = False

    def story_started(self) -> bool:
        if not self._started:
            self._started = any(block is not None and block.tag == "p" for _, block in self[self._looked_at:])
            self._looked_at = len(self)
        return self._started


BLOCK_LEVEL = BLOCK_TAGS | LIST_TAGS | frozenset(
    {"div", "section", "article", "main", "li", "h1", "table", "blockquote", "figure", "header", "footer",
     "aside", "nav", "form", "hr", "center", "details", "summary"}
)


def _collect(el: Element, blocks: _Blocks, verdicts: _Verdicts) -> None:
    # Loose text between blocks, each part with how much of it sits in links, or with the inline element whose
    # links `_flush` measures if the run is long enough to be a block.
    run: list[tuple[str, int | Element]] = []
    if text := el.text:
        run.append((text, 0))
    for child in el:
        tag = child.tag
        if tag == "table" and not verdicts.boilerplate(child):
            _flush(run, blocks)
            _add_table(child, blocks, verdicts)
        elif (not isinstance(tag, str) or tag in SKIP_TAGS
              or (verdicts.boilerplate(child) and not _marked_as_story(child) and not _embedded_post(child))
              or verdicts.teaser_list(child) or _collapsible(child, tag)
              or (tag == "article" and _other_story(child))):
            pass
        elif tag in LIST_TAGS:
            _flush(run, blocks)
            _add_list(child, blocks)
        elif tag == "h1":
            _flush(run, blocks)
        elif tag in BLOCK_LEVEL:
            _flush(run, blocks)
            if _has_blocks(child):
                _collect(child, blocks, verdicts)
            else:
                _add_block(child, blocks)
        elif tag == "br":
            run.append(("\n", 0))
        else:  # inline: its links are measured only if the run is long enough to be a block
            text = text_of(child)
            run.append((text, len(text) if tag == "a" else child))
        if tail := child.tail:
            run.append((tail, 0))
    _flush(run, blocks)


def _other_story(el: Element) -> bool:
    """Whether the <article> `el` is nested in another beside more of its kind and without a headline of its
    own: cards of other stories ("You may also like", comments), which HTML nests in the story's article as
    related content; the story's own text is one article. The tests are read nearest first, each stopping at
    the first element it finds: a page of thousands of sibling articles once listed all the siblings of each."""
    if next(el.iterancestors("article"), None) is None:
        return False
    after, before = el.itersiblings("article"), el.itersiblings("article", preceding=True)
    if next(after, None) is None and next(before, None) is None:
        return False
    return next(el.iterdescendants("h1"), None) is None


def _add_list(el: Element, blocks: _Blocks) -> None:
    """The items of a list written as text (a list of links is a box) within the story: a list above its
    first paragraph sums the story up ("In brief"), apart from the body."""
    if not blocks.story_started():
        return
    items = [item for item in el if isinstance(item.tag, str) and item.tag in ("li", "dt", "dd")]
    texts = [text_of(item) for item in items]
    if items and sum(len(t) for t in texts) / len(items) >= LIST_ITEM_MIN:
        _add_lines(items, texts, blocks)


def _add_table(el: Element, blocks: _Blocks, verdicts: _Verdicts) -> None:
    """A table of data within the story, a row a line; a table laying out the page is read as blocks."""
    rows = [row for row in el.iter("tr") if next(row.iterancestors("table"), None) is el]
    if any(_has_blocks(cell) for row in rows for cell in row if isinstance(cell.tag, str)):
        _collect(el, blocks, verdicts)  # cells holding paragraphs: a layout table
        return
    if not blocks.story_started():
        return  # a table above the story's first paragraph: a fact box, a scoreboard
    texts = [" ".join(t for t in (text_of(cell) for cell in row if isinstance(cell.tag, str)) if t) for row in rows]
    _add_lines(rows, texts, blocks)


def _add_lines(elements: list[Element], texts: list[str], blocks: list[Block]) -> None:
    """List items or table rows as lines of the body, unless they are mostly links (a box of them)."""
    total = sum(len(t) for t in texts)
    if not total or sum(link_text_length(el) for el in elements) > LIST_LINKS * total:
        return
    for el, text in zip(elements, texts, strict=True):
        if text:
            blocks.append((text, el))


LINKED_BLOCK = 0.6
"""A short block with more than this share of its text in links is a link line ("Read more: ..."), not story."""


LIST_LINKS = 0.3
"""A list or table with more than this share of its text in links is a box of links, not part of the story."""


LIST_ITEM_MIN = 20
"""List items this long on average are text (a list of short words is navigation or tags)."""


def _has_blocks(el: Element) -> bool:
    return any(child.tag in BLOCK_LEVEL for child in el)  # a comment's tag, a function, is in no set of names


def _flush(run: list[tuple[str, int | Element]], blocks: list[Block]) -> None:
    # Loose text between blocks, as pages that write paragraphs as <br>-separated text have; a run of
    # links (a tag cloud, a link bar) is not text.
    if not run:
        return
    text = "".join(part for part, _ in run)
    links = [links for _, links in run]
    run.clear()
    if len(text) < MIN_PARAGRAPH * 3:
        return  # collapsing spaces and reading character references only shortens it (mostly the page's indents)
    text = collapse_space(text)
    if len(text) < MIN_PARAGRAPH * 3:
        return
    link_length = sum(n if isinstance(n, int) else link_text_length(n) for n in links)
    if link_length < MOSTLY_LINKS * len(text):
        blocks.append((text, None))


def _add_block(el: Element, blocks: list[Block]) -> None:
    text = text_of(el)
    if not text:
        return
    if el.tag not in HEADING_TAGS and len(text) < SHORT_BODY and link_text_length(el) > LINKED_BLOCK * len(text):
        return
    blocks.append((text, el))
