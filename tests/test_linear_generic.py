"""Readers of the headline, the byline and the tags that once searched the page again for each of many repeated
elements (blog-name <h1>s, separators of a headline, nested tag lists, tag labels, nested author marks) answer
what that search answered. Each old definition is kept here as the oracle, asked on random pages and on the
repeated shape at a small size. How the time grows with the page is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import islice

from lxml import etree

from scrapers.extract import read_page, tags
from scrapers.extract.authors import Byline
from scrapers.extract.generic import (
    _TITLE_SEPARATOR,
    LINE_BREAKS,
    TEASER_DEPTH,
    OtherStories,
    _byline_marked,
    _byline_names,
    _is_blog_label,
    _joined,
    _key,
    _links_away,
    _marks_byline,
    _names_site,
    _read_bylines,
    _TitleParts,
    strip_site_name,
    text_of_title,
)
from scrapers.extract.markup import INVISIBLE_TAGS, MAX_MARKS, class_words, is_hidden, text_of
from scrapers.extract.parsed import Element, Parsed, parse_page
from scrapers.extract.tags import StoryArea
from scrapers.extract.text import collapse_space, unique_ignoring_case
from scrapers.extract.vocabulary import BOX_CLASS_WORDS

URL = "https://example.com/news/story-1"


def parsed_page(body: str, head: str = "<title>T</title>") -> Parsed:
    return parse_page(read_page(f"<html><head>{head}</head><body>{body}</body></html>".encode()), URL)


# ----------------------------------------------------------------------------- blog-name <h1>s


def is_blog_label_by_search(parsed: Parsed, text: str, parts: _TitleParts) -> bool:
    """The blog-name test as it was: the headings searched for the title's first part at each <h1> asked."""
    if _key(text) not in parts.rest:
        return False
    return any(_key(text_of(h)) == parts.head for h in parsed.headings)


HEADING_TEXTS = ("Blog Name Here", "Post title here", "post TITLE here!", "Other words", "", "Blog")
SEPARATORS = (" – ", " | ", " - ", ": ", "|")


def random_headings_page(rng: random.Random) -> tuple[Parsed, _TitleParts]:
    parts = [rng.choice(HEADING_TEXTS) for _ in range(rng.randint(1, 3))]
    title = "".join(part + (rng.choice(SEPARATORS) if at < len(parts) - 1 else "") for at, part in enumerate(parts))
    body = "".join(
        f"<{tag}>{rng.choice(HEADING_TEXTS)}</{tag}>"
        for tag in rng.choices(("h1", "h2", "h3", "h4", "p", "div"), k=rng.randint(0, 8))
    )
    parsed = parsed_page(body, f"<title>{title}</title>")
    return parsed, _TitleParts.of(text_of_title(parsed))


def test_blog_label_as_by_search_on_random_pages() -> None:
    rng = random.Random(1)
    labels = 0
    for _ in range(400):
        parsed, parts = random_headings_page(rng)
        for text in [*HEADING_TEXTS, *(text_of(h) for h in parsed.tagged("h1"))]:
            expected = is_blog_label_by_search(parsed, text, parts)
            assert _is_blog_label(parsed, text, parts) == expected
            labels += expected
        # The same parts asked of another page answer for that page.
        other, _ = random_headings_page(rng)
        for text in HEADING_TEXTS:
            assert _is_blog_label(other, text, parts) == is_blog_label_by_search(other, text, parts)
    assert labels > 50  # the random pages hold blog labels, not only pages without any


def test_blog_label_on_many_blog_name_headlines() -> None:
    for post in ("<h2>Post title here</h2>", "<h2>Another title</h2>"):
        parsed = parsed_page(
            "<h1>Blog Name Here</h1>" * 50 + post + "<p>text</p>", "<title>Post title here – Blog Name Here</title>"
        )
        parts = _TitleParts.of(text_of_title(parsed))
        for h1 in parsed.tagged("h1"):
            text = text_of(h1)
            assert _is_blog_label(parsed, text, parts) == is_blog_label_by_search(parsed, text, parts)
        assert _is_blog_label(parsed, "Blog Name Here", parts) == (post == "<h2>Post title here</h2>")


# ----------------------------------------------------------------------------- site names after the headline


def strip_site_name_folding_each(title: str, sites: list[str], others: list[str]) -> str:
    """The site name stripped as it was: the head before each separator cut and folded."""
    wanted = {o.casefold() for o in others if o}
    site_keys = [_key(s) for s in sites if len(_key(s)) >= 3]
    separators = list(_TITLE_SEPARATOR.finditer(title))
    named_after = []
    named = False
    for at, match in reversed(list(enumerate(separators))):
        end = separators[at + 1].start() if at + 1 < len(separators) else len(title)
        named = named or _names_site(title[match.end() : end], site_keys)
        named_after.append(named)
    longest = max((len(other) for other in wanted), default=0)
    indent = len(title) - len(title.lstrip())
    for match, site_follows in zip(separators, reversed(named_after), strict=True):
        if not site_follows and match.start() - indent > longest:
            continue
        head = title[: match.start()].strip()
        if head and (head.casefold() in wanted or site_follows):
            return head
    return title


TITLE_PIECES = (
    "a",
    "B",
    "ß",
    "SS",
    "ss",
    "İ",
    "i̇",
    "Σ",
    "ς",
    "ﬁ",
    "fi",
    "é",
    "É",
    " ",
    "\u00a0",
    "\t",
    "|",
    " | ",
    " - ",
    "-",
    " – ",
    ": ",
    "：",
    "ㅣ",
    " / ",
    "Site",
    "site.com",
    "x",
)


def random_title(rng: random.Random) -> str:
    return "".join(rng.choice(TITLE_PIECES) for _ in range(rng.randint(0, 14)))


def test_strip_site_name_as_folding_each_head_on_random_titles() -> None:
    rng = random.Random(3)
    stripped = 0
    for _ in range(3000):
        title = random_title(rng)
        cut = rng.randint(0, len(title))
        # Another headline of the page: often the title's start in another case, so that heads match.
        others = [
            rng.choice(
                (title[:cut].strip(), title[:cut].strip().upper(), title[:cut].swapcase(), random_title(rng), "")
            )
            for _ in range(rng.randint(0, 2))
        ]
        sites = [rng.choice(("Site", "site.com", "Example", "ss", random_title(rng))) for _ in range(rng.randint(0, 2))]
        expected = strip_site_name_folding_each(title, sites, others)
        assert strip_site_name(title, sites, others) == expected, (title, sites, others)
        stripped += expected != title
    assert stripped > 150  # the random titles lose a site name or match another headline, not only keep all


def test_strip_site_name_on_a_headline_full_of_separators() -> None:
    for unit in ("a|", "ß|", "İ | "):
        headline = unit * 200
        for title, others in (
            (headline, [headline.strip()]),
            (headline + " | Site", [headline.strip()]),
            (unit * 3 + "x", [unit * 2]),
            (unit * 5, [(unit * 2).upper()]),
        ):
            for sites in ([], ["Site"]):
                expected = strip_site_name_folding_each(title, sites, others)
                assert strip_site_name(title, sites, others) == expected
    assert strip_site_name("a|" * 200 + " | Site", ["Site"], []) == "a"
    assert strip_site_name("ß|ß|x", [], ["SS|SS"]) == "ß|ß"


# ----------------------------------------------------------------------------- tag lists and tag labels


def link_texts_of_all(anchors: Iterator[Element]) -> list[str]:
    """The tag list's texts as they were read: every link's text, then [] when there are more than MAX_TAGS."""
    texts = [tags._tag_text(a) for a in anchors if not (a.get("href") or "").startswith("#")]
    if texts and len(texts) <= tags.MAX_TAGS and all(text and len(text) <= tags.MAX_TAG for text in texts):
        return unique_ignoring_case(texts)
    return []


def links_after_by_walk(holder: Element, start: Element | None) -> Iterator[Element]:
    """The links after `start` as they were found: the holder walked from its first element."""
    seen = start is None
    for el in holder.iter():
        if el is start:
            seen = True
            continue
        if seen and el.tag == "a" and (start is None or not any(a is start for a in el.iterancestors())):
            yield el


def labelled_list_by_walk(parsed: Parsed, area: StoryArea) -> tuple[list[str], str] | None:
    """The labelled tag list as it was read: every link after each label listed, every link's text read."""
    for text in parsed.texts:
        if len(text) > tags.MAX_LABEL + 40 or text.strip(tags._LABEL_TRIM).casefold() not in tags._LABELS:
            continue
        label = text.getparent()
        if label is None:
            continue
        start, holder = (label, label.getparent()) if text.is_tail else (None, label)
        for _ in range(tags.LABEL_CLIMB):
            if holder is None or holder.tag in ("body", "html"):
                break
            links = list(links_after_by_walk(holder, start))
            if links:
                if (texts := link_texts_of_all(iter(links))) and area.holds(holder):
                    return texts, "labelled list"
                break
            start, holder = holder, holder.getparent()
    return None


def class_list_by_all_texts(parsed: Parsed, area: StoryArea) -> tuple[list[str], str] | None:
    for el in tags._from_first_headline(parsed, tags.LIST_ELEMENTS):
        if tags._tag_list(el, area) and (texts := link_texts_of_all(el.iter("a"))):
            return texts, "tag list"
    return None


TAG_PAGE_PARTS = (
    "<a href='/t/{0}'>t{0}</a>",
    "<a href='/t/{0}'>T{0}</a>",
    "<a href='#x'>skip</a>",
    "<a href='/t/x'>a headline far longer than any tag could ever be</a>",
    "<a href='/t/y'></a>",
    "<div>Tags:</div>",
    "<b>x</b> Tags: ",
    "<span>Themen</span>",
    "<p>text {0}</p>",
    "<!-- c -->",
    "<h1>Headline of the story</h1>",
    "<nav>",
    "</nav>",
    "<div class='tags'>",
    "<ul class='article-tags'>",
    "</ul>",
    "<li>",
    "</li>",
    "<div>",
    "</div>",
    "<a href='/t/{0}'><span>Tags:</span> t{0}</a>",
)


def random_tags_page(rng: random.Random) -> Parsed:
    """Tag soup of labels, tag lists and links (the parser closes and nests what is left open)."""
    count = rng.choice((5, 20, 60, 150))
    body = "".join(rng.choice(TAG_PAGE_PARTS).format(rng.randint(0, 30)) for _ in range(count))
    return parsed_page(body)


def test_tag_readers_as_before_on_random_pages() -> None:
    rng = random.Random(2)
    found = {"labelled": 0, "class": 0, "links": 0}
    for _ in range(500):
        parsed = random_tags_page(rng)
        area = StoryArea(parsed)
        labelled = tags._labelled_list(parsed, area)
        assert labelled == labelled_list_by_walk(parsed, area)
        classed = tags._class_list(parsed, area)
        assert classed == class_list_by_all_texts(parsed, area)
        found["labelled"] += labelled is not None
        found["class"] += classed is not None
        elements = [el for el in parsed.root.iter() if isinstance(el.tag, str)]
        linked = tags.LinkedChildren()  # one for the page, as the labels of a page share it
        for holder in rng.sample(elements, min(6, len(elements))):
            inside = [el for el in holder.iter() if el is not holder]
            for start in [None, *rng.sample(inside, min(4, len(inside))), *holder]:
                links = list(tags._links_after(holder, start))
                assert links == list(links_after_by_walk(holder, start))
                assert list(tags._links_after(holder, start, linked)) == links
                assert tags._link_texts(iter(links)) == link_texts_of_all(iter(links))
                found["links"] += bool(tags._link_texts(iter(links)))
    assert min(found.values()) > 20  # the random pages hold tag lists and labelled ones


def test_tag_readers_on_nested_lists_and_many_labels() -> None:
    pages = (
        "<h1>Headline of the story here</h1><p>text</p>"
        + ("<div class='tags'>" + "<a href='/t/x'>t</a>" * 40) * 12
        + "</div>" * 12,
        "<h1>Headline of the story here</h1><p>text</p><div class='tags'>"
        + "<a href='/t/x'>t</a>" * 3
        + ("<div class='tags'>" + "<a href='/t/x'>t</a>" * 19) * 3
        + "</div>" * 4,
        "<h1>Headline of the story here</h1><p>text</p><div>" + "<div>Tags:</div><a href='/t/x'>x</a>" * 60 + "</div>",
        "<h1>Headline of the story here</h1><p>text</p><div>" + "<div>Tags:</div><p>x</p>" * 60 + "</div>",
        "<h1>Headline of the story here</h1><p>text</p><div><a href='/t/y'>y</a>"
        + "<div>Tags:</div><p>x</p>" * 60
        + "<p><b><a href='/t/z'>z</a></b></p></div>",
        "<h1>Headline of the story here</h1><p>text</p><div><div>Tags:</div>"
        + "<a href='#top'>top</a>" * 5
        + "".join(f"<a href='/t/{i}'>t{i}</a>" for i in range(20))
        + "</div>",
    )
    tag_list = (["t"], "tag list")
    labelled = (["x"], "labelled list")
    counted = ([f"t{i}" for i in range(20)], "labelled list")
    last = (["z"], "labelled list")
    expected = ((None, None), (tag_list, None), (None, labelled), (None, None), (None, last), (None, counted))
    for body, (classed, labelled) in zip(pages, expected, strict=True):
        parsed = parsed_page(body)
        area = StoryArea(parsed)
        assert tags._class_list(parsed, area) == class_list_by_all_texts(parsed, area) == classed
        assert tags._labelled_list(parsed, area) == labelled_list_by_walk(parsed, area) == labelled


# ----------------------------------------------------------------------------- nested bylines


def hold_by_climbing(others: OtherStories, el: Element) -> bool:
    """`OtherStories.hold` as it was: every ancestor's class read for each element asked about."""
    if any(class_words(a) & BOX_CLASS_WORDS and a.find(".//h1") is None for a in el.iterancestors()):
        return True
    for ancestor in islice(el.iterancestors(), TEASER_DEPTH):
        heading = next(ancestor.iter("h1", "h2", "h3", "h4"), None)
        if heading is not None:
            link = next(heading.iter("a"), None)
            link = next((a for a in heading.iterancestors("a")), None) if link is None else link
            return heading.tag != "h1" and link is not None and _links_away(link.get("href") or "", others.url)
    return False


def byline_names_by_climbing(parsed: Parsed) -> Byline:
    """The byline reader as it was: every ancestor tested for each mark, each mark's whole text read."""
    others = OtherStories(parsed.url)
    links = [a for a in parsed.tagged("a") if a.get("rel") == "author" and not hold_by_climbing(others, a)]
    if (found := _read_bylines(text_of(a) for a in links)).names:
        return Byline(unique_ignoring_case(found.names), found.notes)
    for el, marks in _byline_marked(parsed):
        if not _marks_byline(marks) or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html", "meta", "link"):
            continue
        if next(el.iterancestors("aside", "footer", "nav"), None) is not None:
            continue
        if is_hidden(el) or any(is_hidden(a) for a in el.iterancestors()) or hold_by_climbing(others, el):
            continue
        found = _read_bylines(text_of(a) for a in el.iter("a")
                              if not (is_hidden(a) or any(is_hidden(above) for above in a.iterancestors())))
        if not found.names:
            found = inner_names_by_search(el, others) or _read_bylines([byline_text_whole(el)])
        if found.names:
            return found
    return Byline([], [])


def inner_names_by_search(el: etree._Element, others: OtherStories) -> Byline | None:
    """The names of the author elements inside the box `el` with none between, each shown and read apart."""
    def marked(node: etree._Element) -> bool:
        return bool(_marks_byline(marks_of(node)))

    names: list[str] = []
    notes: list[str] = []
    first: str | None = None
    for inner in el.iterdescendants(etree.Element):
        if not marked(inner) or any(marked(a) for a in inner.iterancestors() if a in set(el.iterdescendants())):
            continue
        if first is not None and marks_of(inner) != first:
            continue
        if inner.tag in INVISIBLE_TAGS or next(inner.iterancestors("aside", "footer", "nav"), None) is not None:
            continue
        if is_hidden(inner) or any(is_hidden(a) for a in inner.iterancestors()) or hold_by_climbing(others, inner):
            continue
        found = _read_bylines([byline_text_whole(inner)])
        if found.names:
            first = marks_of(inner)
        names += found.names
        notes += found.notes
    return Byline(unique_ignoring_case(names), notes) if names else None


def marks_of(el: etree._Element) -> str:
    """An element's marks as `Parsed.marked` gives them: its class, then its id after a space."""
    marks = el.get("class") or ""
    if (ident := el.get("id")) is not None:
        marks = f"{marks} {ident}"
    return marks[:MAX_MARKS]


def byline_text_whole(el: etree._Element) -> str:
    """A byline element's text as `_byline_text` gives it, read whole: its children that print a line of
    their own apart (" | "), when each of its children in LINE_BREAKS holds only text."""
    breaking = [child for child in el if isinstance(child.tag, str) and child.tag in LINE_BREAKS]
    if breaking and any(child.tag != "br" and len(child) for child in breaking):
        return text_of(el)
    if not breaking:
        return collapse_space(_joined(visible_texts(el))).strip() if len(el) else text_of(el)
    lines, line = [], [el.text or ""]
    for child in el:
        own = child in breaking
        text = "" if child.tag == "br" or not isinstance(child.tag, str) or child.tag in INVISIBLE_TAGS \
            else text_of(child)
        if own:
            lines += [_joined(line), text]
            line = [child.tail or ""]
        else:
            line += [text, child.tail or ""]
    lines.append(_joined(line))
    return " | ".join(kept for kept in (collapse_space(line).strip() for line in lines) if kept)


def visible_texts(el: etree._Element) -> list[str]:
    """The text nodes of `el` in reading order, invisible elements' left out (recursively)."""
    texts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in INVISIBLE_TAGS:
            texts += visible_texts(child)
        texts.append(child.tail or "")
    return texts


BYLINE_PARTS = (
    "<div class='author'>",
    "<span class='byline'>",
    "<div class='related'>",
    "<div class='teaser'>",
    "<div hidden>",
    "<div style='display: none'>",
    "<div aria-hidden='true'>",
    "<section>",
    "</div>",
    "</span>",
    "</section>",
    "By Ann Lee",
    "Bo Kim and Cy Park",
    " &amp; ",
    "&#65;&#66; ",
    "12",
    "<h1>Headline</h1>",
    "<h3><a href='/other'>Other story</a></h3>",
    "<a href='/author/ann'>Ann Lee</a>",
    "<a rel='author' href='/a'>Dee Fox</a>",
    "<script>var x = 'Eve Gray and many words';</script>",
    "<br>",
    "<!-- Fay Hill -->",
    "<aside>",
    "</aside>",
)


def random_byline_page(rng: random.Random) -> Parsed:
    count = rng.choice((5, 15, 40))
    body = "".join(rng.choice(BYLINE_PARTS) for _ in range(count))
    if rng.random() < 0.3:
        body += "word " * rng.choice((100, 400)) + "</div>" * 3
    return parsed_page(body)


def test_byline_names_as_by_climbing_on_random_pages() -> None:
    rng = random.Random(4)
    named = 0
    for _ in range(600):
        parsed = random_byline_page(rng)
        expected = byline_names_by_climbing(parsed)
        assert _byline_names(parsed, OtherStories(parsed.url)) == expected
        named += bool(expected.names)
        others = OtherStories(parsed.url)
        for el in parsed.root.iter(etree.Element):
            assert others.hold(el) == hold_by_climbing(others, el)
            assert others.hidden(el) == any(is_hidden(a) for a in (el, *el.iterancestors()))
    assert named > 100  # the random pages name authors, not only nobody


def test_byline_names_on_nested_author_marks() -> None:
    for depth in (5, 60):
        for inner in ("by 12", "By Ann Lee"):
            parsed = parsed_page(
                "<h1>Headline here ok</h1>"
                + ("<div class='author'>" + inner) * depth
                + "</div>" * depth
                + "<p>"
                + "word " * 300
                + "</p>"
            )
            expected = byline_names_by_climbing(parsed)
            assert _byline_names(parsed, OtherStories(parsed.url)) == expected
            assert bool(expected.names) == (inner != "by 12")
