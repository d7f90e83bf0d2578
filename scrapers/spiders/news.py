"""`scrapy crawl news -a url=https://example.com/section/`: any news site, from one section page.

The spider stays on the section's site. From the section page it follows the links that look like
articles (`scrapers/extract/discover.py`: URL shapes learned from the page), the listing's next pages
(while each shows an article the ones before did not), the RSS/Atom feeds the page advertises and the
sitemaps robots.txt names (two sitemap indexes deep at most). A fetched page becomes a record only when it
is an article (`og:type`, JSON-LD, or a story in its markup); section, tag, author and video pages are
counted under `articles/skipped/<kind>`. A site with a profile is read with the profile's page class.

The spider names itself after the site (`example.com`): `%(name)s` in `-o`, `STATE_URI` and `REJECTS_URI`,
the run history the checks compare with and the lines cron mails are the site's, so sites run side by side.

Arguments: `url` (required), `max_pages=N` listing pages to follow (default 5), `sources=listing,feeds,
sitemaps` (default all), `full=1` as for the site spiders.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import load_object

from scrapers.extract.discover import article_links, feed_links, next_page, robots_sitemaps
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.extract.listed import Listed
from scrapers.extract.parsed import document_base
from scrapers.harvest import START
from scrapers.middlewares import RobotsWithSitemaps, obeyed_robots
from scrapers.sites import GENERIC
from scrapers.spiders.base import HarvestSpider

MAX_FEEDS = 50
"""Feeds a section page's head names that are followed, the first ones (a site names one to a few dozen: one a
section). A page naming 5,000 feeds of 1,000 items each had the run read 75 feeds and 1 article in 153 s, 68,001
links queued and 322 MB held (hostile review)."""


def start_address(url: str) -> str:
    """The section page `url` as the spider starts from it, whose site (`registrable_domain`) names the run;
    ValueError when it is no web address."""
    start = absolute_url(url, url)
    if start is None:
        raise ValueError(f"not a web address: {url!r}")
    parts = urlsplit(start)  # "www.example.com." names the site the links call "www.example.com"
    return urlunsplit(parts._replace(netloc=re.sub(r"\.(?=(:\d+)?\Z)", "", parts.netloc)))


class NewsSpider(HarvestSpider):
    name = "news"
    SOURCES = ("listing", "feeds", "sitemaps")

    def __init__(self, url: str | None = None, max_pages: str | int = 5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("give the section page to start from: scrapy crawl news -a url=https://...")
        start = start_address(url)
        self.start_url = start
        self.site = registrable_domain(start)
        self.profile = replace(GENERIC, name=self.site, home_url=start, domains=(self.site,))
        """The generic profile, on this site."""
        self.name = self.site  # a run per site: its state, lock, history, outputs (%(name)s) and alarms
        self.allowed_domains = list(self.profile.domains)
        self.max_pages = int(max_pages)

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse_listing, meta={"page": 1, START: True})
        if "sitemaps" not in self.sources:
            return
        robots_url = absolute_url("/robots.txt", self.start_url) or self.start_url
        parser = load_object(self.crawler.settings.get("ROBOTSTXT_PARSER"))
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY") or not issubclass(parser, RobotsWithSitemaps):
            yield Request(robots_url, callback=self.parse_robots)  # no robots.txt read that keeps its sitemaps
            return
        # The robots.txt Scrapy fetched to obey it (once: a robots.txt that hung cost its timeouts twice).
        robots = await obeyed_robots(self.crawler, self.start_url)
        for sitemap in robots.sitemaps if robots else ():
            url = absolute_url(sitemap, robots_url)
            if url:
                yield self.sitemap_request(url)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        self.note_listing(response)
        sel = self.page(response)
        base = document_base(sel.root, response.url) or response.url
        links = (absolute_url(href, base) for href in sel.css("a::attr(href)").getall())
        on_site = [link for link in links if link and registrable_domain(link) == self.site]
        found = article_links(on_site)
        yield from self.follow_articles(Listed(url) for url in found)
        if "feeds" in self.sources and response.meta.get("page") == 1:
            feeds = feed_links(sel, base)
            if len(feeds) > MAX_FEEDS:
                self.logger.warning("Following %d of the %d feeds %s names", MAX_FEEDS, len(feeds), response.url)
                self.count("feeds/over_bound", len(feeds) - MAX_FEEDS)
            for feed in feeds[:MAX_FEEDS]:
                yield self.feed_request(feed)
        following = next_page(sel, response.url)
        meta = self.next_listing(response, found) if following else None
        if "listing" in self.sources and following and meta and meta["page"] <= self.max_pages:
            yield Request(following, callback=self.parse_listing, meta=meta)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The sitemaps robots.txt names, when the crawl does not obey it (`ROBOTSTXT_OBEY=False`); a line that
        is no web address is left."""
        self.count("listing/robots_pages")  # no listing: the checks leave it out of the listing pages read
        for sitemap in robots_sitemaps(response.body):
            url = absolute_url(sitemap, response.url)
            if url:
                yield self.sitemap_request(url)

    def is_article_url(self, url: str) -> bool:
        # A feed lists articles by definition: every item on the site is followed.
        return registrable_domain(url) == self.site

    def sitemap_articles(self, entries: list[Listed]) -> list[Listed]:
        # A sitemap lists every page of the site: only the links shaped like articles are followed.
        wanted = set(article_links([entry.url for entry in entries], threshold=0.5))
        return [entry for entry in entries if entry.url in wanted]
