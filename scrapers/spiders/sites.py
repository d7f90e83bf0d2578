"""One spider per site profile: `scrapy crawl thoidai` crawls home page → section fronts → articles, and the
site's RSS feeds and sitemaps when its profile names them.

Arguments (`-a name=value`):
- `sections=quoc-te,quoc-te/nhip-song`: crawl these section fronts instead of every section of the home
  page's menu, and nothing else (the feeds and sitemaps list every section, so they are left out).
- `sources=sections,feeds,sitemaps`: where to look for articles (default: all the profile has). Feeds and
  sitemaps find new articles with the fewest requests.
- `max_pages=N`: follow at most N listing pages per section.
- `since=2024-10-01`: skip listed articles older than that day, stop paginating a section once a listing
  page shows only older ones, and write no article whose page dates it before that day (an undated link
  is fetched; an article with no date at all is written).
- `full=1`: with `STATE_URI`, fetch and write every article again (see `scrapers/harvest.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime
from functools import wraps
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from scrapers.extract.links import within_domains
from scrapers.extract.listed import Listed
from scrapers.harvest import NOT_RECORDED, START
from scrapers.items import Article
from scrapers.pages import ArticlePage, SectionPage
from scrapers.sites import profile_for_url, thoidai
from scrapers.sites.profile import SiteProfile
from scrapers.spiders.base import HarvestSpider, no_record


class SiteSpider(HarvestSpider):
    """Crawls the site of `profile`; the classes below set it, one per entry of `SITES`."""

    profile: ClassVar[SiteProfile]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A site's spider: its domains as a class attribute (`scrapy parse <url>` finds the spider of a URL by
        # them) and its profile's `scrapy check` contracts on the callbacks it does not define itself.
        super().__init_subclass__(**kwargs)
        cls.allowed_domains = list(cls.profile.domains)
        for name, lines in cls.profile.contracts:
            if name not in cls.__dict__:
                setattr(cls, name, with_contract(getattr(SiteSpider, name), lines))
    SOURCES = ("sections", "feeds", "sitemaps")

    def __init__(
        self,
        sections: str | None = None,
        sources: str | None = None,
        max_pages: str | int | None = None,
        since: str | date | None = None,
        **kwargs: Any,
    ) -> None:
        self.sections = [path for path in (sections or "").split(",") if path.strip()]
        super().__init__(sources=sources or ("sections" if self.sections else None), **kwargs)
        self.allowed_domains = list(self.profile.domains)
        self.max_pages = int(max_pages) if max_pages else None
        self.since = date.fromisoformat(since) if isinstance(since, str) else since
        if profile_for_url(self.profile.home_url) is not self.profile:
            self.logger.warning(
                "The profile of the spider %s is not in SITES (scrapers/sites/__init__.py): this crawl reads its"
                " article pages with it, but `extract_article`, the scorer and `scrapy sample` read them as any"
                " other site's; add its line to SITES", self.name)

    def article_page(self, url: str) -> type[ArticlePage]:
        """The page class of this spider's profile for its site's pages (whether or not `SITES` lists it: a
        profile left out of it read its pages with the generic class, and said nothing; newcomer review)."""
        host = (urlsplit(url).hostname or "").lower()
        if within_domains(host, self.profile.domains):
            return self.profile.article_page
        return super().article_page(url)

    async def start(self) -> AsyncIterator[Request]:
        if "sections" in self.sources:
            if not self.sections:
                yield Request(self.profile.home_url, callback=self.parse_home, meta={START: True})
            for path in self.sections:
                yield Request(self.profile.section_url(path), callback=self.parse_section, meta={START: True})
        if "feeds" in self.sources:
            for feed in self.profile.feeds:
                yield _started(self.feed_request(self.profile.url(feed)))
        if "sitemaps" in self.sources:
            for sitemap in self.profile.sitemaps:
                yield _started(self.sitemap_request(self.profile.url(sitemap)))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request | Article]:
        """The callback of a URL given alone (`scrapy parse <url>`, `scrapy sample <url>`): see `callback_for`."""
        yield from getattr(self, self.callback_for(response.url))(response)

    def callback_for(self, url: str) -> str:
        """Which callback reads `url` on this site: an article, the feed, a sitemap, the home page, else a
        section front."""
        if self.profile.section_page.looks_like_article(url):
            return "parse_article"
        if url in [self.profile.url(feed) for feed in self.profile.feeds]:
            return "parse_feed"
        if url.endswith((".xml", ".xml.gz")):
            return "parse_sitemap"
        if url.rstrip("/") == self.profile.home_url.rstrip("/"):
            return "parse_home"
        return "parse_section"

    def parse_home(self, response: Response) -> Iterator[Request]:
        page = self.section_page(response)
        self.note_listing(response)
        for url in page.sections():
            yield Request(url, callback=self.parse_section)
        yield from self.follow_articles(page.articles())

    def parse_section(self, response: Response) -> Iterator[Request]:
        page = self.section_page(response)
        self.note_listing(response)
        listed = page.articles()
        yield from self.follow_articles(listed)
        number = int(response.meta.get("page", 1))
        next_url = page.next_page()
        meta = self.next_listing(response, (entry.url for entry in listed)) if next_url else None
        if next_url and meta and not self.is_last_page(number, listed):
            yield Request(next_url, callback=self.parse_section, meta=meta)

    def is_article_url(self, url: str) -> bool:
        return self.profile.section_page.looks_like_article(url)

    def read_article(self, response: TextResponse) -> Article | None:
        item = super().read_article(response)
        if self.since is not None and item is not None and isinstance(item.published_at, datetime) \
                and item.published_at.date() < self.since:
            self.count("articles/skipped/older_than_since")  # its link showed no date
            no_record(response, NOT_RECORDED)  # `since` bounds this run: a later one without it writes the article
            return None
        return item

    def is_last_page(self, number: int, listed: list[Listed]) -> bool:
        if self.max_pages is not None and number >= self.max_pages:
            return True
        dated = [entry for entry in listed if entry.published is not None]
        return bool(dated) and all(self.is_too_old(entry) for entry in dated)

    def is_too_old(self, entry: Listed) -> bool:
        # Modified before `since` is published before it too: a sitemap's <lastmod> spares the fetch of an old
        # article as a feed's publication date does (the newcomer's `-a since=` run fetched the sitemap's 2019
        # articles, then dropped them).
        moment = entry.published or entry.modified
        return self.since is not None and moment is not None and moment.date() < self.since

    def section_page(self, response: Response) -> SectionPage:
        if not isinstance(response, TextResponse):
            raise TypeError(f"listing page is not text: {response.url}")
        return self.profile.section_page(self.page(response), url=response.url, fetched_at=self.fetch_time(response))


def with_contract(callback: Callable[..., Any], contract: str) -> Callable[..., Any]:
    """`callback` with `contract` as its docstring, where `scrapy check` reads contracts."""

    @wraps(callback)
    def checked(self: SiteSpider, response: Response) -> Any:
        return callback(self, response)

    checked.__doc__ = f"{callback.__doc__ or ''}\n{contract}"
    return checked


class ThoidaiSpider(SiteSpider):
    name = "thoidai"
    profile = thoidai.PROFILE


def _started(request: Request) -> Request:
    """`request` marked as a page the run starts from (`scrapers.harvest.START`)."""
    request.meta[START] = True
    return request
