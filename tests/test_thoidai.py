"""What the thoidai profile takes for an article link, and what it leaves alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector

from scrapers.sites.thoidai import ThoidaiSection

PAGE = ThoidaiSection(Selector(text="<html></html>"), url="https://thoidai.com.vn/", fetched_at=datetime.now(UTC))


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://thoidai.com.vn/hai-nha-lanh-dao-nga-my-nhat-tri-hop-tac-142422.html", True),
        ("https://thoidai.com.vn/huyet-le-va-khat-vong-84314.html", True),
        ("https://tacnghiep.thoidai.com.vn/nghe-bao-170709.html", True),  # sub-domain sharing the id sequence
        ("https://thoidai.com.vn/quoc-te", False),  # section front
        ("https://thoidai.com.vn/quoc-te&s_cond=&BRSR=16", False),  # its next page
        ("https://thoidai.com.vn/tag/brics-3101.tag", False),
        ("https://thoidai.com.vn/chu-de/dai-hoi-xiv-cua-dang.topic", False),
        ("https://thoidai.com.vn/search_enginer.html?p=tac-gia&q=H%C3%A0+Linh", False),
        ("https://thoidai.com.vn/apicenter@/print_article&i=142422", False),
        ("https://thoidai.com.vn/&mobile=yes", False),
        ("https://baoquocte.vn/ong-putin-noi-gi-363297.html", False),  # a sister MasterCMS site: off-site
        ("https://thoidai.com.vn/adsfw/?i=MTA0", False),
    ],
)
def test_article_urls_are_told_from_other_links(url: str, is_article: bool) -> None:
    assert PAGE.is_article_url(url) is is_article


@pytest.mark.parametrize(("given", "url"), [
    ("quoc-te/nhip-song", "https://thoidai.com.vn/quoc-te/nhip-song"),
    ("/quoc-te", "https://thoidai.com.vn/quoc-te"),
    # the slash at its end as given: a WordPress site's sections end in one, and a saved copy had no page
    # without it (newcomer review); a whole address as it is
    ("politik/", "https://thoidai.com.vn/politik/"),
    ("https://thoidai.com.vn/politik/", "https://thoidai.com.vn/politik/"),
])
def test_a_section_given_by_its_path_is_its_front_page(given: str, url: str) -> None:
    from scrapers.sites import SITES

    assert SITES["thoidai"].section_url(given) == url
