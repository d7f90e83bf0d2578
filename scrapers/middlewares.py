"""What a crawl fetches, bounded and accounted for: Retry-After, private addresses, oversized pages, and every
failed fetch counted by its cause.

- `RetryAfter` (downloader) replaces Scrapy's retry middleware: a 429 or 5xx that says `Retry-After` is tried
  again once that time has passed, when it is at most `RETRY_AFTER_HEADER_MAX` seconds; until then the
  other requests to that host wait too. A longer wait is not honoured in this run: the request gives up at
  once (no hammering a server that asked for an hour) and is counted as `retry_after_too_long`. A `206 Partial
  Content` to a request that asked for no range (part of the page, as if all) is tried again, then `http_206`.
- `RefusePrivateAddresses` (downloader) never sends a request to a loopback, private, link-local or reserved
  IP address, or to `localhost`, unless the spider's own site lives there (a crawl of a local test site).
- `RefuseOversizePages` (spider) turns away a page of more than `PAGE_MAX_ELEMENTS` elements before the
  spider reads it: real article pages have a few thousand, and extraction time grows with the count. A
  sitemap is not held to it: one linear walk of its XML reads it, and 50,000 URLs with images pass 250,000.
- `MetaRefreshWithoutDecoding` (downloader) replaces Scrapy's meta refresh middleware: the same redirects,
  without decoding the bodies whose head does not spell "refresh".
- `RedirectToUrlsOnly` (downloader) replaces Scrapy's redirect middleware: a `Location` Scrapy cannot make a
  request of (`javascript:...`, `http://[::1`) is refused as a redirect to `file:` is (`redirect_refused`),
  where Scrapy's raised a ValueError out of the download; a meta refresh to such a URL is left unfollowed.
- `RefuseUndecodableBodies` (downloader) replaces Scrapy's decompression middleware: a body that does not
  decode by its `Content-Encoding` (corrupt gzip, deflate, brotli or zstd) is given up as
  `decoding_failed`, as a browser gives it up, where Scrapy's let the decoder's own error out of the download;
  a stream that stops before its end (a cut transfer Scrapy's decoders returned as the whole body) is tried
  again, then given up as `truncated`; a gzip stream whose checksum does not match is `decoding_failed`.
- `CountFetchOutcomes` (spider, after Scrapy's HttpErrorMiddleware and `RefuseOversizePages`) counts each
  request's final outcome, after retries and redirects: a response the spider reads under `fetch/ok`, a
  failure under `fetch/failed/<cause>` (see `failure_cause`), a request a shutdown cancelled under
  `fetch/stopped`. A redirect off the site or into a loop, which Scrapy drops when it is scheduled, counts as
  a failure too (`offsite`, `private_address`, `redirect_loop`). Each request is counted once, so the causes
  add up to the failures; the run report lists them and the HTTP error check quotes them.
- `DropTrackingParameters` (spider) requests every page without the campaign parameters and session ids in its
  links (`utm_*`, `fbclid`, `;jsessionid=`; `scrapers.extract.links.without_tracking`), before the duplicate
  filter, the state and the shards see it: an article linked with a new session id from each listing page, or
  with other campaign tags than last hour, is one URL, fetched once.
- `CappedCookieHeader` (downloader) replaces Scrapy's cookies middleware: the same cookies, in a `Cookie`
  header of at most `COOKIES_MAX_HEADER` bytes, and at most `COOKIES_MAX_KEPT` of them kept. A page that set
  thousands of cookies had every later request carry all of them, which servers refuse (431, or 400 "Request
  Header Or Cookie Too Large"); a site that set new names on every page grew the jar without end.
- `RobotsWithSitemaps` (`ROBOTSTXT_PARSER`) is Scrapy's robots.txt reader keeping the file's `Sitemap:` lines,
  which the news spider follows (`obeyed_robots`) instead of fetching robots.txt again.
- `ShardArticles` (spider) with `-a shard=i/n` keeps the article requests of one n-th of the site: n processes
  started with `0/n` .. `n-1/n` (each with its own output) crawl it together, every article fetched by one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import sys
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from urllib.parse import urldefrag

import scrapy.downloadermiddlewares.cookies
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    NotSupported,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import Spider
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectionDone, ConnectionLost, ConnectionRefusedError, DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import HEADER, STATUS, HTTPParser, ParseError
from twisted.web.http import _MalformedChunkedDataError
from twisted.web.http_headers import InvalidHeaderName
from w3lib.url import safe_url_string

from scrapers.extract import read_page
from scrapers.extract.dates import http_date
from scrapers.extract.discover import robots_sitemaps
from scrapers.extract.links import SUFFIXES, within_domains, without_tracking, without_userinfo
from scrapers.harvest import (
    ARTICLE,
    FAILED_AS_BEFORE,
    NO_RECORD,
    NOT_RECORDED,
    SITEMAP_DEPTH,
    START,
    START_GONE,
    START_GONE_COUNT,
    fetch_gave_up,
)
from scrapers.shutdown import InFlight, StoppedAtShutdown, stop_downloads

logger = logging.getLogger(__name__)

FAILED = "fetch/failed/"
"""Stats prefix of failed fetches by cause: `fetch/failed/timeout`, `fetch/failed/http_503`, ..."""
SENT_TO = "fetch/sent_to/"
"""Stats prefix of the requests sent, by host and port."""
REDIRECTED = "redirect_urls"
"""Request meta key (Scrapy's redirect middleware): the URLs a redirected request was redirected from."""
REDIRECTED_TO_READ = "fetch/redirected_to_read"
"""Stats key: requests redirected to a page the run asked for already, read under that page's request."""
GAVE_UP_WAITING = "retry_after_refused"
"""Request meta key: the wait in seconds a `Retry-After` asked for, when it was longer than honoured."""


class Refused(IgnoreRequest):
    """A request the crawl chose not to send, or a response it chose not to read; `cause` names why (the
    `fetch/failed/<cause>` key)."""

    def __init__(self, cause: str, message: str) -> None:
        super().__init__(message)
        self.cause = cause


class PageTooLarge(IgnoreRequest):
    """A page with more elements than extraction is allowed to read."""


def retry_after_seconds(value: bytes | str | None, now: float) -> float | None:
    """The wait a `Retry-After` header asks for, in seconds from `now` (a Unix time): `"120"` gives 120.0,
    an HTTP date the seconds until then (0 when past); None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, and no number to float()
        return float(text)
    moment = http_date(text)
    return None if moment is None else max(0.0, moment.timestamp() - now)


class RetryAfter(RetryMiddleware):
    """Scrapy's retries (`RETRY_TIMES`, `RETRY_HTTP_CODES`), honouring `Retry-After`; see the module docstring."""

    def __init__(self, crawler: Crawler, longest_wait: float) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.longest_wait = longest_wait
        self.not_before: dict[str, float] = {}
        """Monotonic time before which a host asked not to be asked again, by host."""
        self.waits = InFlight()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfter:
        middleware = cls(crawler, crawler.settings.getfloat("RETRY_AFTER_HEADER_MAX"))
        crawler.signals.connect(middleware.waits.stop, signal=stop_downloads)
        return middleware

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        wait = self.not_before.get(host, 0.0) - time.monotonic()
        if wait > 0:
            await self.waits.run(asyncio.sleep(wait))

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if response.status == 206 and b"Range" not in request.headers and not _whole_range(response):
            # Part of a page to a request for all of it (a cache or a proxy that lost the rest): read, it was
            # written as a whole article.
            retry = None if request.meta.get("dont_retry") else self._retry(
                request, "HTTP 206 to a request for the whole page")
            return retry or _refused(
                "http_206", f"Not read {request.url}: it answered 206 Partial Content to a request for the whole page")
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"), time.time())
        if wait is None:
            return self._retry(request, f"HTTP {response.status}") or response
        if wait > self.longest_wait:
            logger.warning("Not retrying %s: HTTP %s asks to wait %.0f s (longer than RETRY_AFTER_HEADER_MAX=%.0f)",
                           request.url, response.status, wait, self.longest_wait)
            request.meta[GAVE_UP_WAITING] = wait
            return response
        retry = self._retry(request, f"HTTP {response.status}, Retry-After {wait:.0f} s")
        if retry is None:
            return response
        host = urlparse_cached(request).hostname or ""
        self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + wait)
        return retry


def _whole_range(response: Response) -> bool:
    """Whether a 206's `Content-Range` covers its whole entity (`bytes 0-999/1000`): the page, whole."""
    found = _CONTENT_RANGE.match(response.headers.get(b"Content-Range") or b"")
    return found is not None and int(found.group(1)) == 0 and int(found.group(2)) + 1 == int(found.group(3))


_CONTENT_RANGE = re.compile(rb"\s*bytes\s+(\d{1,18})-(\d{1,18})/(\d{1,18})\s*$", re.IGNORECASE)


class RefusePrivateAddresses:
    """See the module docstring; the spider's own hosts are its `allowed_domains`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefusePrivateAddresses:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        own = {domain.lower() for domain in getattr(self.crawler.spider, "allowed_domains", None) or []}
        if is_private_host(host) and host not in own:
            raise Refused("private_address", f"Not fetching {request.url}: {host} is a private address")


def is_private_host(host: str) -> bool:
    """Whether `host` names this machine or a private network: `localhost`, or an IP address that is not
    global (loopback, RFC 1918, link-local such as the cloud metadata address 169.254.169.254, reserved)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


class HeadersTooLarge(Exception):
    """A response whose header section passed `RESPONSE_HEADERS_MAXSIZE` bytes."""


RESPONSE_HEADERS_MAXSIZE = 256 * 1024
"""Bytes of a response's status line and headers read at most (the setting's default): Scrapy's HTTP/1.1 client
(Twisted's) bounds each header line, not their number, and a server sending header lines without end grew the
crawl to 2.6 GB in 10 s (hostile review). Real responses send a few KiB."""
_HEADER_BYTES = "_newsharvest_header_bytes"


def bound_response_headers(limit: int) -> None:
    """Make the HTTP client give a response up (the fetch fails as `size_cap`) once its header section passes
    `limit` bytes: the line reader of Twisted's response parser, and of Scrapy's lenient one when it has its
    own. One header line may be `HEADER_LINE_MAX` long (Twisted's line reader hung up at 16 KiB, a fetch counted
    as `connection_reset` and failed every run: a browser reads a 20 KiB `Content-Security-Policy`); a longer one
    is `size_cap` too. Once per process; the last crawl's limit holds."""
    global _headers_limit
    _headers_limit = limit
    from scrapy.core.downloader.handlers import http11

    parsers = [HTTPParser, *(kind for kind in (getattr(http11, "_LenientHTTPClientParser", None),)
                             if kind is not None and "lineReceived" in vars(kind))]
    for parser in parsers:
        if not getattr(parser.lineReceived, "bounded", False):
            parser.lineReceived = _bounded(parser.lineReceived)
        parser.MAX_LENGTH = min(limit, HEADER_LINE_MAX)
        parser.lineLengthExceeded = _line_too_long


HEADER_LINE_MAX = 64 * 1024
"""Bytes of one response header line read at most (a browser reads a 20 KiB `Content-Security-Policy`; Twisted's
line reader hung up at 16 KiB). Not the whole section's bound: that reader copies an unfinished line at each read,
and a 256 KiB line sent a byte at a time cost 25 s of the crawl's thread (review); 64 KiB, a sixteenth of that."""


def _line_too_long(self: Any, line: bytes) -> None:
    raise HeadersTooLarge(f"a response header line past {self.MAX_LENGTH} bytes")


def _bounded(read_line: Callable[[Any, bytes], None]) -> Callable[[Any, bytes], None]:
    def lineReceived(self: Any, line: bytes) -> None:
        if self.state in (STATUS, HEADER):
            seen = getattr(self, _HEADER_BYTES, 0) + len(line) + 1
            setattr(self, _HEADER_BYTES, seen)
            if seen > _headers_limit:
                raise HeadersTooLarge(f"response headers past {_headers_limit} bytes (RESPONSE_HEADERS_MAXSIZE)")
        read_line(self, line)

    lineReceived.bounded = True  # type: ignore[attr-defined]
    return lineReceived


_headers_limit = RESPONSE_HEADERS_MAXSIZE


class BoundResponseHeaders:
    """Downloader middleware that only bounds the header section of responses (`bound_response_headers`) for
    the crawl, by `RESPONSE_HEADERS_MAXSIZE`."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundResponseHeaders:
        bound_response_headers(crawler.settings.getint("RESPONSE_HEADERS_MAXSIZE", RESPONSE_HEADERS_MAXSIZE))
        return cls()


class RefuseOversizePages:
    """See the module docstring."""

    def __init__(self, max_elements: int) -> None:
        self.max_elements = max_elements

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefuseOversizePages:
        max_elements = crawler.settings.getint("PAGE_MAX_ELEMENTS")
        if not max_elements:
            raise NotConfigured("PAGE_MAX_ELEMENTS is 0")
        return cls(max_elements)

    def process_spider_input(self, response: Response) -> None:
        if response.request is not None and SITEMAP_DEPTH in response.request.meta:
            return  # a sitemap is read by one linear walk of its XML, not by the readers: 50,000 URLs with
            # their images are 250,000 elements and more, and such a sitemap was given up
        if not isinstance(response, TextResponse) or len(response.body) <= self.max_elements \
                or response.body.count(b"<") <= self.max_elements:
            return  # every element opens with a "<": too few bytes, or too few of them, to hold that many
            # (the length is known, counting the "<" of a 230 KB page costs a hundredth of reading it)
        count = sum(1 for _ in read_page(response.body).root.iter())  # (the readers' parse: floods of attributes cut)
        if count > self.max_elements:
            raise PageTooLarge(f"{count} elements (PAGE_MAX_ELEMENTS={self.max_elements})")


META_REFRESH_HEAD = 4 * 4096
"""Bytes of a body that hold the 4,096 characters in which Scrapy looks for a `<meta http-equiv=refresh>`
(a character is at most four bytes in UTF-8)."""


class MetaRefreshWithoutDecoding(MetaRefreshMiddleware):
    """Scrapy's `MetaRefreshMiddleware`, which decodes every HTML body whole (230 KB on average for the
    article pages of tests/data) to look for a refresh in its first 4,096 characters, where the crawl reads
    the page from its bytes. A body whose first `META_REFRESH_HEAD` bytes do not spell "refresh" (any case)
    has none there in any encoding that writes ASCII letters as themselves (UTF-8, the single-byte ones, the
    East Asian multi-byte ones), and is passed on undecoded; a body with NUL bytes in its head (UTF-16,
    UTF-32) and every other goes to Scrapy's. Measured in a crawlbench crawl: the decoding was 2% of the
    profiled CPU.

    It also follows a `Refresh` HTTP header (`Refresh: 0; url=/story`), which browsers follow as they follow the
    meta tag it stands for, on the same terms (`METAREFRESH_MAXDELAY`); Scrapy reads only the tag."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        header = response.headers.get(b"Refresh")
        if header and (refreshed := self.refresh_header(request, response, header)) is not None:
            return _without_userinfo(refreshed)
        if isinstance(response, HtmlResponse):
            head = response.body[:META_REFRESH_HEAD]
            if b"\x00" not in head and b"refresh" not in head.lower():
                return response
        try:
            result = super().process_response(request, response)
        # A refresh to no URL Scrapy can request (javascript:...), or a charset no text is in (`<meta
        # charset="base64">`, a LookupError: the page was lost with a traceback): the page is read as it is.
        except (ValueError, LookupError):
            return response
        if isinstance(result, Request) and same_page(result.url, request.url):
            return response  # a page that reloads itself (a live blog's `content="60; url=<its URL>"`), as above:
            # followed, Scrapy's duplicate filter dropped it, and the story was lost as a redirect loop
        return _without_userinfo(result) if isinstance(result, Request) else result


    def refresh_header(self, request: Request, response: Response, header: bytes) -> Request | None:
        """The request a `Refresh` header leads to, when it names another URL of the web within the delay
        allowed. A page that reloads itself (`Refresh: 60; url=<its URL>`, or `url=#top`) is read as it is."""
        if (request.meta.get("dont_redirect") or request.method == "HEAD" or not 200 <= response.status < 300
                or urlparse_cached(request).scheme not in ("http", "https") or len(header) > REFRESH_HEADER_MAX):
            return None
        refresh = read_refresh(header)
        if refresh is None or refresh[0] >= self._maxdelay:
            return None
        try:
            url = response.urljoin(safe_url_string(refresh[1], encoding="utf-8"))
            redirected = self._redirect_request_using_get(request, response, url)
        except ValueError:  # a URL Scrapy cannot request
            return None
        if urlparse_cached(redirected).scheme not in ("http", "https") or same_page(redirected.url, request.url):
            return None
        return self._redirect(redirected, request, "refresh header")


def _without_userinfo(request: Request) -> Request:
    """`request` to its address without a user name and password (`http://user:pass@host/`: Scrapy's client
    refuses such an address with a traceback; the refreshes too, review)."""
    plain = without_userinfo(request.url)
    return request if plain == request.url else request.replace(url=plain)


_URL_IS = re.compile(rb"url[ \t]{0,8}=[ \t]{0,8}", re.IGNORECASE)

REFRESH_HEADER_MAX = 4096
"""Bytes of a `Refresh` header read at most (a URL is up to 2,083 characters); a longer one is not followed."""


def read_refresh(header: bytes) -> tuple[float, bytes] | None:
    """The delay and URL bytes of a `Refresh` header (`5; url=/b`, `0;URL='/b'`, `0, /b`), None when it names no
    URL or no delay."""
    delay, separator, rest = header.replace(b",", b";", 1).partition(b";")
    try:
        seconds = float(delay.strip())
    except ValueError:
        return None
    rest = rest.strip()
    if prefix := _URL_IS.match(rest):
        rest = rest[prefix.end():]
    if len(rest) >= 2 and rest[:1] in (b"'", b'"') and rest[-1:] == rest[:1]:
        rest = rest[1:-1].strip()
    if not separator or not rest or not seconds >= 0:  # (NaN too)
        return None
    return seconds, rest


class RedirectToUrlsOnly(RedirectMiddleware):
    """Scrapy's `RedirectMiddleware`, which builds the request of a `Location` before it checks its scheme: a
    `Location` that makes no request (`javascript:alert(1)`, `http://[::1`) raised a ValueError out of the
    download, counted as an unknown failure and logged with a traceback. Such a redirect is left unfollowed,
    as Scrapy leaves one to `file:`: the 3xx response is counted as `redirect_refused`.

    A redirect back to a URL of its own chain that sets a cookie (`302 Set-Cookie: gate=ok; Location: <the same
    URL>`, or a bounce through `/cookiecheck?return=<URL>`) is followed once more, past the duplicate filter,
    with the cookie: a browser loads such a page, where the filter dropped it and the story was lost as a
    redirect loop, every run (hostile review). A second such turn is a loop."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            redirected = super().process_response(request, response)
        except ValueError:
            return response
        if isinstance(redirected, Request):
            redirected = _without_userinfo(redirected)
        limit = self.crawler.settings.getint("URLLENGTH_LIMIT")
        if isinstance(redirected, Request) and limit and len(redirected.url) > limit:
            # held to the bound a link is held to (Scrapy's UrlLengthMiddleware sees links, not redirects)
            raise Refused("url_too_long", f"Not fetched {redirected.url[:200]}...: redirected from {request.url} to"
                                          f" an address longer than URLLENGTH_LIMIT ({limit})")
        if (isinstance(redirected, Request) and b"Set-Cookie" in response.headers and not request.meta.get(COOKIE_TURN)
                and any(same_page(redirected.url, url) for url in [*request.meta.get(REDIRECTED, []), request.url])):
            return redirected.replace(dont_filter=True, meta={**redirected.meta, COOKIE_TURN: True})
        if isinstance(redirected, Request) and request.meta.get(COOKIE_TURN) and redirected.dont_filter:
            return redirected.replace(dont_filter=False)  # (the turn's own pass is not handed on)
        return redirected


def same_page(url: str, other: str) -> bool:
    """Whether the two URLs name one page: equal but for their fragments."""
    return urldefrag(url)[0] == urldefrag(other)[0]


COOKIE_TURN = "newsharvest_cookie_turn"
"""Request meta key: the request went back to a URL of its chain once, with the cookie a redirect set."""


class RefuseUndecodableBodies(HttpCompressionMiddleware):
    """Scrapy's `HttpCompressionMiddleware`, which lets the decoder's own error (`zlib.error`, `brotli.error`,
    `ZstdError`) out of the download when a body does not decode by its `Content-Encoding`: an unknown
    failure with a traceback. Such a body is given up (`decoding_failed`), as a browser gives it up; a body
    past `DOWNLOAD_MAXSIZE` once decoded is still Scrapy's `size_cap`. A body in an encoding Scrapy does not
    know (`Content-Encoding: x-gzip2`), which it passes on still encoded, is given up the same way when its bytes
    are no text (`_binary`): read as markup, they were no article, and the story was counted as a page of another
    kind and lost. A text body under such a header (`utf-8`, `none`) is read, as a browser reads it."""

    def __init__(self, *, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self.crawler = crawler

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        encoding = b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
        try:
            decoded = super().process_response(request, response)
        except IgnoreRequest:
            raise
        except (Truncated, EOFError):  # (EOFError: Scrapy's gunzip, cut before any of the page came)
            if not 200 <= response.status < 300:
                return response  # an error page's or a redirect's body is not read: its status says what happened
            # The transfer was cut where the length said the body ended: tried again, as a reset is.
            spider: Spider = self.crawler.spider  # type: ignore[assignment]
            retry = None if request.meta.get("dont_retry") else get_retry_request(request, spider=spider,
                                                                                   reason="truncated")
            return retry or _refused(
                "truncated", f"Not read {request.url}: its {encoding} stream ends before its end (a cut transfer)")
        except Exception as error:  # whatever the decoder of a corrupt body raises
            raise Refused("decoding_failed", f"Not read {request.url}: its body does not decode as {encoding}"
                                             f" ({type(error).__name__}: {error})") from None
        left = [coding.strip().lower() for value in decoded.headers.getlist("Content-Encoding")
                for coding in value.decode("latin-1").split(",")]
        if any(coding not in ("", "identity") for coding in left) and _binary(decoded.body):
            raise Refused("decoding_failed", f"Not read {request.url}: its body is in an encoding this crawler "
                                             f"does not know ({encoding})")
        return decoded


    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        if encoding == b"br":
            return _unbrotli(body, max_size)
        decoded: bytes = HttpCompressionMiddleware._decode(body, encoding, max_size)
        if not _complete(body, encoding, decoded):
            raise Truncated(encoding)
        return decoded


class Truncated(Exception):
    """A compressed body whose stream stops before its end: the transfer was cut (with a `Content-Length` that
    matched what was sent, or none), and Scrapy's decoders return what came as if it were all."""


def _complete(body: bytes, encoding: bytes, decoded: bytes) -> bool:
    """Whether the compressed `body` (which decoded to `decoded`) ends where its stream says it ends; a
    `zlib.error` when a stream's checksum says its bytes are not what was sent (Scrapy's gzip decoding kept such a
    body, as if whole and right). A gzip member ends with the checksum and the length of what it holds: a body
    that ends so is checked at the cost of a checksum (0.1-0.3 ms a 300 KB page); a body of several members, or with
    bytes after its last, is decoded again to see each end. No body is no stream (a redirect's, a 304's)."""
    if not body:
        return True
    if encoding in (b"gzip", b"x-gzip"):
        if (len(body) >= 18 and int.from_bytes(body[-4:], "little") == len(decoded) % 2**32
                and int.from_bytes(body[-8:-4], "little") == zlib.crc32(decoded)):
            return True
        return _ends(body, wbits=31)
    if encoding == b"deflate":
        try:
            return _ends(body, wbits=15)
        except zlib.error:
            return _ends(body, wbits=-15)  # raw deflate, as Scrapy decodes it when zlib's wrapping is not there
    if encoding == b"zstd":  # (the decoder Scrapy decoded the body with: installed with it)
        if sys.version_info >= (3, 14):
            from compression import zstd
        else:
            from backports import zstd

        rest = body
        while rest:  # frame after frame
            frame = zstd.ZstdDecompressor()
            frame.decompress(rest)
            if not frame.eof:
                return False
            rest = frame.unused_data
    return True


def _unbrotli(body: bytes, max_size: int) -> bytes:
    """Scrapy's brotli decoding (at most `max_size` bytes, as `DOWNLOAD_MAXSIZE` says), which knows at its end
    whether the stream ended: deciding it after Scrapy's cost as much again."""
    import brotli  # type: ignore[import-untyped]  # (installed with Scrapy)

    if not body:
        return body  # (a redirect's, a 304's)
    decompressor = brotli.Decompressor()
    out: list[bytes] = []
    size = 0
    chunk = decompressor.process(body, output_buffer_limit=65536)
    while chunk:
        size += len(chunk)
        if max_size and size > max_size:  # (a message Scrapy's size_cap says the same way: `IGNORED`)
            raise IgnoreRequest(f"Body exceeded DOWNLOAD_MAXSIZE ({max_size} B) during decompression")
        out.append(chunk)
        chunk = b"" if decompressor.is_finished() else decompressor.process(b"", output_buffer_limit=65536)
    if not decompressor.is_finished():
        raise Truncated(b"br")
    return b"".join(out)


def _ends(body: bytes, wbits: int) -> bool:
    """Whether the zlib stream(s) of `body` (`wbits` as `zlib.decompressobj` takes it; 31: gzip, whose members
    may follow each other) reach their ends; `zlib.error` for a stream that is corrupt (its checksum or length
    at its end does not match what it held). What they hold is thrown away as it comes."""
    rest = body
    while True:
        stream = zlib.decompressobj(wbits)
        while not stream.eof:
            out = stream.decompress(rest, 65536)
            rest = stream.unconsumed_tail
            if not out and not rest:
                break
        if not stream.eof:
            return False
        rest = stream.unused_data
        if wbits != 31 or not rest.startswith(b"\x1f\x8b"):
            return True  # (bytes after a gzip member that are no other member are ignored, as Scrapy ignores them)


def _refused(cause: str, message: str) -> Response:
    raise Refused(cause, message)


BINARY_SNIFF = 512
"""Bytes of a body looked at to tell text from an encoding's output."""


BINARY_SHARE = 0.02
"""Share of control bytes from which a body's head is no text: an encoder's output has one in nine (random
bytes); text, a stray one."""


def _binary(body: bytes) -> bool:
    """Whether `body` begins as no text does: control bytes (other than tab, line feed, form feed, carriage return
    and the escape of ISO-2022 text) past `BINARY_SHARE` of its first `BINARY_SNIFF` bytes, as gzip, brotli and
    zstd output has. A text body under a `Content-Encoding` no one knows (a server's `utf-8`, `none`, `binary`) is
    read as it is, as a browser reads it."""
    head = body[:BINARY_SNIFF]
    controls = sum(1 for byte in head if byte < 0x20 and byte not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return controls > max(2, BINARY_SHARE * len(head))  # (a gzip header alone has five and more)


class EachOutput:
    """A spider middleware that passes each request and item the spider makes, its start requests included,
    through `each`: what `each` returns goes on, None is dropped."""

    def each(self, entry: Any) -> Any:
        raise NotImplementedError

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in start:
            if (passed := self.each(entry)) is not None:
                yield passed

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for entry in result:
            if (passed := self.each(entry)) is not None:
                yield passed

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in result:
            if (passed := self.each(entry)) is not None:
                yield passed


class DropTrackingParameters(EachOutput):
    """See the module docstring."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DropTrackingParameters:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def each(self, entry: Any) -> Any:
        if not isinstance(entry, Request):
            return entry
        url = without_tracking(entry.url)
        if url == entry.url:
            return entry
        self.stats.inc_value("fetch/tracking_dropped")
        return entry.replace(url=url)


scrapy.downloadermiddlewares.cookies._split_domain = SUFFIXES
"""Scrapy's cookie middleware asks tldextract whether a cookie's domain is a public suffix, with tldextract's
defaults: at the first `Set-Cookie` of a crawl, the public suffix list is downloaded from publicsuffix.org, on
the reactor's thread and with no time bound. A host that drops outbound packets hung the crawl past
`CLOSESPIDER_TIMEOUT` and SIGTERM, and any crawl reached hosts other than the site's. The project's reader of
the list bundled with tldextract answers instead: nothing is fetched."""


class CappedCookieHeader(CookiesMiddleware):
    """See the module docstring. The cookies the jar gives a request are sent in its order, each one that still
    fits within the cap; the others are left out (counted under `cookies/not_sent`), and no header is sent
    when none fits."""

    max_header: int
    max_kept: int

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CappedCookieHeader:
        middleware = super().from_crawler(crawler)
        middleware.max_header = crawler.settings.getint("COOKIES_MAX_HEADER")
        middleware.max_kept = crawler.settings.getint("COOKIES_MAX_KEPT")
        return middleware

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        """The response's cookies kept, then the jar cut back to `COOKIES_MAX_KEPT` (the newest names left out):
        a site that sets new cookie names on every page grew the jar by thousands a page, without end."""
        answer = super().process_response(request, response)
        jar = self.jars[request.meta.get("cookiejar")]
        if self.max_kept and len(jar) > self.max_kept:
            left_out = list(jar)[self.max_kept:]
            for cookie in left_out:
                jar.clear(cookie.domain, cookie.path, cookie.name)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("cookies/not_kept", len(left_out))
        return answer

    def process_request(self, request: Request, spider: Any = None) -> None:
        super().process_request(request)
        header = request.headers.get(b"Cookie")
        if not header or not self.max_header or len(header) <= self.max_header:
            return
        kept: list[bytes] = []
        size = 0
        cookies = header.split(b"; ")
        for cookie in cookies:
            if size + len(cookie) + 2 * bool(kept) > self.max_header:
                continue  # a big one left out: the small ones after it (a session id) still fit
            kept.append(cookie)
            size += len(cookie) + 2 * (len(kept) > 1)
        if kept:
            request.headers[b"Cookie"] = b"; ".join(kept)
        else:
            del request.headers[b"Cookie"]
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("cookies/not_sent", len(cookies) - len(kept))


class CountFetchOutcomes(EachOutput):
    """See the module docstring. Each request the spider yields gets an errback (when it has none) that
    counts the failure and passes it on unchanged, so Scrapy logs and handles it as before."""

    def __init__(self, crawler: Crawler, stats: StatsCollector) -> None:
        self.crawler = crawler
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CountFetchOutcomes:
        assert crawler.stats is not None
        middleware = cls(crawler, crawler.stats)
        robots = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(known, OneLineDownloadErrors) for known in robots.filters):
            robots.addFilter(OneLineDownloadErrors())
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(middleware.request_reached_downloader, signal=signals.request_reached_downloader)
        return middleware

    def request_reached_downloader(self, request: Request) -> None:
        """Every request sent (retries, redirects and robots.txt included), by host and port: which servers
        a run contacted."""
        self.stats.inc_value(f"{SENT_TO}{urlparse_cached(request).netloc}")

    def process_spider_input(self, response: Response) -> None:
        if response.status < 400:
            self.stats.inc_value("fetch/ok")

    def each(self, entry: Any) -> Any:
        if isinstance(entry, Request) and entry.errback is None:
            # A spider method when the spider has one (the project's do), so that Redis can store the request.
            entry.errback = getattr(self.crawler.spider, "fetch_failed", None) or self.failed
        return entry

    def request_scheduled(self, request: Request) -> None:
        """A redirect off the site: Scrapy's offsite filter drops it here, before any errback could see it."""
        if REDIRECTED not in request.meta or request.dont_filter or request.meta.get("allow_offsite"):
            return
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        host = (urlparse_cached(request).hostname or "").lower()
        if allowed and not within_domains(host, allowed):
            cause = "private_address" if is_private_host(host) else "offsite"
            self.stats.inc_value(f"{FAILED}{cause}")
            logger.info("Not fetched (%s): %s, redirected from %s", cause, request.url, request.meta[REDIRECTED][0])
            self.gave_up(request, cause)

    def request_dropped(self, request: Request) -> None:
        """A redirect back to a URL of its own chain, which Scrapy's duplicate filter drops: a loop. A redirect to
        a page the run asked for already (the section page, another listed article) is read once, under that page's
        own request: `redirected_to_read`, an outcome of its own (it was none: such article requests were counted
        nowhere, and the outcomes did not add up to the requests; hostile review)."""
        if request.url in request.meta.get(REDIRECTED, []):
            self.stats.inc_value(f"{FAILED}redirect_loop")
            logger.info("Not fetched (redirect_loop): %s", " -> ".join([*request.meta[REDIRECTED], request.url]))
            self.gave_up(request, "redirect_loop")
        elif request.meta.get(REDIRECTED):
            self.stats.inc_value(REDIRECTED_TO_READ)
            logger.info("Not fetched again: %s, redirected from %s, is read in this run already", request.url,
                        request.meta[REDIRECTED][0])

    def gave_up(self, request: Request, cause: str) -> None:
        """Tell the state (`scrapers.harvest`) that `request` failed for good, and why."""
        self.crawler.signals.send_catch_log(fetch_gave_up, request=request, cause=cause)

    def failed(self, failure: Failure) -> Iterable[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        cause = failure_cause(failure.value, request) if failure.value is not None else None
        # The outcome of a page refused once fetched (too large) is its failure's (`fetch_gave_up`): the state's
        # note of an article page that gave no record did make it `skipped`, never fetched again (loss review).
        request.meta[NO_RECORD] = NOT_RECORDED
        if cause == "stopped":
            self.stats.inc_value("fetch/stopped")
            from scrapers.distributed import frontier_of

            if (frontier := frontier_of(self.crawler)) is not None:
                frontier.stopped_at_shutdown(request)  # for another worker to fetch
        elif cause is not None:
            self.stats.inc_value(f"{FAILED}{cause}")
            self.gave_up(request, cause)
        if cause in GONE and request.meta.get(START):
            gone = self.stats.get_value(START_GONE) or []
            self.stats.set_value(START_GONE, [*gone, request.url])
            self.stats.inc_value(START_GONE_COUNT)
        if isinstance(failure.value, PageTooLarge):
            logger.warning("Not reading %s: %s", request.url, failure.value)
            return []
        if isinstance(failure.value, HttpError) and cause is not None:
            # one line, as every failure (Scrapy's own said it at INFO, "Ignoring response <404 ...>")
            logger.warning("Fetch failed (%s): %s", cause, request.url)
            return []
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):
            logger.info("Not fetched (%s): %s", cause, request.url)
        elif isinstance(failure.value, SITE_FAILURES):
            # What the site did (it hung, reset, is unknown to DNS): one line, where Scrapy would log the failure
            # at ERROR with the traceback of its own code. An unknown error keeps Scrapy's traceback.
            logger.warning("Fetch failed (%s): %s: %s", cause, request.url, error_message(failure.value))
            return []
        failure.raiseException()
        return []  # unreachable: raiseException raises


class RobotsWithSitemaps(ProtegoRobotParser):
    """Scrapy's robots.txt reader (`ROBOTSTXT_PARSER`), which also keeps the sitemaps the file names: the news
    spider follows them from the robots.txt Scrapy fetched to obey it. It fetched the file a second time for them,
    and a robots.txt that hung cost its timeouts twice (2 x 3 tries x 30 s)."""

    def __init__(self, robotstxt_body: bytes, spider: Spider | None) -> None:
        if len(robotstxt_body) > ROBOTS_MAXSIZE:  # its first 500 KiB, up to its last whole line in them
            robotstxt_body = robotstxt_body[:robotstxt_body.rfind(b"\n", 0, ROBOTS_MAXSIZE) + 1]
        super().__init__(robotstxt_body, spider)
        # Scrapy reads any answer as the file, a 404's or a login wall's HTML page too: a page names no sitemap.
        self.sitemaps = [] if robotstxt_body.lstrip()[:1] == b"<" else robots_sitemaps(robotstxt_body)
        del self.sitemaps[ROBOTS_SITEMAPS_MAX:]


ROBOTS_MAXSIZE = 500 * 1024
"""Bytes of a robots.txt read, as RFC 9309 allows a crawler to stop at (Google reads as much): a 7.6 MB file of
250,000 rules held the crawl's thread 22 s to parse, took 430 MB and 0.39 s for each URL it was asked about
(hostile review); a real one is a few KB."""
ROBOTS_SITEMAPS_MAX = 1_000
"""Sitemaps a robots.txt names that are followed at most (`SITEMAP_MAX_FILES` bounds those of indexes): a
robots.txt of 20,000 had 5,074 of them followed in 120 s."""


async def obeyed_robots(crawler: Crawler, url: str) -> RobotsWithSitemaps | None:
    """The robots.txt of the site of `url` as Scrapy's robots.txt middleware read it (fetching it if no request
    of the site has yet); None when the crawl does not obey robots.txt (`ROBOTSTXT_OBEY`), reads it with another
    parser, or could not fetch it."""
    assert crawler.engine is not None
    for middleware in crawler.engine.downloader.middleware.middlewares:
        if isinstance(middleware, RobotsTxtMiddleware):
            parser = await middleware.robot_parser(Request(url))
            return parser if isinstance(parser, RobotsWithSitemaps) else None
    return None


ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
"""Scrapy's robots.txt middleware, which logs a robots.txt it could not download with a traceback."""


class OneLineDownloadErrors(logging.Filter):
    """A log record of a download failure the site caused (a failure of `CAUSES`: it hung, reset, is unknown
    to DNS) keeps its line and loses its traceback, which shows Scrapy's code and nothing of the site. Set on
    Scrapy's robots.txt middleware, which logs every robots.txt it could not download so; the spider's own
    requests are logged by `CountFetchOutcomes.failed`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], SITE_FAILURES):
            record.exc_info, record.exc_text = None, None
        return True


def error_message(error: BaseException) -> str:
    """What a download error says, on one line: Twisted's `ResponseFailed` (which Scrapy's errors wrap, with its
    text as theirs) holds its causes as failures, whose own text is their repr (`[<twisted.python.failure.Failure
    twisted.internet.error.ConnectionDone: ...>]`)."""
    reasons = getattr(error.__cause__, "reasons", None) or getattr(error, "reasons", None)
    if reasons and all(isinstance(reason, Failure) for reason in reasons):
        text = "; ".join(f"{reason.type.__name__}: {reason.getErrorMessage()}" for reason in reasons)
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())[:ERROR_MESSAGE_MAX]


ERROR_MESSAGE_MAX = 300
"""Characters of a download error's text logged: a server's garbage can make it as long as the response."""


def failure_cause(error: BaseException, request: Request) -> str | None:
    """Why a fetch failed, as a short key: `timeout`, `dns`, `connection_refused`, `connection_reset`,
    `http_<status>`, `size_cap`, `decoding_failed`, `truncated`, `robots`, `redirect_limit`, `redirect_refused`
    (a redirect Scrapy will not follow, to `file:` or `javascript:`), `offsite`, `private_address`, `page_too_large`,
    `unsupported_scheme`, `retry_after_too_long`, `protocol_error` (an answer that breaks HTTP),
    `other_<ExceptionName>`; `stopped` for a request a shutdown
    cancelled; None for what is no failure (a site without robots.txt)."""
    if isinstance(error, HttpError):
        status = error.response.status
        if urlparse_cached(request).path == "/robots.txt" and status in (404, 410):
            return None  # a site without robots.txt allows everything; the news spider asks for it for sitemaps
        if GAVE_UP_WAITING in request.meta:
            return "retry_after_too_long"
        if 300 <= status < 400 and b"Location" in error.response.headers:
            return "redirect_refused"  # Location: file:///etc/passwd, javascript:...
        return f"http_{status}"  # a 304 to a request that asked for no condition, too
    if isinstance(error, StoppedAtShutdown):
        return "stopped"
    if isinstance(error, Refused):
        return error.cause
    if isinstance(error, PageTooLarge):
        return "page_too_large"
    if _caused_by(error, lambda value: isinstance(value, HeadersTooLarge)):
        return "size_cap"
    if _caused_by(error, _protocol_error):
        return "protocol_error"
    for kinds, cause in CAUSES:
        if isinstance(error, kinds):
            return cause
    if isinstance(error, IgnoreRequest):
        message = str(error)
        for marker, cause in IGNORED:
            if marker in message:
                return cause
        return "ignored"
    return f"other_{type(error).__name__}"


def _protocol_error(value: BaseException) -> bool:
    """Whether `value` is Twisted's word that the answer broke HTTP: a status line or header it cannot parse, a
    chunk size that is no number, conflicting `Content-Length`s, a `Content-Length` that is no number (`-1`,
    `+100`), a header name that is none (`Content-Type : x`), a `Transfer-Encoding` it does not know (`identity`,
    `gzip, chunked`: the KeyError of its table of decoders). They were counted as `connection_reset`, and tried
    again every run as failures by chance."""
    return isinstance(value, (ParseError, _MalformedChunkedDataError, InvalidHeaderName)) or (
        type(value) is ValueError and str(value).startswith(("Invalid response", "Value contains non-decimal"))) or (
        type(value) is KeyError and len(value.args) == 1 and isinstance(value.args[0], bytes))


def _caused_by(error: BaseException, kind: Callable[[BaseException], bool]) -> bool:
    """Whether `error` (Twisted's ResponseFailed, or Scrapy's error made of it) comes of an exception `kind`
    holds for."""
    seen: set[int] = set()
    pending: list[Any] = [error]
    while pending:
        item = pending.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        value = getattr(item, "value", item)  # a Failure's exception
        if isinstance(value, BaseException) and kind(value):
            return True
        if isinstance(value, BaseException):
            pending += [value.__cause__, value.__context__, *getattr(value, "reasons", ())]
    return False


CAUSES: list[tuple[tuple[type[BaseException], ...], str]] = [
    ((DownloadTimeoutError, TwistedTimeoutError), "timeout"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection_refused"),
    ((ResponseDataLossError, DownloadFailedError, ConnectionLost, ConnectionDone), "connection_reset"),
    # Scrapy cancels a download whose Content-Length or received bytes pass DOWNLOAD_MAXSIZE.
    ((DownloadCancelledError,), "size_cap"),
    ((NotSupported, UnsupportedURLSchemeError), "unsupported_scheme"),
]

SITE_FAILURES = tuple(kind for kinds, _ in CAUSES for kind in kinds)

IGNORED = [
    # The messages of Scrapy's middlewares that turn a request away (IgnoreRequest).
    ("robots.txt", "robots"),
    ("max redirections", "redirect_limit"),
    ("Filtered offsite", "offsite"),
    ("during decompression", "size_cap"),
]


def counted_failures(stats: dict[str, Any]) -> dict[str, int]:
    """The failed fetches of a run by cause, most frequent first."""
    failures = {key.removeprefix(FAILED): int(value) for key, value in stats.items() if key.startswith(FAILED)}
    if too_long := int(stats.get(URL_TOO_LONG, 0)):  # Scrapy's UrlLengthMiddleware: dropped with an INFO line
        failures["url_too_long"] = failures.get("url_too_long", 0) + too_long  # (and counted nowhere else)
    return dict(sorted(failures.items(), key=lambda entry: (-entry[1], entry[0])))


GONE = frozenset({"http_404", "http_410"})
"""Causes of a start page that is gone (the site moved or removed it), not down for a while."""

URL_TOO_LONG = "urllength/request_ignored_count"
"""Scrapy's count of the requests whose URL is longer than `URLLENGTH_LIMIT`: a listed article that was never
asked for, which the report did not name (hostile review)."""


def fetch_outcomes(stats: dict[str, Any]) -> dict[str, Any]:
    """The run report's `fetch` section: requests sent (retries, redirects and robots.txt included), final
    outcomes (`ok` + `failed` is every request the spider made that was answered or given up; Scrapy asks for
    robots.txt itself, counted apart as `robots_txt`), failures by cause, requests a shutdown cancelled,
    retries, and the requests sent by host (none under `REPLAY_DIR`, which answers from saved pages)."""
    failures = counted_failures(stats)
    return {
        "requests_sent": stats.get("downloader/request_count", 0),
        "robots_txt": stats.get("robotstxt/request_count", 0),
        "ok": stats.get("fetch/ok", 0),
        "failed": sum(failures.values()),
        "failed_by_cause": failures,
        "failed_as_before": sum(int(value) for key, value in stats.items() if key.startswith(FAILED_AS_BEFORE)),
        "stopped": stats.get("fetch/stopped", 0),
        "redirected_to_read": stats.get(REDIRECTED_TO_READ, 0),
        "retries": stats.get("retry/count", 0),
        "sent_to": {key.removeprefix(SENT_TO): value for key, value in sorted(stats.items())
                    if key.startswith(SENT_TO)},
    }


class BoundArticleRequests(EachOutput):
    """At most `MAX_ARTICLES_PER_RUN` article URLs a run requests, beyond those the state does not call due
    (it sits after `SkipKnownArticles`). A big site's sitemaps list millions of articles: a first run queued
    every one of them in memory (0.7 KB a request: 4.7 GB for 7 million, and as many fingerprints in the
    duplicate filter), though a run fetches about 300,000 in its 45 minutes. The articles past the bound are
    counted (`articles/over_run_bound`) and said once in the log; with a state, the next run requests them,
    since those this one fetched are known then. Listings, feeds and sitemaps are never held back. With a
    shared frontier (`REDIS_URL`) the bound is the run's, counted in Redis over all its workers."""

    def __init__(self, bound: int, stats: StatsCollector, crawler: Crawler | None = None) -> None:
        self.bound = bound
        self.stats = stats
        self.crawler = crawler
        self.taken: set[str] = set()
        """The article URLs passed on: the same URL listed again passes too (the duplicate filter drops it)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundArticleRequests:
        bound = crawler.settings.getint("MAX_ARTICLES_PER_RUN")
        if bound <= 0:
            raise NotConfigured("MAX_ARTICLES_PER_RUN is 0: no bound")
        assert crawler.stats is not None
        return cls(bound, crawler.stats, crawler)

    def each(self, entry: Any) -> Any:
        if not isinstance(entry, Request) or ARTICLE not in entry.meta or entry.url in self.taken:
            return entry
        if self.requested() <= self.bound:
            self.taken.add(entry.url)
            return entry
        if not self.stats.get_value("articles/over_run_bound"):
            logger.warning("This run requests no more articles: %d is MAX_ARTICLES_PER_RUN (the ones past it are"
                           " counted under articles/over_run_bound; with a state, the next run requests them)",
                           self.bound)
        self.stats.inc_value("articles/over_run_bound")
        return None

    def requested(self) -> int:
        """How many article URLs the run has requested, counting the one at hand: this crawl's, or with a shared
        frontier (`REDIS_URL`) those of all the run's workers (each worker bounded alone, a run of three workers
        requested three times the bound). A URL that two workers' listings show counts twice there."""
        from scrapers.distributed import frontier_of  # (scrapers.distributed imports this module's users)

        if self.stats.get_value("articles/over_run_bound"):
            return self.bound + 1  # past the bound once, past it for good (no more look at Redis per request)
        frontier = frontier_of(self.crawler)
        if frontier is not None and frontier.round is not None:
            return frontier.article_requested()
        return len(self.taken) + 1


class ShardArticles(EachOutput):
    """`-a shard=i/n` (i from 0 to n-1): of the article requests the spider makes, only those whose URL falls in
    the i-th of n shares (by CRC-32 of the URL, the same in every process) are kept; listings, feeds and
    sitemaps are all fetched, since each process needs them to find its articles. n processes on one machine
    or many, without a shared frontier: each writes its own output, and the union of the outputs is the
    site's crawl with every article fetched once. The Redis frontier (`REDIS_URL`) shares the listings too
    and rebalances when a worker dies; this needs nothing. Off (not loaded) without the argument."""

    def __init__(self, index: int, count: int, stats: StatsCollector) -> None:
        self.index = index
        self.count = count
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShardArticles:
        spec = getattr(crawler.spider, "shard", None)
        if not spec:
            raise NotConfigured  # off without -a shard (no message: Scrapy would warn of it at every crawl)
        index, count = parse_shard(str(spec))
        assert crawler.stats is not None
        crawler.stats.set_value("shard", f"{index}/{count}")
        return cls(index, count, crawler.stats)

    def each(self, entry: Any) -> Any:
        """`entry` when it is anything but an article request, or an article request of this share."""
        if not isinstance(entry, Request) or ARTICLE not in entry.meta:
            return entry
        if zlib.crc32(entry.url.encode("utf-8")) % self.count == self.index:
            return entry
        self.stats.inc_value("shard/articles_left_to_others")
        return None

def parse_shard(spec: str) -> tuple[int, int]:
    """`"1/3"` gives (1, 3); ValueError unless it is `i/n` with 0 <= i < n."""
    index, _, count = spec.partition("/")
    try:
        shard = int(index), int(count)
    except ValueError:
        raise ValueError(f"shard must be i/n, e.g. 0/2: {spec!r}") from None
    if not 0 <= shard[0] < shard[1]:
        raise ValueError(f"shard must be i/n with 0 <= i < n: {spec!r}")
    return shard
