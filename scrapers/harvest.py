"""Incremental harvesting: the Scrapy side of `scrapers.statestore`.

Switched on by `STATE_URI`. Three components share one `StateStore`:
- `HarvestState` (extension) opens and locks the store, opens the run, stages what each fetch gave (a
  record, a reject, an HTTP error, a page that is not an article) and commits the run once its output files
  are in place. It puts the reports of the latest runs in the stats (`harvest/history`) for the checks.
- `SkipKnownArticles` (spider middleware) drops requests for articles the state has and the revisit
  policy does not call due.
- `pipelines.versions.DropUnchangedArticles` numbers versions and drops a refetched article whose content
  did not change.

`-a full=1` on the spider ignores the state for fetching and output (every article fetched and written),
and still records what it saw.

The state records only what was delivered: a run with no output file does not start (exit status 1); a
damaged state file stops the run before it starts, saying how to recover (`scrapers/statestore.py`); a run whose
output could not be written is rolled back instead of committed (its articles are fetched again next run), one
whose rejects could not be written is committed without them (those are fetched again); a database error
mid-run is noted (cause `state`, `scrapers/integrity.py`), fails the run and leaves the run uncommitted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import StatsCollector

from pipelines import Duplicate, Rejected, Unchanged
from scrapers.extract.dates import is_relative, utc_now
from scrapers.extract.links import registrable_domain
from scrapers.integrity import NOT_COMMITTED, REJECTS_NOT_KEPT, START_ERROR, note_error, run_errors
from scrapers.outputfiles import describe, output_opened
from scrapers.statestore import Known, RevisitPolicy, Staged, StateDamaged, StateLocked, Store, acquire_store

logger = logging.getLogger(__name__)

START = "start_page"
"""Request meta key marking a page the run starts from as told (a profile's home page, feeds and sitemaps, a
section given with `-a sections`, the `news` spider's `url`): one that is gone fails the run's checks."""
START_GONE = "listing/start_gone"
"""Stats key: the start pages that answered 404 or 410, as a list of their URLs (the worker's that fetched them,
in a distributed run)."""
START_GONE_COUNT = "listing/start_gone_count"
"""Stats key: how many start pages answered 404 or 410; a count, so that a distributed run's totals hold it."""

ARTICLE = "article"
"""Request meta key marking an article request; its value is the modification time the listing, feed or
sitemap shows for it (a datetime), or None."""

SITEMAP_DEPTH = "sitemap_depth"
"""Request meta key of a sitemap: how many sitemap indexes lead to it (0 for one robots.txt or the profile names)."""

NO_RECORD = "harvest_no_record"
"""Response meta key a spider sets on an article page that gave no record for a reason that may pass: the
state's status for the URL, `missing` (neither a story nor a listing: a bot wall, an error page served with
200, an empty body; tried again after `RETRY_AFTER`, as an HTTP error is) or `rejected` (its reading raised,
rejected as such). Without it, an article page that gave no record is `skipped`: not an article (an
infographic, a video, a tag page), never fetched again."""

CANONICAL = "canonical"
"""State status of a URL known only as the canonical URL a fetched page named (`stage_record`): its content and
dates are that page's, for `DropUnchangedArticles` to find the story under another spelling of its link; the
URL itself was never fetched, and is as new to the revisit policy and to versions (`RevisitPolicy`)."""

NOT_RECORDED = "not_recorded"
"""`NO_RECORD` value of an article page that gave no record for a reason of this run alone (older than its
`-a since`): the state does not record it, and a later run fetches it as new."""

run_settled = object()
"""Signal sent with `run_id` and `outcome` (`recovered`, `rolled_back`) for each run that did not finish
and that this run settled."""

fetch_gave_up = object()
"""Signal sent (by `scrapers.middlewares.CountFetchOutcomes`) with `request` and `cause` for each request that
failed for good in this run: after its retries, or turned away before it was sent (a redirect off the site)."""

GIVEN_UP_FOR_THE_ADDRESS = frozenset({
    "redirect_refused", "redirect_limit", "redirect_loop", "offsite", "private_address", "robots",
    "unsupported_scheme", "page_too_large", "size_cap", "decoding_failed", "url_too_long",
})
"""Failure causes that the article's address gives every time (where it redirects, what robots.txt says of
it, how large it is): such an article is `missing`, tried again after `RETRY_AFTER` instead of every run, as
an HTTP error status is (`response_received`). A failure the site may not repeat (a timeout, a reset
connection, a name that did not resolve) is tried next run."""

HISTORY_READ = 48
"""Reports of the site's latest runs the checks read (two days of hourly runs): the coverage check's baseline is
the runs among them that read enough articles, which a quiet site's hourly runs seldom do."""
MAX_UNFINISHED = 10_000
"""Article URLs that gave no record yet asked again in one run, at most (`HarvestState.unfinished`)."""
ASKED_AGAIN = "harvest_asked_again"
"""Request meta key of an article asked again by the state though no listing needs to show it (`UNFINISHED`):
its failure failed before too (counted under `FAILED_AS_BEFORE`, which the HTTP error check leaves out)."""
UNFINISHED = "harvest/unfinished_asked"
"""Stats key: article URLs asked again though no listing needs to show them (`SkipKnownArticles.process_start`)."""
REJECTED_AGAIN = "harvest/rejected_again"
"""Stats key: records of articles asked again (`ASKED_AGAIN`) rejected once more; the reject check leaves them out."""

SITE_CHOICES = frozenset({"offsite", "robots"})
"""Fetch failures that may be what the site chose rather than errors: a listed link that redirects to another site
(a partner's story), a page robots.txt keeps crawlers from."""
FAILED_AS_BEFORE = "fetch/failed_as_before/"
"""Stats prefix: article requests that failed by one of `SITE_CHOICES` where an earlier run had found them missing
too; the HTTP error check leaves them out (`scrapers.monitors`)."""

# What the content hash covers: what a reader would call the article. Link boxes change every hour.
HASHED = ("title", "lead", "body", "authors", "credit", "tags", "section", "images", "published_at", "updated_at")


def run_name(crawler: Crawler) -> str:
    """The name a run goes by (state, history, outputs, alarms): its spider's, which the `news` spider sets to
    its site; "crawl" for a crawler without a spider."""
    spider = getattr(crawler, "spider", None)
    if spider is not None:
        return str(spider.name)
    return str(crawler.spidercls.name) if crawler.spidercls else "crawl"


class HarvestState:
    """The state store of this run; see the module docstring."""

    def __init__(
        self,
        store: Store,
        policy: RevisitPolicy,
        stats: StatsCollector,
        clock: Callable[[], datetime] = utc_now,
        signals: SignalManager | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.stats = stats
        self.clock = clock
        self.signals = signals
        """Where `run_settled` is sent (the crawler's signals)."""
        self.run_id: int | None = None
        self.full = False
        self.spider: Spider | None = None
        self.aliases: dict[str, list[str]] = {}
        """URLs that redirected to a URL this run had already asked for (Scrapy's duplicate filter drops the
        redirect), by that URL: staged with it once its fetch gives an outcome."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HarvestState:
        settings = crawler.settings
        uri = settings.get("STATE_URI")
        if not uri:
            raise NotConfigured  # off unless STATE_URI is set
        if settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT"):
            raise ValueError("STATE_URI does not work with FEED_EXPORT_BATCH_ITEM_COUNT: a run's output is one file")
        name = run_name(crawler)
        assert crawler.stats is not None
        if not settings.getdict("FEEDS"):
            cls.not_starting(crawler, name, NoOutput("STATE_URI needs an output file (-o FILE or FEEDS): without"
                                                     " one the state would record articles that were never written"))
        policy = RevisitPolicy.parse(settings.get("REVISIT_AFTER"), settings.get("RETRY_AFTER"),
                                     settings.get("RETRY_WITHIN"))
        try:
            store = acquire_store(uri, name=name, lock_timeout=settings.getfloat("STATE_LOCK_TIMEOUT"),
                                  shared=bool(settings.get("REDIS_URL")), lease=settings.getfloat("REDIS_LEASE", 15))
        except (StateLocked, StateDamaged) as error:
            cls.not_starting(crawler, name, error)
        state = cls(store, policy, crawler.stats, signals=crawler.signals)
        for handler, signal in (
            (state.spider_opened, signals.spider_opened),
            (state.output_opened, output_opened),
            (state.item_scraped, signals.item_scraped),
            (state.item_dropped, signals.item_dropped),
            (state.response_received, signals.response_received),
            (state.request_dropped, signals.request_dropped),
            (state.fetch_gave_up, fetch_gave_up),
            (state.spider_closed, signals.spider_closed),
            (state.engine_stopped, signals.engine_stopped),
        ):
            crawler.signals.connect(handler, signal=signal)
        return state

    @staticmethod
    def not_starting(crawler: Crawler, name: str, error: Exception) -> None:
        """Stop the run before it starts, its reason in one line (the log, and the stats for `scrapy crawl`)."""
        logger.error("Not starting %s: %s", name, error)
        if crawler.stats is not None:
            crawler.stats.set_value(START_ERROR, str(error))
        raise error

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Note a database error (a file damaged mid-run, a full disk) as a `state` error of the run instead of
        letting it escape into the crawl; the run then fails and is not committed. So is content of the state
        that is not what the state wrote (a run's outputs or report that is not JSON, of the wrong type): it passed
        the state's open check, raised out of the run's opening, and every run exited 0, writing every article
        again, the state never told (fuzzer)."""
        try:
            yield
        except (sqlite3.Error, redis.RedisError, ValueError, TypeError, KeyError, AttributeError) as error:
            logger.error("State %s failed %s: %s", self.store.location, doing, error)
            note_error(self.stats, "state", f"{self.store.location} failed {doing}: {describe(error)}")

    # -------------------------------------------------------------------- the run

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        self.full = bool(getattr(spider, "full", False))  # the spiders read -a full=1 (scrapers/spiders/base.py)
        with self.guard("opening the run"):
            for run_id, outcome in self.store.settle_unfinished():
                logger.warning("Run %s of the state %s did not finish; %s", run_id, self.store.location, outcome)
                self.stats.inc_value(f"harvest/earlier_runs_{outcome}")
                if self.signals is not None:
                    self.signals.send_catch_log(run_settled, run_id=run_id, outcome=outcome)
            self.run_id = self.store.start_run(spider.name, self.clock())
            logger.info("Run %s of the state %s opened", self.run_id, self.store.location)
            self.stats.set_value("harvest/run_id", self.run_id)
            self.stats.set_value("harvest/history", self.store.reports(spider.name, limit=HISTORY_READ))
            self.stats.set_value("harvest/state", str(self.store.location))

    def spider_closed(self, spider: Spider) -> None:
        """The checks have read the history (Spidermon's handler runs before this one): the stats keep how many
        reports it held, not the reports, which the stats dump at INFO printed whole, 48 of them, 2,750 lines of
        an hourly run's 2,900 (operator review)."""
        if isinstance(history := self.stats.get_value("harvest/history"), list):
            self.stats.set_value("harvest/history", len(history))

    def output_opened(self, path: Path) -> None:
        if self.run_id is not None:
            with self.guard("recording an output file"):
                self.store.add_output(self.run_id, path)

    def engine_stopped(self) -> None:
        """Commit the run (the feed exporter has renamed its files into place by now, at spider_closed), or
        roll it back when its output lacks articles it read or the state failed during the run."""
        try:
            if self.run_id is not None:
                self.finish_run(self.run_id)
        finally:
            self.store.close()

    def finish_run(self, run_id: int) -> None:
        # Redirects to a page this run read as a listing (a story taken down, sent to its section page): missing. One
        # to a page whose fetch failed by chance (a timeout) is left for the next run, as that page is.
        listings: set[str] = getattr(self.spider, "listings", set())
        taken_down = [url for target, chain in self.aliases.items() if target in listings for url in chain]
        if taken_down:
            with self.guard("recording an article"):
                for url in dict.fromkeys(taken_down):
                    self.store.stage(run_id, Staged(url=url, status="missing", fetched_at=self.clock()))
        errors = run_errors(self.stats.get_stats())
        if REJECTS_NOT_KEPT in errors and not NOT_COMMITTED & errors.keys():
            with self.guard("dropping the run's rejects"):
                self.store.unstage(run_id, "rejected")
                logger.error("Run %s: its rejects could not be written; the next run fetches them again", run_id)
            errors = run_errors(self.stats.get_stats())  # (dropping them may have failed: a state error)
        if lost := sorted(NOT_COMMITTED & errors.keys()):
            with self.guard("rolling back the run"):
                self.store.roll_back(run_id, [Path(path) for path in self.store.outputs(run_id)])
            logger.error("Run %s rolled back (%s): the state keeps none of its articles", run_id, ", ".join(lost))
            return
        with self.guard("committing the run"):
            self.store.commit_run(run_id, finished_at=self.clock(), report=self.stats.get_value("harvest/report"))
            logger.info("State %s: %d URLs known after run %s", self.store.location, self.store.count(), run_id)

    # -------------------------------------------------------------------- what each fetch gave

    def is_due(self, url: str, listed_modified: datetime | None) -> bool:
        if self.full:
            return True
        known = self.known(url)
        return known is None or self.policy.is_due(known, self.clock(), listed_modified)

    def unfinished(self, limit: int = MAX_UNFINISHED) -> list[str]:
        """The article URLs to ask again though no listing may show them: those that gave no record yet
        (an HTTP error, a timeout, a reject; `statestore.UNFINISHED`) and were never written, first seen within
        `RETRY_WITHIN`, due (`RETRY_AFTER`), newest first, at most `limit`. A story that failed while a listing
        showed it and left every listing before its retry (a busy section, a feed of the latest 10) was lost
        without a trace in any file."""
        if self.run_id is None or self.full:
            return []
        now = self.clock()
        with self.guard("reading the unfinished articles"):
            if not self.store.asks_unfinished():  # another worker of a distributed run asks them
                return []
            # (version 0: never written; an article written once that answers an error on a revisit is not lost)
            due = [known.url for known in self.store.unfinished(now - self.policy.within)
                   if not known.version and self.policy.is_due(known, now)]
            return due[:limit]
        return []

    def staged(self, url: str) -> Staged | None:
        """What this run staged of `url` so far; None also when the state failed reading it."""
        if self.run_id is None:
            return None
        with self.guard("reading an article"):
            return self.store.staged(self.run_id, url)
        return None

    def known(self, url: str) -> Known | None:
        """What the state has of `url`; None also when the state failed reading it (the run then fails)."""
        with self.guard("reading an article"):
            return self.store.known(url)
        return None

    def stage(
        self, url: str, status: str, *, response: Response | Request | None = None, **values: Any
    ) -> None:
        """What this run learnt of `url`, fetched as `response`: of the URLs that redirected to it too (the
        URL a listing shows, which the state is asked about next run)."""
        if self.run_id is None:  # the run did not open: a state error is noted already
            return
        with self.guard("recording an article"):
            urls = [*redirected_from(response), url]
            # (the URLs that redirected to any of them: a redirect to a URL that itself redirects on)
            for each in dict.fromkeys([*urls, *(alias for hop in urls for alias in self.aliases.pop(hop, ()))]):
                self.store.stage(self.run_id, Staged(url=each, status=status, fetched_at=self.clock(), **values))

    def request_dropped(self, request: Request) -> None:
        """An article's redirect to a URL this run already asked for: the article is known as that URL is,
        where it had stayed unknown and was fetched again every run."""
        chain = redirected_from(request)
        if ARTICLE not in request.meta or not chain or request.url in chain or self.run_id is None:
            return  # a loop is a failure (`fetch_gave_up`)
        with self.guard("recording an article"):
            outcome = self.store.staged(self.run_id, request.url)
            if outcome is None or outcome.status == CANONICAL:  # (a canonical entry is not the page's outcome)
                self.aliases.setdefault(request.url, []).extend(chain)
                return
            for each in chain:
                self.store.stage(self.run_id, dataclasses.replace(outcome, url=each))

    def fetch_gave_up(self, request: Request, cause: str) -> None:
        """An article request that failed for good: `missing` when its address gives the failure every time."""
        if ARTICLE not in request.meta:
            return
        if request.meta.get(ASKED_AGAIN):
            self.stats.inc_value(f"{FAILED_AS_BEFORE}{cause}")  # (it gave no record before either)
        # The URL asked for (a listing's): not the hops of its redirects, nor an address off the site.
        chain = redirected_from(request)
        url = chain[0] if chain else request.url
        if cause not in GIVEN_UP_FOR_THE_ADDRESS:
            if self.known(url) is None and self.run_id is not None and self.staged(url) is None:
                # Never fetched, by chance (a timeout, a reset; an HTTP error is staged `missing` as it answers):
                # asked again next run, listed or not (`unfinished`).
                self.stage(url, "failed")
            return
        if (cause in SITE_CHOICES and not request.meta.get(ASKED_AGAIN) and (known := self.known(url)) is not None
                and known.status == "missing"):
            # It failed so before: the site's way (a partner's story), not an error of this run (counted once).
            self.stats.inc_value(f"{FAILED_AS_BEFORE}{cause}")
        self.stage(url, "missing")

    def item_scraped(self, item: Any, response: Response | None = None) -> None:
        adapter = ItemAdapter(item)
        if "body" in adapter.field_names():
            self.stage_record(adapter, "emitted", response)

    def item_dropped(self, item: Any, exception: BaseException, response: Response | None = None) -> None:
        if isinstance(exception, Rejected):
            self.stage(str(ItemAdapter(item).get("url")), "rejected", response=response)
            if response is not None and response.meta.get(ASKED_AGAIN):
                self.stats.inc_value(REJECTED_AGAIN)  # (no new reject to the checks)
        elif isinstance(exception, Unchanged):
            self.stage_record(ItemAdapter(item), "emitted", response)
        elif isinstance(exception, Duplicate):  # written in this run under another URL: its own URL is known
            self.stage_record(ItemAdapter(item), "emitted", response, canonical=False)

    def stage_record(
        self, adapter: ItemAdapter, status: str, response: Response | None = None, *, canonical: bool = True
    ) -> None:
        """A record's outcome under its URL; and, as a `CANONICAL` entry, under the canonical URL its page names
        on its own site (`canonical`): a later run that reaches the story under another spelling (`?pos=3`, a
        trailing slash) finds its content there (`DropUnchangedArticles`)."""
        values: dict[str, Any] = {
            "content_hash": content_hash(adapter), "published_at": _moment(adapter.get("published_at")),
            "updated_at": _moment(adapter.get("updated_at")), "version": int(adapter.get("version") or 1),
        }
        url = str(adapter.get("url"))
        self.stage(url, status, response=response, **values)
        target = adapter.get("canonical_url")
        if canonical and target and target != url and self.run_id is not None and same_site(str(target), url):
            with self.guard("recording an article"):
                # Never over an outcome of the URL itself: a template's canonical URL may be another article's.
                staged = self.store.staged(self.run_id, str(target))
                known = self.store.known(str(target)) if staged is None else None
                if (staged is None or staged.status == CANONICAL) and (known is None or known.status == CANONICAL):
                    self.store.stage(self.run_id, Staged(url=str(target), status=CANONICAL, fetched_at=self.clock(),
                                                         **values))

    def response_received(self, response: Response, request: Request) -> None:
        if ARTICLE in request.meta and response.status >= 400:
            self.stage(request.url, "missing", response=response)
            self.stats.inc_value("harvest/articles_missing")


class NoOutput(Exception):
    """A run with a state and no output file."""


class SkipKnownArticles:
    """Spider middleware: article requests the state does not call due are not sent; an article page that
    gave no record (an infographic, a video) is remembered as such."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.state: HarvestState | None = None
        self.urls: set[str] = set()
        """Article URLs listed (a URL in a section, the feed and a sitemap is one)."""
        self.not_due: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipKnownArticles:
        if not crawler.settings.get("STATE_URI"):
            raise NotConfigured  # off unless STATE_URI is set
        return cls(crawler)

    def harvest_state(self) -> HarvestState:
        if self.state is None:
            self.state = self.crawler.get_extension(HarvestState)
            if self.state is None:
                raise RuntimeError("SkipKnownArticles needs the HarvestState extension")
        return self.state

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The spider's start requests, then a request for each article URL the state asks again
        (`HarvestState.unfinished`): listed again, the duplicate filter drops the second request."""
        async for entry in start:
            yield entry
        spider = self.crawler.spider
        read = getattr(spider, "parse_article", None)
        # a run of part of the site (`-a sections`, `-a sources`) asks nothing of the rest
        whole = not getattr(spider, "sections", None) and set(getattr(spider, "sources", ())) == set(
            getattr(spider, "SOURCES", ()))
        # A tenth of the run's bound of articles at most, fetched after the listed ones (a lower priority): new
        # stories first.
        limit = min(MAX_UNFINISHED, max(1, self.crawler.settings.getint("MAX_ARTICLES_PER_RUN") // 10))
        urls = self.harvest_state().unfinished(limit) if read is not None and whole else []
        self.set_count(UNFINISHED, len(urls))
        for url in urls:
            yield Request(url, callback=read, meta={ARTICLE: None, ASKED_AGAIN: True}, priority=-10)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        produced = [False]
        async for entry in result:
            if self.keep(entry, produced):
                yield entry
        self.finish(response, produced[0])

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        produced = [False]
        for entry in result:
            if self.keep(entry, produced):
                yield entry
        self.finish(response, produced[0])

    def keep(self, entry: Any, produced: list[bool]) -> bool:
        """Whether to pass `entry` on: an article request only when due; notes in `produced` an item."""
        if isinstance(entry, Request):
            if ARTICLE not in entry.meta:
                return True
            self.urls.add(entry.url)
            self.set_count("harvest/article_urls", len(self.urls))
            if not self.harvest_state().is_due(entry.url, entry.meta[ARTICLE]):
                self.not_due.add(entry.url)
                self.set_count("harvest/articles_not_due", len(self.not_due))
                return False
        else:
            produced[0] = True
        return True

    def finish(self, response: Response, produced: bool) -> None:
        status = response.meta.get(NO_RECORD, "skipped")
        if ARTICLE in response.meta and not produced and response.status < 400 and status != NOT_RECORDED:
            self.harvest_state().stage(response.url, status, response=response)

    def set_count(self, key: str, value: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(key, value)


def same_site(url: str, other: str) -> bool:
    """Whether `url` and `other` are on one registrable domain (`www.example.com`, `m.example.com`)."""
    return registrable_domain(url) == registrable_domain(other)


def redirected_from(response: Response | Request | None) -> list[str]:
    """The URLs that redirected to `response` (Scrapy's `redirect_urls`), first the one that was asked for."""
    if response is None or (isinstance(response, Response) and response.request is None):
        return []
    return [str(url) for url in response.meta.get("redirect_urls", [])]


def content_hash(adapter: ItemAdapter, *, image_queries: bool = False) -> str:
    """SHA-256 of the record's article content (`HASHED`), stable across runs. A publication time read
    from relative text ("2 giờ trước", later "8 giờ trước") moves with the fetch time: it is left out, so
    reading the article later does not make a new version of it; so is the query of an image's URL
    (`_without_query`). `image_queries`: the hash as it was before that rule (which states written before it
    hold; the same for a record whose image URLs have no query)."""
    content = {name: adapter.get(name) for name in HASHED}
    if is_relative(adapter.get("published_raw")):
        content.pop("published_at")
    if content["images"] and not image_queries:
        content["images"] = [_without_query(image) for image in content["images"]]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hashes(adapter: ItemAdapter) -> set[str]:
    """The hashes that say a record's content is unchanged: `content_hash`, and the one a state written before
    image URLs were hashed without their queries holds (computed only when an image URL has a query: else the
    same)."""
    hashes = {content_hash(adapter)}
    if any("?" in str(_image_url(image)) for image in adapter.get("images") or ()):
        hashes.add(content_hash(adapter, image_queries=True))
    return hashes


def _image_url(image: Any) -> Any:
    return image.get("url") if isinstance(image, dict) else getattr(image, "url", None)


def _without_query(image: Any) -> Any:
    """An image of the record as the content hash sees it: its URL without its query, which CDNs and resizers
    fill with a token new at each view (`?v=<time>`): the same text was written as a new version at every
    revisit. (A replaced image under the same path and a new query is missed: replaced images get new names.)"""
    url = _image_url(image)
    if not isinstance(url, str) or "?" not in url:
        return image
    bare = url.split("?", 1)[0]
    return {**image, "url": bare} if isinstance(image, dict) else dataclasses.replace(image, url=bare)


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None
