"""A news site on a local HTTP server that sets the traps an unattended crawler falls into with no error to
show for it: listings that never end, the same article under many URLs, sitemap indexes that never end, a
canonical URL that is the section page, and a page that sets thousands of cookies.

The articles are real pages of `tests/data/fundus-dev` (as in `tests/hostile.py`):
- the section page lists four of them, each twice: with a session id in its path (`;jsessionid=`, new at each
  view) and with campaign parameters (`?utm_source=...&utm_campaign=<run>`, which `campaign` changes between
  runs); its `rel=next` page is `?page=N+1` forever, each showing the same articles. It sets 3,000 cookies.
- three article pages name the section page as their canonical URL (a CMS that gives its section's address).
- robots.txt names a news sitemap of six articles, newest first (9 MiB, larger than a page may be), and a
  sitemap index that lists itself and a next index (`?n=N+1`), forever.

The server logs every request it reads (path and query), so a test can tell what the crawler asked for.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.hostile import GOOD, article_path, real_page
from tests.loopback import QuietHandler, serving

COOKIES = 3000
"""Cookies the section page sets (each about 40 bytes: 120 KB, where servers take 8 KB of header line)."""


@dataclass
class TrapSite:
    base: str
    listed: list[str] = field(default_factory=list)
    """Paths of the articles the section page lists (under tracking parameters)."""
    canonical_to_section: list[str] = field(default_factory=list)
    """Paths of the articles that name the section page as their canonical URL."""
    in_sitemap: list[str] = field(default_factory=list)
    """Paths of the articles of the news sitemap, in its order (newest first)."""
    campaign: str = "1"
    """The `utm_campaign` of the section page's links: a test changes it between runs."""
    log: list[str] = field(default_factory=list)
    """Every request the server read: path and query, in the order read."""
    too_large: int = 0
    """Requests whose headers the server refused (431), as servers refuse a header line past 8 KB."""

    def paths_requested(self) -> Counter[str]:
        return Counter(urlsplit(target).path for target in self.log)

    def articles(self) -> list[str]:
        return [*self.listed, *self.canonical_to_section, *self.in_sitemap]


def section_page(links: list[str], next_page: str) -> bytes:
    teasers = "".join(f'<article class="teaser"><h2><a href="{html.escape(url)}">Meldung</a></h2>'
                      "<p>Kurz zusammengefasst, was passiert ist.</p></article>" for url in links)
    return ('<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Nachrichten | Hafenblatt</title>'
            f'<meta property="og:type" content="website"><link rel="next" href="{html.escape(next_page)}"></head>'
            f"<body><h1>Nachrichten</h1>{teasers}</body></html>").encode()


def with_canonical(page: bytes, url: str) -> bytes:
    page = re.sub(rb'<link[^>]+rel="canonical"[^>]*>|<meta[^>]+property="og:url"[^>]*>', b"", page)
    return page.replace(b"</head>", f'<link rel="canonical" href="{url}"></head>'.encode(), 1)


def xml(root: str, namespace: str, entries: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{namespace}">{entries}</{root}>'.encode()


SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PADDING = "<url><priority>0.5</priority></url>" * (9 * 1024 * 1024 // 34)
"""9 MiB of entries without an address (555,000 elements) that make the news sitemap larger than a page may be,
in bytes (`DOWNLOAD_MAXSIZE`, 8 MiB) and in elements (`PAGE_MAX_ELEMENTS`, 200,000), as a sitemap of 50,000
URLs with their images is (the protocol allows 50 MB)."""


def build(site: TrapSite) -> dict[str, bytes]:
    """The site's fixed pages by path (the section page and the sitemap index are made per request)."""
    pages: dict[str, bytes] = {}
    for n, name in enumerate(GOOD[:4], start=1):
        path = article_path(f"meldung-aus-dem-hafen-nummer-{n}", n)
        site.listed.append(path)
        pages[path] = real_page(name)
    for n, name in enumerate(GOOD[4:7], start=5):
        path = article_path(f"meldung-mit-kanonischer-sektion-{n}", n)
        site.canonical_to_section.append(path)
        pages[path] = with_canonical(real_page(name), f"{site.base}/nachrichten/")
    for n, name in enumerate(GOOD[7:13], start=8):
        path = article_path(f"meldung-aus-der-sitemap-nummer-{n}", n)
        site.in_sitemap.append(path)
        pages[path] = real_page(name)
    pages["/robots.txt"] = b"User-agent: *\nSitemap: /sitemap-news.xml\nSitemap: /sitemap-index.xml\n"
    pages["/sitemap-news.xml"] = xml("urlset", SITEMAPS, "".join(f"<url><loc>{site.base}{path}</loc></url>"
                                                                  for path in site.in_sitemap) + SITEMAP_PADDING)
    return pages


@contextmanager
def serve() -> Iterator[TrapSite]:
    """The trap site on 127.0.0.1 at a free port for the duration of the block."""
    lock = threading.Lock()
    session = itertools.count(0x3E8)

    class Server(QuietHandler):
        def do_GET(self) -> None:
            with lock:
                site.log.append(self.path)
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            cookies = [("Set-Cookie", f"pref{n}=abcdefghijklmnopqrstuvwxyz; Path=/") for n in range(COOKIES)]
            if path == "/nachrichten/":
                self.answer(self.listing(int(query.get("page", ["1"])[0])), headers=cookies)
            elif path == "/sitemap-index.xml":
                number = int(query.get("n", ["0"])[0])
                self.answer(xml("sitemapindex", SITEMAPS, "".join(
                    f"<sitemap><loc>{site.base}/sitemap-index.xml{suffix}</loc></sitemap>"
                    for suffix in ("", f"?n={number + 1}"))), "application/xml")
            elif path in pages:
                self.answer(pages[path], "text/plain" if path.endswith(".txt") else
                            "application/xml" if path.endswith(".xml") else "text/html; charset=utf-8")
            else:
                self.send_error(404)

        def listing(self, number: int) -> bytes:
            sid = f"{next(session):X}"
            links = [f"{path};jsessionid={sid}" for path in site.listed]
            links += [f"{path}?utm_source=startseite&utm_medium=teaser&utm_campaign={site.campaign}"
                      for path in site.listed]
            return section_page(links + site.canonical_to_section, f"/nachrichten/?page={number + 1}")

        def answer(self, body: bytes, content_type: str = "text/html; charset=utf-8",
                   headers: list[tuple[str, str]] | None = None) -> None:
            if len(self.headers.get("Cookie", "")) > 8192:
                with lock:
                    site.too_large += 1
                self.send_error(431)
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers or []:
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    with serving(Server) as base:
        site = TrapSite(base)
        pages = build(site)
        yield site


def main() -> None:
    """Serve the traps by hand: `python -m tests.traps`, then crawl the printed URL."""
    with serve() as site:
        print(f"{site.base}/nachrichten/  Ctrl-C stops", flush=True)
        try:
            threading.Event().wait()
        finally:
            print(json.dumps(site.paths_requested().most_common(), indent=1))


if __name__ == "__main__":
    main()
