"""The story reader's shortcuts answer what the general computation answers (scrapers/extract/body.py)."""

from __future__ import annotations

import pytest
from lxml import etree

from scrapers.extract.body import _first_of_several_stories, _Verdicts


def first_story_id(body: str) -> str | None:
    """The id of the article `_first_of_several_stories` picks on a page whose <body> holds `body`."""
    root = etree.fromstring(f"<html><body>{body}</body></html>", etree.HTMLParser())
    story = _first_of_several_stories(tuple(root.iter("article")), tuple(root.iter("h1")))
    return None if story is None else story.get("id")


@pytest.mark.parametrize(
    ("body", "want"),
    [
        # two stories, each with its headline: the first is the page's own
        ('<article id="a"><h1>Eins</h1></article><div><article id="b"><h1>Zwei</h1></article></div>', "a"),
        # a headline deep inside: its article is found through the ancestors of the headline
        ('<div><article id="a"><div><header><h1>Eins</h1></header></div></article></div>'
         '<article id="b"><section><h1>Zwei</h1></section></article>', "a"),
        # one story with cards nested in it: one outermost article with a headline
        ('<article id="a"><h1>Eins</h1><article id="c"><h1>Karte</h1></article></article>', None),
        # an article without a headline counts for nothing
        ('<article id="a"><h1>Eins</h1></article><article id="b"><h2>Karte</h2></article>', None),
        # two headlines in one article: one story
        ('<article id="a"><h1>Eins</h1><h1>Noch eins</h1></article>', None),
        # a headline outside every article, and one in an article: one story
        ('<h1>Seite</h1><article id="a"><h1>Eins</h1></article>', None),
        # the outer of nested headed articles, beside another story
        ('<article id="a"><h1>Eins</h1><article id="c"><h1>Karte</h1></article></article>'
         '<article id="b"><h1>Zwei</h1></article>', "a"),
    ],
)
def test_the_first_of_several_stories_is_the_first_outermost_article_with_a_headline(
        body: str, want: str | None) -> None:
    assert first_story_id(body) == want


@pytest.mark.parametrize(("items", "want"), [(2, False), (3, True)])
def test_a_list_of_fewer_cards_than_a_teaser_list_holds_is_none(items: int, want: bool) -> None:
    card = '<li><a href="/{n}"><h3>Eine andere Geschichte Nummer {n}</h3></a></li>'
    markup = "<ul>" + "".join(card.format(n=n) for n in range(items)) + "</ul>"
    root = etree.fromstring(f"<html><body>{markup}</body></html>", etree.HTMLParser())
    assert _Verdicts().teaser_list(next(root.iter("ul"))) is want
