"""A hostile news site on a local HTTP server: real article pages, and a server that misbehaves every way
an unattended crawler meets on the web.

The good articles are real pages of `tests/data/fundus-dev` at their own URL paths, listed on a section page
and in the RSS feed (one only in the sitemap). The feed also lists one URL per fault (`FAULTS`): a server error with
and without `Retry-After`, rate limiting, a server that hangs before its headers or in the middle of the
body, a connection reset mid-body, redirect loops and chains, redirects to other hosts, private addresses,
`file:`, `javascript:` and no URL, a gzip bomb, bodies that do not decode, a 304, bodies past the size cap,
wrong content types, a path robots.txt disallows, a malformed `Sitemap:` line in robots.txt, and
real pages made awkward: control characters, windows-1258, a byte order mark, an XML declaration, deep
nesting, absurd dates, a meta refresh to `javascript:`, an HTTP `Date` of 9999 or 1970. The section page also
links to other hosts, private addresses, `file:`, `javascript:` and `data:` URLs, which must never be requested.

The server binds 127.0.0.1 on a free port and logs every request it reads (`Host` header and path), so a
test can tell what the crawler asked for. Hanging handlers wait on an event the server sets when it stops.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
import socket
import struct
import threading
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from tests.harness import ROOT
from tests.loopback import QuietHandler, free_port, serving
from tests.sitecopy import DATA, local_path, truth_urls

GOOD = [
    "at-DerStandard_2024_05_03", "at-SalzburgerNachrichten_2025_06_05", "au-NineNews_2026_07_04",
    "ca-GlobalNews_2026_05_24", "ch-TagesAnzeiger_2024_09_04", "de-BerlinerMorgenpost_2024_05_03",
    "de-Correctiv_2026_05_24", "de-DieZeit_2023_04_28", "de-Gamestar_2024_04_28", "de-HamburgerAbendblatt_2024_04_28",
    "de-JungeWelt_2024_04_26", "de-Merkur_2023_04_28", "de-NTV_2023_04_28", "de-RuhrNachrichten_2024_05_03",
    "de-Stern_2023_04_28", "de-TOnline_2026_01_07", "dk-JyllandsPosten_2025_02_02", "es-ABC_2025_01_13",
    "de-StuttgarterZeitung_2026_07_11", "de-NTV_2025_12_12", "uk-TheMirror_2024_08_05", "us-Wired_2024_04_28",
]
"""Real pages served as they are: each must come out as a record."""

# Real pages behind the faults that still deliver an article (retried, or awkward markup), one each.
RETRIED = ["uk-EveningStandard_2024_05_02", "no-NRK_2024_08_05", "ca-NationalPost_2025_05_08",
           "ca-OttawaCitizen_2026_05_26", "ch-TagesAnzeiger_2026_05_18"]
OCTET_STREAM, CONTROL, BOM, XML, NESTED, EPOCH, FAR_FUTURE = (
    "be-Nieuwsblad_2025_02_02", "jp-YomiuriShimbun_2024_12_03", "es-MallorcaZeitung_2025_04_16",
    "fr-LeFigaro_2024_11_22", "uk-TheGuardian_2024_02_24", "us-TheNewYorker_2023_05_16",
    "us-TheGatewayPundit_2023_04_28",
)
DATE_9999, DATE_1970 = "uk-TheSun_2024_04_22", "us-Reuters_2024_03_07"
"""Served with an HTTP Date no page can have been made at."""
CP1252 = "de-JungeWelt_2026_05_18"
"""Served in windows-1252 where its header and meta tag say UTF-8."""
META_REFRESH = "de-DW_2023_06_13"
SITEMAP_ONLY = "de-SZ_2023_04_28"
"""Listed only in the sitemap, which robots.txt names after a malformed `Sitemap:` line."""
VIETNAMESE = ROOT / "samples" / "thoidai" / "article-hai-nha-lanh-dao-nga-my-an-ninh-mang.html"

MiB = 1024 * 1024
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@dataclass(frozen=True)
class Fault:
    path: str
    what: str
    """What the server does, as the README's table says it."""
    expect: str
    """`article` (a record in the output), `record` (in the output or the rejects file with a reason),
    `failed:<cause>` (no record; the fetch failure counted under that cause), `skipped` (a page that is
    not an article, counted as skipped)."""
    elsewhere: str | None = None
    """The full URL when the fault is not on this server (a port nothing listens on)."""


@dataclass
class HostileSite:
    base: str
    good: list[str] = field(default_factory=list)
    """Full URLs of the good articles."""
    faults: list[Fault] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    """Links on the site that must never be requested (other hosts, private addresses, other schemes)."""
    log: list[tuple[str, str, float]] = field(default_factory=list)
    """Every request the server read: Host header, path, monotonic time."""
    originals: dict[str, bytes] = field(default_factory=dict)
    """The clean page behind each fault that delivers an article, by fault path."""

    def requests_to(self, path: str) -> list[float]:
        return [at for _, logged, at in self.log if logged == path]

    def paths_requested(self) -> Counter[str]:
        return Counter(path for _, path, _ in self.log)


def real_page(name: str) -> bytes:
    return gzip.decompress((DATA / "pages" / f"{name}.html.gz").read_bytes())


def article_path(slug: str, n: int) -> str:
    return f"/nachrichten/2024/05/03/{slug}-{4411300 + n}.html"


def with_meta_description(page: bytes, text: str) -> bytes:
    tag = f'<meta name="description" content="{text}">'.encode()
    found = re.search(rb'<meta[^>]+name="description"[^>]*>', page)
    if found:
        return page[: found.start()] + tag + page[found.end():]
    return page.replace(b"</head>", tag + b"</head>", 1)


def with_date(page: bytes, moment: str) -> bytes:
    """The page with every published-time signal replaced by `moment`."""
    page = re.sub(rb'("datePublished"\s*:\s*")[^"]*"', lambda m: m.group(1) + moment.encode() + b'"', page)
    page = re.sub(rb'(property="article:published_time"\s+content=")[^"]*"',
                  lambda m: m.group(1) + moment.encode() + b'"', page)
    page = re.sub(rb'(<time[^>]*datetime=")[^"]*"', lambda m: m.group(1) + moment.encode() + b'"', page)
    return page.replace(b"</head>", f'<meta property="article:published_time" content="{moment}">'.encode()
                        + b"</head>", 1)


def deeply_nested(page: bytes, depth: int) -> bytes:
    start = page.find(b">", page.find(b"<body")) + 1
    end = page.rfind(b"</body>")
    return page[:start] + b"<div>" * depth + page[start:end] + b"</div>" * depth + page[end:]


def windows_1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: base letters precomposed (â, ơ, ư), tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out += (base + tones).encode("cp1258", "xmlcharrefreplace")
    return bytes(out)


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (256 MiB give about 254 KiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MiB)
    parts = [compressor.compress(chunk) for _ in range(size // MiB)]
    return b"".join([*parts, compressor.flush()])


def section_page(title: str, links: list[tuple[str, str]]) -> bytes:
    teasers = "".join(f'<article class="teaser"><h2><a href="{html.escape(url)}">{html.escape(text)}</a></h2>'
                      "<p>Kurz zusammengefasst, was passiert ist.</p></article>" for url, text in links)
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title} | Hafenblatt</title>'
            '<meta property="og:type" content="website"><link rel="alternate" type="application/rss+xml" '
            f'href="/feed.xml"></head><body><h1>{title}</h1>{teasers}</body></html>').encode()


Handler = Callable[[BaseHTTPRequestHandler], None]


def build(base: str, stop: threading.Event, *, robots: bool, faults: bool, hangs: int) -> tuple[
        HostileSite, dict[str, Handler]]:
    urls = truth_urls()
    site = HostileSite(base)
    routes: dict[str, Handler] = {}
    port = urlsplit(base).port

    def serve(body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
              headers: dict[str, str] | None = None) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(body)
        return handle

    def first(times: int, status: int, headers: dict[str, str], then: Handler,
              failing: Handler | None = None) -> Handler:
        """`status` with `headers` (or the handler `failing`) for the first `times` requests, then `then`."""
        seen = [0]
        lock = threading.Lock()
        failed = failing or serve(b"<h1>Try again later</h1>", status=status, headers=headers)

        def handle(request: BaseHTTPRequestHandler) -> None:
            with lock:
                seen[0] += 1
                fails = seen[0] <= times
            (failed if fails else then)(request)
        return handle

    def cut_gzip(page: bytes) -> Handler:
        """The page gzipped and cut at two thirds, its Content-Length the length of what is sent."""
        packed = gzip.compress(page)
        return serve(packed[: len(packed) * 2 // 3], headers={"Content-Encoding": "gzip"})

    def redirect(location: str, status: int = 302) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Location", location)
            request.send_header("Content-Length", "0")
            request.end_headers()
        return handle

    def raw(answer: bytes) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.wfile.write(answer)
            request.close_connection = True
        return handle

    def hang_before_headers(request: BaseHTTPRequestHandler) -> None:
        stop.wait(120)

    def start_body(request: BaseHTTPRequestHandler, page: bytes, share: int) -> None:
        """Promise the whole page, send the first 1/`share` of it."""
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(page)))
        request.end_headers()
        request.wfile.write(page[: len(page) // share])
        request.wfile.flush()

    def hang_mid_body(page: bytes) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            start_body(request, page, 2)
            stop.wait(120)
        return handle

    def reset_mid_body(page: bytes) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            start_body(request, page, 3)
            # SO_LINGER 0: close() sends a TCP reset instead of an orderly end.
            request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.connection.close()
        return handle

    def stream(size: int, *, declared: bool) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", "text/html; charset=utf-8")
            if declared:
                request.send_header("Content-Length", str(size))
            request.end_headers()
            request.close_connection = True
            chunk = b"<p>" + b"Viel zu lang. " * 4000 + b"</p>\n"
            try:
                request.wfile.write(b"<html><body><h1>Endlos</h1>")
                for _ in range(size // len(chunk)):
                    if stop.is_set():
                        return
                    request.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler hung up at its size cap
        return handle

    def fault(n: int, slug: str, what: str, expect: str, handler: Handler, original: bytes | None = None) -> str:
        path = article_path(slug, n)
        site.faults.append(Fault(path, what, expect))
        routes[path] = handler
        if original is not None:
            site.originals[path] = original
        return path

    def add_faults() -> None:
        retried = [real_page(name) for name in RETRIED]
        fault(1, "server-error-retry-after", "503 with Retry-After: 1, then the page", "article",
              first(1, 503, {"Retry-After": "1"}, serve(retried[0])), retried[0])
        fault(2, "rate-limited-briefly", "429 with Retry-After: 2, then the page", "article",
              first(1, 429, {"Retry-After": "2"}, serve(retried[1])), retried[1])
        fault(3, "bad-gateway-once", "502 without Retry-After, then the page", "article",
              first(1, 502, {}, serve(retried[2])), retried[2])
        fault(4, "server-error", "500 on every request", "failed:http_500", serve(b"<h1>Error</h1>", status=500))
        fault(5, "rate-limited-for-an-hour", "429 with Retry-After: 3600", "failed:retry_after_too_long",
              serve(b"<h1>Slow down</h1>", status=429, headers={"Retry-After": "3600"}))
        tomorrow = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
        fault(6, "unavailable-until-tomorrow", "503 with Retry-After: an HTTP date a day later",
              "failed:retry_after_too_long",
              serve(b"<h1>Maintenance</h1>", status=503, headers={"Retry-After": tomorrow}))
        fault(7, "not-found", "404", "failed:http_404", serve(b"<h1>Not found</h1>", status=404))
        fault(8, "hang-before-headers", "accepts, never answers", "failed:timeout", hang_before_headers)
        fault(9, "hang-mid-body", "sends half the body, then nothing", "failed:timeout",
              hang_mid_body(real_page(GOOD[0])))
        fault(10, "reset-mid-body", "sends a third of the body, then a TCP reset", "failed:connection_reset",
              reset_mid_body(real_page(GOOD[1])))
        loop_a, loop_b = article_path("redirect-loop-a", 11), article_path("redirect-loop-b", 12)
        fault(11, "redirect-loop-a", "302 to B, B 302 back to A", "failed:redirect_loop", redirect(loop_b))
        routes[loop_b] = redirect(loop_a)
        fault(13, "redirect-chain", "a chain of 25 redirects", "failed:redirect_limit", redirect("/chain/1"))
        for hop in range(1, 25):
            routes[f"/chain/{hop}"] = redirect(f"/chain/{hop + 1}")
        routes["/chain/25"] = serve(real_page(GOOD[2]))
        fault(14, "redirect-localhost", "302 to localhost (this server by another name)", "failed:private_address",
              redirect(f"http://localhost:{port}/offsite/redirected.html"))
        fault(15, "redirect-metadata", "302 to 169.254.169.254 (cloud metadata)", "failed:private_address",
              redirect("http://169.254.169.254/latest/meta-data/"))
        fault(16, "redirect-private", "301 to 10.0.0.1", "failed:private_address",
              redirect("http://10.0.0.1/admin", status=301))
        fault(17, "redirect-file", "302 to file:///etc/passwd", "failed:redirect_refused",
              redirect("file:///etc/passwd"))
        fault(31, "redirect-other-host", "302 to another site", "failed:offsite",
              redirect("https://www.example.org/2024/05/03/elsewhere-123456.html"))
        fault(34, "redirect-javascript", "302 to javascript:alert(1)", "failed:redirect_refused",
              redirect("javascript:alert(1)"))
        fault(35, "redirect-malformed", "302 to http://[::1 (no URL)", "failed:redirect_refused",
              redirect("http://[::1"))
        refresh = real_page(META_REFRESH)
        fault(36, "refresh-javascript", "a real article with a meta refresh to javascript:", "article",
              serve(refresh.replace(b"<head>", b'<head><meta http-equiv="refresh" content="0; url=javascript:'
                                             b'alert(1)">', 1)), refresh)
        fault(37, "corrupt-gzip", "Content-Encoding: gzip over bytes that are no gzip", "failed:decoding_failed",
              serve(b"\x1f\x8b\x08\x00 no gzip after all " * 64, headers={"Content-Encoding": "gzip"}))
        fault(38, "corrupt-deflate", "Content-Encoding: deflate over bytes that are no deflate",
              "failed:decoding_failed", serve(b"no deflate either " * 64, headers={"Content-Encoding": "deflate"}))
        fault(71, "garbage-status-line", "answers 'HTTP/1.1 abc' as its status line", "failed:protocol_error",
              raw(b"HTTP/1.1 abc\r\n\r\nhello"))
        fault(70, "unknown-encoding", "a real page gzipped under Content-Encoding: x-gzip2",
              "failed:decoding_failed",
              serve(gzip.compress(real_page(GOOD[3])), headers={"Content-Encoding": "x-gzip2"}))
        fault(41, "truncated-gzip", "a real page gzipped and cut at two thirds, Content-Length as sent",
              "failed:truncated", cut_gzip(real_page(GOOD[5])))
        fault(42, "partial-content", "206 Partial Content (half a real page) to a request without Range",
              "failed:http_206", serve(real_page(GOOD[6])[:20_000], status=206))
        fault(43, "truncated-gzip-once", "a cut gzip stream once, then the whole page", "article",
              first(1, 200, {}, serve(retried[3]), failing=cut_gzip(retried[3])), retried[3])
        policy = "default-src 'self'; " + " ".join(f"https://cdn{n}.example.net" for n in range(1200))
        fault(44, "long-header-line", f"a real article behind a {len(policy) // 1024} KiB Content-Security-Policy",
              "article", serve(retried[4], headers={"Content-Security-Policy": policy}), retried[4])
        fault(39, "not-modified", "304 to a request that asked for no condition", "failed:http_304",
              serve(b"", status=304))
        for n, (slug, name, stated) in enumerate([("date-header-9999", DATE_9999, "Fri, 31 Dec 9999 23:59:59 GMT"),
                                                  ("date-header-1970", DATE_1970, "Thu, 01 Jan 1970 00:00:00 GMT")]):
            page = real_page(name)  # the server's own Date comes first: this one is the header's last value
            fault(60 + n, slug, f"a real article with Date: {stated}", "article", serve(page, headers={"Date": stated}),
                  page)
        refused = f"http://127.0.0.1:{free_port()}" + article_path("connection-refused", 33)
        site.faults.append(Fault(article_path("connection-refused", 33), "a port of this host nothing listens on",
                                 "failed:connection_refused", refused))
        crowded = deeply_nested(real_page(GOOD[4]), 0).replace(b"</body>", b"<i>x</i>" * 250_000 + b"</body>")
        fault(32, "too-many-elements", "a 2 MB page of 250,000 elements", "failed:page_too_large", serve(crowded))
        fault(18, "gzip-bomb", "gzip body of 254 KiB that inflates to 256 MiB", "failed:size_cap",
              serve(gzip_bomb(256 * MiB), headers={"Content-Encoding": "gzip"}))
        fault(19, "oversize-declared", "Content-Length: 24 MiB", "failed:size_cap", stream(24 * MiB, declared=True))
        fault(20, "oversize-streamed", "24 MiB with no Content-Length", "failed:size_cap",
              stream(24 * MiB, declared=False))
        octet = real_page(OCTET_STREAM)
        fault(21, "article-as-octet-stream", "a real article as application/octet-stream", "article",
              serve(octet, content_type="application/octet-stream"), octet)
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
        fault(22, "image-as-html", "PNG bytes as text/html", "skipped", serve(png))
        if robots:
            disallowed = article_path("disallowed", 23).replace("/nachrichten/", "/intern/")
            site.faults.append(Fault(disallowed, "a path robots.txt disallows", "failed:robots"))
            routes[disallowed] = serve(real_page(GOOD[3]))

        control = real_page(CONTROL)
        fault(24, "control-characters", "control characters in the meta description", "record",
              serve(with_meta_description(control, "Vorwort\x01 mit \x1b[31m Steuerzeichen\x07")), control)
        vietnamese = VIETNAMESE.read_bytes()
        legacy = windows_1258(vietnamese.decode("utf-8").replace('<meta charset="utf-8">',
                                                                 '<meta charset="windows-1258">'))
        fault(25, "windows-1258", "a Vietnamese page in windows-1258", "article",
              serve(legacy, content_type="text/html; charset=windows-1258"), vietnamese)
        mislabelled = real_page(CP1252)
        fault(40, "cp1252-said-utf-8", "a German page in windows-1252 behind a UTF-8 header and meta tag", "article",
              serve(mislabelled.decode("utf-8").encode("cp1252")), mislabelled)
        bom = real_page(BOM)
        fault(26, "byte-order-mark", "UTF-8 with a BOM, no charset in the header", "article",
              serve(b"\xef\xbb\xbf" + bom, content_type="text/html"), bom)
        xml = real_page(XML)
        fault(27, "xml-declaration", "an XHTML page that begins with <?xml ...?>", "record",
              serve(b'<?xml version="1.0" encoding="utf-8"?>\n' + xml, content_type="application/xhtml+xml"), xml)
        nested = real_page(NESTED)
        fault(28, "deep-nesting", "the page inside 100,000 nested <div>s", "record",
              serve(deeply_nested(nested, 100_000)), nested)
        epoch, far = real_page(EPOCH), real_page(FAR_FUTURE)
        fault(29, "dated-1970", "published 1970-01-01T00:00:00Z", "article",
              serve(with_date(epoch, "1970-01-01T00:00:00Z")), epoch)
        fault(30, "dated-9999", "published 9999-12-31T23:59:59Z", "article",
              serve(with_date(far, "9999-12-31T23:59:59Z")), far)


    for name in GOOD:
        path = local_path(urls[name])
        routes[path] = serve(real_page(name))
        site.good.append(base + path)

    if faults:
        add_faults()
    for n in range(hangs):
        fault(40 + n, "hang-before-headers", "accepts, never answers", "failed:timeout", hang_before_headers)

    site.never = [
        f"http://localhost:{port}/offsite/linked.html", "http://10.1.2.3/nachrichten/intern-4411399.html",
        "http://169.254.169.254/latest/meta-data/iam/", f"http://[::1]:{port}/offsite/ipv6.html",
        "http://192.168.0.1/router.html", "file:///etc/passwd", "javascript:alert(document.cookie)",
        "data:text/html,<h1>Hallo</h1>", "https://www.example.org/2024/05/03/other-site-story-123456.html",
        "http://[::1/malformed-4411398.html", f"http://127.0.0.1:{port}:99999/bad-port-4411397.html",
    ]
    listed = [(url, f"Meldung {n}") for n, url in enumerate(site.good, start=1)]
    routes["/nachrichten/"] = serve(section_page("Nachrichten", listed + [(url, "Anderswo") for url in site.never]))
    items = "".join(f"<item><title>Meldung</title><link>{html.escape(url)}</link></item>"
                    for url in [*site.good, *(f.elsewhere or base + f.path for f in site.faults), *site.never])
    routes["/feed.xml"] = serve(f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hafenblatt'
                                f"</title><link>{base}/</link>{items}</channel></rss>".encode(), "application/rss+xml")
    if robots:
        # A malformed Sitemap line before the real one; the sitemap lists an article nothing else links to.
        routes["/robots.txt"] = serve(b"User-agent: *\nDisallow: /intern/\nSitemap: http://[::1\n"
                                      b"Sitemap: /sitemap.xml\n", "text/plain")
        sitemap_only = article_path("only-in-the-sitemap", 50)
        routes[sitemap_only] = serve(real_page(SITEMAP_ONLY))
        site.good.append(base + sitemap_only)
        routes["/sitemap.xml"] = serve(
            b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + f"<url><loc>{base}{sitemap_only}</loc></url>".encode() + b"</urlset>", "application/xml")
    return site, routes


@contextmanager
def serve(*, robots: bool = True, faults: bool = True, hangs: int = 0) -> Iterator[HostileSite]:
    """The hostile site on 127.0.0.1 at a free port for the duration of the block. `robots=False` serves no
    robots.txt (404); `faults=False` only the good articles; `hangs=N` adds N article URLs that never answer."""
    routes: dict[str, Handler] = {}
    stop = threading.Event()
    lock = threading.Lock()
    log: list[tuple[str, str, float]] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            with lock:
                log.append((self.headers.get("Host", ""), path, time.monotonic()))
            handler = routes.get(path)
            if handler is None:
                self.send_error(404)
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the crawler hung up
                handler(self)

    with serving(Handler) as base:
        site, built = build(base, stop, robots=robots, faults=faults, hangs=hangs)
        site.log = log
        routes.update(built)
        try:
            yield site
        finally:
            stop.set()  # the hanging handlers return, so that the server can stop


def main() -> None:
    """Serve the hostile site by hand: `python -m tests.hostile`, then crawl the printed URL."""
    with serve() as site:
        print(f"{site.base}/nachrichten/  ({len(site.good)} good articles, {len(site.faults)} faults)  Ctrl-C stops",
              flush=True)
        print(json.dumps([fault.__dict__ for fault in site.faults], indent=1))
        threading.Event().wait()


if __name__ == "__main__":
    main()
