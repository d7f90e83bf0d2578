"""What the spider needs to know of a site: where it is and which page classes read it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapers.pages import ArticlePage, SectionPage


@dataclass(frozen=True)
class SiteProfile:
    """A site the project has a profile for; `name` is also the name of its spider."""

    name: str
    home_url: str
    domains: tuple[str, ...]
    """Hosts the crawl stays on (sub-domains included)."""
    article_page: type[ArticlePage]
    section_page: type[SectionPage]
    feeds: tuple[str, ...] = ()
    """RSS/Atom feeds of new articles (absolute URLs, or paths on `home_url`)."""
    sitemaps: tuple[str, ...] = ()
    """XML sitemaps or sitemap indexes listing articles (Google News sitemaps give publication dates)."""
    contracts: tuple[tuple[str, str], ...] = ()
    """`scrapy check` contracts by callback: (`parse_article`, "@url ...\n@returns items 1 1 ..."), run
    offline with `-s REPLAY_DIR=samples/<site>`."""

    def url(self, path: str) -> str:
        """`path` on the site (an absolute URL stays as it is)."""
        return urljoin(self.home_url, path)

    def section_url(self, path: str) -> str:
        """The front page of a section given by its path, `quoc-te/nhip-song`, with the slash at its end as given
        (a WordPress site's sections end in one, `politik/`: without it, a saved copy had no such page; newcomer
        review); a whole address as it is."""
        path = path.strip()
        return path if urlsplit(path).scheme in ("http", "https") else urljoin(self.home_url, path.lstrip("/"))
