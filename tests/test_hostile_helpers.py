"""Tables for the fetch helpers of scrapers/middlewares.py and scrapers/shutdown.py, and the Retry-After
middleware in process (Scrapy's get_crawler)."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from typing import Any
from zoneinfo import ZoneInfo

import brotli  # type: ignore[import-untyped]
import pytest
from backports import zstd
from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionDone
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed
from twisted.web.http_headers import InvalidHeaderName

from scrapers import settings
from scrapers.middlewares import (
    GAVE_UP_WAITING,
    CountFetchOutcomes,
    MetaRefreshWithoutDecoding,
    PageTooLarge,
    RedirectToUrlsOnly,
    Refused,
    RefuseOversizePages,
    RefuseUndecodableBodies,
    RetryAfter,
    error_message,
    failure_cause,
    fetch_outcomes,
    is_private_host,
    retry_after_seconds,
)
from scrapers.shutdown import InFlight, StoppedAtShutdown, StoppingScheduler, forced_stop_status

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"120", 120.0),
        ("  7 ", 7.0),
        (b"0", 0.0),
        ("Fri, 15 Jan 2027 09:00:00 GMT", 3600.0),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),  # a date in the past: no wait
        (b"-5", None),
        (b"\xb2", None),  # latin-1 "²"
        (b"1.5", None),
        ("soon", None),
        (b"", None),
        (None, None),
        ("Fri, 15 Jan 2027 09:00:00", None),  # no zone: unreadable
    ],
)
def test_retry_after_seconds(header: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("localhost", True), ("api.localhost", True), ("127.0.0.1", True), ("10.1.2.3", True),
        ("192.168.0.1", True), ("172.16.5.4", True), ("169.254.169.254", True), ("::1", True), ("[::1]", True),
        ("fd00::1", True), ("0.0.0.0", True), ("93.184.216.34", False), ("2606:4700::1", False),
        ("news.example.com", False), ("10.example.com", False), ("", False),
    ],
)
def test_is_private_host(host: str, private: bool) -> None:
    assert is_private_host(host) is private


def http_error(status: int, url: str = "https://news.example.com/a-1.html", location: str | None = None) -> HttpError:
    return HttpError(Response(url, status=status, headers={"Location": location} if location else None), "ignored")


@pytest.mark.parametrize(
    ("error", "url", "cause"),
    [
        (DownloadTimeoutError("took longer than 30 seconds"), "https://news.example.com/a", "timeout"),
        (CannotResolveHostError("no such host"), "https://nowhere.example/a", "dns"),
        (DownloadConnectionRefusedError("refused"), "https://news.example.com/a", "connection_refused"),
        (ResponseDataLossError("data loss"), "https://news.example.com/a", "connection_reset"),
        (DownloadCancelledError("larger than download max size"), "https://news.example.com/a", "size_cap"),
        (IgnoreRequest("Forbidden by robots.txt"), "https://news.example.com/a", "robots"),
        (IgnoreRequest("max redirections reached"), "https://news.example.com/a", "redirect_limit"),
        (IgnoreRequest("Ignored response ... exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression"),
         "https://news.example.com/a", "size_cap"),
        (IgnoreRequest("something else"), "https://news.example.com/a", "ignored"),
        (Refused("private_address", "no"), "http://10.0.0.1/", "private_address"),
        (PageTooLarge("300000 elements"), "https://news.example.com/a", "page_too_large"),
        (StoppedAtShutdown("shutting down"), "https://news.example.com/a", "stopped"),
        (http_error(503), "https://news.example.com/a-1.html", "http_503"),
        (http_error(302, location="file:///etc/passwd"), "https://news.example.com/a-1.html", "redirect_refused"),
        (http_error(304), "https://news.example.com/a-1.html", "http_304"),  # no redirect: nowhere to go
        (Refused("decoding_failed", "no gzip"), "https://news.example.com/a", "decoding_failed"),
        (http_error(404, "https://news.example.com/robots.txt"), "https://news.example.com/robots.txt", None),
        (ValueError("odd"), "https://news.example.com/a", "other_ValueError"),
        # a Content-Length that is no number: the answer breaks HTTP, not a connection reset (hostile review)
        (ResponseFailed([Failure(ValueError("Value contains non-decimal digits: b'-1'"))]),
         "https://news.example.com/a", "protocol_error"),
        # Transfer-Encoding: identity (Twisted's table of decoders has none); "Content-Type : x" (hostile review)
        (ResponseFailed([Failure(KeyError(b"identity"))]), "https://news.example.com/a", "protocol_error"),
        (ResponseFailed([Failure(InvalidHeaderName(b"Content-Type "))]), "https://news.example.com/a",
         "protocol_error"),
        (KeyError("odd"), "https://news.example.com/a", "other_KeyError"),  # one of our own: a traceback to read
    ],
)
def test_failure_cause(error: BaseException, url: str, cause: str | None) -> None:
    assert failure_cause(error, Request(url)) == cause


def test_a_download_error_is_one_line_of_what_the_server_did() -> None:
    # Scrapy's error carries Twisted's ResponseFailed as its text: a list of Failure reprs.
    cause = ResponseFailed([Failure(ConnectionDone()), Failure(ValueError("conflicting\nContent-Length"))])
    try:
        raise ResponseDataLossError(str(cause)) from cause
    except ResponseDataLossError as error:
        assert error_message(error) == ("ConnectionDone: Connection was closed cleanly.; "
                                        "ValueError: conflicting Content-Length")
    assert error_message(DownloadTimeoutError("took\nlonger " + "x" * 1000)) == ("took longer " + "x" * 1000)[:300]
    assert error_message(ConnectionDone()) == "Connection was closed cleanly."


def test_a_request_that_gave_up_waiting_is_counted_as_such() -> None:
    request = Request("https://news.example.com/a-1.html", meta={GAVE_UP_WAITING: 3600.0})
    assert failure_cause(http_error(429), request) == "retry_after_too_long"


def test_fetch_outcomes_add_up() -> None:
    stats = {"fetch/ok": 37, "fetch/failed/timeout": 2, "fetch/failed/http_500": 1, "fetch/failed/size_cap": 3,
             "fetch/stopped": 1, "downloader/request_count": 76, "retry/count": 11, "robotstxt/request_count": 2,
             "fetch/sent_to/news.example.com": 70, "fetch/sent_to/cdn.example.com:8080": 6,
             "fetch/failed_as_before/http_500": 1, "fetch/redirected_to_read": 2}
    assert fetch_outcomes(stats) == {
        "requests_sent": 76, "robots_txt": 2, "ok": 37, "failed": 6, "stopped": 1, "redirected_to_read": 2,
        "retries": 11,
        "failed_by_cause": {"size_cap": 3, "timeout": 2, "http_500": 1}, "failed_as_before": 1,
        "sent_to": {"cdn.example.com:8080": 6, "news.example.com": 70},
    }


@pytest.mark.parametrize("jobdir", [False, True])
def test_requests_still_queued_when_a_run_stops_are_counted_as_stopped(tmp_path: Any, jobdir: bool) -> None:
    """SIGTERM: Scrapy drops the requests its scheduler still holds; they are counted as stopped (they were counted
    nowhere: loss review). With JOBDIR they wait on disk for the resumed run, and are not."""
    crawler = get_crawler(Spider, {"SCHEDULER": settings.SCHEDULER, **({"JOBDIR": str(tmp_path)} if jobdir else {}),
                                   # (the queue by slot asks the engine's downloader, which no crawl made here)
                                   "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    spider = Spider("stopping")
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    scheduler = StoppingScheduler.from_crawler(crawler)
    scheduler.open(spider)
    for n in range(3):
        assert scheduler.enqueue_request(Request(f"https://news.example.com/story-{n}.html"))
    assert scheduler.next_request() is not None  # one on its way: its own outcome counts it
    scheduler.close("shutdown")
    assert crawler.stats.get_value("fetch/stopped") == (None if jobdir else 2)


def test_forced_stop_status() -> None:
    crawler = get_crawler(Spider)
    assert forced_stop_status("news", crawler.stats) is None
    assert crawler.stats is not None
    crawler.stats.set_value("shutdown/forced", "SIGTERM")
    assert forced_stop_status("news", crawler.stats) == 143
    crawler.stats.set_value("shutdown/forced", "SIGINT")
    assert forced_stop_status("news", crawler.stats) == 130


def test_in_flight_waits_end_at_shutdown() -> None:
    async def scenario() -> tuple[float, type[BaseException] | None, type[BaseException] | None]:
        waits = InFlight()
        started = time.monotonic()
        waiting = asyncio.ensure_future(waits.run(asyncio.sleep(30)))
        await asyncio.sleep(0.05)
        waits.stop()
        first = await asyncio.gather(waiting, return_exceptions=True)
        later = await asyncio.gather(waits.run(asyncio.sleep(0)), return_exceptions=True)
        return time.monotonic() - started, type(first[0]), type(later[0])

    elapsed, first, later = asyncio.run(scenario())
    assert elapsed < 5
    assert first is StoppedAtShutdown and later is StoppedAtShutdown


def retry_after_middleware(**overrides: Any) -> RetryAfter:
    crawler = get_crawler(Spider, {"RETRY_AFTER_HEADER_MAX": settings.RETRY_AFTER_HEADER_MAX, **overrides})
    crawler.spider = crawler._create_spider("news")
    return RetryAfter.from_crawler(crawler)


def test_retry_after_too_long_gives_up_at_once() -> None:
    middleware = retry_after_middleware()
    request = Request("https://news.example.com/a-1.html")
    response = Response(request.url, status=429, headers={"Retry-After": "3600"}, request=request)
    assert middleware.process_response(request, response) is response
    assert request.meta[GAVE_UP_WAITING] == 3600.0


def test_retry_after_within_the_cap_retries_and_holds_the_host() -> None:
    middleware = retry_after_middleware()
    request = Request("https://news.example.com/a-1.html")
    response = Response(request.url, status=503, headers={"Retry-After": "1"}, request=request)

    async def scenario() -> tuple[Any, float]:
        retry = middleware.process_response(request, response)
        started = time.monotonic()
        await middleware.process_request(Request("https://news.example.com/other-2.html"))
        return retry, time.monotonic() - started

    retry, waited = asyncio.run(scenario())
    assert isinstance(retry, Request) and retry.url == request.url and retry.meta["retry_times"] == 1
    assert waited >= 0.9  # the other request to the host waited for the Retry-After


def test_no_retry_after_retries_as_scrapy_does() -> None:
    middleware = retry_after_middleware()
    request = Request("https://news.example.com/a-1.html")
    retry = middleware.process_response(request, Response(request.url, status=502, request=request))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    ok = Response(request.url, status=200, request=request)
    assert middleware.process_response(request, ok) is ok


@pytest.mark.parametrize(("elements", "refused"), [(1_000, False), (200_000, False), (200_001, True)])
def test_oversize_pages_are_refused(elements: int, refused: bool) -> None:
    body = b"<html><body>" + b"<i>x</i>" * (elements - 2) + b"</body></html>"  # html and body + the <i>s
    response = HtmlResponse("https://news.example.com/a-1.html", body=body, encoding="utf-8")
    check = RefuseOversizePages(settings.PAGE_MAX_ELEMENTS)
    if refused:
        with pytest.raises(PageTooLarge, match=f"{elements} elements"):
            check.process_spider_input(response)
    else:
        check.process_spider_input(response)


def test_a_date_longer_than_any_date_is_not_read() -> None:
    from datetime import UTC, datetime

    from scrapers.extract.dates import DATEPARSER_MAX_CHARS, parse_timestamp

    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    written = "3 May 2024 10:15"
    assert parse_timestamp(written, timezone="Europe/Berlin", now=now) == datetime(
        2024, 5, 3, 10, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    padded = written + " " * DATEPARSER_MAX_CHARS + "UTC"  # dateparser itself reads it: 10:15 UTC
    assert parse_timestamp(padded, timezone="Europe/Berlin", now=now) is None


@pytest.mark.parametrize("raw", ["2024-13-45T25:61:61", "+275760-09-13T00:00:00Z", "2024-05-03T10:00:00+99:00",
                                 "2\ufffd18-10-09T16:35:40+00:00", "000\u2431-01-01T00:00:00Z", "2024-\ufffd5-03"])
def test_a_machine_timestamp_python_cannot_read_is_no_date(raw: str) -> None:
    from datetime import UTC, datetime

    from scrapers.extract.dates import parse_timestamp

    assert parse_timestamp(raw, timezone="Europe/Berlin", now=datetime(2026, 1, 15, 12, tzinfo=UTC)) is None


def test_text_of_a_story_nested_deeper_than_pythons_recursion_limit() -> None:
    import sys

    from lxml import etree

    from scrapers.extract.markup import text_of

    depth = sys.getrecursionlimit() + 500
    parser = etree.XMLParser(huge_tree=True)
    root = etree.fromstring(b"<div>" * depth + b"<p>Der Hafen <br/>brennt.</p>tail" + b"</div>" * depth, parser)
    assert text_of(root) == "Der Hafen brennt.tail"


def test_a_malformed_canonical_link_is_no_canonical_url() -> None:
    from scrapers.extraction import extract_article

    page = (b'<html lang="de"><head><title>Der Hafen brennt</title><link rel="canonical" href="http://[::1/x">'
            b'<meta property="og:type" content="article"></head><body><article><h1>Der Hafen brennt</h1>'
            + b"<p>Die Feuerwehr war die ganze Nacht im Einsatz, und am Morgen brannte es noch immer.</p>" * 5
            + b"</article></body></html>")
    record = extract_article(page, "https://news.example.com/2024/05/03/hafen-4411223.html")
    assert record["canonical_url"] is None
    assert record["title"] == "Der Hafen brennt"


@pytest.mark.parametrize(("coding", "body", "refused"), [
    (b"x-gzip2", gzip.compress(b"<html><body><p>Hallo</p></body></html>" * 20), True),  # read as markup: no article
    (b"utf-8", b"<html><body><p>Hallo</p></body></html>", False),  # a server's mistake a browser reads past
    (b"none", b"<html><body><p>Hallo</p></body></html>", False),
    (b"x-gzip2", b"", False),  # a 204 or 304 with the header
    (b"utf-8", b"<html><body>\x0b<p>Hallo</p></body></html>", False),  # a stray control byte in text
    (b"none", "<p>日本語のテキストです</p>".encode("iso-2022-jp") * 8, False),  # escapes of ISO-2022 text
])
def test_a_body_in_an_encoding_no_one_knows_is_refused_only_when_it_is_no_text(
    coding: bytes, body: bytes, refused: bool
) -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1 << 20})
    middleware = RefuseUndecodableBodies.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    response = HtmlResponse(request.url, body=body, headers={"Content-Encoding": coding}, request=request)
    if refused:
        with pytest.raises(Refused) as caught:
            middleware.process_response(request, response)
        assert caught.value.cause == "decoding_failed"
    else:
        assert middleware.process_response(request, response).body == body


PAGE = ("<html><body>" + "".join(f"<p>Paragraph {n} of the story: {n * 7919 % 10007} {n * n % 997}.</p>"
                                 for n in range(3000)) + "</body></html>").encode()
GZIPPED = gzip.compress(PAGE)


def _raw_deflate(body: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(body) + packer.flush()


@pytest.mark.parametrize(("coding", "body", "whole"), [
    (b"gzip", GZIPPED, True),
    (b"gzip", GZIPPED + gzip.compress(b"<p>more</p>"), True),  # two members
    (b"gzip", GZIPPED + b"\r\n", True),  # a stray line end after the stream
    (b"gzip", GZIPPED[: len(GZIPPED) * 2 // 3], False),
    (b"x-gzip", GZIPPED[:40], False),  # cut before any of the page,
    (b"deflate", zlib.compress(PAGE), True),
    (b"deflate", zlib.compress(PAGE)[:20_000], False),
    (b"deflate", _raw_deflate(PAGE), True),
    (b"deflate", _raw_deflate(PAGE)[:20_000], False),
    (b"br", brotli.compress(PAGE), True),
    (b"br", brotli.compress(PAGE)[:5_000], False),
    (b"zstd", zstd.compress(PAGE), True),
    (b"zstd", zstd.compress(PAGE) * 2, True),  # two frames
    (b"zstd", zstd.compress(PAGE)[:20_000], False),
    *((coding, b"", True) for coding in (b"gzip", b"deflate", b"br", b"zstd")),  # a redirect's or a 304's
])
def test_a_compressed_stream_cut_before_its_end_is_tried_again_then_refused(
    coding: bytes, body: bytes, whole: bool
) -> None:
    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_MAXSIZE": 1 << 24, "RETRY_TIMES": 1})
    crawler.spider = crawler._create_spider("news")
    middleware = RefuseUndecodableBodies.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    response = HtmlResponse(request.url, body=body, headers={"Content-Encoding": coding}, request=request)
    if whole:
        assert middleware.process_response(request, response).body.startswith(PAGE if body else b"")
        return
    retry = middleware.process_response(request, response)
    assert isinstance(retry, Request) and retry.url == request.url and retry.meta["retry_times"] == 1
    with pytest.raises(Refused) as caught:  # once RETRY_TIMES are spent
        middleware.process_response(retry, response.replace(request=retry))
    assert caught.value.cause == "truncated"


def test_a_redirect_to_an_address_with_a_password_is_followed_without_it() -> None:
    # Scrapy's client refused `http://user:pass@host/` with a traceback, counted as other_ValueError (hostile)
    crawler = get_crawler(Spider)
    middleware = RedirectToUrlsOnly.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    moved = Response(request.url, status=302, request=request,
                     headers={"Location": "https://user:secret@news.example.com/b-2.html"})
    redirected = middleware.process_response(request, moved)
    assert isinstance(redirected, Request) and redirected.url == "https://news.example.com/b-2.html"


@pytest.mark.parametrize("status", [404, 503, 301])
def test_a_cut_body_of_an_error_or_a_redirect_keeps_its_status(status: int) -> None:
    # Decoded before the status was looked at: a 404 with a cut gzip body was retried and given up as
    # `truncated` (review)
    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_MAXSIZE": 1 << 24})
    crawler.spider = crawler._create_spider("news")
    middleware = RefuseUndecodableBodies.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    response = HtmlResponse(request.url, status=status, body=GZIPPED[:5000], request=request,
                            headers={"Content-Encoding": "gzip"})
    assert middleware.process_response(request, response) is response


def test_a_cut_body_of_a_request_that_asks_for_no_retry_is_refused_at_once() -> None:
    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_MAXSIZE": 1 << 24})
    crawler.spider = crawler._create_spider("news")
    middleware = RefuseUndecodableBodies.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html", meta={"dont_retry": True})
    response = HtmlResponse(request.url, body=GZIPPED[:5000], request=request, headers={"Content-Encoding": "gzip"})
    with pytest.raises(Refused):
        middleware.process_response(request, response)


@pytest.mark.parametrize("header", [b"Refresh", None])
def test_a_refresh_to_an_address_with_a_password_is_followed_without_it(header: bytes | None) -> None:
    crawler = get_crawler(Spider)
    middleware = MetaRefreshWithoutDecoding.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    target = "https://user:secret@news.example.com/b-2.html"
    if header:
        response = HtmlResponse(request.url, body=b"<p>x</p>", request=request, headers={header: f"0; url={target}"})
    else:
        response = HtmlResponse(request.url, request=request,
                                body=f'<html><head><meta http-equiv="refresh" content="0; url={target}">'.encode())
    refreshed = middleware.process_response(request, response)
    assert isinstance(refreshed, Request) and refreshed.url == "https://news.example.com/b-2.html"


def _stored(body: bytes) -> bytes:
    """`body` gzipped in stored (uncompressed) blocks, as some servers send it: its bytes readable in the stream."""
    packer = zlib.compressobj(level=0, wbits=31)
    return packer.compress(body) + packer.flush()


@pytest.mark.parametrize("body", [
    GZIPPED[:-8] + b"\0\0\0\0" + GZIPPED[-4:],  # a wrong checksum
    _stored(PAGE).replace(b"Paragraph 7 of", b"Paragraph 9 of", 1),  # a changed byte (hostile review)
    _stored(PAGE).replace(b"Paragraph 7 of", b"Paragraph 9 of", 1) + gzip.compress(b"<p>more</p>"),
])
def test_a_gzip_body_whose_checksum_says_it_changed_is_refused(body: bytes) -> None:
    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_MAXSIZE": 1 << 24})
    middleware = RefuseUndecodableBodies.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    response = HtmlResponse(request.url, body=body, headers={"Content-Encoding": "gzip"}, request=request)
    with pytest.raises(Refused) as caught:
        middleware.process_response(request, response)
    assert caught.value.cause == "decoding_failed"


def test_a_206_to_a_request_for_the_whole_page_is_tried_again_then_refused() -> None:
    crawler = get_crawler(Spider, settings_dict={"RETRY_TIMES": 1})
    crawler.spider = crawler._create_spider("news")
    middleware = RetryAfter.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    partial = HtmlResponse(request.url, status=206, body=PAGE[:5000], request=request)
    retry = middleware.process_response(request, partial)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    with pytest.raises(Refused) as caught:
        middleware.process_response(retry, partial.replace(request=retry))
    assert caught.value.cause == "http_206"
    ranged = Request(request.url, headers={"Range": "bytes=0-4999"})  # asked for a part: that part is the answer
    answer = partial.replace(request=ranged)
    assert middleware.process_response(ranged, answer) is answer
    # a range that covers the whole page is the page (review); dont_retry is refused at once
    whole = partial.replace(headers={"Content-Range": "bytes 0-4999/5000"})
    assert middleware.process_response(request, whole) is whole
    with pytest.raises(Refused):
        middleware.process_response(Request(request.url, meta={"dont_retry": True}), partial)


def test_a_request_dropped_for_its_url_s_length_is_a_failure_of_its_own() -> None:
    # Scrapy's UrlLengthMiddleware drops it with an INFO line: the report said nothing of the article (hostile)
    outcomes = fetch_outcomes({"fetch/ok": 3, "urllength/request_ignored_count": 2})
    assert (outcomes["failed"], outcomes["failed_by_cause"]) == (2, {"url_too_long": 2})


def test_a_redirect_to_a_page_read_already_is_an_outcome_of_its_own() -> None:
    # An article redirected to the section page (or to another listed article), which the duplicate filter drops,
    # was counted nowhere: the outcomes did not add up to the requests (hostile review)
    crawler = get_crawler(Spider)
    counter = CountFetchOutcomes(crawler, crawler.stats)
    assert crawler.stats is not None
    moved = Request("https://news.example.com/nachrichten/", meta={"redirect_urls": ["https://news.example.com/a-1"]})
    counter.request_dropped(moved)
    loop = Request("https://news.example.com/a-2", meta={"redirect_urls": ["https://news.example.com/a-2",
                                                                          "https://news.example.com/b"]})
    counter.request_dropped(loop)
    counter.request_dropped(Request("https://news.example.com/listed-twice"))  # a link seen before: no request
    outcomes = fetch_outcomes(crawler.stats.get_stats())
    assert (outcomes["redirected_to_read"], outcomes["failed_by_cause"]) == (1, {"redirect_loop": 1})


def test_a_redirect_to_an_address_past_the_url_length_limit_is_refused() -> None:
    # Scrapy's bound (URLLENGTH_LIMIT) holds for links, not for a Location: a 3,000-character one was asked for
    crawler = get_crawler(Spider, settings_dict={"URLLENGTH_LIMIT": 2083})
    middleware = RedirectToUrlsOnly.from_crawler(crawler)
    request = Request("https://news.example.com/a-1.html")
    far = "https://news.example.com/" + "x" * 3000
    with pytest.raises(Refused) as caught:
        middleware.process_response(request, Response(request.url, status=302, request=request,
                                                       headers={"Location": far}))
    assert caught.value.cause == "url_too_long"
    near = Response(request.url, status=302, request=request, headers={"Location": "https://news.example.com/b"})
    assert isinstance(middleware.process_response(request, near), Request)
