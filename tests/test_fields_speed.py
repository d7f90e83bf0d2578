"""The quick tests the field readers ask before their full rules: each must pass whatever the full rule accepts."""

from __future__ import annotations

import pytest
from lxml import etree

from scrapers.extract.lead import _may_be_standfirst, _standfirst
from scrapers.extract.markup import MAX_MARKS, class_words
from scrapers.extract.vocabulary import STANDFIRST_CLASS_WORDS

SENTENCE = "A standfirst that sums up the story in a sentence of more than forty characters."


@pytest.mark.parametrize(
    ("cls", "ident", "prop"),
    [
        ("article__intro", None, None),
        ("SplitScreenContentHeaderDek", None, None),
        (None, "story-lead", None),
        (None, None, "abstract"),
        ("\u212aey LEDE", None, None),  # upper case lowered, the Kelvin sign among other letters
        ("x" * (MAX_MARKS - 6) + " intro", None, None),  # the word ends right at the cut
        ("c-body", "main", "description Summary"),
    ],
)
def test_marks_holding_a_standfirst_word_pass_the_quick_test(
    cls: str | None, ident: str | None, prop: str | None
) -> None:
    named = (("class", cls), ("id", ident), ("itemprop", prop))
    el = etree.Element("p", {name: value for name, value in named if value})
    assert class_words(el) & STANDFIRST_CLASS_WORDS
    assert _may_be_standfirst(cls, ident, prop)


@pytest.mark.parametrize(
    ("cls", "ident", "prop"),
    [(None, None, None), ("story-body", "main", None), ("x" * MAX_MARKS + " intro", None, None)],
)
def test_marks_without_a_standfirst_word_fail_the_quick_test(
    cls: str | None, ident: str | None, prop: str | None
) -> None:
    assert not _may_be_standfirst(cls, ident, prop)


@pytest.mark.parametrize("marks", ['class="c-Intro"', 'id="articleLead"', 'itemprop="abstract"', 'class="x" id="dek"'])
def test_standfirst_marked_by_class_id_or_itemprop_is_read(marks: str) -> None:
    page = f"<h1>Headline</h1><div class='meta'>By Ann</div><p {marks}>{SENTENCE}</p><p>Body.</p>"
    html = f"<html><body>{page}</body></html>"
    root = etree.fromstring(html, etree.HTMLParser())
    assert _standfirst(root, root.find(".//h1")) == SENTENCE


def test_standfirst_after_the_window_is_not_read() -> None:
    filler = "<span>x</span>" * 200
    html = f"<html><body><h1>Headline</h1>{filler}<p class='intro'>{SENTENCE}</p></body></html>"
    root = etree.fromstring(html, etree.HTMLParser())
    assert _standfirst(root, root.find(".//h1")) is None
