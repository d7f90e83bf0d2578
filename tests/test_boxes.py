"""Related-stories and most-read boxes on pages of sites without a profile."""

from __future__ import annotations

from parsel import Selector

from scrapers.extract.boxes import link_boxes

URL = "https://www.hafenblatt.example/hafen/grossbrand-im-hafen-4411220.html"


def card(n: int) -> str:
    href = f"/hafen/meldung-nummer-{n}-aus-dem-hafen-44112{n:02d}.html"
    return f'<li><a href="{href}">Meldung Nummer {n} aus dem Hafen</a></li>'


PAGE = f"""<html><body><article><h1>Großbrand im Hafen</h1><p>Text.</p>
<aside class="article-related"><h3>Mehr zum Thema</h3><ul>{card(1)}{card(2)}</ul></aside></article>
<div class="sidebar"><div class="box"><h2 class="box__title">Meistgelesen</h2><ol>{card(3)}{card(4)}{card(1)}</ol></div>
<div class="box"><h2 class="box__title">Wetter</h2><ul>{card(5)}{card(6)}</ul></div>
<div class="box" id="mostRead-teaser"><ul>{card(7)}{card(8)}</ul></div>
<div class="box"><h2>Lesen Sie auch</h2><ul>
<li><a href="/thema/hafen-und-schifffahrt">Hafen und Schifffahrt im Überblick</a></li>
<li><a href="https://www.anderes-blatt.example/hafen/meldung-44119.html">Eine Meldung von einer anderen Seite</a></li>
</ul></div>
</div></body></html>"""


def test_related_and_ranked_boxes_by_heading_and_by_class() -> None:
    related, ranked = link_boxes(Selector(text=PAGE), URL)
    assert [title for _, title in related] == ["Meldung Nummer 1 aus dem Hafen", "Meldung Nummer 2 aus dem Hafen"]
    # Headed "Meistgelesen", then a box whose id names it; a link already listed is not listed twice.
    assert [title for _, title in ranked] == [f"Meldung Nummer {n} aus dem Hafen" for n in (3, 4, 7, 8)]
    assert related[0][0] == "https://www.hafenblatt.example/hafen/meldung-nummer-1-aus-dem-hafen-4411201.html"


def test_boxes_of_other_kinds_and_their_links_are_left_alone() -> None:
    related, ranked = link_boxes(Selector(text=PAGE), URL)
    titles = {title for _, title in related + ranked}
    assert not titles & {"Meldung Nummer 5 aus dem Hafen", "Hafen und Schifffahrt im Überblick",
                         "Eine Meldung von einer anderen Seite"}


def test_service_links_in_a_box_are_not_stories() -> None:
    page = f"""<html><body><h1>Großbrand</h1><div class="most-popular"><ul>{card(1)}{card(2)}
<li><a href="/pages/commenting-policy-4411299.html">Commenting Policy</a></li>
<li><a href="/kr/article/A2026012914320005196">장동혁, 한동훈 제명했지만 부담 커졌다</a></li>
</ul></div></body></html>"""
    _, ranked = link_boxes(Selector(text=page), URL)
    assert [title for _, title in ranked] == ["Meldung Nummer 1 aus dem Hafen", "Meldung Nummer 2 aus dem Hafen",
                                             "장동혁, 한동훈 제명했지만 부담 커졌다"]
