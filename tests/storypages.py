"""Pages and texts the generic reader's tests share: a story, its standfirst, a house credit."""

from __future__ import annotations

from parsel import Selector

from scrapers.extract.generic import Reading, read_article
from scrapers.extract.parsed import parse_page

URL = "https://hafenblatt.example/brand-1.html"


def read(page: str | Selector) -> Reading:
    """The generic reading of `page` (markup, or a selector over it) as if fetched from `URL`."""
    return read_article(parse_page(page if isinstance(page, Selector) else Selector(text=page), URL))

LEAD = "Die Feuerwehr kämpft seit dem Morgen gegen einen Großbrand im Hafen, Anwohner sollen Fenster schließen."


CUT = LEAD.rsplit(" ", 3)[0] + " Fens..."  # a description cut at a word limit


EINS = "Ein Absatz der Geschichte, lang genug, um als Absatz zu zählen."


SECOND = "Anwohner sollen Fenster und Türen geschlossen halten, teilte die Feuerwehr am Mittag mit."


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


HOUSE = '{"@type": "Organization", "name": "Hafenblatt"}'


REST = """<p>Die Rauchsäule war bis in die Innenstadt zu sehen, der Verkehr auf der Hafenstraße ist gesperrt.</p>
<p>Verletzt wurde nach ersten Angaben niemand; die Ursache des Feuers ist noch unklar, teilte die Polizei mit.</p>
<p>Die Löscharbeiten werden nach Angaben der Feuerwehr voraussichtlich bis in die Nacht andauern.</p>"""


STORY = "".join(
    f"<p>Absatz {n}: Die Feuerwehr war mit vielen Kräften im Einsatz, die Hafenstraße blieb bis zum Abend gesperrt.</p>"
    for n in range(1, 9)
)


CARD = """<div class="c{n}"><a href="/story-{n}.html"><img src="/t{n}.jpg"></a>
<a href="/story-{n}.html"><h5>Eine andere Geschichte Nummer {n} aus dem Hafen</h5></a>
<p>Der Anriss dieser anderen Geschichte, ein Satz lang, damit er wie ein Absatz aussieht.</p></div>"""
