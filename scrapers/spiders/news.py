"""`scrapy crawl news -a url=https://example.com/section/`: any news site, from one section page.

The spider stays on the section's site. From the section page it follows the links that look like
articles (`scrapers/extract/discover.py`: URL shapes learned from the page), the listing's next pages, the
RSS/Atom feeds the page advertises and the sitemaps robots.txt names. A fetched page becomes a record only
when it is an article (`og:type`, JSON-LD, or a story in its markup); section, tag, author and video pages
are counted under `articles/skipped/<kind>`. A site with a profile is read with the profile's page class.

The spider names itself after the site (`example.com`): `%(name)s` in `-o`, `STATE_URI` and `REJECTS_URI`,
the run history the checks compare with and the lines cron mails are the site's, so sites run side by side.

Arguments: `url` (required), `max_pages=N` listing pages to follow (default 5), `sources=listing,feeds,
sitemaps` (default all), `full=1` as for the site spiders.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from scrapers.extract.discover import article_links, feed_links, next_page, page_kind
from scrapers.extract.feeds import feed_entries, sitemap_entries
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.harvest import ARTICLE
from scrapers.items import Article
from scrapers.pages import ArticlePage
from scrapers.sites import profile_for_url
from scrapers.spiders.base import HarvestSpider


class NewsSpider(HarvestSpider):
    name = "news"
    SOURCES = ("listing", "feeds", "sitemaps")

    def __init__(self, url: str | None = None, max_pages: str | int = 5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("give the section page to start from: scrapy crawl news -a url=https://...")
        start = absolute_url(url, url)
        if start is None:
            raise ValueError(f"not a web address: {url!r}")
        self.start_url = start
        self.site = registrable_domain(start)
        self.name = self.site  # a run per site: its state, lock, history, outputs (%(name)s) and alarms
        self.allowed_domains = [self.site]
        self.max_pages = int(max_pages)

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse_listing, meta={"page": 1})
        if "sitemaps" in self.sources:
            yield Request(absolute_url("/robots.txt", self.start_url) or self.start_url, callback=self.parse_robots)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        sel = self.page(response)
        links = (absolute_url(href, response.url) for href in sel.css("a::attr(href)").getall())
        on_site = [link for link in links if link and registrable_domain(link) == self.site]
        yield from self.follow_articles(article_links(on_site))
        if "feeds" in self.sources and response.meta.get("page") == 1:
            for feed in feed_links(sel, response.url):
                yield Request(feed, callback=self.parse_feed)
        number = int(response.meta.get("page", 1))
        following = next_page(sel, response.url)
        if "listing" in self.sources and following and number < self.max_pages:
            yield Request(following, callback=self.parse_listing, meta={"page": number + 1})

    def parse_robots(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield Request(url, callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        children, entries = sitemap_entries(self.sitemap_body(response), response.url)
        for url in children:
            yield Request(url, callback=self.parse_sitemap)
        yield from self.follow_articles(article_links([entry.url for entry in entries], threshold=0.5))

    def parse_feed(self, response: Response) -> Iterator[Request]:
        # A feed lists articles by definition: every item on the site is followed.
        urls = [entry.url for entry in feed_entries(response.body, response.url)]
        yield from self.follow_articles(url for url in urls if registrable_domain(url) == self.site)

    def follow_articles(self, urls: Any) -> Iterator[Request]:
        for url in urls:
            self.count("listing/articles_found")
            yield Request(url, callback=self.parse_article, meta={ARTICLE: None})

    def parse_article(self, response: Response) -> Iterator[Article]:
        if not isinstance(response, TextResponse):
            self.count("articles/skipped/non_text_response")
            return
        yield from self.article_record(response, lambda: self.read_article(response))

    def read_article(self, response: TextResponse) -> Article | None:
        profile = profile_for_url(response.url)
        page_class = profile.article_page if profile else ArticlePage
        sel = self.page(response)
        page = page_class(sel, url=response.url, fetched_at=self.fetch_time(response))
        body, title = page.body(), page.title()
        kind = page_kind(sel, body, title)
        if kind != "article" or (reason := page.not_article_reason()):
            self.count(f"articles/skipped/{kind if kind != 'article' else reason}")
            if kind == "other":
                # At an article URL, neither a story nor a listing: a bot wall or an error page served with 200
                # (its few sentences may read as a body, and the URL may hold a date, so neither is asked).
                self.count("articles/no_content")
            return None
        return page.to_item()
