"""The article's tags: which metadata source names them, and the links a page prints as its tags."""

from __future__ import annotations

import pytest
from parsel import Selector

from scrapers.extract import read_page
from scrapers.extract.parsed import parse_page
from scrapers.extract.tags import read_tags

URL = "https://www.hafenblatt.example/hafen/grossbrand-4411220.html"
STORY = "<p>" + "Die Feuerwehr war mit vielen Kräften im Hafen im Einsatz, der Betrieb stand still. " * 3 + "</p>"


def tags_of(head: str, body: str, *, before: str = "") -> tuple[list[str], str | None]:
    """The tags of a page with `head`, and `body` after the headline and the story (`before`: above them)."""
    html = (f"<html><head>{head}</head><body>{before}<article><h1>Großbrand im Hafen</h1>{STORY}{body}</article>"
            "</body></html>")
    return read_tags(parse_page(Selector(text=html), URL))


def jsonld(keywords: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "keywords": {keywords}}}</script>'


def meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{content}">'


# ----------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("head", "tags", "source"),
    [
        # JSON-LD adds the CMS's flags and site name; the keywords meta lists only the story's: those.
        (jsonld('["India", "Category: News", "Kashmir", "nationalpost.com", "Pakistan"]')
         + meta("keywords", "India, Kashmir, Pakistan"), ["India", "Kashmir", "Pakistan"], "keywords"),
        (jsonld('"vogue-ausgabe, cover, kate moss, splitscreenimageleftinset, magazine"')
         + meta("news_keywords", "vogue-ausgabe, cover, kate moss"), ["vogue-ausgabe", "cover", "kate moss"],
         "news_keywords"),
        # The other way round the first source holds no additions: it stays.
        (jsonld('["Meteorit", "Elmshorn"]') + meta("keywords", "Meteorit, Elmshorn, NDR, Radio"),
         ["Meteorit", "Elmshorn"], "jsonld"),
        # Lists that merely differ: the first.
        (jsonld('["vecinos", "carabanchel"]') + '<meta property="article:tag" content="madrid">'
         '<meta property="article:tag" content="Fiestas populares">', ["vecinos", "carabanchel"], "jsonld"),
        # Dublin Core subjects (scientific publishers) narrow a JSON-LD list with the journal's own subjects.
        (jsonld('["Climate change", "Policy", "Science", "multidisciplinary"]')
         + meta("dc.subject", "Climate change") + meta("dc.subject", "Policy"), ["Climate change", "Policy"],
         "dc.subject"),
    ],
)
def test_a_source_that_holds_only_some_of_the_first_ones_tags_narrows_them(head: str, tags: list[str],
                                                                          source: str) -> None:
    assert tags_of(head, "") == (tags, source)


@pytest.mark.parametrize(
    ("head", "tags"),
    [
        (jsonld('"Schiff, USA, Venezuela, 100312362"'), ["Schiff", "USA", "Venezuela"]),
        (jsonld('["98be933f-38cf-4fba-b6c6-ad438e82010a", "Bank of Montreal", "TD Economics", "_commerce"]'),
         ["Bank of Montreal", "TD Economics"]),
        # A taxonomy path before every keyword: the tag is its last part.
        (jsonld('["sections/sverige", "organization/lundsberg", "topic/misshandel & överfall"]'),
         ["sverige", "lundsberg", "misshandel & överfall"]),
        # Before only some, the slash is the tag's own.
        (jsonld('["AC/DC", "Konzert", "Hamburg"]'), ["AC/DC", "Konzert", "Hamburg"]),
        # A program's value where a tag should be (fuzzer)
        (jsonld('["undefined", "Storm", "[object Object]", "{{tag}}"]'), ["Storm"]),
    ],
)
def test_ids_flags_and_taxonomy_paths_are_no_tags(head: str, tags: list[str]) -> None:
    assert tags_of(head, "")[0] == tags


@pytest.mark.parametrize(
    ("head", "tags", "source"),
    [
        # One keyword that two sources name alone is the page's one tag, though a later source lists slug words.
        (jsonld('["Córdoba"]') + '<meta property="article:tag" content="Córdoba">'
         + meta("news_keywords", "cordoba, patrimonio, logra, punto"), ["Córdoba"], "jsonld"),
        # One keyword string that runs several together yields to a later source that lists them apart.
        (jsonld('"Unfall Berlin Ukraine"') + meta("news_keywords", "Unfall, Berlin, Ukraine"),
         ["Unfall", "Berlin", "Ukraine"], "news_keywords"),
        (meta("keywords", "Kommunalpolitik"), ["Kommunalpolitik"], "keywords"),
    ],
)
def test_a_lone_keyword(head: str, tags: list[str], source: str) -> None:
    assert tags_of(head, "") == (tags, source)


def test_a_lone_keyword_among_the_printed_tags_is_the_first_of_them() -> None:
    printed = ('<div class="border-y"><a href="/tag/16901-polityka">Polityka</a> <a href="/tag/17081-afd">AFD</a> '
               '<a href="/tag/21651-niemcy">Niemcy</a></div>')
    assert tags_of(jsonld('["Polityka"]'), printed) == (["Polityka", "AFD", "Niemcy"], "tag pages")
    # Printed tags that do not hold it are another list: the keyword stays.
    assert tags_of(jsonld('["Wybory"]'), printed) == (["Wybory"], "jsonld")


# ----------------------------------------------------------------------------- printed tags


@pytest.mark.parametrize(
    ("markup", "tags", "source"),
    [
        # WordPress: rel="category tag" on the post's categories, rel="tag" on its tags.
        ('<p><a rel="category tag" href="/category/kultur/">Kultur</a></p><ul class="entry-footer__list">'
         '<li><a rel="tag" href="/tag/care-arbeit/">Care-Arbeit</a></li><li><a rel="tag" href="/tag/kolumne/">'
         "Kolumne</a></li></ul>", ["Care-Arbeit", "Kolumne"], "rel=tag"),
        # A theme that prints rel="tag" on the category too: its address names it.
        ('<a rel="tag" href="https://netzpolitik.example/category/kultur/">Kultur</a> '
         '<a rel="tag" href="https://netzpolitik.example/tag/tradwives/">Tradwives</a>', ["Tradwives"], "rel=tag"),
        # Categories alone stand for the tags.
        ('<p>Publicado em <a rel="category tag" href="/categoria/alfabetizacao/">Alfabetização</a>, '
         '<a rel="category tag" href="/categoria/musica/">Música</a></p>', ["Alfabetização", "Música"],
         "rel=category"),
    ],
)
def test_rel_tag_links_without_the_categories(markup: str, tags: list[str], source: str) -> None:
    assert tags_of("", markup) == (tags, source)


@pytest.mark.parametrize(
    ("markup", "tags"),
    [
        # A camel-cased class.
        ('<div class="articleTags"><span class="articleTag"><a href="/person/giorgia-meloni/">Giorgia Meloni</a>'
         "</span></div>", ["Giorgia Meloni"]),
        # A data attribute, versioned.
        ('<section data-test-tags-box-v2="" class="not-prose my-10"><h4>Mehr lesen über</h4><ul class="flex">'
         '<li><a href="/sport/fuechse/nicolej-krickau/">Nicolej Krickau</a></li>'
         '<li><a href="/sport/fuechse/fuechse-berlin/">Füchse Berlin</a></li></ul></section>',
         ["Nicolej Krickau", "Füchse Berlin"]),
        ('<div data-component="tag-list"><a href="/t/1">Hafen</a><a href="/t/2">Brand</a></div>', ["Hafen", "Brand"]),
        # The link that skips the section is none of its tags.
        ('<section id="related-topics"><a href="#after-topics">Den nächsten Abschnitt Ähnliche Themen überspringen'
         '</a><h2>Ähnliche Themen</h2><a href="/de/long-covid/t-64475679">Long COVID</a>'
         '<a href="/de/coronavirus/t-52106276">Coronavirus</a></section>', ["Long COVID", "Coronavirus"]),
        # The article's own footer holds its tags.
        ('<footer><ul class="tags"><li><a href="/t/hafen">Hafen</a></li></ul></footer>', ["Hafen"]),
    ],
)
def test_tag_lists_marked_by_class_id_or_data_attribute(markup: str, tags: list[str]) -> None:
    assert tags_of("", markup) == (tags, "tag list")


def test_the_page_footers_topic_index_is_not_the_storys_tags() -> None:
    html = (f"<html><body><article><h1>Großbrand im Hafen</h1>{STORY}</article><footer><section "
            'class="footer-component__section-topics"><h3>Unsere Schwerpunkte</h3><ol><li><a href="/thema/7">'
            'Politik und Macht</a></li><li><a href="/thema/8">Geld und Wirtschaft</a></li></ol></section></footer>'
            "</body></html>")
    assert read_tags(parse_page(Selector(text=html), URL)) == ([], None)


def test_a_tag_list_after_the_end_of_the_page_is_read_by_no_reader() -> None:
    # libxml2 puts what follows </html> in a second <html> beside the page's root, where no reader looks.
    html = (f"<html><body><article><h1>Großbrand im Hafen</h1>{STORY}</article></body></html>"
            '<div class="tags"><a href="/t/hafen">Hafen</a><a href="/t/brand">Brand</a></div>')
    sel = read_page(html.encode())
    assert [el.tag for el in sel.root.itersiblings()] == ["html"]
    assert read_tags(parse_page(sel, URL)) == ([], None)


@pytest.mark.parametrize(
    ("markup", "tags"),
    [
        ('<div class="entry-meta"><span>Schlagwörter:</span> <a href="/s/hafen">Hafen</a>, '
         '<a href="/s/feuerwehr">Feuerwehr</a></div>', ["Hafen", "Feuerwehr"]),
        ('<p class="meta">Mots-clés : <a href="/m/incendie">Incendie</a> <a href="/m/port">Port</a></p>',
         ["Incendie", "Port"]),
        ('<div class="bloque"><h3>Etiquetas</h3><ul><li><a href="/e/incendio">Incendio</a></li>'
         '<li><a href="/e/puerto">Puerto</a></li></ul></div>', ["Incendio", "Puerto"]),
        ('<div class="box"><div class="titolo"><span>Argomenti</span></div><ul><li><a href="/a/incendio">Incendio'
         '</a></li><li><a href="/a/porto">Porto</a></li></ul></div>', ["Incendio", "Porto"]),
        ('<div class="gray"><b>Tags:</b> <a href="/x/ads/">ads</a>, <a href="/x/awareness/">awareness</a></div>',
         ["ads", "awareness"]),
        ('<dl><dt>Emneord</dt><dd><a href="/e/brann">Brann</a></dd><dd><a href="/e/havn">Havn</a></dd></dl>',
         ["Brann", "Havn"]),
        ('<p><i class="icon"></i> Tagi: <a href="/t/pozar">pożar</a> <a href="/t/port">port</a></p>',
         ["pożar", "port"]),
        ('<div><span>タグ</span><a href="/k/1">北朝鮮</a><a href="/k/2">韓国</a></div>', ["北朝鮮", "韓国"]),
    ],
)
def test_links_after_a_tag_label(markup: str, tags: list[str]) -> None:
    assert tags_of("", markup) == (tags, "labelled list")


@pytest.mark.parametrize(
    "markup",
    [
        # Headlines after the label: a box of stories, not tags.
        '<div><h3>Themen</h3><a href="/a/1">Großbrand im Hafen: Die Feuerwehr sucht weiter nach der Ursache</a></div>',
        # The label alone.
        "<p>Tags:</p>",
    ],
)
def test_a_label_without_short_links_names_no_tags(markup: str) -> None:
    assert tags_of("", markup) == ([], None)


def test_a_label_above_the_headline_is_the_sites() -> None:
    bar = '<div><span>Themen</span><a href="/t/wahl">Wahl</a><a href="/t/nfl">NFL</a></div>'
    assert tags_of("", "", before=bar) == ([], None)


@pytest.mark.parametrize(
    ("markup", "tags"),
    [
        ('<div class="border--y"><a href="/tag/20281-miejsca">Miejsca</a> <a href="/tag/20801-regiony">Regiony</a>'
         "</div>", ["Miejsca", "Regiony"]),
        ('<div class="x"><a href="https://www.zeitung.example/thema/ukraine">Ukraine</a> · '
         '<a href="https://www.zeitung.example/thema/nato">Nato</a></div>', ["Ukraine", "Nato"]),
    ],
)
def test_links_to_tag_pages(markup: str, tags: list[str]) -> None:
    assert tags_of("", markup) == (tags, "tag pages")


@pytest.mark.parametrize(
    "markup",
    [
        # One link to a tag page: a teaser's kicker.
        '<div class="teaser"><a href="/tags/motion-og-sundhed">Motion og sundhed</a></div>',
        # Two in a paragraph of text: links in passing.
        '<p>Nach dem Treffen mit <a href="/thema/nato">Nato</a> und <a href="/thema/eu">EU</a> sagte der Minister, '
        "die Lage im Hafen bleibe angespannt, auch wegen der vielen Schiffe vor der Einfahrt.</p>",
    ],
)
def test_tag_page_links_that_make_no_list(markup: str) -> None:
    assert tags_of("", markup) == ([], None)
