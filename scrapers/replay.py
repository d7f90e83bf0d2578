"""Replay mode: serve saved pages by URL instead of fetching them, so a crawl runs offline.

Switched on by the `REPLAY_DIR` setting. That folder holds samples: `<kind>-<slug>.html` (or `.xml` for
feeds and sitemaps) with `<kind>-<slug>.json` beside it, whose `request.url` says which URL the page
answers and `request.fetched_at` when it was saved, and optionally a `robots.txt` served for every host.
A saved page is served with that time as its HTTP `Date` header, so the crawl reads it as of the day it
was saved ("2 giờ trước" counts back from then, `scraped_at` is then). A URL with no saved page gets a
404, as a live site would answer. Responses are built here and pass through every other downloader
middleware's `process_response`. A shutdown (SIGTERM, the run's time bound) cancels the answers still waiting
out `REPLAY_LATENCY`, as it cancels a live site's downloads in flight (`scrapers.shutdown`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.statscollectors import StatsCollector
from w3lib.url import canonicalize_url

from scrapers.shutdown import InFlight, stop_downloads

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8"}
REPLAYED = "replayed"
"""Flag of a response served from a saved page: its `Date` is the day it was saved, however long ago."""


@dataclass(frozen=True)
class SavedPage:
    path: Path
    fetched_at: datetime | None
    """When the page was saved (timezone-aware); None when its sample does not say."""

    def response(self, request: Request) -> Response:
        cls = XmlResponse if self.path.suffix == ".xml" else HtmlResponse
        return cls(request.url, body=self.path.read_bytes(), encoding="utf-8", request=request, headers=self.headers(),
                   flags=[REPLAYED])

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": CONTENT_TYPES[self.path.suffix]}
        if self.fetched_at is not None:
            headers["Date"] = format_datetime(self.fetched_at, usegmt=True)
        return headers


class ReplayDownloads:
    """Downloader middleware answering every request from `REPLAY_DIR`."""

    def __init__(
        self, pages: dict[str, SavedPage], robots: Path | None, stats: StatsCollector | None = None, latency: float = 0
    ) -> None:
        self.pages = pages
        self.robots = robots
        self.stats = stats
        self.latency = latency
        """Seconds each answer takes, like a slow site (REPLAY_LATENCY); 0 answers at once."""
        self.waits = InFlight()
        """The answers waiting out the latency, which a shutdown cancels: a run replaying with a latency of
        20 s took those 20 s to stop after SIGTERM (fuzzer)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayDownloads:
        folder = crawler.settings.get("REPLAY_DIR")
        if not folder:
            raise NotConfigured("REPLAY_DIR is not set")
        pages, robots = index_samples(Path(folder))
        middleware = cls(pages, robots, crawler.stats, latency=crawler.settings.getfloat("REPLAY_LATENCY"))
        crawler.signals.connect(middleware.waits.stop, signal=stop_downloads)
        return middleware

    async def process_request(self, request: Request) -> Response:
        if self.latency:
            await self.waits.run(asyncio.sleep(self.latency))
        return self.answer(request)

    def answer(self, request: Request) -> Response:
        if urlsplit(request.url).path == "/robots.txt" and self.robots is not None:
            return self.count("served", TextResponse(
                request.url, body=self.robots.read_bytes(), encoding="utf-8", request=request,
                headers={"Content-Type": "text/plain; charset=utf-8"},
            ))
        page = self.pages.get(canonicalize_url(request.url))
        if page is None:
            return self.count("missing", Response(request.url, status=404, request=request))
        return self.count("served", page.response(request))

    def count(self, outcome: str, response: Response) -> Response:
        if self.stats is not None:
            self.stats.inc_value(f"replay/{outcome}")
        return response


def index_samples(folder: Path) -> tuple[dict[str, SavedPage], Path | None]:
    """Saved pages of `folder` by canonical URL, and its robots.txt if it has one."""
    if not folder.is_dir():  # a typo must not crawl the live site
        raise ValueError(f"REPLAY_DIR {folder} is not a folder")
    pages = {}
    for expected in sorted(folder.glob("*.json")):
        page = saved_page_of(expected)
        try:
            saved = json.loads(expected.read_text(encoding="utf-8"))
        except RecursionError:
            raise ValueError(f"{expected.name} is nested too deep to read") from None
        request = saved.get("request") if isinstance(saved, dict) else None
        if not isinstance(request, dict):
            raise ValueError(f"{expected.name} has no request object (url, fetched_at)")
        url, when = request.get("url"), request.get("fetched_at")
        if not isinstance(url, str | None) or not isinstance(when, str | None):
            raise ValueError(f"{expected.name}: the request's url and fetched_at are texts")
        if url and page is not None:
            # served as the HTTP Date, in UTC whatever offset the sample gives (one of +07:00 raised at every
            # request for the page, and the article was lost with exit 0: fuzzer); one without an offset is UTC
            fetched_at = _in_utc(datetime.fromisoformat(when)) if when else None
            pages[canonicalize_url(url)] = SavedPage(page, fetched_at)
    robots = folder / "robots.txt"
    return pages, robots if robots.is_file() else None


def _in_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def saved_page_of(expected: Path) -> Path | None:
    """The saved page an expected-output file stands beside (`x.json` -> `x.html` or `x.xml`)."""
    for suffix in CONTENT_TYPES:
        if (page := expected.with_suffix(suffix)).is_file():
            return page
    return None
