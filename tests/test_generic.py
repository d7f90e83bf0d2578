"""Generic reading of a page the project has no profile for."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from parsel import Selector

from scrapers.extract.generic import _without_headline, primary_language, read_article
from scrapers.extract.parsed import parse_page
from scrapers.extraction import extract_article
from scrapers.pages import ArticlePage
from tests.storypages import HOUSE, LEAD, PAGE, STORY, read


def test_read_article_combines_structured_data_and_markup() -> None:
    art = read(PAGE)
    assert art.title == "Großbrand im Hafen"
    assert art.published_raw == "2024-05-03T10:15:00+02:00"
    assert art.authors == ["Anna Beispiel"]
    assert art.lead == LEAD
    assert art.body.split("\n\n")[0].startswith("Die Rauchsäule")
    assert LEAD not in art.body
    assert art.sources["lead"] == "description"


def page_with(author_jsonld: str, byline: str) -> Selector:
    return Selector(text=f"""<html><head><meta property="og:site_name" content="Hafenblatt">
<script type="application/ld+json">
{{"@type": "NewsArticle", "headline": "Brand im Hafen", "author": {author_jsonld}}}</script>
</head><body><article><h1>Brand im Hafen</h1>{byline}<p>{LEAD} {LEAD}</p></article></body></html>""")


@pytest.mark.parametrize(
    ("author_jsonld", "byline", "authors"),
    [
        # The house in structured data, a person in the byline: the person.
        (HOUSE, '<div class="article-author"><a href="/a">Anna Beispiel</a></div>', ["Anna Beispiel"]),
        ('"Hafenblatt Redaktion"', '<p>Von <a rel="author" href="/a">Bo Kim</a></p>', ["Bo Kim"]),
        # Only the house credits the story: it stays (it is the page's credit).
        (HOUSE, "", ["Hafenblatt"]),
        # A lower-case word in an author box is a label, not a name.
        (HOUSE, '<span class="author">capital</span>', ["Hafenblatt"]),
    ],
)
def test_authors_prefer_people_to_the_house(author_jsonld: str, byline: str, authors: list[str]) -> None:
    art = read(page_with(author_jsonld, byline))
    assert art.authors == authors
    # The house credited instead of a person is named in the credit too, so a reader can tell it apart.
    assert art.credit == ("Hafenblatt" if authors == ["Hafenblatt"] else None)


@pytest.mark.parametrize(
    ("top", "bottom", "authors"),
    [
        # a contributors line with the name linked
        ('<div class="c-article-contributors">By <a href="/p/sg">Stefan Grobe</a></div>', "", ["Stefan Grobe"]),
        # a story signed under its last paragraph, right-aligned
        ("", '<p class="Normal" style="text-align:right;"><strong>Lê Phương</strong></p>', ["Lê Phương"]),
        # no byline and no signature: the house credits the story
        ("", "", ["Hafenblatt"]),
        # a hidden editor widget classed "writer" is no byline
        ('<div id="css-writer" style="display: none"><button>Save</button></div>', "", ["Hafenblatt"]),
        # a byline label on its own, the name as plain text after it
        ('<ul><li><strong>Datum</strong> 28.04.2023</li><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>',
         "", ["Roman Goncharenko"]),
        ("", '<p><span>Text:</span> Anna Beispiel</p>', ["Anna Beispiel"]),
        # interface text in an author box is nobody's name; a link reading "View all posts by" names its author
        ('<div class="author"><span>Follow</span> <span>Name *</span></div>', "", ["Hafenblatt"]),
        ('<a rel="author" href="/a/ann">View all posts by Ann Lee</a>', "", ["Ann Lee"]),
        ('<div class="author">Ann Lee <button>Follow</button></div>', "", ["Ann Lee"]),
        ('<div class="autor">Anna Beispiel <span>Folgen</span></div>', "", ["Anna Beispiel"]),
        # a byline printed as plain text, its label part of the line, in several languages
        ("<p>Von Anna Beispiel</p>", "", ["Anna Beispiel"]),
        ("<div><span>By Ann Lee and Bo Kim</span> | <span>3 May 2024</span></div>", "", ["Ann Lee", "Bo Kim"]),
        ("<div>Par Jean Dupont</div>", "", ["Jean Dupont"]),
        ("<p>Por: María López</p>", "", ["María López"]),
        ("<p>Autor: Jan Nowak</p>", "", ["Jan Nowak"]),
        ('<ul><li>Von: <span><a href="/p/bm">Bill McCarthy</a>,</span> <span><a href="/p/mg">Marisha Goldhamer</a>'
         "</span></li></ul>", "", ["Bill McCarthy", "Marisha Goldhamer"]),
        ("", "<p>Von Anna Beispiel</p>", ["Anna Beispiel"]),  # signed under the story
        # a story sentence that starts like a byline names nobody
        ("<p>Par ailleurs, le port reste fermé.</p>", "", ["Hafenblatt"]),
    ],
)
def test_bylines_and_signatures(top: str, bottom: str, authors: list[str]) -> None:
    page = f"""<html><head><meta property="og:site_name" content="Hafenblatt">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand im Hafen", "author": {HOUSE}}}</script>
</head><body><article><h1>Brand im Hafen</h1>{top}{STORY}{bottom}</article></body></html>"""
    assert read(page).authors == authors


def test_name_in_bold_over_the_story_is_its_author() -> None:
    page = f"""<html><head><meta property="og:site_name" content="Hafenblatt"></head><body><article>
<h1>Brand im Hafen</h1><p><strong>Mohloai Mpesi</strong></p>{STORY}</article></body></html>"""
    art = read(page)
    assert art.authors == ["Mohloai Mpesi"]
    assert art.sources["authors"] == "signature"
    assert "Mohloai" not in art.body


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # the section glued to the share title, named in a category meta tag, and the site name
        ('<meta property="og:title" content="Feuer im Hafen gelöscht-Politikㅣ Hafenblatt">'
         '<meta name="content_category" content="Politik">', "Feuer im Hafen gelöscht"),
        ('<meta property="og:title" content="Feuer im Hafen gelöscht - Politik">'
         '<meta property="article:section" content="Politik">', "Feuer im Hafen gelöscht"),
        # a title that is only the section's name and a word stays whole
        ('<meta property="og:title" content="Mehr-Politik"><meta name="category" content="Politik">', "Mehr-Politik"),
    ],
)
def test_section_suffix_leaves_the_title(head: str, title: str) -> None:
    page = f"""<html><head>{head}<meta property="og:site_name" content="Hafenblatt"></head>
<body><article>{STORY}</article></body></html>"""
    assert read(page).title == title


def test_record_says_which_signal_each_field_came_from() -> None:
    from scrapers.extraction import extract_article

    record = extract_article(PAGE.encode(), "https://hafenblatt.example/brand-1.html")
    assert record["sources"]["title"] == "og:title"
    assert record["sources"]["published_at"] == record["sources"]["published_raw"] == "jsonld"
    assert record["sources"]["authors"] == "jsonld"
    assert record["sources"]["lead"] == "description"
    assert record["sources"]["body"] == "text density"
    assert "updated_at" not in record["sources"]  # the page states no modification time


def test_a_day_alone_takes_the_time_another_signal_gives_for_that_day() -> None:
    page = f"""<html><head><script type="application/ld+json">[{{"@type": "NewsArticle", "headline": "Brand",
"datePublished": "2025-11-21"}}, {{"@type": "WebPage", "datePublished": "2025-11-21T13:34:26+00:00"}}]</script>
<meta property="article:published_time" content="2025-11-20T08:00:00+00:00"></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    art = read(page)
    assert art.published_raw == "2025-11-21T13:34:26+00:00"  # not the other day's meta time
    assert art.sources["published_raw"] == "jsonld"



@pytest.mark.parametrize(
    ("given", "other", "raw"),
    [
        # a day in words in the article's JSON-LD, its instant in the meta
        ('"datePublished": "November 19, 2019"', "2019-11-19T11:21:08+00:00", "2019-11-19T11:21:08+00:00"),
        # a time without its offset, the same clock time with it
        ('"datePublished": "2019-11-18T17:26:45.726"', "2019-11-18T17:26:45.726Z", "2019-11-18T17:26:45.726Z"),
        # another clock time, another day: the page's own text stays
        ('"datePublished": "2019-11-18T17:26:45"', "2019-11-18T09:00:00Z", "2019-11-18T17:26:45"),
        ('"datePublished": "November 19, 2019"', "2019-11-18T23:00:00-05:00", "November 19, 2019"),
    ],
)
def test_a_time_without_its_offset_takes_the_same_time_with_it_from_another_signal(given: str, other: str,
                                                                                     raw: str) -> None:
    page = f"""<html lang="en"><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
{given}}}</script><meta name="parsely-pub-date" content="{other}"></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    art = read(page)
    assert art.published_raw == raw
    assert art.sources["published_raw"] == ("jsonld" if raw != other else "meta")


def test_a_day_takes_no_time_from_an_embedded_video_nor_from_signals_that_disagree() -> None:
    """A video's `datePublished` of the same day was taken for the article's time (the review of the change)."""
    video = """{"@type": "VideoObject", "name": "Clip", "datePublished": "2019-11-19T06:00:00+00:00"}"""
    page = f"""<html lang="en"><head><script type="application/ld+json">[{{"@type": "NewsArticle", "headline": "Brand",
"datePublished": "November 19, 2019"}}, {video}]</script></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    assert read(page).published_raw == "November 19, 2019"
    clash = page.replace("<head>", '<head><meta property="article:published_time" content="2019-11-19T16:21:08+00:00">')
    assert read(clash).published_raw == "2019-11-19T16:21:08+00:00"  # the video's time is no candidate
    two = clash.replace("</head>", '<meta name="parsely-pub-date" content="2019-11-19T09:00:00Z"></head>')
    assert read(two).published_raw == "November 19, 2019"  # two times of that day: neither is sure


def test_a_printed_day_takes_its_instant_from_any_object_of_the_page() -> None:
    page = f"""<html lang="en"><head><script type="application/ld+json">{{"@type": "ClaimReview",
"datePublished": "2019-11-18T10:15:00+00:00"}}</script></head><body><article><h1>Brand</h1>
<p class="date">Published 18 November 2019</p>{STORY}</article></body></html>"""
    record = extract_article(page.encode(), "https://www.example.com/fact-check/brand/")
    assert record["published_at"] == "2019-11-18T10:15:00+00:00"

@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Ann Lee and Bo Kim", ["Ann Lee", "Bo Kim"]),
        ("Von Anna Beispiel, Bo Kim", ["Anna Beispiel", "Bo Kim"]),
        ("Autor: Anna Beispiel", ["Anna Beispiel"]),
        ("Text: Anna Beispiel und Bo Kim", ["Anna Beispiel", "Bo Kim"]),
        ("Erstellt von Anna Beispiel", ["Anna Beispiel"]),
        ("Artikel von: Anna Beispiel", ["Anna Beispiel"]),
        ("View all posts by Ann Lee", ["Ann Lee"]),
        ("Textilexperte Bo Kim", ["Textilexperte Bo Kim"]),
        ("Von: Anna Beispiel", ["Anna Beispiel"]),
        ("By: Ann Lee", ["Ann Lee"]),
        ("Por: María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("Par : Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Door: Jan de Vries en Piet Jansen", ["Jan de Vries", "Piet Jansen"]),
        ("Текст: Лида Буслаева", ["Лида Буслаева"]),
        ("Ein Kommentar von Anna Beispiel", ["Anna Beispiel"]),
        ("di Mario Rossi", ["Mario Rossi"]),
        ("Da Silva", ["Da Silva"]),  # a surname's particle is no label
        ("John E Smith", ["John E Smith"]),  # nor is an initial a joiner
        ("Von unserer Redaktion", []),
        ("Tim Childers - Live Science Contributor", ["Tim Childers"]),
        ("By Ann Lee " + "and the rest of the page " * 60, []),  # longer than a byline: a box, not names
    ],
)
def test_clean_author(raw: str, names: list[str]) -> None:
    from scrapers.extract.generic import clean_author

    assert clean_author(raw) == names


def test_byline_element_holding_the_page_names_nobody() -> None:
    # An unclosed tag in an element classed `author` makes it hold the rest of the page: no name from it,
    # though its text split at commas holds name-like parts ("Bo Kim")
    # (its 170,000 characters took 4 s to split before the bound).
    rest = "".join(f"<p>Paragraph {i} of the story, Bo Kim, said name@example.com.</p>" for i in range(400))
    html = f'<html><body><h1>Headline</h1><div class="author">By Ann Lee {rest}</body></html>'
    assert extract_article(html.encode(), "https://example.com/a")["authors"] == []


@pytest.mark.parametrize(
    ("lang", "before", "after", "raw"),
    [
        # a label before the date goes; the page's language guides dateparser
        ("de", "", '<div class="meta-date">Veröffentlicht am 13. Mai 2026 um 15:44</div>', "13. Mai 2026 um 15:44"),
        # MasterCMS prints its date line above the headline
        ("vi", '<span class="article-detail-date rt">10:27 | 17/06/2021 GMT+7</span>', "", "10:27 | 17/06/2021 GMT+7"),
        # a month before the day stays; a date-classed text with no day or year is passed over
        ("en", "", '<div class="date">Top Stories</div><div class="post-date">Published May 3, 2024</div>',
         "May 3, 2024"),
    ],
)
def test_printed_date_line_when_no_machine_date(lang: str, before: str, after: str, raw: str) -> None:
    page = f"""<html lang="{lang}"><body><article>{before}<h1>Großbrand im Hafen</h1>{after}{STORY}</article>
</body></html>"""
    art = read(page)
    assert art.published_raw == raw
    assert art.sources["published_raw"] == "date line"


def test_keywords_run_together_give_way_to_a_list() -> None:
    page = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
"keywords": "Berlin Ukraine Unfall"}}</script><meta name="keywords" content="Unfall,Berlin,Ukraine"></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    art = read(page)
    assert art.tags == ["Unfall", "Berlin", "Ukraine"]
    assert art.sources["tags"] == "keywords"


def test_bylines_of_teased_stories_are_not_this_storys() -> None:
    teasers = "".join(
        f'<article class="teaser"><h2><a href="/s-{n}">Andere Geschichte {n}</a></h2>'
        f'<footer class="teaser__byline byline">Kolumne von <a rel="author" href="/a/{n}">Autor Nummer{n}</a>'
        f"</footer></article>"
        for n in range(3)
    )
    page = f"""<html><head><meta property="og:site_name" content="Hafenblatt"></head><body><article>
<h1>Brand im Hafen</h1><p class="byline">Von <a rel="author" href="/a/cs">Carla Siepmann</a></p>{STORY}</article>
<section class="more">{teasers}</section></body></html>"""
    assert read(page).authors == ["Carla Siepmann"]


def test_the_extraction_package_imports_nothing_from_scrapy() -> None:
    # A fresh interpreter: what the package's modules import, not what this test session already has.
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys, scrapers.extract as package\n"
        "for module in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module('scrapers.extract.' + module.name)\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'scrapy', 'twisted', 'pipelines'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[]"


STORY_BODY = "<p>" + "Die Feuerwehr war mit vielen Kräften im Hafen im Einsatz, der Betrieb stand still. " * 3 + "</p>"


@pytest.mark.parametrize(
    ("head", "markup", "tags", "source"),
    [
        ("", '<p>Tags: <a rel="tag" href="/t/hafen">Hafen,</a> <a rel="category tag" href="/t/feuer">Feuer</a></p>',
         ["Hafen"], "rel=tag"),
        ("", '<ul class="article-tags"><li><a href="/t/hafen">Hafen</a></li><li><a href="/t/b">Brand</a></li></ul>',
         ["Hafen", "Brand"], "tag list"),
        ('<meta name="keywords" content="Unfall, Berlin">', '<a rel="tag" href="/t/hafen">Hafen</a>',
         ["Unfall", "Berlin"], "keywords"),
        ('<meta name="keywords" content="_commerce, 8ae9ab2d-fe1b-4230-acb8-a59b52877682, Hafen, Brand">', "",
         ["Hafen", "Brand"], "keywords"),
    ],
)
def test_tags_printed_as_links_when_the_metadata_names_none(head: str, markup: str, tags: list[str],
                                                            source: str) -> None:
    html = (f"<html><head>{head}</head><body><article><h1>Großbrand im Hafen</h1>{STORY_BODY}{markup}</article>"
            "</body></html>")
    art = read_article(parse_page(Selector(text=html), "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"))
    assert art.tags == tags
    assert art.sources["tags"] == source


def test_tag_lists_by_class_word() -> None:
    html = (f"<html><body><article><h1>Großbrand im Hafen</h1>{STORY_BODY}"
            '<div class="article__tags"><a href="/t/hafen">#Hafen</a> <a href="/t/b">Brand</a></div>'
            '<ul class="trending-topics"><li><a href="/t/nfl">NFL</a></li></ul></article></body></html>')
    art = read_article(parse_page(Selector(text=html), "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"))
    assert (art.tags, art.sources["tags"]) == (["#Hafen", "Brand"], "tag list")


def test_a_topic_bar_above_the_headline_is_not_the_storys_tags() -> None:
    bar = '<ul class="topics"><li><a href="/t/wahl">Wahl</a></li><li><a href="/t/nfl">NFL</a></li></ul>'
    html = f"<html><body>{bar}<article><h1>Großbrand im Hafen</h1>{STORY_BODY}</article></body></html>"
    url = "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"
    assert read_article(parse_page(Selector(text=html), url)).tags == []


@pytest.mark.parametrize(
    ("date", "published_at", "published_date"),
    [
        # An offset: the day is the page's own, not UTC's.
        ("2024-05-03T00:30:00+02:00", "2024-05-03T00:30:00+02:00", "2024-05-03"),
        # No offset on a site whose zone is unknown: no instant, but the day is the page's.
        ("2024-05-03T23:30:00", None, "2024-05-03"),
        ("3. Mai 2024", None, "2024-05-03"),
    ],
)
def test_the_day_of_publication_is_kept_when_its_instant_is_unknown(date: str, published_at: str | None,
                                                                    published_date: str) -> None:
    html = (f'<html><head><meta property="article:published_time" content="{date}"></head><body><article>'
            f"<h1>Großbrand im Hafen</h1>{STORY_BODY}</article></body></html>")
    url = "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"
    item = ArticlePage(Selector(text=html), url=url, fetched_at=datetime(2024, 5, 4, tzinfo=UTC)).to_item()
    assert item.published_date == published_date
    record = extract_article(html.encode(), url)
    assert (record["published_at"], record["published_date"]) == (published_at or published_date, published_date)


def test_a_name_whose_initials_are_the_hosts_is_the_house() -> None:
    page = f"""<html><head><meta name="author" content="Deutsche Welle (www.dw.com)"></head><body><article>
<h1>Brand im Hafen</h1><p><strong>Autor</strong> Roman Goncharenko</p>{STORY}</article></body></html>"""
    art = read_article(parse_page(Selector(text=page), "https://www.dw.com/de/brand-im-hafen/a-65464327"))
    assert art.authors == ["Roman Goncharenko"]
    assert art.sources["authors"] == "byline label"


def test_a_box_word_on_the_articles_own_wrapper_leaves_its_byline_alone() -> None:
    page = f"""<html><body><div class="article paywall"><h1>Brand im Hafen</h1>
<div class="byline">Von <a href="/autor/anna">Anna Beispiel</a></div>{STORY}</div>
<div class="teaser"><h2><a href="/s-1">Andere Geschichte</a></h2><div class="byline">Von Bo Kim</div></div>
</body></html>"""
    assert read(page).authors == ["Anna Beispiel"]


HEADLINE = "Großbrand legt den Hafen lahm"


@pytest.mark.parametrize("url", ["https://www.hafenblatt.co.kr/news/brand-1.html", "https://news.hafenblatt.com.vn/brand-1.html",
                                 "https://hafenblatt.de/brand-1.html"])
def test_the_site_s_name_from_its_address_is_the_label_before_its_public_suffix(url: str) -> None:
    # Under a country's second level (.co.kr, .com.vn) the label before the last was "co" or "com", and a <title>
    # ending in the site's name kept it (aeb: entermedia.co.kr)
    page = f"""<html><head><title>Großbrand legt den Hafen lahm - Hafenblatt</title></head><body><article>
{STORY}</article></body></html>"""
    assert read_article(parse_page(Selector(text=page), url)).title == HEADLINE




@pytest.mark.parametrize(
    ("head", "h1", "title", "source"),
    [
        # A share title that is the headline with text added, or a kicker set apart without a colon: the <h1>.
        ('<meta property="og:title" content="Großbrand legt den Hafen lahm und mehr">', HEADLINE, HEADLINE, "h1"),
        ('<meta property="og:title" content="Opinion | Großbrand legt den Hafen lahm">', HEADLINE, HEADLINE, "h1"),
        # A kicker with a colon is the publisher's own title.
        ('<meta property="og:title" content="Hamburg: Großbrand legt den Hafen lahm">', HEADLINE,
         "Hamburg: Großbrand legt den Hafen lahm", "og:title"),
        # An <h1> that is the blog's name over the post's own heading is not the headline.
        ("<title>Ein Abend am Hafen – Hafenblog</title>", "Hafenblog", "Ein Abend am Hafen", "title"),
    ],
)
def test_title_rules(head: str, h1: str, title: str, source: str) -> None:
    page = f"""<html><head>{head}</head><body><h1>{h1}</h1><article><h2>Ein Abend am Hafen</h2>{STORY}</article>
</body></html>"""
    art = read_article(parse_page(Selector(text=page), "https://hafenblatt.example/brand-1.html"))
    assert (art.title, art.sources["title"]) == (title, source)


@pytest.mark.parametrize(("url", "name"), [
    ("https://entermedia.co.kr/a", "entermedia"), ("https://news.sky.com/a", "sky"),
    ("https://m.example.com/a", "example"), ("http://intranet/x", "intranet"), ("https://444.hu/a", "444"),
    ("https://amp.dev/a", "amp"),
    # no site's name: a host under a public suffix whose own label is "www", an address, no URL (review)
    ("https://www.gov.uk/x", ""), ("http://127.0.0.1:8000/a", ""), ("http://[::1]/a", ""), ("http://[::1", ""),
    ("", ""),
])
def test_the_site_s_name_from_its_address(url: str, name: str) -> None:
    from scrapers.extract.generic import _host_name

    assert _host_name(url) == name


@pytest.mark.parametrize(("title", "stripped"), [
    ("Großbrand im Hafen - Hafenblatt Online", "Großbrand im Hafen"),  # the site's name with a word more
    ("Großbrand im Hafen | hafenblatt.de", "Großbrand im Hafen"),
    # a part of the headline that begins with the site's name stays (aeb: comwrap.com)
    ("Take C.A.R.E. - comwrap auf der DMEXCO 2018", "Take C.A.R.E. - comwrap auf der DMEXCO 2018"),
])
def test_a_segment_beginning_with_the_site_s_name_is_its_name_only_when_short(title: str, stripped: str) -> None:
    from scrapers.extract.generic import strip_site_name

    assert strip_site_name(title, ["Hafenblatt", "comwrap"], []) == stripped


def test_a_title_led_by_the_section_s_name_is_the_headline_s_not_a_blog_post_s() -> None:
    # "Opinion | Headline - Site" with a heading "Opinion" read as "Post title | Blog name": the <h1> was taken
    # for the blog's name, and the share title cut to "Opinion" (aeb: The New York Times)
    page = f"""<html><head><title>Meinung | {HEADLINE} - Hafenblatt</title>
<meta property="og:title" content="Meinung | {HEADLINE}"><meta property="article:section" content="Meinung">
</head><body><h2>Meinung</h2><article><h1>{HEADLINE}</h1>{STORY}</article></body></html>"""
    art = read_article(parse_page(Selector(text=page), "https://hafenblatt.example/meinung/brand-1.html"))
    assert art.title == HEADLINE


@pytest.mark.parametrize(
    ("date", "published_at"),
    [("2024-05-03", None), ("3. Mai 2024", None), ("3. Mai 2024, 00:00 Uhr", "2024-05-03T00:00:00+02:00")],
)
def test_a_day_without_a_time_is_no_instant_even_where_the_zone_is_known(date: str, published_at: str | None) -> None:
    html = (f'<html lang="de"><head><meta property="article:published_time" content="{date}"></head><body>'
            f"<article><h1>Großbrand im Hafen</h1>{STORY_BODY}</article></body></html>")
    url = "https://www.hafenblatt.de/hafen/grossbrand-4411220.html"
    item = ArticlePage(Selector(text=html), url=url, fetched_at=datetime(2024, 5, 4, tzinfo=UTC)).to_item()
    assert (item.published_at and item.published_at.isoformat(), item.published_date) == (published_at, "2024-05-03")


def test_a_byline_that_names_the_structured_author_and_a_cosigner_gives_both() -> None:
    page = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
"author": {{"@type": "Person", "name": "Bo Kim"}}}}</script></head><body><article><h1>Brand im Hafen</h1>
<address><a rel="author" href="mailto:anna@hafenblatt.example">Anna Beispiel</a></address>
<address><a rel="author" href="/autor/bo-kim">Bo Kim</a></address>{STORY}</article></body></html>"""
    art = read_article(parse_page(Selector(text=page), "https://hafenblatt.example/brand-1.html"))
    assert (art.authors, art.sources["authors"]) == (["Anna Beispiel", "Bo Kim"], "byline")


@pytest.mark.parametrize(
    ("crumbs", "title", "section"),
    [
        (["Politik", "Ausland"], "Schattenflotte gestoppt", ["Politik", "Ausland"]),
        (["Schweiz", "Trump plant Helikopterlandeplatz beim Weissen Haus"], "Trump will einen Landeplatz",
         ["Schweiz"]),  # another wording of the headline: a sentence, not a section
        (["Panorama", "Gemeinde räumt Versäumnisse nach Feuer"], "Gemeinde räumt Versäumnisse nach Feuer ein",
         ["Panorama"]),  # the headline cut short
        (["Sport", "Tiktok"], "Tiktok", ["Sport"]),
        (["Lifestyle", "Eat & Drink"], "Die richtige Ernährung", ["Lifestyle", "Eat & Drink"]),
        (["Wirtschaft"], "Wirtschaftsweise warnen vor der Rezession", ["Wirtschaft"]),
    ],
)
def test_breadcrumb_does_not_end_with_the_headline(crumbs: list[str], title: str, section: list[str]) -> None:
    assert _without_headline(crumbs, title) == section


@pytest.mark.parametrize(
    ("tag", "language"),
    [("de-AT", "de"), ("de-DE", "de"), ("de", "de"), ("en-US", "en"), ("zh-Hant-TW", "zh-Hant"), (None, None)],
)
def test_language_is_folded_to_its_subtag(tag: str | None, language: str | None) -> None:
    assert primary_language(tag) == language


@pytest.mark.parametrize(
    ("head", "byline", "authors"),
    [
        # An organisation credited in structured data, a person printed on the page: the person.
        ('<meta name="author" content="Reuters">', '<p class="byline">By Ann Lee</p>', ["Ann Lee"]),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Brand", "author": '
         '{"@type": "Organization", "name": "Nordpresse Agentur"}}</script>', "<p>Von Anna Beispiel</p>",
         ["Anna Beispiel"]),
        ('<meta name="author" content="hafenblatt.example">', '<div class="author">Par Jean Dupont</div>',
         ["Jean Dupont"]),
        # Nobody printed: the organisation credits the story.
        ('<meta name="author" content="dpa">', "", ["dpa"]),
        # A teaser card's byline (its linked headline another story's) is not the story's own.
        ('<meta name="author" content="dpa">', '<div class="card"><a href="/andere-geschichte"><h3>Andere Geschichte'
         '</h3></a><div class="appetizer-author">Von Bo Kim</div></div>', ["dpa"]),
    ],
)
def test_a_printed_person_comes_before_an_organisation(head: str, byline: str, authors: list[str]) -> None:
    page = f"""<html><head>{head}</head><body><article><h1>Brand im Hafen</h1>{byline}{STORY}</article>
</body></html>"""
    assert read(page).authors == authors


def test_a_teaser_under_the_story_lends_it_no_cosigner() -> None:
    page = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
"author": {{"@type": "Person", "name": "Anna Beispiel"}}}}</script></head><body><article><h1>Brand im Hafen</h1>
<p class="byline">Von <a rel="author" href="/autor/anna">Anna Beispiel</a></p>{STORY}</article>
<div class="list"><h4><a href="/andere-geschichte">Andere Geschichte</a></h4><div class="meta">
<span>By</span> <a rel="author" href="/autor/bo">Bo Kim</a></div></div></body></html>"""
    assert read(page).authors == ["Anna Beispiel"]


def test_the_byline_class_test_agrees_with_the_byline_pattern() -> None:
    # The quick test of the lowered marks must pass every word the pattern names, and answer as the pattern does,
    # the letters that match ASCII ones case-blind included (the dotless i, the Turkish capital I).
    from scrapers.extract.generic import _BYLINE_STEMS, _marks_byline
    from scrapers.extract.vocabulary import BYLINE_CLASS

    words = BYLINE_CLASS.pattern.split(")(?:", 1)[1].split(")", 1)[0].split("|")
    assert len(words) >= 10
    assert all(_BYLINE_STEMS.search(word.replace("-?", "-").replace("s?", "s")) for word in words)
    marks = ["article__byline", "c-Author-name story", "authority", "nav main", "bylıne", "BYLİNE", "Writer", "x"]
    assert [_marks_byline(m) for m in marks] == [bool(BYLINE_CLASS.search(m)) for m in marks]
    assert [_marks_byline(m) for m in marks] == [True, True, False, False, True, True, True, False]


@pytest.mark.parametrize("classes", [
    ["nav", "article__author", "layout", "w-auto", "byline", "footer"],
    ["story-meta", "by", "line", "Contributors", "REPORTER-box", "auteur", "wrIter"],
    ["au", "thor", "plain", "Autorin", "K\u212aelvin-author"],  # a stem across two marks; marks not all ASCII
    ["teaser", "card", "main"],
    [],
])
def test_the_byline_candidates_hold_every_byline_mark(classes: list[str]) -> None:
    """The marked elements `_byline_marked` picks by one search of all the marks keep, in page order, each one
    whose marks name a byline."""
    from scrapers.extract.generic import _byline_marked, _marks_byline

    html = "<html><body>" + "".join(f'<div class="{name}">x</div>' for name in classes) + "</body></html>"
    parsed = parse_page(Selector(text=html), "https://example.com/a")
    marked = parsed.marked
    expected = [(el, marks) for el, marks in marked if _marks_byline(marks)]
    assert [(el, marks) for el, marks in _byline_marked(parsed) if _marks_byline(marks)] == expected
    assert len(expected) == sum(1 for name in classes if name.lower() in (
        "article__author", "byline", "contributors", "reporter-box", "auteur", "writer", "kkelvin-author"))


def test_only_short_text_keys_are_kept() -> None:
    """A site name or title part is keyed from the cache; a page-long "title" (tag soup) is keyed, not kept."""
    from scrapers.extract.generic import KEPT_KEY_LENGTH, _kept_key, _key, text_key

    long_title = "Überschrift " * (KEPT_KEY_LENGTH // 10)
    before = _kept_key.cache_info()
    assert _key(long_title) == text_key(long_title)
    assert _kept_key.cache_info()[:2] == before[:2]  # neither found nor kept
    site = f"Die Zeitung {uuid.uuid4().hex}"  # keyed by no earlier test or run
    assert _key(site) == text_key(site)
    assert _key(site) == text_key(site)
    after = _kept_key.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 1)


def test_an_update_day_without_a_time_is_no_instant() -> None:
    """A JSON-LD `dateModified` of "2018-10-03" on a Russian site became 2018-10-03T00:00:00+03:00, a midnight the
    page never gave (hostile review, 4th round); as `published_at`, a day alone is no instant."""
    page = f"""<html lang="ru"><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
"datePublished": "2018-10-02T10:00:00+03:00", "dateModified": "2018-10-03"}}</script></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    record = extract_article(page.encode(), "https://www.example.ru/news/brand/")
    assert (record["published_at"], record["updated_at"]) == ("2018-10-02T10:00:00+03:00", None)


STORY_PARAGRAPHS = "".join(
    f"<p>{sentence} The council met on Tuesday and voted on the budget for the coming year.</p>" for sentence in (
        "The city council approved a new budget.", "The mayor said it would fund new schools.",
        "Opponents said the plan raised taxes too much."))


@pytest.mark.parametrize(("page", "published"), [
    # the site's header shows today; a most-read box its first story's time: neither dates the article
    ('<header class="site"><time datetime="2026-12-01">Tuesday, 1 December</time></header><article><h1>Council '
     f'approves new budget</h1><div class="date">May 3, 2024</div>{STORY_PARAGRAPHS}</article>', "2024-05-03"),
    (f'<article><h1>Council approves new budget</h1><div class="date">May 3, 2024</div>{STORY_PARAGRAPHS}</article>'
     '<aside class="most-read"><h3>Most read</h3><ul><li><a href="/news/2024/04/01/storm">Storm hits the coast</a>'
     ' <time datetime="2024-04-01T08:00:00-04:00">April 1</time></li></ul></aside>', "2024-05-03"),
    # the article's own header, and a <time> in the story, do
    ('<article><header><h1>Council approves new budget</h1><time datetime="2024-05-03T10:00:00-04:00">May 3</time>'
     f'</header>{STORY_PARAGRAPHS}</article>', "2024-05-03T10:00:00-04:00"),
    ('<header><h1>Council approves new budget</h1><time datetime="2024-05-03T10:00:00-04:00">May 3</time>'
     f'</header><div class="story">{STORY_PARAGRAPHS}</div>', "2024-05-03T10:00:00-04:00"),
    # the article's own footer and meta aside (inside <article>), a post's header with its <h2> (review)
    (f'<article><h1>Council approves new budget</h1>{STORY_PARAGRAPHS}<footer class="entry-meta">Posted on '
     '<time datetime="2024-05-03T10:00:00-04:00">May 3</time></footer></article>', "2024-05-03T10:00:00-04:00"),
    ('<article><h1>Council approves new budget</h1><aside class="article-meta"><time '
     f'datetime="2024-05-03T10:00:00-04:00">May 3</time></aside>{STORY_PARAGRAPHS}</article>',
     "2024-05-03T10:00:00-04:00"),
    ('<div class="post"><header><h2>Council approves new budget</h2><time datetime="2024-05-03T10:00:00-04:00">'
     f'May 3</time></header>{STORY_PARAGRAPHS}</div>', "2024-05-03T10:00:00-04:00"),
])
def test_a_time_in_the_site_s_header_or_another_story_s_teaser_does_not_date_the_article(
        page: str, published: str) -> None:
    html = f'<html lang="en"><head><title>Council approves new budget</title></head><body>{page}</body></html>'
    record = extract_article(html.encode(), "https://news.example.com/news/council-approves-budget")
    assert record["published_at"] == published


@pytest.mark.parametrize("head", [
    '<meta property="og:title" content="Why &lt;em&gt;Dune&lt;/em&gt; matters now">',
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Why <em>Dune</em> matters now"}'
    '</script>',
    '<meta property="og:title" content="&#x200B;">',  # no text: the <h1> is the title, not a missing one
])
def test_a_title_given_as_data_is_read_as_text(head: str) -> None:
    html = (f'<html lang="en"><head><title>Why Dune matters now | Example News</title>{head}</head><body>'
            f'<article><h1>Why Dune matters now</h1>{STORY_PARAGRAPHS}</article></body></html>')
    record = extract_article(html.encode(), "https://news.example.com/culture/why-dune-matters-now")
    assert (record["title"], record.get("rejected")) == ("Why Dune matters now", None)


def test_the_json_ld_object_that_names_the_page_as_its_own_describes_the_article() -> None:
    # a related story's object with more fields filled took the page's title, date and authors (fuzzer)
    url = "https://www.example.com/news/council-approves-budget"
    own = {"@type": "NewsArticle", "url": url, "headline": "Council approves new budget",
           "datePublished": "2024-05-03T10:00:00-04:00", "author": {"@type": "Person", "name": "Ann Lee"}}
    other = {"@type": "NewsArticle", "url": "https://www.example.com/news/storm-hits-the-coast",
             "headline": "Storm hits the coast", "datePublished": "2024-04-01T08:00:00-04:00",
             "author": {"@type": "Person", "name": "Bob Jones"}, "description": "A storm.", "image": "x.jpg",
             "dateModified": "2024-04-01T09:00:00-04:00"}
    html = (f'<html lang="en"><head><script type="application/ld+json">{json.dumps([own, other])}</script></head>'
            f'<body><article><h1>Council approves new budget</h1>{STORY_PARAGRAPHS}</article></body></html>')
    record = extract_article(html.encode(), url + "?utm_source=feed")
    assert (record["title"], record["published_at"], record["authors"]) == (
        "Council approves new budget", "2024-05-03T10:00:00-04:00", ["Ann Lee"])


@pytest.mark.parametrize(("crumbs", "section"), [
    # a printed breadcrumb, without structured data (newcomer review): home and the page itself left out
    ('<nav class="breadcrumb"><ul><li><a href="/">Startseite</a> »</li><li><a href="/politik/">Politik</a> »</li>'
     '<li><a href="/politik/land/">Landespolitik</a> »</li><li>Landtag streitet über Lehrermangel</li></ul></nav>',
     ["Politik", "Landespolitik"]),
    ('<div aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/world/">World</a></div>', ["World"]),
    # an author's box of off-site links classed as a breadcrumb (an aeb page): no section
    ('<div class="author-breadcrumb"><a href="https://twitter.com/x">TWITTER</a>'
     '<a href="mailto:x@example.com">EMAIL ME</a></div>', []),
])
def test_a_printed_breadcrumb_is_the_section(crumbs: str, section: list[str]) -> None:
    from scrapers.extraction import extract_article

    story = "<p>" + "Der Landtag hat am Dienstag lange über den Mangel an Lehrern gestritten. " * 6 + "</p>"
    page = ('<html lang="de"><head><title>Landtag streitet über Lehrermangel</title></head><body>'
            f'{crumbs}<article><h1>Landtag streitet über Lehrermangel</h1>{story}</article></body></html>')
    record = extract_article(page.encode(), "https://www.example-news.de/politik/land/landtag-lehrermangel/")
    assert record["section"] == section


def test_a_printed_update_time_is_the_update_without_structured_data() -> None:
    # WordPress themes print <time class="updated" datetime="...">: updated_at was none (newcomer review)
    from scrapers.extraction import extract_article

    story = "<p>" + "Der Landtag hat am Dienstag lange über den Mangel an Lehrern gestritten. " * 6 + "</p>"
    page = ('<html lang="de"><head><title>Landtag streitet</title></head><body><article><h1>Landtag streitet</h1>'
            '<p class="meta"><time class="entry-date published" datetime="2024-11-13T09:30:00+01:00">13.11.2024'
            '</time> <time class="updated" datetime="2024-11-13T19:20:40+01:00">13.11.2024, 19:20</time></p>'
            f"{story}</article></body></html>")
    record = extract_article(page.encode(), "https://www.example-news.de/politik/landtag-streitet/")
    assert (record["published_at"], record["updated_at"]) == ("2024-11-13T09:30:00+01:00", "2024-11-13T19:20:40+01:00")
