"""`MetaRefreshWithoutDecoding`: Scrapy's meta refresh redirects, without decoding the bodies that name no
refresh in their head."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from scrapers import settings
from scrapers.middlewares import META_REFRESH_HEAD, MetaRefreshWithoutDecoding

URL = "https://news.example.com/a"
REFRESH = '<meta http-equiv="refresh" content="0; url=/b">'
STORY = "<p>" + "Der Hafen brennt seit dem Morgen. " * 40 + "</p>"


def page(head: str, body: str = STORY, *, encoding: str = "utf-8", declared: bool = True) -> HtmlResponse:
    meta = f'<meta charset="{encoding}">' if declared else ""
    html = f"<html><head>{meta}{head}</head><body>{body}</body></html>"
    return HtmlResponse(URL, body=html.encode(encoding), encoding=encoding if declared else None)


PAGES = {
    "no refresh": page(""),
    "refresh": page(REFRESH),
    "refresh in upper case": page(REFRESH.upper().replace("/B", "/b")),
    "refresh in a script": page(f"<script>{REFRESH}</script>"),
    "refresh after 4,096 characters": page("", STORY * 20 + REFRESH),
    "refresh in UTF-16": page(REFRESH, encoding="utf-16"),
    "refresh in windows-1252, undeclared": page(REFRESH + "<title>Caf\xe9</title>", encoding="cp1252",
                                                declared=False),
    "the word in the text": page("", "<p>Refresh your browser.</p>"),
}


def outcome(result: Request | Response) -> str:
    return result.url if isinstance(result, Request) else "read"


@pytest.fixture
def middlewares() -> tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware]:
    crawler = get_crawler(Spider, {"DOWNLOADER_MIDDLEWARES": settings.DOWNLOADER_MIDDLEWARES})
    return MetaRefreshWithoutDecoding.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("name", PAGES)
def test_it_redirects_as_scrapy_does(name: str, middlewares: tuple[MetaRefreshWithoutDecoding,
                                                                    MetaRefreshMiddleware]) -> None:
    ours, scrapys = middlewares
    request = Request(URL)
    response = PAGES[name]
    assert outcome(ours.process_response(request, response)) == outcome(scrapys.process_response(request, response))


def test_what_each_page_gives(middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware]) -> None:
    ours, _ = middlewares
    outcomes = {name: outcome(ours.process_response(Request(URL), response)) for name, response in PAGES.items()}
    assert outcomes.pop("refresh in UTF-16").startswith("https://news.example.com/b")  # read by Scrapy's
    assert outcomes == {
        "no refresh": "read", "refresh": "https://news.example.com/b", "refresh in upper case":
        "https://news.example.com/b", "refresh in a script": "https://news.example.com/b",  # METAREFRESH_IGNORE_TAGS
        "refresh after 4,096 characters": "read", "refresh in windows-1252, undeclared": "https://news.example.com/b",
        "the word in the text": "read",
    }
    assert len(STORY * 20) > META_REFRESH_HEAD


def test_a_body_that_names_no_refresh_is_not_decoded(
    middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    ours, scrapys = middlewares
    response, again = page(""), page("")
    assert ours.process_response(Request(URL), response) is response
    assert response._cached_ubody is None  # Scrapy's decoded text, made on first use
    scrapys.process_response(Request(URL), again)
    assert again._cached_ubody is not None


def test_the_project_uses_it_instead_of_scrapys() -> None:
    middlewares = settings.DOWNLOADER_MIDDLEWARES
    assert middlewares["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert middlewares["scrapers.middlewares.MetaRefreshWithoutDecoding"] == 580


@pytest.mark.parametrize(("header", "status", "expected"), [
    ("0; url=/b", 200, "https://news.example.com/b"),
    ("0;URL='https://news.example.com/c?id=1'", 200, "https://news.example.com/c?id=1"),
    ('5, url="/b"', 200, "https://news.example.com/b"),
    ("0; /b", 200, "https://news.example.com/b"),
    ("300", 200, "read"),  # a page that reloads itself
    ("300; url=/b", 200, "read"),  # past METAREFRESH_MAXDELAY
    ("0; url=javascript:alert(1)", 200, "read"),
    ("soon", 200, "read"),
    ("0; url=/b", 404, "read"),  # an error page is an error, wherever it points
    # a page that reloads itself is read as it is (followed, it was dropped as a loop and its article lost)
    (f"60; url={URL}", 200, "read"),
    ("30; url=#top", 200, "read"),
    (f"0; url={URL}#comments", 200, "read"),
    ("0; url='/b", 200, "https://news.example.com/'/b"),  # an unbalanced quote is part of the URL, as browsers read it
    ("0; urlaub/x.html", 200, "https://news.example.com/urlaub/x.html"),  # a relative URL that begins with "url"
    ("0; url='" + " " * 60_000 + "x", 200, "read"),  # longer than a header may be: not read (nor slowly matched)
])
def test_a_refresh_http_header_redirects_as_the_tag_does(
    header: str, status: int, expected: str, middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    ours, _ = middlewares
    response = HtmlResponse(URL, status=status, body=page("").body, headers={"Refresh": header})
    assert outcome(ours.process_response(Request(URL), response)) == expected


def test_a_refresh_header_is_followed_on_a_page_that_is_not_html_and_not_when_asked_not_to(
    middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    ours, _ = middlewares
    blank = Response(URL, body=b"", headers={"Refresh": "0; url=/b"})
    assert outcome(ours.process_response(Request(URL), blank)) == "https://news.example.com/b"
    assert outcome(ours.process_response(Request(URL, meta={"dont_redirect": True}), blank)) == "read"
    redirected = ours.process_response(Request(URL), blank)
    assert isinstance(redirected, Request) and redirected.meta["redirect_urls"] == [URL]


def test_a_refresh_header_url_in_utf_8_is_encoded_once(
    middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    """As Scrapy reads a `Location`: the header's UTF-8 bytes percent-encoded (read as Latin-1 and encoded
    again, `/tin-tức` became `/tin-t%C3%A1%C2%BB%C2%A9c`, a 404)."""
    ours, _ = middlewares
    response = Response(URL, headers={"Refresh": "0; url=/tin-tức/bão".encode()})
    assert outcome(ours.process_response(Request(URL), response)) == "https://news.example.com/tin-t%E1%BB%A9c/b%C3%A3o"


@pytest.mark.parametrize(("head", "expected"), [
    # a live blog that reloads itself: followed, the duplicate filter dropped it as a redirect loop (hostile review)
    (f'<meta http-equiv="refresh" content="60; url={URL}">', "read"),
    (f'<meta http-equiv="refresh" content="0; url={URL}#live">', "read"),
    ('<meta http-equiv="refresh" content="0; url=/b">', "https://news.example.com/b"),
])
def test_a_page_whose_refresh_reloads_it_is_read(
    head: str, expected: str, middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    ours, _ = middlewares
    assert outcome(ours.process_response(Request(URL), page(head))) == expected


@pytest.mark.parametrize("label", ["base64", "hex", "zlib", "rot13"])
def test_a_page_that_declares_a_charset_no_text_is_in_is_read(
    label: str, middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware],
) -> None:
    # Scrapy's reading of the refresh raised LookupError ("'base64' is not a text encoding"): the page was lost
    html = f'<html><head><meta charset="{label}"><meta http-equiv="refresh" content="300"></head><body>{STORY}</body>'
    response = HtmlResponse(URL, body=html.encode())
    assert outcome(ours_of(middlewares).process_response(Request(URL), response)) == "read"


def ours_of(middlewares: tuple[MetaRefreshWithoutDecoding, MetaRefreshMiddleware]) -> MetaRefreshWithoutDecoding:
    return middlewares[0]
