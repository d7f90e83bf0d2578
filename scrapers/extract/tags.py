"""The article's tags (keywords, topics): what the page names them in its metadata, or prints as links.

Metadata first (JSON-LD `keywords`, `article:tag`, `news_keywords`, `keywords`, Dublin Core `dc.subject`):
the first source that lists several, narrowed to another source's list when that one holds only some of them
(a CMS adds its own flags, section names and site-wide words to one of its outputs, not to all). When the
metadata names none, or names a single one that the page prints among others, the links the page prints as
its tags: `rel=tag` links, a short list marked as tags by its class, id or data attributes, a short list of
links after a label ("Tags:", "Themen", "Mots-clés"), or links to tag pages ("/tag/...", "/thema/...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import chain, islice
from typing import Any, cast
from urllib.parse import urlsplit

from lxml import etree

from scrapers.extract import structured
from scrapers.extract.markup import all_text, following, text_of
from scrapers.extract.parsed import Element, Parsed
from scrapers.extract.text import PLACEHOLDER, collapse_space, unique_ignoring_case
from scrapers.extract.vocabulary import CATEGORY_PATH_WORDS, TAG_LABELS, TAG_PATH_WORDS, all_words


def read_tags(parsed: Parsed) -> tuple[list[str], str | None]:
    """The page's tags and the signal they came from; ([], None) when it names none."""
    tags, source = _metadata_tags(parsed)
    if len(tags) > 1:
        return tags, source
    if (printed := _printed_tags(parsed)) and (not tags or (len(printed[0]) > 1 and _keys(tags) <= _keys(printed[0]))):
        # A lone keyword that the printed tags include is one of several: the CMS put the first in its metadata.
        return printed
    return tags, source


# ----------------------------------------------------------------------------- metadata


META_SOURCES: tuple[tuple[str, Callable[[Parsed], list[str]]], ...] = (
    ("jsonld", lambda parsed: structured.keyword_list(parsed.article.get("keywords"))),
    ("article:tag", lambda parsed: [t for raw in structured.meta_contents(parsed.meta, "article:tag")
                                    for t in structured.keyword_list(raw)]),
    ("news_keywords", lambda parsed: structured.keyword_list(structured.meta_content(parsed.meta, "news_keywords"))),
    ("keywords", lambda parsed: structured.keyword_list(structured.meta_content(parsed.meta, "keywords"))),
    ("dc.subject", lambda parsed: [t for raw in structured.meta_contents(parsed.meta, "dc.subject")
                                   for t in structured.keyword_list(raw)]),
)
"""The metadata that names the tags, in order of preference (`dc.subject`: Dublin Core, as scientific
publishers and libraries print it)."""


def _metadata_tags(parsed: Parsed) -> tuple[list[str], str | None]:
    named = [(source, tags) for source, read in META_SOURCES if (tags := _clean(read(parsed)))]
    several = [(source, tags) for source, tags in named if len(tags) > 1]
    # A single keyword string with no commas is often several tags run together ("Berlin Ukraine Unfall"):
    # a later source that lists them apart is taken instead, unless a second source names that one keyword
    # alone too.
    lone = [tags[0].casefold() for _, tags in named if len(tags) == 1]
    if several and not (lone and lone.count(lone[0]) > 1 and named[0][1][0].casefold() == lone[0]):
        source, tags = several[0]
        keys = _keys(tags)
        for other, narrower in several[1:]:
            if _keys(narrower) < keys:
                # Another output of the same CMS lists only some of them: the rest are its additions
                # (internal flags, section and site names, words on every page of the site).
                return narrower, other
        return tags, source
    return named[0][1] if named else [], named[0][0] if named else None


_NOT_A_TAG = re.compile(
    r"^(?:_|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|\d+$)", re.IGNORECASE
)
"""Keywords that are a CMS's internal flags ("_commerce") or ids (a UUID, a number), not topics."""
_NAMESPACE = re.compile(r"^[a-z][a-z_-]{2,20}/(?=\S)")
"""A taxonomy path before a keyword ("topic/misshandel & överfall", "sections/sverige")."""


def _clean(keywords: list[str]) -> list[str]:
    """The keywords without internal flags and ids, and without the taxonomy path that a CMS writes before
    every one of them ("organization/lundsberg": the tag is "lundsberg")."""
    keywords = [word for word in keywords if not _NOT_A_TAG.match(word) and not PLACEHOLDER.search(word)]
    if keywords and all(_NAMESPACE.match(word) for word in keywords):
        keywords = [_NAMESPACE.sub("", word) for word in keywords]
    return unique_ignoring_case(keywords)


# ----------------------------------------------------------------------------- printed tags


TAG_LINK_RELS = frozenset({"tag", "category"})
"""`rel` values of links to the page's tags (WordPress and most blog engines print `rel="tag"` on tags and
`rel="category tag"` on the post's categories)."""
TAG_LIST_CLASS = re.compile(
    r"^(?!(?:trending|popular|hot|top)[-_])(?:[a-z]+(?:-|_|__))*(?:tags?|taglist|topics|keywords|schlagworte"
    r"|schlagwoerter|stichworte|etiquetas|mots-cles)(?:(?:-|_|__)(?:list|links|container|wrapper|block|box))?(?:[-_]v?\d+)?$"
)
"""Class words (or ids, or data attributes) of a short list printed under the story whose links are its tags:
`tags`, `article__tags`, `post-tags-list`, `articleTags`, `data-test-tags-box` (not `trending-topics`, a
site-wide bar)."""
_TAG_HINT = re.compile(r"tag|topic|keyword|schlag|stichw|etiquet|mots")
"""A quick test of the lower-cased marks before they are split: one of these is in every TAG_LIST_CLASS word
(a case-blind regex would take eight times as long, on every block of the page)."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
MAX_TAG = 40
"""Characters of a tag: longer link text is a headline."""
MAX_TAGS = 20
"""Links of a tag list: a longer list is an index of topics."""
LIST_ELEMENTS = ("ul", "ol", "div", "p", "section", "footer", "span", "dl")
"""Elements that hold a tag list."""
_LABELS = frozenset(all_words(TAG_LABELS))
_LABEL_TRIM = " :：-–—|#\u00a0"
MAX_LABEL = max(len(label) for label in _LABELS) + 2
"""Characters of a text that may be a tag label: the longest label and a colon with a space."""
LABEL_CLIMB = 3
"""Elements above a label in which its links are looked for: the label's own element, its parent (a
heading beside a list) and grandparent (a heading in its own wrapper beside the list)."""
_TAG_PATHS = frozenset(all_words(TAG_PATH_WORDS))
_CATEGORY_PATHS = CATEGORY_PATH_WORDS


def _printed_tags(parsed: Parsed) -> tuple[list[str], str] | None:
    """The tags the page prints as links: `rel=tag` links, the links of a short list marked as tags, the
    links after a tag label, or links to tag pages; each outside navigation and after the headline."""
    area = StoryArea(parsed)
    readers: tuple[Callable[[], tuple[list[str], str] | None], ...] = (
        lambda: _rel_tags(parsed), lambda: _class_list(parsed, area), lambda: _labelled_list(parsed, area),
        lambda: _tag_page_links(parsed, area))
    for read in readers:
        if found := read():
            return found
    return None


def _rel_tags(parsed: Parsed) -> tuple[list[str], str] | None:
    tagged = [a for a in parsed.tagged("a") if (rel := a.get("rel")) and set(rel.lower().split()) & TAG_LINK_RELS]
    # Categories are sections: they stand for tags only on pages that print no tags.
    tags = [a for a in tagged if not _is_category(a)]
    if texts := unique_ignoring_case([text for a in tags or tagged if (text := _tag_text(a)) and len(text) <= MAX_TAG]):
        return texts, "rel=tag" if tags else "rel=category"
    return None


def _is_category(anchor: Element) -> bool:
    """Whether a `rel=tag` link names the post's category: `rel="category tag"`, or a link to a category page."""
    if "category" in (anchor.get("rel") or "").lower():
        return True
    return bool(_path_words(anchor) & _CATEGORY_PATHS)


def _path_words(anchor: Element) -> set[str]:
    """The path segments of a link's address, in lower case, except the last (the page's own name)."""
    href = anchor.get("href") or ""
    if "/" not in href:
        return set()
    try:
        path = urlsplit(href).path
    except ValueError:
        return set()
    return set(path.lower().strip("/").split("/")[:-1])


def _class_list(parsed: Parsed, area: StoryArea) -> tuple[list[str], str] | None:
    for el in _from_first_headline(parsed, LIST_ELEMENTS):
        if _tag_list(el, area) and (texts := _link_texts(el.iter("a"))):
            return texts, "tag list"
    return None


def _from_first_headline(parsed: Parsed, tags: tuple[str, ...]) -> Iterator[Element]:
    """The elements of `tags` from the page's first <h1> on, in page order; none on a page without one. An
    element before it has no headline before it, and is never in the story area (`StoryArea`). The walk
    stays inside the page's root: what libxml2 puts beside it (content after `</html>` becomes a second
    <html> there) is seen by no reader."""
    h1 = next(iter(parsed.tagged("h1")), None)
    if h1 is None:
        return
    yield from h1.iter(*tags)
    yield from following(h1, *tags, inside=parsed.root)


def _labelled_list(parsed: Parsed, area: StoryArea) -> tuple[list[str], str] | None:
    linked = LinkedChildren()
    for text in parsed.texts:
        if len(text) > MAX_LABEL + 40 or text.strip(_LABEL_TRIM).casefold() not in _LABELS:
            continue
        label = text.getparent()
        if label is None:
            continue
        # A tail text ("<b>x</b> Tags: <a>") sits after its element, in the parent: the links after it count.
        start, holder = (label, label.getparent()) if text.is_tail else (None, label)
        for _ in range(LABEL_CLIMB):
            if holder is None or holder.tag in ("body", "html"):
                break
            links = _links_after(holder, start, linked)
            first = next(links, None)
            if first is not None:
                if (texts := _link_texts(chain((first,), links))) and area.holds(holder):
                    return texts, "labelled list"
                break
            start, holder = holder, holder.getparent()
    return None


def _links_after(holder: Element, start: Element | None, linked: LinkedChildren | None = None) -> Iterator[Element]:
    """The links inside `holder` after its child (or descendant) `start`; all of them when `start` is None. Lazily,
    from `start` on: the caller reads a few (`_link_texts`), and walking `holder` from its first element to
    `start` for each label made a page of 4,000 labels in one block grow with the square of their number. With
    `linked`, a child `start` skips to the children after it that hold a link."""
    if start is None:
        return holder.iter("a")
    if linked is not None and start.getparent() is holder:
        return linked.after(holder, start)
    return _links_following(start, holder)


class LinkedChildren:
    """Which children of each holder asked about hold a link, found once for a page's labels: the labels of one
    block each looked through the siblings after them, and a block of 4,000 labels without a link grew with the
    square of their number."""

    def __init__(self) -> None:
        self._holders: dict[Element, tuple[list[Element], dict[Element, int], list[int]]] = {}

    def after(self, holder: Element, child: Element) -> Iterator[Element]:
        """The links inside `holder` after its `child`, in page order: those of the children after it."""
        if (known := self._holders.get(holder)) is None:
            children = list(holder)
            places = {el: at for at, el in enumerate(children)}
            holding = [at for at, el in enumerate(children) if next(el.iter("a"), None) is not None]
            known = self._holders[holder] = (children, places, holding)
        children, places, holding = known
        later = range(bisect_right(holding, places[child]), len(holding))
        return chain.from_iterable(children[holding[at]].iter("a") for at in later)


def _links_following(start: Element, holder: Element) -> Iterator[Element]:
    """The links after `start` inside its ancestor `holder`, in page order: those in the siblings after `start`
    and after each of its ancestors below `holder`. A sibling without children (most, beside a label) is tested
    itself: a search of each for links (`markup.following`) took six times as long as walking the holder."""
    node: Element | None = start
    while node is not None and node is not holder:
        for sibling in node.itersiblings():
            if len(sibling):
                yield from sibling.iter("a")
            elif sibling.tag == "a":
                yield sibling
        node = node.getparent()


MIN_TAG_PAGE_LINKS = 2
"""Links to tag pages that make a list of tags when nothing else marks it: one alone is a teaser's kicker or a
link in the text."""
LINKED_SHARE = 0.5
"""Share of a tag list's text in its links: a paragraph that links two topics in passing is none."""


def _tag_page_links(parsed: Parsed, area: StoryArea) -> tuple[list[str], str] | None:
    """The links to tag pages ("/tag/afd", "/thema/ukraine") of the first element after the headline that
    holds several and little else: the story's tag list even when nothing marks it."""
    seen: set[Element] = set()
    for a in parsed.tagged("a"):
        if not _links_tag_page(a) or _is_category(a):
            continue
        holder = a.getparent()
        while holder is not None and holder.tag in ("li", "span", "strong", "b", "em"):
            holder = holder.getparent()
        if holder is None or holder in seen or not area.holds(holder):
            continue
        seen.add(holder)
        links = [link for link in holder.iter("a") if _links_tag_page(link)]
        texts = _link_texts(iter(links))
        if len(texts) >= MIN_TAG_PAGE_LINKS and sum(map(len, texts)) >= len(text_of(holder)) * LINKED_SHARE:
            return texts, "tag pages"
    return None


_URL_SPACE = "".join(map(chr, range(0x21)))
"""What `urlsplit` strips from the start of an address (C0 controls and the space)."""


def _links_tag_page(anchor: Element) -> bool:
    """Whether a link leads to a tag page: a segment of its path names one (`_path_words`). Most links name
    none, which `_may_name` tells without splitting the address (3 times as fast: a page links hundreds)."""
    return _may_name(anchor.get("href") or "", _TAG_PATHS) and bool(_path_words(anchor) & _TAG_PATHS)


def _may_name(href: str, words: frozenset[str]) -> bool:
    """Whether one of `words` (lower case, without a slash or colon) stands between slashes and colons in
    `href` as `urlsplit` reads it (tabs and line breaks dropped, leading spaces stripped), lowered: every segment
    of its path but the last does, so an address without one has none of them among its path words."""
    cleaned = href.replace("\t", "").replace("\r", "").replace("\n", "").lstrip(_URL_SPACE)
    return not words.isdisjoint(cleaned.lower().replace(":", "/").split("/"))


def _link_texts(anchors: Iterator[Element]) -> list[str]:
    """The texts of a tag list's links, or [] when it is not one: more than MAX_TAGS links, or one longer than
    MAX_TAG (a headline). In-page links ("skip this section") are no tags. Only the first MAX_TAGS + 1 are read:
    one more makes it no list (nested tag lists each read every link below them)."""
    listed = (a for a in anchors if not (a.get("href") or "").startswith("#"))
    texts = [_tag_text(a) for a in islice(listed, MAX_TAGS + 1)]
    if texts and len(texts) <= MAX_TAGS and all(text and len(text) <= MAX_TAG for text in texts):
        return unique_ignoring_case(texts)
    return []


def _tag_text(anchor: Any) -> str:
    """A tag link's text without the separators some pages print inside it ("Taylor Swift,")."""
    return (collapse_space(all_text(anchor)) or "").strip(" ,;|·•")


def _tag_list(el: Any, area: StoryArea) -> bool:
    """Whether `el` is marked as the story's tag list by its class, id or data attributes (`data-tags`,
    `data-test-tags-box`): outside navigation and the page's footer, and after the headline (a bar of
    trending topics above it is the site's)."""
    parts = []
    for name, value in el.items():
        if name in ("class", "id"):
            parts.append(value)
        elif name.startswith("data-"):
            parts.append(f"{name[5:]} {value if len(value) <= MAX_TAG else ''}")
    if not parts:  # most blocks: nothing marks them
        return False
    marks = " ".join(parts)
    if not _TAG_HINT.search(marks.lower()):
        return False
    words = _CAMEL.sub("-", marks).lower().split()
    return any(TAG_LIST_CLASS.match(word) for word in words) and area.holds(el)


class StoryArea:
    """The story area of one page: outside its navigation, header and footer (an article's own header and footer
    count), and after a headline (XPath's `preceding::h1`: an <h1> ends before the element begins). Where the
    first headline to end does is found once for the page: searching back from each element for one made a page
    of 4,000 tag lists without a headline take a second, and grew with the square of their number."""

    def __init__(self, parsed: Parsed) -> None:
        self._parsed = parsed
        self._after: After | None = None
        self._found = False

    def holds(self, el: Element) -> bool:
        for a in el.iterancestors():
            if a.tag == "nav":
                return False
            if a.tag in ("header", "footer") and not any(b.tag in ("article", "main") for b in a.iterancestors()):
                return False
        if not self._found:
            end = _first_to_end(self._headlines())
            self._after, self._found = None if end is None else After(end), True
        return self._after is not None and self._after.holds(el)

    def _headlines(self) -> list[Element]:
        """The page's <h1> elements in page order: the tag index's, unless a tree lies beside the page's root
        (content after `</html>`), which `preceding::h1` sees too."""
        root = self._parsed.root
        if root.getparent() is None and next(root.itersiblings(etree.Element), None) is None:
            return list(self._parsed.tagged("h1"))
        return cast("list[Element]", _HEADLINES(root))


_HEADLINES = etree.XPath("//h1")
"""The page's <h1> elements in page order (beside its root too: what `preceding::h1` sees)."""


def _first_to_end(headlines: list[Element]) -> Element | None:
    """Of `headlines`, in page order, the one that ends first: the first that holds none of the others (those
    it holds come right after it)."""
    for index, headline in enumerate(headlines):
        if index + 1 == len(headlines) or not any(a is headline for a in headlines[index + 1].iterancestors()):
            return headline
    return None


class After:
    """What begins after `node` ends (XPath's `following` axis of `node`): an element whose branch parts from
    `node`'s after it. The children of each ancestor of `node` that come before `node`'s branch are gathered
    once, so that each element asked about is placed by its own ancestors (placing it by scanning the siblings
    where the branches part made a page of 16,000 boxes side by side take 20 seconds)."""

    def __init__(self, node: Element) -> None:
        self.node = node
        self._before: dict[Element, set[Element]] = {}
        """Each ancestor of `node`: its children before the one that holds `node`."""
        branch = node
        for parent in node.iterancestors():
            self._before[parent] = set(branch.itersiblings(preceding=True))
            branch = parent
        self._top = branch

    def holds(self, el: Element) -> bool:
        if el is self.node or el in self._before:  # `node` or one of its ancestors
            return False
        branch = el
        for parent in el.iterancestors():
            if parent is self.node:  # `el` is inside `node`
                return False
            if (before := self._before.get(parent)) is not None:  # where the branches part
                return branch not in before
            branch = parent
        # No common ancestor: two trees side by side in the document (content after `</html>` makes a second one).
        return any(sibling is branch for sibling in self._top.itersiblings())


def _keys(tags: list[str]) -> set[str]:
    return {tag.casefold() for tag in tags}
