"""`scrapy sample`: record a live page as a sample, or remake a sample's expected output, showing the diff
before anything is written.

    scrapy sample https://thoidai.com.vn/some-article-206500.html            # fetch it, show the sample
    scrapy sample https://thoidai.com.vn/some-article-206500.html --accept   # ...and save it in samples/thoidai/
    scrapy sample samples/thoidai/article-some-article-206500.html           # re-read a saved page: the diff
    scrapy sample samples/thoidai/article-some-article-206500.html --accept  # ...and write the new .json
    scrapy sample samples/toy/article-x.html --url https://toy.example/x.html  # a page saved by hand: its first .json

A URL is fetched as the crawl fetches (User-Agent, robots.txt, `REPLAY_DIR` when set) by the spider whose
domains hold it (`--spider` to choose), read with the callback `SiteSpider.callback_for` picks, and saved as
`samples/<spider>/<kind>-<slug>.html` (`.xml` for feeds and sitemaps; `--name` to choose) with its fetch time
(the HTTP `Date` header). The expected output is the crawl's own (`scrapers/samples.py`); check it by hand,
line by line, before `--accept`. Exit status 1 when the diff is not empty and `--accept` was not given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.spiderloader import get_spider_loader

from scrapers.extract.dates import http_date, utc_now
from scrapers.samples import KINDS, changes, dumps, expected_output, slug
from scrapers.spiders.sites import SiteSpider

DIFFERS = 1


class FetchOne(Spider):
    """Fetches one URL and keeps its response."""

    name = "sample"

    def __init__(self, url: str, kept: list[Response], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.kept = kept

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.url, callback=self.keep, dont_filter=True)

    def keep(self, response: Response) -> None:
        self.kept.append(response)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "<url or saved page> [--spider NAME] [--name KIND-SLUG] [--accept]"

    def short_desc(self) -> str:
        return "Record a live page as a sample, or remake a sample's expected JSON; shows the diff first"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--spider", help="the site's spider (default: the one whose domains hold the URL)")
        parser.add_argument("--name", help="file name without suffix (default: <kind>-<slug of the URL>)")
        parser.add_argument("--samples", default="samples", help="the samples folder (default: samples)")
        parser.add_argument("--accept", action="store_true", help="write the page and its expected JSON")
        parser.add_argument("--url", help="the address of a page saved by hand (one with no .json beside it yet)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        for name, value in (("SPIDERMON_ENABLED", False), ("CRAWL_SUMMARY_ENABLED", False), ("LOG_LEVEL", "WARNING")):
            if self.settings.getpriority(name) != 40:  # a -s on the command line wins
                self.settings.set(name, value, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one URL or one saved page")
        if Path(args[0]).is_file():
            self.remake(Path(args[0]), opts)
        elif urlsplit(args[0]).scheme in ("http", "https"):
            self.record(args[0], opts)
        else:
            raise UsageError(f"{args[0]} is neither a saved page nor a web address (https://...)")

    def remake(self, page: Path, opts: argparse.Namespace) -> None:
        assert self.settings is not None
        target = page.with_suffix(".json")
        name = opts.spider or page.parent.name
        if target.is_file():
            earlier = json.loads(target.read_text(encoding="utf-8"))
            request = earlier["request"]
        elif opts.url:  # a page saved by hand: its request made here, fetched when the file was saved
            loader = get_spider_loader(self.settings)
            spidercls = loader.load(name) if name in loader.list() else None
            if spidercls is None or not issubclass(spidercls, SiteSpider):
                raise UsageError(f"{name} is no site spider: keep the page in samples/<site>/ or name it with --spider")
            saved = datetime.fromtimestamp(page.stat().st_mtime, UTC)
            request = {"url": opts.url, "callback": spidercls().callback_for(opts.url), "fetched_at": saved.isoformat()}
            earlier = None
        else:
            raise UsageError(f"{page} has no {target.name} beside it: give the page's address with --url https://..."
                             " (its fetch time is the file's)")
        sample = expected_output(self.settings, name, page, request, earlier)
        self.show_and_write(target, sample, opts.accept)

    def record(self, url: str, opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        loader = get_spider_loader(self.settings)
        name = opts.spider or next(iter(loader.find_by_request(Request(url))), None)
        if name is None or name == "news":
            raise UsageError(f"no site spider holds {url}: add the site's profile, or name it with --spider")
        spidercls = loader.load(name)
        if not issubclass(spidercls, SiteSpider):
            raise UsageError(f"{name} is not a site spider")
        callback = spidercls().callback_for(url)
        kept: list[Response] = []
        self.crawler_process.crawl(FetchOne, url=url, kept=kept)
        self.crawler_process.start()
        if not kept or kept[0].status >= 400:
            print(f"newsharvest: {name}: could not fetch {url}"
                  f"{f' (HTTP {kept[0].status})' if kept else ''}", file=sys.stderr)
            self.exitcode = DIFFERS
            return
        response = kept[0]
        date = response.headers.get(b"Date")
        fetched_at = http_date(date.decode("latin-1") if date else None) or utc_now()
        xml = b"xml" in (response.headers.get(b"Content-Type") or b"") or url.endswith(".xml")
        folder = Path(opts.samples) / name
        page = folder / f"{opts.name or f'{KINDS[callback]}-{slug(url)}'}{'.xml' if xml else '.html'}"
        request = {"url": url, "callback": callback, "fetched_at": fetched_at.isoformat()}
        page.parent.mkdir(parents=True, exist_ok=True)
        existed = page.exists()
        previous = page.read_bytes() if existed else None
        page.write_bytes(response.body)  # read from disk as the tests will
        try:
            sample = expected_output(self.settings, name, page, request)
        finally:
            if not opts.accept:
                page.write_bytes(previous) if previous is not None else page.unlink()
        self.show_and_write(page.with_suffix(".json"), sample, opts.accept)
        print(f"{'saved' if opts.accept else 'not saved (--accept saves it)'}: {page}")

    def show_and_write(self, target: Path, sample: dict[str, Any], accept: bool) -> None:
        diff = changes(target, sample)
        print(diff or f"{target}: no change")
        if accept and diff:
            target.write_text(dumps(sample), encoding="utf-8")
        elif diff:
            self.exitcode = DIFFERS
