"""Generic reading of a page the project has no profile for."""

from __future__ import annotations

import json

import pytest
from parsel import Selector

from scrapers.extract.body import trim_head
from scrapers.extract.generic import read_article
from scrapers.extract.lead import split_lead

LEAD = "Die Feuerwehr kämpft seit dem Morgen gegen einen Großbrand im Hafen, Anwohner sollen Fenster schließen."


CUT = LEAD.rsplit(" ", 3)[0] + " Fens..."  # a description cut at a word limit
EINS = "Ein Absatz der Geschichte, lang genug, um als Absatz zu zählen."


@pytest.mark.parametrize(
    ("body", "description", "lead", "rest"),
    [
        # The standfirst printed again as the first paragraph leaves the body.
        (f"{LEAD}\n\nZweiter Absatz.", LEAD, LEAD, "Zweiter Absatz."),
        (f"Erster Absatz.\n\n{LEAD}\n\nDritter Absatz.", LEAD, LEAD, "Erster Absatz.\n\nDritter Absatz."),
        # A description cut short: the paragraph it was cut from is the lead, in full.
        (f"{LEAD}\n\nZweiter Absatz.", CUT, LEAD, "Zweiter Absatz."),
        (f"Dachzeile\n\n{LEAD} Mehr dazu.\n\nDritter Absatz.", LEAD, f"{LEAD} Mehr dazu.",
         "Dachzeile\n\nDritter Absatz."),
        # Past the first three paragraphs the same words are the story's: the description quotes it, and
        # is no standfirst.
        (f"{EINS}\n\n{EINS}\n\n{EINS}\n\n{LEAD}", LEAD, "", f"{EINS}\n\n{EINS}\n\n{EINS}\n\n{LEAD}"),
        # Short lines above the story (a video's title, a time stamp) are not among its first paragraphs.
        (f"Video: Brand | 02:57 Min.\n\nStand: 10:15 Uhr\n\n{EINS}\n\n{LEAD}", LEAD, LEAD,
         f"Video: Brand | 02:57 Min.\n\nStand: 10:15 Uhr\n\n{EINS}"),
        # The first paragraph after its dateline is the lead, dateline and all.
        (f"HAMBURG (dpa) - {LEAD}\n\nZweiter Absatz.", LEAD, f"HAMBURG (dpa) - {LEAD}", "Zweiter Absatz."),
        ("Ganz anderer Text.", LEAD, LEAD, "Ganz anderer Text."),
    ],
)
def test_split_lead(body: str, description: str, lead: str, rest: str) -> None:
    assert split_lead(body, description) == (lead, rest)


SECOND = "Anwohner sollen Fenster und Türen geschlossen halten, teilte die Feuerwehr am Mittag mit."


@pytest.mark.parametrize(
    ("in_parts", "lead", "rest"),
    [
        # A standfirst printed in two paragraphs takes both out of the body.
        (True, f"{LEAD}\n\n{SECOND}", "Dritter Absatz."),
        # A description summing up the first two paragraphs is not a standfirst: only the first goes.
        (False, LEAD, f"{SECOND}\n\nDritter Absatz."),
    ],
)
def test_split_lead_printed_in_parts(in_parts: bool, lead: str, rest: str) -> None:
    body = f"{LEAD}\n\n{SECOND}\n\nDritter Absatz."
    assert split_lead(body, f"{LEAD} {SECOND}", in_parts=in_parts) == (lead, rest)


def test_description_cut_short_across_paragraphs_takes_them_whole() -> None:
    cut = f"{LEAD} {SECOND[:40]}"  # a description cut at a character limit, mid-word
    body = f"{LEAD}\n\n{SECOND}\n\nDritter Absatz."
    assert split_lead(body, cut, in_parts=True) == (f"{LEAD}\n\n{SECOND}", "Dritter Absatz.")


PAGE = f"""<html lang="de"><head>
<meta property="og:title" content="Großbrand im Hafen | Hafenblatt">
<meta property="og:site_name" content="Hafenblatt">
<meta name="description" content="{LEAD}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Großbrand im Hafen",
 "datePublished": "2024-05-03T10:15:00+02:00", "author": [{{"@type": "Person", "name": "Anna Beispiel"}}]}}</script>
</head><body><article><h1>Großbrand im Hafen</h1><p class="teaser">{LEAD}</p>
<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>
</article></body></html>"""


def test_read_article_combines_structured_data_and_markup() -> None:
    art = read_article(Selector(text=PAGE), "https://hafenblatt.example/brand-1.html")
    assert art.title == "Großbrand im Hafen"
    assert art.published_raw == "2024-05-03T10:15:00+02:00"
    assert art.authors == ["Anna Beispiel"]
    assert art.lead == LEAD
    assert art.body.split("\n\n")[0].startswith("Die Rauchsäule")
    assert LEAD not in art.body
    assert art.sources["lead"] == "description"


HOUSE = '{"@type": "Organization", "name": "Hafenblatt"}'


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
    art = read_article(page_with(author_jsonld, byline), "https://hafenblatt.example/brand-1.html")
    assert art.authors == authors


@pytest.mark.parametrize(
    ("header", "lead"),
    [
        # A standfirst classed so, soon after the headline, wins over the meta description.
        (f'<div class="article__intro">{LEAD}</div>', LEAD),
        (f'<div class="SplitScreenContentHeaderDek-x">{LEAD}</div>', LEAD),  # camelCase class words
        # A caption classed "intro" is not a standfirst; nor is a meta description the page does not print.
        (f'<figure><figcaption class="image-intro">{LEAD}</figcaption></figure>', None),
        ('<p class="kicker">Die Beschreibung der Seite, wie sie auch im Text steht.</p>',
         "Die Beschreibung der Seite, wie sie auch im Text steht."),
    ],
)
def test_visible_standfirst(header: str, lead: str | None) -> None:
    description = "Die Beschreibung der Seite, wie sie auch im Text steht."
    page = f"""<html><head><meta name="description" content="{description}"></head><body><article>
<h1>Großbrand im Hafen</h1>{header}
<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>
</article></body></html>"""
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").lead == lead


REST = """<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>"""


@pytest.mark.parametrize(
    ("header", "lead"),
    [
        # Several paragraphs in the standfirst's style are one standfirst; a link in that style is not.
        (f'<p class="lead_x1">{LEAD}</p><p class="lead_x1">{SECOND}</p><p class="lead_x1"><a href="/b">'
         "Ein anderer Artikel über einen anderen Brand im Hafen</a></p>", f"{LEAD}\n\n{SECOND}"),
        # A block classed "lead" that only holds the lead image's caption is no standfirst.
        (f'<div class="article__lead-content"><figure><img src="/a.jpg"><figcaption>{SECOND}</figcaption>'
         "</figure></div>", None),
        # Nor is a subtitle inside a subscription box.
        (f'<div class="article-subscribe"><span class="article-subscribe--subtitle">{SECOND}</span></div>', None),
        ('<div class="article__preamble"><p>' + LEAD + "</p><p>" + SECOND + "</p></div>", f"{LEAD}\n\n{SECOND}"),
        (f'<h3 class="subtitle">{SECOND}</h3>', SECOND),
    ],
)
def test_standfirst_forms(header: str, lead: str | None) -> None:
    page = f"<html><body><article><h1>Großbrand im Hafen</h1>{header}{REST}</article></body></html>"
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.lead == lead
    if lead and SECOND in lead:
        assert SECOND not in art.body


@pytest.mark.parametrize(
    ("between", "lead"),
    [
        # An unclassed block right under the headline, past the kicker, byline and date, is the standfirst.
        (f'<div class="x9"><span>{LEAD}</span></div>', LEAD),
        ('<div class="by">Von Anna Beispiel, 03.05.2024 - 10:15 Uhr</div>'
         f'<div class="x9"><span>{LEAD}</span></div>', LEAD),
        # A hidden message bar, or a video player's controls, are not.
        (f'<div class="message-bar is-hidden"><p>{LEAD}</p><button>x</button></div>', None),
        ("<div>Aktuelle Zeit:0:00Gesamtdauer:0:00 Jetzt neu: Schriftgröße anpassen!</div>", None),
        # A sentence set as a subheading at the top of the body is a dek.
        (f"<h2>{LEAD}</h2>", LEAD),
    ],
)
def test_text_under_the_headline(between: str, lead: str | None) -> None:
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body>
<div class="page"><header><h1>Großbrand im Hafen</h1></header>{between}
<div class="story">{STORY}{STORY}</div></div></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.lead == lead
    if lead:
        assert art.sources["lead"] == "text under the headline"


def test_bold_first_paragraph_is_the_lead() -> None:
    page = f"""<html><body><article><h1>Großbrand im Hafen</h1>
<p><strong>{LEAD}</strong></p>
<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
</article></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.lead == LEAD
    assert LEAD not in art.body


STORY = "".join(
    f"<p>Absatz {n}: Die Feuerwehr war mit vielen Kräften im Einsatz, die Hafenstraße blieb bis zum Abend gesperrt.</p>"
    for n in range(1, 9)
)


@pytest.mark.parametrize(
    "wrapper",
    [
        '<form id="aspnetForm">{}</form>',  # a page wrapped in one ASP.NET form
        '<table><tr><td>{}</td></tr></table>',  # a table layout
        '<div class="l-sidebar-fixed l-article-body-segment"><div class="c-entry-content">{}</div></div>',
    ],
)
def test_story_inside_a_wrapper_that_marks_boxes_is_still_read(wrapper: str) -> None:
    page = f"""<html><body><nav><a href="/">Start</a></nav><h1>Großbrand im Hafen</h1>
{wrapper.format(STORY)}<aside class="sidebar"><p>Meistgelesen: ein ganz anderer Artikel über etwas anderes.</p></aside>
</body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert body.count("Absatz") == 8
    assert "Meistgelesen" not in body


def test_story_in_an_aside_that_holds_the_page_is_read() -> None:
    page = f"""<html><body><h1>Großbrand im Hafen</h1><aside class="hidden-xs col-md-10">
<section id="content"><article>{STORY}</article></section></aside></body></html>"""
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body.count("Absatz") == 8


def test_body_rendered_by_script_comes_from_json_ld() -> None:
    story = "\n".join(f"Absatz {n}: Die Feuerwehr war mit vielen Kräften im Einsatz." for n in range(1, 9))
    page = f"""<html><head><script type="application/ld+json">
{json.dumps({"@type": "NewsArticle", "headline": "Großbrand", "articleBody": story})}</script></head>
<body><h1>Großbrand</h1><div id="app">Wird geladen…</div></body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert body.split("\n\n") == story.split("\n")


def test_story_split_in_parts_between_ads_is_read_whole() -> None:
    parts = "".join(
        f'<div class="sc-x{n}"><div><div><p>Teil {n}: Die Feuerwehr war mit vielen Kräften im Einsatz, '
        f"die Hafenstraße blieb bis zum Abend gesperrt, sagte ein Sprecher.</p></div></div></div>"
        f'<div class="ad-slot">Anzeige</div>'
        for n in range(1, 7)
    )
    page = f"<html><body><article><h1>Großbrand im Hafen</h1><div>{parts}</div></article></body></html>"
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert [line[:6] for line in body.split("\n\n")] == [f"Teil {n}" for n in range(1, 7)]


@pytest.mark.parametrize(
    ("body", "trimmed"),
    [
        # a label printed between the paragraphs again and again goes
        ("Erster Absatz, lang genug für einen Absatz der Geschichte.\n\nArticle content\n\n"
         "Zweiter Absatz, lang genug für einen Absatz der Geschichte.\n\nArticle content\n\nArticle content\n\n"
         "Dritter Absatz, lang genug für einen Absatz der Geschichte.\n\nArticle content\n\nVierter Absatz, "
         "lang genug für einen Absatz der Geschichte.",
         "Erster Absatz, lang genug für einen Absatz der Geschichte.\n\nZweiter Absatz, lang genug für einen "
         "Absatz der Geschichte.\n\nDritter Absatz, lang genug für einen Absatz der Geschichte.\n\nVierter "
         "Absatz, lang genug für einen Absatz der Geschichte."),
        # short lines repeated among other short lines (a plan, a table) stay
        ("Ein Plan für die Woche, lang genug für einen Absatz der Geschichte.\n\n"
         + "\n\n".join(f"Mahlzeit {n}\n\nalle 3 Stunden" for n in range(1, 5))
         + "\n\nUnd ein letzter Absatz, lang genug für einen Absatz der Geschichte.",
         "Ein Plan für die Woche, lang genug für einen Absatz der Geschichte.\n\n"
         + "\n\n".join(f"Mahlzeit {n}\n\nalle 3 Stunden" for n in range(1, 5))
         + "\n\nUnd ein letzter Absatz, lang genug für einen Absatz der Geschichte."),
    ],
)
def test_repeated_labels(body: str, trimmed: str) -> None:
    assert trim_head(body, "Großbrand im Hafen") == trimmed


def test_ad_slot_labels_leave_the_body() -> None:
    story = "Erster Absatz, lang genug für einen Absatz der Geschichte."
    body = f"{story}\n\nAdvert\n\n{story}\n\nAnzeige\n\n{story}"
    assert trim_head(body, "Großbrand im Hafen") == f"{story}\n\n{story}\n\n{story}"


@pytest.mark.parametrize(
    ("body", "trimmed"),
    [
        # gallery chrome and the headline above the story
        ("Photo: Hau Dinh, AP\n\nImage 1 of / 8\n\nGroßbrand im Hafen\n\n1 / 8\n\nBack to Gallery\n\n"
         "HANOI (AP) — The story starts here, with a full sentence.\n\nSecond paragraph.",
         "HANOI (AP) — The story starts here, with a full sentence.\n\nSecond paragraph."),
        # a short first paragraph that ends a sentence stays; so do subheadings below the first paragraph
        ("Es brennt.\n\nZwischentitel\n\nText.", "Es brennt.\n\nZwischentitel\n\nText."),
        ("Nur ein Fragment", "Nur ein Fragment"),
    ],
)
def test_trim_head(body: str, trimmed: str) -> None:
    assert trim_head(body, "Großbrand im Hafen") == trimmed


def test_images_of_the_body_with_their_captions() -> None:
    page = f"""<html><body><article><h1>Großbrand im Hafen</h1>
<figure class="lead-image"><img src="/img/brand.jpg" alt="Rauch über dem Hafen">
<figcaption>Die Rauchsäule am Abend. Foto: Anna Beispiel</figcaption></figure>
<div class="article-body">{STORY}<img data-src="/img/loeschboot.jpg" src="data:image/gif;base64,R0lGOD" alt="Löschboot">
<div class="related-articles"><img src="/img/teaser.jpg" alt="Ein anderer Artikel"><a href="/x-1.html">Ein anderer
Artikel über etwas ganz anderes</a><a href="/y-2.html">Noch ein anderer Artikel zu einem Thema</a></div></div>
</article></body></html>"""
    images = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").images
    assert images == [
        ("https://hafenblatt.example/img/brand.jpg", "Rauch über dem Hafen",
         "Die Rauchsäule am Abend. Foto: Anna Beispiel"),
        ("https://hafenblatt.example/img/loeschboot.jpg", "Löschboot", None),
    ]


def test_description_cut_short_gives_the_standfirst_as_printed() -> None:
    whole = LEAD + " Die Polizei bittet, das Gebiet weiträumig zu umfahren."
    cut = " ".join(whole.split()[:12]) + " …"
    page = f"""<html><head><meta property="og:description" content="{cut}"></head><body><article>
<h1>Großbrand im Hafen</h1><div class="x1y2z3">{whole}</div>{STORY}</article></body></html>"""
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").lead == whole


def test_lists_in_the_story_are_read_and_link_lists_and_summaries_are_not() -> None:
    page = f"""<html><body><article><h1>Großbrand im Hafen</h1>
<ul class="x1"><li>Kurz gesagt: ein Feuer im Hafen, niemand verletzt.</li>
<li>Die Straße bleibt gesperrt bis zum Abend.</li></ul>
{STORY}
<ol><li>Fenster und Türen geschlossen halten, solange Rauch zu sehen ist.</li>
<li>Lüftungen und Klimaanlagen bitte bis auf Weiteres ausschalten.</li></ol>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>
<ul><li><a href="/a-1.html">Ein anderer Artikel über etwas ganz anderes</a></li>
<li><a href="/b-2.html">Noch ein anderer Artikel zu einem anderen Thema</a></li></ul>
</article></body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body.split("\n\n")
    assert "Fenster und Türen geschlossen halten, solange Rauch zu sehen ist." in body
    assert "Lüftungen und Klimaanlagen bitte bis auf Weiteres ausschalten." in body
    assert not any("Kurz gesagt" in block or "anderer Artikel" in block for block in body)


CARD = """<div class="c{n}"><a href="/story-{n}.html"><img src="/t{n}.jpg"></a>
<a href="/story-{n}.html"><h5>Eine andere Geschichte Nummer {n} aus dem Hafen</h5></a>
<p>Der Anriss dieser anderen Geschichte, ein Satz lang, damit er wie ein Absatz aussieht.</p></div>"""


def test_a_list_of_story_cards_next_to_the_story_is_left_out() -> None:
    cards = "".join(CARD.format(n=n) for n in range(1, 6))
    page = f"""<html><body><div class="site"><div class="main"><h1>Großbrand im Hafen</h1>{STORY}</div>
<div class="more-from-section"><h2>Mehr aus dem Hafen</h2>{cards}</div></div></body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert body.count("Absatz") == 8
    assert "Anriss" not in body and "andere Geschichte" not in body


def test_a_table_of_data_in_the_story_is_read_a_row_a_line() -> None:
    rows = "".join(f"<tr><td>{n}</td><td>Fahrer Nummer {n}</td><td>{100 - n}</td></tr>" for n in range(1, 6))
    page = f"""<html><body><article><h1>Großbrand im Hafen</h1>{STORY}
<table><tr><th>Pos.</th><th>Name</th><th>Punkte</th></tr>{rows}</table>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>
</article></body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body.split("\n\n")
    assert body[8:14] == ["Pos. Name Punkte"] + [f"{n} Fahrer Nummer {n} {100 - n}" for n in range(1, 6)]
    assert body[-1].startswith("Die Löscharbeiten")


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
    ],
)
def test_bylines_and_signatures(top: str, bottom: str, authors: list[str]) -> None:
    page = f"""<html><head><meta property="og:site_name" content="Hafenblatt">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand im Hafen", "author": {HOUSE}}}</script>
</head><body><article><h1>Brand im Hafen</h1>{top}{STORY}{bottom}</article></body></html>"""
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").authors == authors


def test_name_in_bold_over_the_story_is_its_author() -> None:
    page = f"""<html><head><meta property="og:site_name" content="Hafenblatt"></head><body><article>
<h1>Brand im Hafen</h1><p><strong>Mohloai Mpesi</strong></p>{STORY}</article></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
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
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").title == title


def test_site_footer_and_loose_tag_cloud_stay_out_of_the_body() -> None:
    cloud = " ".join(f'<a class="label" href="/t?tag={n}">schlagwort {n}</a>' for n in range(30))
    page = f"""<html><body><div class="boxed"><div class="content"><h1>Großbrand im Hafen</h1>{STORY}
Tags: {cloud}</div><div class="footer"><p>Über uns: das Hafenblatt erscheint seit 1850 jeden Morgen in der
Stadt und im ganzen Umland.</p><p>Impressum, Datenschutz und Kontakt finden Sie auf den Seiten des Verlags.</p>
<p>Alle Rechte vorbehalten, Nachdruck nur mit Genehmigung des Verlags und seiner Autorinnen.</p></div></div>
</body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert body.count("Absatz") == 8
    assert "schlagwort" not in body and "Impressum" not in body


def test_record_says_which_signal_each_field_came_from() -> None:
    from scrapers.extract import extract_article

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
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.published_raw == "2025-11-21T13:34:26+00:00"  # not the other day's meta time
    assert art.sources["published_raw"] == "jsonld"


def test_story_rendered_from_script_data_is_read_from_it() -> None:
    story = "".join(f'<p class="editor-p">Absatz {n}: Die Feuerwehr war mit vielen Kräften im Einsatz.</p>'
                    for n in range(1, 7))
    payload = json.dumps(json.dumps({"article": {"title": "Großbrand", "content": story}}))
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body>
<div id="app"><h1>Großbrand im Hafen</h1><p>Wird geladen…</p></div>
<script>self.__next_f.push([1,{payload}])</script></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    want = [f"Absatz {n}: Die Feuerwehr war mit vielen Kräften im Einsatz." for n in range(1, 7)]
    assert art.body.split("\n\n") == want
    assert art.sources["body"] == "script data"


def test_endless_scroll_page_gives_its_own_story_not_the_next() -> None:
    second = STORY.replace("Absatz", "Nächste").replace("Feuerwehr", "Polizei") * 2
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body><main>
<article class="article-entity"><h1>Großbrand im Hafen</h1>{STORY}</article>
<div class="under-article"><article id="second-article"><h1>Ein ganz anderer Fall</h1>{second}</article></div>
</main></body></html>"""
    body = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").body
    assert body.count("Absatz") == 8
    assert "Nächste" not in body


def test_a_body_opening_with_a_sentence_set_as_subheading_has_it_as_lead() -> None:
    dek = "Die Feuerwehr kämpft seit dem Morgen<br>Anwohner sollen die Fenster geschlossen halten"
    page = f"""<html><head><meta property="og:title" content="Ein anderer Titel als im Kopf"></head><body>
<div class="story"><h2 class="sub-tit">{dek}</h2>{STORY}<h2>Zwischentitel</h2>{STORY}</div></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.lead == "Die Feuerwehr kämpft seit dem Morgen Anwohner sollen die Fenster geschlossen halten"
    assert art.sources["lead"] == "dek"
    assert art.body.startswith("Absatz 1") and "Zwischentitel" in art.body


@pytest.mark.parametrize(
    ("story", "lead"),
    [
        # The share title is reworded and the only <h1> is the breadcrumb's last crumb: the article's
        # first heading stands in for the headline.
        (f'<article><header><h2>Kreis und quer: Streber</h2><time>28. April</time></header>'
         f'<div class="x1"><p>{LEAD}</p></div><div class="x2">{STORY}</div></article>', LEAD),
        # A heading inside the story is no headline: the paragraph after it is the body's.
        (f"<article><div>{STORY}<h2>Zwischentitel</h2><p>{LEAD}</p>{STORY}</div></article>", None),
    ],
)
def test_text_under_the_story_heading(story: str, lead: str | None) -> None:
    page = f"""<html><head><meta property="og:title" content="Ganz andere Worte für die Suche"></head><body>
<ol class="crumbs"><li><a href="/">Home</a></li><li><h1>Ganz andere Worte für die Suche</h1></li></ol>
{story}</body></html>"""
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").lead == lead


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Ann Lee and Bo Kim", ["Ann Lee", "Bo Kim"]),
        ("Von Anna Beispiel, Bo Kim", ["Anna Beispiel", "Bo Kim"]),
    ],
)
def test_clean_author(raw: str, names: list[str]) -> None:
    from scrapers.extract.generic import clean_author

    assert clean_author(raw) == names


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
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
    assert art.published_raw == raw
    assert art.sources["published_raw"] == "date line"


def test_keywords_run_together_give_way_to_a_list() -> None:
    page = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Brand",
"keywords": "Berlin Ukraine Unfall"}}</script><meta name="keywords" content="Unfall,Berlin,Ukraine"></head>
<body><article><h1>Brand</h1>{STORY}</article></body></html>"""
    art = read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html")
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
    assert read_article(Selector(text=page), "https://hafenblatt.example/brand-1.html").authors == ["Carla Siepmann"]
