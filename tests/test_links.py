from __future__ import annotations

import pytest

from scrapers.extract.links import absolute_url, registrable_domain

BASE = "https://thoidai.com.vn/quoc-te/nhip-song"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/huyet-le-va-khat-vong-84314.html", "https://thoidai.com.vn/huyet-le-va-khat-vong-84314.html"),
        ("https://thoidai.com.vn/a-142422.html#comments", "https://thoidai.com.vn/a-142422.html"),
        ("https://thoidai.com.vn/quoc-te&s_cond=&BRSR=16", "https://thoidai.com.vn/quoc-te&s_cond=&BRSR=16"),
        ("x.jpg?rt=2&a=1", "https://thoidai.com.vn/quoc-te/x.jpg?a=1&rt=2"),
        ("  ", None),
        (None, None),
        ("javascript:void(0)", None),
        ("mailto:toasoan@thoidai.com.vn", None),
        ("http://[::1", None),  # malformed: one bad link must not fail the page
        ("https://thoidai.com.vn:99999/a-1.html", None),
        ("file:///etc/passwd", None),
        ("data:text/html,<h1>x</h1>", None),
    ],
)
def test_absolute_url(href: str | None, expected: str | None) -> None:
    assert absolute_url(href, BASE) == expected


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://thoidai.com.vn/x-1.html", "thoidai.com.vn"),
        ("https://tacnghiep.thoidai.com.vn/x-170709.html", "thoidai.com.vn"),
        ("https://www.bbc.co.uk/news/world-1", "bbc.co.uk"),
        ("https://www.derstandard.at/story/1", "derstandard.at"),
        ("http://[::1", ""),
    ],
)
def test_registrable_domain(url: str, site: str) -> None:
    assert registrable_domain(url) == site
