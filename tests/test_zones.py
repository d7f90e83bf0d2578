from __future__ import annotations

import pytest

from scrapers.extract.zones import site_timezone, zone_guessed


@pytest.mark.parametrize(
    ("url", "language", "zone"),
    [
        ("https://www.n-tv.de/sport/a.html", "de", "Europe/Berlin"),  # country-code domain
        ("https://www.tageszeitung.it/2025/04/01/x/", "de", "Europe/Rome"),  # domain before language
        ("https://www.thesun.co.uk/sport/1/", "en-GB", "Europe/London"),
        ("https://www.namibian.com.na/x/", "en-US", "Africa/Windhoek"),
        ("https://www.dw.com/de/x/a-1", "de", "Europe/Berlin"),  # language spoken in one country
        ("https://www.derstandard.com/story/1", "de-AT", "Europe/Vienna"),  # language region
        ("https://www.hankookilbo.com/News/Read/A1", "ko", "Asia/Seoul"),
        ("https://www.washingtontimes.com/news/x/", "en-US", "America/New_York"),
        ("https://www.kommersant.ru/doc/1", "ru", "Europe/Moscow"),  # a country of many zones: the capital's
        ("https://www.euronews.com/2024/x", "en", None),  # English alone names no country
        ("https://github.io/x", None, None),  # a country-code domain used worldwide
    ],
)
def test_site_timezone(url: str, language: str | None, zone: str | None) -> None:
    assert site_timezone(url, language) == zone


@pytest.mark.parametrize(("url", "language", "guessed"), [
    ("https://www.moneycontrol.com/news/a.html", "en-US", True),  # a CMS's default region on a .com
    ("https://www.example.de/a.html", "en-US", False),  # the domain says where
    ("https://www.example.com/a.html", "de", False),  # a language of one country
    ("https://www.example.com/a.html", "de-DE", False),
    ("https://www.example.com/a.html", "en", False),  # no zone at all
])
def test_a_zone_from_a_language_region_alone_is_a_guess(url: str, language: str, guessed: bool) -> None:
    assert zone_guessed(url, language) is guessed
