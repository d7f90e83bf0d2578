"""The generic reader's quick paths give what the searches they stand for give."""

from __future__ import annotations

import pytest

from scrapers.extract import read_page
from scrapers.extract.generic import _byline_marked, _microdata_author_names, _TitleParts, _visible_headline
from scrapers.extract.parsed import Parsed, parse_page

URL = "https://example.com/story"


def _parsed(body: str) -> Parsed:
    return parse_page(read_page(f"<html><head><title>T</title></head><body>{body}</body></html>".encode()), URL)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ('<div itemprop="author"><span itemprop="name">Ann Lee</span></div>', ["Ann Lee"]),
        # own texts only, each text node apart, in page order; a name outside an author box is none
        ('<span itemprop="name">Site</span><div itemprop="author"><p itemprop="name">Bo <b>X</b> Kim</p></div>'
         '<div itemprop="author"><i itemprop="name">Cy</i></div>', ["Bo ", " Kim", "Cy"]),
        # a name inside another: the texts interleave in page order
        ('<div itemprop="author"><p itemprop="name">A<span itemprop="name">B</span>C</p></div>', ["A", "B", "C"]),
        # author boxes nested: each name once
        ('<div itemprop="author"><div itemprop="author"><b itemprop="name">Dee</b></div></div>', ["Dee"]),
        ('<div itemprop="author"><b itemprop="Name">Eve</b></div>', []),  # the value is matched exactly
        ('<div itemprop="author">Fay</div>', []),
    ],
)
def test_microdata_author_names_are_the_texts_of_names_in_author_boxes(body: str, names: list[str]) -> None:
    parsed = _parsed(body)
    assert _microdata_author_names(parsed) == names
    assert all(type(name) is str for name in _microdata_author_names(parsed))
    assert names == (parsed.sel.css("[itemprop=author] [itemprop=name]::text").getall() if names else [])


def test_byline_marked_keeps_each_element_with_a_stem_once_in_page_order() -> None:
    parsed = _parsed('<p class="author author-name byline">A</p><p id="main">B</p><p class="x" id="writer-x">C</p>'
                     '<p class="Reporter">D</p>')
    assert [el.text for el, _ in _byline_marked(parsed)] == ["A", "C", "D"]


@pytest.mark.parametrize(
    ("body", "headline"),
    [
        ("<header><h1>The site's own name here</h1></header><h1>The story's headline</h1>", "The story's headline"),
        ("<article><header><h1>The story's headline</h1></header></article>", "The story's headline"),
        ("<main><div><header><h1>The story's headline</h1></header></div></main>", "The story's headline"),
        # the story's header inside the page's footer is still in the footer
        ("<footer><article><header><h1>A footer headline</h1></header></article></footer>", ""),
        ("<nav><h1>Menu heading here</h1></nav><aside><h1>Aside heading</h1></aside>", ""),
    ],
)
def test_visible_headline_skips_the_page_parts_around_the_story(body: str, headline: str) -> None:
    assert _visible_headline(_parsed(body), [], _TitleParts.of("T")) == headline


def test_nested_byline_boxes_are_each_read_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 author boxes nested one in the other with a role at the bottom, naming nobody: each box is read as
    text once as a box and once as the box inside the one around it. Reading every box inside each took 11.7 s
    at 400 (review): the square of their number of reads, each climbing the depth."""
    from scrapers.extract import generic

    reads = 0
    byline_text = generic._byline_text

    def counted(el: object) -> str | None:
        nonlocal reads
        reads += 1
        return byline_text(el)  # type: ignore[arg-type]

    monkeypatch.setattr(generic, "_byline_text", counted)
    parsed = _parsed('<div class="author">' * 300 + "Staff" + "</div>" * 300)
    assert generic._byline_names(parsed, generic.OtherStories(URL)).names == []
    assert reads <= 2 * 300
