"""The standfirst of a page without a profile (scrapers/extract/lead.py)."""

from __future__ import annotations

import pytest

from scrapers.extract.lead import split_lead
from tests.storypages import CUT, EINS, LEAD, REST, SECOND, STORY, read


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
    assert read(page).lead == lead


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
    art = read(page)
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
        # A sentence set as a subheading between the headline and the story's container is one too.
        (f"<h2>{LEAD}</h2>", LEAD),
    ],
)
def test_text_under_the_headline(between: str, lead: str | None) -> None:
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body>
<div class="page"><header><h1>Großbrand im Hafen</h1></header>{between}
<div class="story">{STORY}{STORY}</div></div></body></html>"""
    art = read(page)
    assert art.lead == lead
    if lead:
        assert art.sources["lead"] == "text under the headline"


def test_bold_first_paragraph_is_the_lead() -> None:
    page = f"""<html><body><article><h1>Großbrand im Hafen</h1>
<p><strong>{LEAD}</strong></p>
<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
</article></body></html>"""
    art = read(page)
    assert art.lead == LEAD
    assert LEAD not in art.body


def test_description_cut_short_gives_the_standfirst_as_printed() -> None:
    whole = LEAD + " Die Polizei bittet, das Gebiet weiträumig zu umfahren."
    cut = " ".join(whole.split()[:12]) + " …"
    page = f"""<html><head><meta property="og:description" content="{cut}"></head><body><article>
<h1>Großbrand im Hafen</h1><div class="x1y2z3">{whole}</div>{STORY}</article></body></html>"""
    assert read(page).lead == whole


def test_a_body_opening_with_a_sentence_set_as_subheading_keeps_it_in_the_body() -> None:
    dek = "Die Feuerwehr kämpft seit dem Morgen<br>Anwohner sollen die Fenster geschlossen halten"
    page = f"""<html><head><meta property="og:title" content="Ein anderer Titel als im Kopf"></head><body>
<div class="story"><h2 class="sub-tit">{dek}</h2>{STORY}<h2>Zwischentitel</h2>{STORY}</div></body></html>"""
    art = read(page)
    assert art.lead is None
    assert art.body.startswith("Die Feuerwehr kämpft seit dem Morgen Anwohner") and "Zwischentitel" in art.body


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
    assert read(page).lead == lead


def test_a_subheading_classed_subtitle_within_the_story_is_not_its_standfirst() -> None:
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body><article>
<h1>Großbrand im Hafen</h1><div class="story">{REST}<h2 class="subtitle">{LEAD}</h2>{STORY}</div>
</article></body></html>"""
    art = read(page)
    assert art.lead is None
    assert LEAD in art.body


def test_a_subheading_classed_subtitle_above_the_story_is_its_standfirst() -> None:
    page = f"""<html><head><meta property="og:title" content="Großbrand im Hafen"></head><body><article>
<h1>Großbrand im Hafen</h1><h2 class="subtitle">{LEAD}</h2><div class="story">{REST}{STORY}</div>
</article></body></html>"""
    art = read(page)
    assert art.lead == LEAD
    assert art.sources["lead"] == "standfirst"


REWRITTEN = "Die Feuerwehr kämpft seit dem Morgen gegen einen Brand, der Hafen ist gesperrt."
"""A description that starts as the standfirst printed on the page does, then says it otherwise."""


def test_a_rewritten_description_gives_the_standfirst_as_printed() -> None:
    page = f"""<html><head><meta property="og:description" content="{REWRITTEN}"></head><body><article>
<h1>Großbrand im Hafen</h1><div class="x1y2z3"><p>{LEAD}</p>{REST}</div></article></body></html>"""
    art = read(page)
    assert art.lead == LEAD
    assert LEAD not in art.body and art.body.startswith("Die Rauchsäule")


def test_a_description_rewriting_a_paragraph_further_down_is_not_taken_for_it() -> None:
    page = f"""<html><head><meta property="og:description" content="{REWRITTEN}"></head><body><article>
<h1>Großbrand im Hafen</h1><div class="x1y2z3">{REST}<p>{LEAD}</p></div></article></body></html>"""
    art = read(page)
    assert art.lead == REWRITTEN
    assert LEAD in art.body


def test_a_site_description_printed_in_the_footer_is_no_standfirst() -> None:
    site = "Das Hafenblatt bringt jeden Tag Nachrichten aus dem Hafen, der Stadt und der Region rund um die Elbe"
    page = f"""<html><head><meta name="description" content="{site}."></head><body><article>
<h1>Großbrand im Hafen</h1><div class="x1y2z3">{REST}</div></article>
<footer><div class="site-info">{site}, seit 1950. Impressum | Datenschutz</div></footer></body></html>"""
    art = read(page)
    assert art.lead is None
    assert "seit 1950" not in art.body


def test_comments_between_the_headline_and_the_standfirst_take_no_room_in_its_window() -> None:
    # 160 `<!-- ad slot -->` (or `<?php ?>`) took up the window the standfirst is looked for in: the lead was lost
    # and read as the body's first paragraph (fuzzer)
    from scrapers.extraction import extract_article

    body = "<p>" + "The storm hit the coast on Monday and many people were evacuated from their homes. " * 4 + "</p>"
    standfirst = "A powerful storm hit the coast overnight, forcing thousands of residents from their homes."
    for filler in ("<!-- ad slot -->" * 160, "<?php ?>" * 160):
        page = (f'<html lang="en"><head><title>Storm hits coast</title></head><body><article><h1>Storm hits coast'
                f'</h1>{filler}<p class="standfirst">{standfirst}</p>{body * 4}</article></body></html>')
        record = extract_article(page.encode(), "https://news.example.com/storm-12345.html")
        assert record["lead"] == standfirst
        assert record["body"].startswith("The storm hit the coast")
