"""A small news site on a local HTTP server, built from real article pages of the evaluation datasets.

The article pages are real (`tests/data/fundus-dev`, served at their own URL paths); the section pages,
the RSS feed, the sitemap, robots.txt and the non-article pages (a tag page, an author page, a video page
and a photo gallery at article-like URLs, an imprint) are reconstructed in the markup news sites use, so
that the `news` spider meets what it would meet on a live site: articles to find, and pages that link like
articles but are not.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from tests.harness import ROOT
from tests.loopback import QuietHandler, serving

DATA = ROOT / "tests" / "data" / "fundus-dev"

LISTED_1 = [
    "at-DerStandard_2024_05_03", "at-SalzburgerNachrichten_2025_06_05", "au-NineNews_2026_07_04",
    "ca-GlobalNews_2026_05_24", "ch-TagesAnzeiger_2024_09_04", "de-BerlinerMorgenpost_2024_05_03",
    "de-Correctiv_2026_05_24", "de-DieZeit_2023_04_28", "de-Gamestar_2024_04_28", "de-HamburgerAbendblatt_2024_04_28",
]
LISTED_2 = [
    "de-JungeWelt_2024_04_26", "de-Merkur_2023_04_28", "de-NTV_2023_04_28", "de-RuhrNachrichten_2024_05_03",
    "de-Stern_2023_04_28", "de-TOnline_2026_01_07", "dk-JyllandsPosten_2025_02_02", "es-ABC_2025_01_13",
]
FEED_ONLY = ["de-StuttgarterZeitung_2026_07_11"]
SITEMAP_ONLY = ["de-NTV_2025_12_12"]

NOT_ARTICLES = {
    "/thema/hafen": "tag",
    "/autoren/anna-beispiel": "author",
    "/panorama/im-video-so-loeschte-die-feuerwehr-den-grossbrand-im-hafen-4411223.html": "video",
    "/panorama/bilder-vom-grossbrand-im-hafen-die-nacht-in-fotos-4411224.html": "gallery",
    "/impressum": "imprint",
    "/nachrichten/": "section",
    "/nachrichten/seite-2": "section",
}


@dataclass
class SiteCopy:
    base: str
    articles: list[str] = field(default_factory=list)
    """Full URLs of the article pages."""
    not_articles: list[str] = field(default_factory=list)


def truth_urls() -> dict[str, str]:
    rows = (json.loads(line) for line in (DATA / "truth.jsonl").read_text(encoding="utf-8").splitlines())
    return {row["id"]: row["url"] for row in rows}


def local_path(url: str) -> str:
    return unquote(urlsplit(url).path)


def page(title: str, body: str, *, og_type: str = "website", head: str = "") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{html.escape(title)} | Hafenblatt</title>
<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="Hafenblatt">
<link rel="alternate" type="application/rss+xml" title="Hafenblatt" href="/feed.xml">{head}</head>
<body><header><a href="/">Hafenblatt</a><nav><a href="/nachrichten/">Nachrichten</a> <a href="/thema/hafen">Hafen</a>
<a href="/impressum">Impressum</a></nav></header><main>{body}</main>
<footer><a href="/impressum">Impressum</a> <a href="/autoren/anna-beispiel">Unsere Autorinnen</a></footer></body></html>
""".encode()


def teaser(url: str, n: int) -> str:
    return (f'<article class="teaser"><h2 class="teaser__title"><a href="{html.escape(url)}">Meldung {n}: '
            f"was heute wichtig ist</a></h2><p class=\"teaser__text\">Kurz zusammengefasst, was passiert ist.</p>"
            f"</article>")


def build(base: str) -> tuple[SiteCopy, dict[str, tuple[bytes, str]]]:
    """The site's pages by path (body, content type), and which URLs are articles."""
    urls = truth_urls()
    files: dict[str, tuple[bytes, str]] = {}
    site = SiteCopy(base)
    for name in LISTED_1 + LISTED_2 + FEED_ONLY + SITEMAP_ONLY:
        path = local_path(urls[name])
        files[path] = (gzip.decompress((DATA / "pages" / f"{name}.html.gz").read_bytes()), "text/html; charset=utf-8")
        site.articles.append(base + path)

    def paths(names: list[str]) -> list[str]:
        return [local_path(urls[name]) for name in names]

    extra = ['<p><a href="/panorama/im-video-so-loeschte-die-feuerwehr-den-grossbrand-im-hafen-4411223.html">'
             "Im Video: So löschte die Feuerwehr den Großbrand im Hafen</a></p>",
             '<p><a href="/panorama/bilder-vom-grossbrand-im-hafen-die-nacht-in-fotos-4411224.html">'
             "Bilder vom Großbrand im Hafen: die Nacht in Fotos</a></p>"]
    first = "".join(teaser(path, n) for n, path in enumerate(paths(LISTED_1), start=1))
    files["/nachrichten/"] = (page("Nachrichten", f"<h1>Nachrichten</h1>{first}{''.join(extra)}"
                                   '<nav class="pagination"><a href="/nachrichten/seite-2">Weiter</a></nav>'),
                              "text/html; charset=utf-8")
    second = "".join(teaser(path, n) for n, path in enumerate(paths(LISTED_2), start=11))
    files["/nachrichten/seite-2"] = (page("Nachrichten - Seite 2", f"<h1>Nachrichten</h1>{second}"
                                          '<nav class="pagination"><a href="/nachrichten/">Zurück</a></nav>'),
                                     "text/html; charset=utf-8")
    files["/thema/hafen"] = (page("Thema: Hafen", "<h1>Hafen</h1>" + "".join(
        teaser(path, n) for n, path in enumerate(paths(LISTED_1[:4]), start=1))), "text/html; charset=utf-8")
    profile = "<h1>Anna Beispiel</h1><p>Redakteurin im Ressort Hafen.</p>"
    files["/autoren/anna-beispiel"] = (page("Anna Beispiel", profile,
                                            og_type="profile", head='<script type="application/ld+json">'
                                            '{"@context":"https://schema.org","@type":"ProfilePage","mainEntity":'
                                            '{"@type":"Person","name":"Anna Beispiel"}}</script>'),
                                       "text/html; charset=utf-8")
    files[next(p for p in NOT_ARTICLES if "video" in p)] = (page(
        "Im Video: So löschte die Feuerwehr den Großbrand im Hafen",
        "<h1>Im Video: So löschte die Feuerwehr den Großbrand im Hafen</h1>"
        '<div class="player">Video wird geladen…</div>'
        "<p>Die Feuerwehr war die ganze Nacht im Einsatz.</p>", og_type="video.other",
        head='<script type="application/ld+json">{"@context":"https://schema.org","@type":"VideoObject",'
             '"name":"So löschte die Feuerwehr den Großbrand","uploadDate":"2024-05-03T10:15:00+02:00"}</script>'),
        "text/html; charset=utf-8")
    files[next(p for p in NOT_ARTICLES if "bilder" in p)] = (page(
        "Bilder vom Großbrand im Hafen", "<h1>Bilder vom Großbrand im Hafen: die Nacht in Fotos</h1>" + "".join(
            f'<figure><img src="/img/{n}.jpg" alt="Foto {n}"><figcaption>Foto {n} von 12</figcaption></figure>'
            for n in range(1, 13))), "text/html; charset=utf-8")
    files["/impressum"] = (page("Impressum", "<h1>Impressum</h1><p>Hafenblatt GmbH, Kaistraße 1.</p>"),
                           "text/html; charset=utf-8")
    items = "".join(f"<item><title>Meldung</title><link>{base}{path}</link></item>"
                    for path in paths(LISTED_1[:2] + FEED_ONLY))
    files["/feed.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hafenblatt'
                          f"</title><link>{base}/</link>{items}</channel></rss>".encode(), "application/rss+xml")
    locs = "".join(f"<url><loc>{base}{path}</loc></url>" for path in paths(LISTED_2[:2] + SITEMAP_ONLY))
    files["/sitemap.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                             f'schemas/sitemap/0.9">{locs}</urlset>'.encode(), "application/xml")
    files["/robots.txt"] = (f"User-agent: *\nDisallow: /suche\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain")
    site.not_articles = [base + path for path in NOT_ARTICLES]
    return site, files


@contextmanager
def serve() -> Iterator[SiteCopy]:
    """The site on 127.0.0.1 at a free port, for the duration of the block."""
    files: dict[str, tuple[bytes, str]] = {}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            found = files.get(unquote(urlsplit(self.path).path))
            if found is None:
                self.send_error(404)
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as base:
        site, built = build(base)
        files.update(built)
        yield site


def main() -> None:
    """Serve the site copy by hand: `python -m tests.sitecopy`, then crawl the printed URL."""
    with serve() as site:
        print(f"{site.base}/nachrichten/  ({len(site.articles)} articles)  Ctrl-C stops", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
