from __future__ import annotations

import json

import pytest

from scrapers.extract.authors import credit_note, split_byline, split_bylines
from scrapers.extraction import extract_article


@pytest.mark.parametrize(
    ("byline", "names", "credit"),
    [
        ("Hà Linh (TH)", ["Hà Linh"], "TH"),
        ("Thu Hà - Minh Anh", ["Thu Hà", "Minh Anh"], None),
        ("Ngọc Anh (Theo AFP)", ["Ngọc Anh"], "Theo AFP"),
        ("Theo AFP", [], "Theo AFP"),
        ("Nguồn: TTXVN", [], "TTXVN"),
        ("Phạm Hằng", ["Phạm Hằng"], None),
        # a content system's account names nobody (aeb: "admin", "jdadmin"); a name holding the letters does
        ("admin", [], None),
        ("By jdadmin", [], None),
        ("Webmaster", [], None),
        ("Sadmin Khan", ["Sadmin Khan"], None),
        ("Minh Châu và Quang Hòa", ["Minh Châu", "Quang Hòa"], None),
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"], None),
        ("Bài: Lê Quân, ảnh: Mai Hoa", ["Lê Quân", "Mai Hoa"], None),
        ("Jane Doe jane.doe@example.com", ["Jane Doe"], None),
        ("  Hà\u00a0Linh  ", ["Hà Linh"], None),
        ("신현주 기자", ["신현주"], None),  # Korean "reporter" after the name
        ("松岡大地 記者", ["松岡大地"], None),
        # roles are nobody's name; an agency named in the byline stays (it is the story's only credit there)
        ("By Staff", [], None),
        ("By Jane Doe, Staff Writer", ["Jane Doe"], None),
        ("Senior Correspondent", [], None),
        # An agency is named in the credit, and stays among the names as the evaluation truth keeps it.
        ("Jane Doe and John Roe, Reuters", ["Jane Doe", "John Roe", "Reuters"], "Reuters"),
        ("dpa", ["dpa"], "dpa"),
        ("Adam Vidler, AP", ["Adam Vidler", "AP"], "AP"),
        ("Stefan Redaktion", ["Stefan Redaktion"], None),  # a role word inside a name leaves the name
        # the labels the reader strips, stripped for a profile's byline too: one splitter for both
        ("Autor: Anna Beispiel (dpa)", ["Anna Beispiel"], "dpa"),
        ("View all posts by Ann Lee", ["Ann Lee"], None),
        ("Tác giả: Lê Quân", ["Lê Quân"], None),
        ("AP Sports Writer", ["AP Sports Writer"], None),  # alone it may be a name; after one it is a role
        ("Greg Beacham, AP Sports Writer", ["Greg Beacham"], None),
    ],
)
def test_split_byline(byline: str, names: list[str], credit: str | None) -> None:
    assert split_byline(byline) == (names, credit)


def test_split_bylines_keeps_order_and_drops_repeats() -> None:
    assert split_bylines(["Hà Linh (TH)", "Minh Anh", "Hà Linh"]) == (["Hà Linh", "Minh Anh"], "TH")


@pytest.mark.parametrize(
    ("line", "credit"),
    [("Nguồn: Vietnam+", "Vietnam+"), ("Nguồn:", None), ("Theo VOV", "Theo VOV"), (None, None), ("", None)],
)
def test_credit_note(line: str | None, credit: str | None) -> None:
    assert credit_note(line) == credit


def test_the_reader_and_the_pipeline_read_a_byline_alike() -> None:
    from pipelines.authors import SplitBylines
    from scrapers.extract.authors import read_byline

    byline = "Von: Anna Beispiel und Bo Kim, Staff Writer (Theo AFP)"
    item = SplitBylines().process_item({"authors": [byline], "credit": None})
    found = read_byline(byline)
    assert (item["authors"], item["credit"]) == (found.names, found.credit) == (["Anna Beispiel", "Bo Kim"],
                                                                                "Theo AFP")


@pytest.mark.parametrize(("byline", "names"), [
    # what a byline prints beside its names, found on pages of other sites labelled by hand (aeb)
    ("by", []),
    ("By, NOVEMBER 20, 2019 10:43", []),
    ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"]),
    ("Analysis by Chris Cillizza", ["Chris Cillizza"]),
    ("Tom Rogan | Print this article", ["Tom Rogan"]),
    # names and house names that stay
    ("FOCUS online", ["FOCUS online"]),
    ("dpa", ["dpa"]),
    ("viktor hedlund", ["viktor hedlund"]),
    ("Guardian staff reporter", ["Guardian staff reporter"]),
    ("María de los Ángeles and Ludwig van Beethoven", ["María de los Ángeles", "Ludwig van Beethoven"]),
    ("MS Dhoni", ["MS Dhoni"]),  # a credential's letters first: a name
    # a time beside a name goes, the name stays; particles joined by a hyphen (the review of the change)
    ("By Jane Doe 10:43 AM EST", ["Jane Doe"]),
    ("Jane Doe Updated 10:43", ["Jane Doe"]),
    ("Ann Lee and Ahmed al-Sharaa al-Shamsi", ["Ann Lee", "Ahmed al-Sharaa al-Shamsi"]),
    ("Valéry Giscard d'Estaing", ["Valéry Giscard d'Estaing"]),
    # a day of the week before a date goes (aeb, thespacereview); a name that ends like one stays
    ("by Jeff Foust Monday, November 18, 2019", ["Jeff Foust"]),
    ("by Jeff Foust | Monday, November 18, 2019", ["Jeff Foust"]),
    ("Rick Monday", ["Rick Monday"]),
    ("Ann Lee, 12 May 2024", ["Ann Lee"]),
    # markup and JSON given as an author's text (fuzzer): a script names nobody, a tag leaves its text
    ("<script>alert(1)</script>", []),
    ('{"name":"x"}', []),
    ("Ann <b>Lee</b>", ["Ann Lee"]),
    ("By Ann Lee<br>Bob Smith", ["Ann Lee", "Bob Smith"]),  # a line break between names parts them
    ("Par Anne Dupont le | 12 mai 2024", ["Anne Dupont"]),
    ("By Nguyen Le", ["Nguyen Le"]),
])
def test_a_byline_s_dates_credentials_and_phrases_name_nobody(byline: str, names: list[str]) -> None:
    assert split_byline(byline)[0] == names


STORY_TEXT = "<p>" + "The council met on Tuesday and voted on the budget for the coming year. " * 8 + "</p>"


@pytest.mark.parametrize(("byline", "names"), [
    # lines of their own in a byline element are its parts apart (aeb: hosted.ap.org, thespacereview)
    ('<div class="story-byline"><div>By LISA MASCARO and ERIC TUCKER</div><div>Associated Press</div></div>',
     ["LISA MASCARO", "ERIC TUCKER", "Associated Press"]),
    ('<h3 class="byline">by Jeff Foust<br><span class="datetime">Monday, November 18, 2019</span></h3>',
     ["Jeff Foust"]),
    # a box of parts read by the parts' own marks, not as one line (aeb: detroitnews)
    # a date line after the names: its label names nobody, a <time> is no line of its own (the review)
    ('<div class="byline">By Ann Lee<br>Updated <time>10:30 AM</time></div>', ["Ann Lee"]),
    ('<div class="byline">By Ann Lee | Published <time>May 12, 2024 10:30</time></div>', ["Ann Lee"]),
    ('<div class="byline">By Ann Lee on <time>May 12, 2024</time></div>', ["Ann Lee"]),
    ('<div class="byline">By Ann Lee<time>May 12, 2024</time></div>', ["Ann Lee"]),
    ('<div class="byline">Von Anna Müller am <time>12. Mai 2024</time></div>', ["Anna Müller"]),
    ('<div class="byline">By Ann Lee<br>Updated: 10:30 AM</div>', ["Ann Lee"]),
    ('<div class="byline-section"><div class="attribution"><span class="author">Tom Davies</span> '
     '<span class="publication">Associated Press</span></div><div class="date">Published 11:34 PM EST Nov 19, 2019'
     '</div></div>', ["Tom Davies"]),
    # the names of the author element inside a byline box, not run into the publication beside them (aeb: USA
    # Today, whose box's text read "Lisa Kaczke and Trevor J. Mitchell Sioux Falls Argus Leader Published ...")
    ('<div class="byline-section"><div class="attribution"><span class="author">Lisa Kaczke and Trevor J. Mitchell'
     '</span> <span class="publication">Sioux Falls Argus Leader</span></div><div class="publish-date">Published'
     ' 10:02 AM EST Nov 19, 2019</div></div>', ["Lisa Kaczke", "Trevor J. Mitchell"]),
    # every author element of the box, those not shown or in a menu left out (review)
    ('<div class="byline"><span class="author">Jane Doe</span> and <span class="author">Bo Kim</span></div>',
     ["Jane Doe", "Bo Kim"]),
    ('<div class="byline">By <span class="author" hidden>Old Writer</span><span class="author">Jane Doe</span>'
     '</div>', ["Jane Doe"]),
    ('<div class="byline"><nav><span class="author">Tom Menu</span></nav><span class="author">Jane Doe</span></div>',
     ["Jane Doe"]),
    # the links of a hidden panel in the byline box ("Follow the author and the topics": aeb, Telegraph)
    ('<footer class="article-author"><div class="byline">By <a href="/authors/ann-lee/">Ann Lee</a></div><aside '
     'hidden><a href="/authors/ann-lee/">Ann Lee</a><a href="/davis-cup/">Davis Cup</a></aside></footer>', ["Ann Lee"]),
    # the byline's other parts, marked otherwise, are nobody's names (second review)
    ('<div class="byline"><div class="author">Jane Doe</div><div class="author-location">Hamburg Germany</div></div>',
     ["Jane Doe"]),
    ('<div class="byline"><span class="author">Jane Doe</span> <span class="authors-more">and Tom Smith</span></div>',
     ["Jane Doe"]),
    # elements that meet without a space, a small letter against a capital, print apart: two names, not one
    # ("Ann LeeReuters"); a capital inside a text ("McDonald") and a label before a name are no seam
    ('<div class="byline">By Ann Lee<span class="agency">Reuters</span></div>', ["Ann Lee", "Reuters"]),
    ('<div class="byline">By <a href="/a">Ann Lee</a><a href="/b">Bob Smith</a> Published</div>',
     ["Ann Lee", "Bob Smith"]),
    ('<div class="byline">By<span>Ann Lee</span></div>', ["Ann Lee"]),
    ('<div class="byline">By <span>Ann McDonald</span><time>May 12, 2024</time></div>', ["Ann McDonald"]),
    ('<p class="author">Von <span>Anna Müller</span><span>dpa</span></p>', ["Anna Müller"]),  # not "Anna Müllerdpa"
])
def test_a_byline_element_is_read_by_its_lines(byline: str, names: list[str]) -> None:
    page = f"<html><body><article><h1>Council passes the budget</h1>{byline}{STORY_TEXT}</article></body></html>"
    assert extract_article(page.encode(), "https://news.example/politics/council-budget-1.html")["authors"] == names


@pytest.mark.parametrize("value", ["undefined", "N/A", "null", "None", "NaN", "false", "%%AUTHOR%%", "${author}",
                                   "{{ author }}"])
def test_a_placeholder_where_the_name_should_be_names_nobody(value: str) -> None:
    # a template's or a program's value, in the meta author and in the printed byline alike (fuzzer)
    page = (f'<html><head><meta name="author" content="{value}"></head><body><article><h1>Council passes the budget'
            f'</h1><div class="byline">By {value}</div>{STORY_TEXT}</article></body></html>')
    assert extract_article(page.encode(), "https://news.example/politics/council-budget-1.html")["authors"] == []


@pytest.mark.parametrize("given", ["data:image/png;base64,AAAA", "/people/ann-lee.jpg", "javascript:alert(1)",
                                   "www.example.com/ann", "//cdn.example.com/a.png"])
def test_an_address_given_as_the_author_names_nobody(given: str) -> None:
    # Read as a byline, a data: URI was three authors ('data:image/png', 'base64', 'AAAA'), a path one (fuzzer)
    from scrapers.extraction import extract_article

    story = "<p>" + "The council approved the budget for next year after a long debate on Tuesday. " * 6 + "</p>"
    ld = json.dumps({"@type": "NewsArticle", "headline": "Council approves budget", "author": given})
    page = (f'<html><head><title>Council approves budget</title><script type="application/ld+json">{ld}</script>'
            f"</head><body><article><h1>Council approves budget</h1>{story}</article></body></html>")
    record = extract_article(page.encode(), "https://www.example.com/news/council-approves-budget-1.html")
    assert record["authors"] == []


@pytest.mark.parametrize(("byline", "names"), [
    ('By <a href="/author/ann">Ann Lee</a> and Bo Kim', ["Ann Lee", "Bo Kim"]),  # a co-author without a page
    ('Von <a href="/autor/ann">Ann Lee</a> und Bo Kim', ["Ann Lee", "Bo Kim"]),
    ('By <a href="/author/ann">Ann Lee</a> &amp; Bo Kim', ["Ann Lee", "Bo Kim"]),  # (second review)
    ('<a href="/author/reuters">Reuters</a>, Washington', ["Reuters"]),  # a place after the name: no "and"
    ('By <a href="/author/ann">Ann Lee</a> and <a href="/author/bo">Bo Kim</a>', ["Ann Lee", "Bo Kim"]),
    # a section, agencies, a role, a photographer after the linked name: no author (review)
    ('By <a href="/author/ann">Ann Lee</a> | Politics &amp; Economy', ["Ann Lee"]),
    ('By <a href="/author/ann">Ann Lee</a>, Reuters &amp; AFP', ["Ann Lee"]),
    ('By <a href="/author/ann">Ann Lee</a>, Washington Bureau Chief &amp; Senior Editor', ["Ann Lee"]),
    ('By <a href="/author/ann">Ann Lee</a> and <a href="/author/bo">Bo Kim</a> | Photos by Cy Dee',
     ["Ann Lee", "Bo Kim"]),
])
def test_a_byline_of_linked_and_unlinked_names_keeps_them_all(byline: str, names: list[str]) -> None:
    # The links' names won: an unlinked co-author was lost (fuzzer)
    from scrapers.extraction import extract_article

    story = "<p>" + "The council approved the budget for next year after a long debate on Tuesday. " * 6 + "</p>"
    page = ('<html lang="en"><head><title>Council approves budget</title></head><body><article><h1>Council approves'
            f' budget</h1><div class="byline">{byline}</div>{story}</article></body></html>')
    record = extract_article(page.encode(), "https://www.example.com/news/council-approves-budget-1.html")
    assert record["authors"] == names
