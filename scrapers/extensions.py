"""Crawl-level bookkeeping: the rejects file, the errors that fail a run, and the end-of-crawl summary."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import glob
import hashlib
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.serialize import ScrapyJSONEncoder

from pipelines import Duplicate, Rejected, Unchanged, record_fields
from scrapers.extract.dates import utc_now
from scrapers.harvest import ARTICLE, ASKED_AGAIN, REJECTED_AGAIN, UNFINISHED, run_name, run_settled
from scrapers.integrity import NOT_COMMITTED, REJECTS_NOT_KEPT, note_error, run_errors
from scrapers.items import Article
from scrapers.middlewares import fetch_outcomes
from scrapers.outputfiles import describe, ends_lines, output_opened
from scrapers.partfiles import being_written, lock_part, remove_unheld
from scrapers.statestore import PART_SUFFIX

logger = logging.getLogger(__name__)

# Fields whose presence says how well the pages were read (every record has the others by construction).
NOT_COVERED = ("url", "site", "sources", "scraped_at", "version", "schema_version")
COVERED_FIELDS = tuple(name for name in Article.__dataclass_fields__ if name not in NOT_COVERED)
COVERAGE_LEVELS = "harvest/coverage_levels"
"""Stats key, and the run report's `coverage_levels`: each field's share in the runs the coverage check compared a
failed run with, carried from report to report while the runs fail (`scrapers.monitors.carried_levels`); null
in the report of a run that did not fail it."""


class LogFileErrors:
    """A `LOG_FILE` that cannot be written during the run (its disk filled, it was removed with its folder): the
    first failure is a `log` error of the run (exit status 2, one line: the log is cut short), the rest are let
    be. Python's logging printed a traceback on stderr for every line it could not write (148 in one run), and
    the run exited 0 with its log cut short, nothing saying so (operator review). The articles are delivered
    and the state keeps the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.failures = 0
        crawler.signals.connect(self.watch, signal=signals.engine_started)
        self.watch()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogFileErrors:
        if not crawler.settings.get("LOG_FILE"):
            raise NotConfigured  # (no message: Scrapy would log it as a warning, for a log on stderr as by default)
        return cls(crawler)

    def watch(self) -> None:
        """Take over the error handling of the log's file handlers (Scrapy installs them as the crawler is made)."""
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.FileHandler):
                handler.handleError = self.failed  # type: ignore[method-assign]

    def failed(self, record: logging.LogRecord) -> None:
        self.failures += 1
        if self.failures == 1:
            error = sys.exc_info()[1]
            said = describe(error) if error is not None else "an unknown error"
            note_error(self.stats, "log", f"the log file could not be written (it is cut short): {said}")


class RejectsFile:
    """Write each rejected article, with its reason, as one JSON line to `REJECTS_URI` (a local path or
    `file://` URI; `%(name)s` is the spider name), and count it in the stats under `rejects/<reason>`.

    Each line says when (`rejected_at`, UTC) and in which run (`run_id` of the state, null without one).
    A reject already in the file (same URL, same reason and same record) is counted but not written again,
    so a page that stays broken is one line, not one per run.

    A run's rejects go to `<rejects file>.part` and are appended to the rejects file when the engine stops,
    after the output files are in place and before the state commits, so a run killed midway adds no line
    that its rerun writes again. With `STATE_URI`, the `.part` of a killed run follows that run: appended
    (once) when the run is recovered, dropped when it is rolled back (its articles are fetched again).
    The rejects file is created on the first reject, so a clean run leaves none. A run holds its `.part`
    locked; two runs of one site at once (without a state) each write their own and append them one after
    the other (`locked_part`)."""

    def __init__(
        self, uri: str, stats: StatsCollector, *, with_state: bool = False, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.uri = uri
        self.stats = stats
        self.with_state = with_state
        self.clock = clock
        self.path: Path | None = None
        self.file: IO[str] | None = None
        self.written: set[tuple[str, str, bytes]] = set()
        """(url, reason, digest of the record) of the lines in the file (`reject_key`)."""
        self.writing = Path()
        """The `.part` this run writes its rejects to, once it has one (`locked_part`)."""
        self.encoder = ScrapyJSONEncoder(ensure_ascii=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsFile:
        uri = crawler.settings.get("REJECTS_URI")
        if not uri:
            raise NotConfigured("REJECTS_URI is not set")
        assert crawler.stats is not None
        extension = cls(uri, crawler.stats, with_state=bool(crawler.settings.get("STATE_URI")))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.run_settled, signal=run_settled)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    @property
    def part(self) -> Path:
        assert self.path is not None
        return Path(f"{self.path}{PART_SUFFIX}")

    def spider_opened(self, spider: Spider) -> None:
        self.path = Path((self.uri % {"name": spider.name}).removeprefix("file://"))
        if not self.with_state:  # a killed run's rejects (not a running one's): its pages are all fetched again
            for part in (self.part, *self.parts_of_runs_beside()):
                remove_unheld(part)
        self.written = self.lines_in(self.path)

    def parts_of_runs_beside(self) -> list[Path]:
        """The `<rejects file>.<pid>.part` files that runs beside another one wrote (`locked_part`)."""
        assert self.path is not None
        found = self.path.parent.glob(f"{glob.escape(self.path.name)}.*{PART_SUFFIX}")
        return [part for part in found if part.name[len(self.path.name) + 1:-len(PART_SUFFIX)].isdigit()]

    def lines_in(self, path: Path) -> set[tuple[str, str, bytes]]:
        """The key (`reject_key`) of each reject already in the file at `path`, read line by line (a file of
        300 MB read whole, its records kept, took the run from 120 MB to 711 MB)."""
        written: set[tuple[str, str, bytes]] = set()
        if not path.exists():
            return written
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                try:
                    earlier = json.loads(line)
                    written.add(self.reject_key(earlier.get("url"), earlier.get("reason"), earlier.get("item") or {}))
                except (ValueError, AttributeError, TypeError):
                    continue  # a line cut by a crash: written again if the reject recurs
        return written

    def reject_key(self, url: Any, reason: Any, item: Any) -> tuple[str, str, bytes]:
        """What makes a reject the same as one in the file: its URL, its reason and a digest of its record
        without the fetch time."""
        record = self.encoder.encode(without_fetch_time(item)).encode("utf-8", "surrogatepass")
        return str(url), str(reason), hashlib.blake2b(record, digest_size=16).digest()

    def run_settled(self, run_id: int, outcome: str) -> None:
        """The state settled a run that did not finish: its rejects are kept when it is recovered."""
        if self.path is not None and self.part.exists() and not being_written(self.part):  # (held: a running crawl's)
            if outcome == "recovered":
                append_once(self.part, self.path)
            remove_unheld(self.part)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        if isinstance(exception, Duplicate):
            self.stats.inc_value("articles/duplicates")
        if not isinstance(exception, Rejected):
            return
        self.stats.inc_value("rejects/count")
        self.stats.inc_value(f"rejects/{exception.reason}")
        url = ItemAdapter(item).get("url")
        try:
            key = self.reject_key(url, exception.reason, item)
            if key in self.written:
                self.stats.inc_value("rejects_file/already_written")
                return
            self.written.add(key)
            record = {"reason": exception.reason, "url": url, "rejected_at": self.clock().isoformat(),
                      "run_id": self.stats.get_value("harvest/run_id"), "item": item}
            self.open().write(self.encoder.encode(record) + "\n")
        except (OSError, ValueError, TypeError) as error:  # (a record JSON or the file's encoding cannot hold too:
            # raised out of this signal handler, the reject was lost without a word; loss audit)
            note_error(self.stats, "rejects", f"{self.part} not written: {describe(error)}")

    def open(self) -> IO[str]:
        if self.file is None:
            self.part.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.locked_part()
            self.stats.set_value("rejects/file", str(self.path))
        return self.file

    def locked_part(self) -> IO[str]:
        """This run's `.part` of the rejects file, emptied and locked (`flock`) until the run has appended it to
        the rejects file and removed it. When another crawl of the same rejects file holds the `.part` (two runs
        of one site at once, without a state to keep them apart), this run writes its own,
        `<rejects file>.<pid>.part`: the second run emptied the first's `.part` and removed it, and the first's
        rejects were lost."""
        assert self.path is not None
        for part in (self.part, Path(f"{self.path}.{os.getpid()}{PART_SUFFIX}")):
            if (fd := lock_part(part)) is not None:
                self.writing = part
                return open(fd, "w", encoding="utf-8")
        raise OSError(f"{self.part} and this process's own are both locked by other crawls")

    def spider_closed(self, spider: Spider) -> None:
        if self.file is None:
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        except OSError as error:
            note_error(self.stats, "rejects", f"{self.writing} not written: {describe(error)}")

    def engine_stopped(self) -> None:
        """Append this run's rejects to the rejects file (the output files are in place by now), unless the
        state is to keep nothing of the run (`NOT_COMMITTED`) or of its rejects (`REJECTS_NOT_KEPT`, a `.part`
        that lacks some of them): then those articles are fetched again. The `.part`
        is removed while still locked, so that no other run takes it meanwhile."""
        if self.file is None or self.path is None:
            return
        try:
            errors = run_errors(self.stats.get_stats()).keys()
            if not (self.with_state and (NOT_COMMITTED | {REJECTS_NOT_KEPT}) & errors):
                append_once(self.writing, self.path)
            self.writing.unlink()
        except OSError as error:
            note_error(self.stats, "rejects", f"{self.path} not written: {describe(error)}")
        finally:
            with contextlib.suppress(OSError):  # (a full disk: spider_closed noted it)
                self.file.close()


def append_once(part: Path, path: Path) -> None:
    """Append the lines of `part` to `path`, flushed to disk, unless `path` already ends with them (a run
    killed after appending and before removing `part`)."""
    lines = part.read_bytes()
    if not lines:
        return
    with path.open("ab+") as file:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)  # another run appending its own: one after the other
        size = file.seek(0, os.SEEK_END)
        if size >= len(lines):
            file.seek(size - len(lines))
            if file.read(len(lines)) == lines:
                return
        if not ends_lines(file):
            file.write(b"\n")
        file.write(lines)
        file.flush()
        os.fsync(file.fileno())


def without_fetch_time(item: Any) -> dict[str, Any]:
    """The record as JSON-ready values, without what changes at every fetch (`scraped_at`)."""
    record: dict[str, Any] = json.loads(ScrapyJSONEncoder(ensure_ascii=False).encode(item))
    record.pop("scraped_at", None)
    return record


class CrawlSummary:
    """The run report: pages, articles (written, new, updated, unchanged, rejected, skipped), rejects by
    reason, HTTP errors by status, per-field coverage, duration and the checks that failed.

    Coverage is the share of the articles read in this run (written, unchanged or rejected) that have each
    field; it goes to the stats as `coverage/<field>` when the spider closes, for the checks. When the engine
    stops, the report is logged as a one-screen summary, put in the stats (`harvest/report`, which the state
    keeps as history) and written as JSON beside each output file (`<output>.report.json`), or to
    `RUN_REPORT_URI` when set."""

    def __init__(self, stats: StatsCollector, *, spider_name: str, log: bool, report_uri: str | None) -> None:
        self.stats = stats
        self.spider_name = spider_name
        self.log = log
        self.report_uri = report_uri
        self.filled: Counter[str] = Counter()
        self.extracted = 0
        self.outputs: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        assert crawler.stats is not None
        extension = cls(crawler.stats, spider_name=run_name(crawler),
                        log=crawler.settings.getbool("CRAWL_SUMMARY_ENABLED"),
                        report_uri=crawler.settings.get("RUN_REPORT_URI") or None)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.output_opened, signal=output_opened)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def spider_error(self, failure: Any, response: Response | None) -> None:
        """An exception in a spider callback or spider middleware: the page's articles are lost. One raised while
        the start requests are made has no page (this handler raised then, and the error went uncounted: exit 0;
        fuzzer)."""
        where = response.url if response is not None else "making the start requests"
        note_error(self.stats, "spider", f"{describe(failure.value)} ({where})")

    def item_error(self, item: Any, failure: Any) -> None:
        """An exception in an item pipeline (other than a drop): the article is lost."""
        note_error(self.stats, "pipeline", f"{describe(failure.value)} ({ItemAdapter(item).get('url')})")

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.count_fields(item)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, Article) and isinstance(exception, Rejected | Unchanged):
            self.count_fields(item)

    def count_fields(self, item: Article) -> None:
        self.extracted += 1
        self.stats.set_value("articles/extracted", self.extracted)
        self.filled.update(name for name, value in record_fields(item).items() if value not in (None, "", []))

    def output_opened(self, path: Path) -> None:
        self.outputs.append(path)

    def response_received(self, response: Response, request: Request) -> None:
        if ARTICLE in request.meta:  # article pages whatever their status; the rest are listings
            self.stats.inc_value("articles/pages")
            if request.meta.get(ASKED_AGAIN) and response.status >= 400:
                self.stats.inc_value("articles/pages_failed_again")  # (no news: the checks leave them out)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for name in COVERED_FIELDS:
            self.stats.set_value(f"coverage/{name}", self.coverage(name))

    def coverage(self, name: str) -> float | None:
        """The share of the articles read that have field `name`; None when no article was read."""
        return round(self.filled[name] / self.extracted, 3) if self.extracted else None

    def engine_stopped(self) -> None:
        report = self.report()
        self.stats.set_value("harvest/report", report)
        if self.log:
            logger.info("%s", summary(report))
        targets = [Path(self.report_uri % {"name": self.spider_name})] if self.report_uri else [
            path.with_suffix(".report.json") for path in self.outputs
        ]
        for target in targets:
            try:
                write_atomically(target, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
            except OSError as error:
                note_error(self.stats, "report", f"run report {target} not written: {describe(error)}")

    def report(self) -> dict[str, Any]:
        stats = self.stats.get_stats()
        started, finished = stats.get("start_time"), stats.get("finish_time")
        errors = run_errors(stats)
        # Written means in a finished output file: none is when the output failed or there was none.
        written = 0 if errors.keys() & {"output", "no_output"} else stats.get("item_scraped_count", 0)
        incremental = "harvest/run_id" in stats  # without a state, new/updated/unchanged/not due mean nothing
        return {
            "spider": self.spider_name,
            "incremental": incremental,
            "started_at": started.isoformat() if started else None,
            "finished_at": finished.isoformat() if finished else None,
            "duration_s": round(stats.get("elapsed_time_seconds", 0.0), 3),
            "finish_reason": stats.get("finish_reason"),
            "pages": {
                "fetched": stats.get("response_received_count", 0),
                "articles": stats.get("articles/pages", 0),
                "listings": stats.get("response_received_count", 0) - stats.get("articles/pages", 0)
                - stats.get("robotstxt/response_count", 0),
            },
            "articles": {
                "links": stats.get("listing/articles_found", 0),
                "urls": stats.get("harvest/article_urls", 0) if incremental else None,
                "not_due": stats.get("harvest/articles_not_due", 0) if incremental else None,
                "asked_again": stats.get(UNFINISHED, 0) if incremental else None,
                "rejected_again": stats.get(REJECTED_AGAIN, 0) if incremental else None,
                "over_run_bound": stats.get("articles/over_run_bound", 0),
                "left_at_shutdown": stats.get("listing/left_at_shutdown", 0),
                "extracted": self.extracted,
                "written": written,
                "new": stats.get("harvest/new", 0) if incremental else None,
                "updated": stats.get("harvest/updated", 0) if incremental else None,
                "unchanged": stats.get("harvest/unchanged", 0) if incremental else None,
                "rejected": stats.get("rejects/count", 0),
                "rejected_already_in_file": stats.get("rejects_file/already_written", 0),
                "duplicates": stats.get("articles/duplicates", 0),
                "no_content": stats.get("articles/no_content", 0),
                "skipped": grouped(stats, "articles/skipped/"),
                "truncated": grouped(stats, "fields/truncated/"),
            },
            "rejects": {k: v for k, v in grouped(stats, "rejects/").items() if k not in ("count", "file")},
            "http_status": grouped(stats, "downloader/response_status_count/"),
            "fetch": fetch_outcomes(stats),
            "coverage": {name: self.coverage(name) for name in COVERED_FIELDS},
            "failed_checks": stats.get("harvest/failed_checks", []),
            "coverage_levels": stats.get(COVERAGE_LEVELS),
            "errors": errors,
            "outputs": [str(path) for path in self.outputs],
        }


def grouped(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key.removeprefix(prefix): value for key, value in sorted(stats.items()) if key.startswith(prefix)}


def summary(report: dict[str, Any]) -> str:
    """The report as a one-screen log message."""
    articles = report["articles"]
    state = (f" (new {articles['new']}, updated {articles['updated']})   unchanged: {articles['unchanged']}"
             f"   not due: {articles['not_due']}") if report["incremental"] else ""
    lines = [
        f"Crawl summary for {report['spider']} ({report['finish_reason']}, {report['duration_s']:.1f} s)",
        f"  pages fetched: {report['pages']['fetched']} ({report['pages']['articles']} article pages)"
        f"   articles written: {articles['written']}{state}"
        f"   rejects: {articles['rejected']}   duplicates: {articles['duplicates']}",
    ]
    lines += [f"  rejected {reason}: {n}" for reason, n in report["rejects"].items()]
    lines += [f"  HTTP status {status}: {n}" for status, n in report["http_status"].items()]
    fetch = report["fetch"]
    lines.append(f"  fetches: {fetch['ok']} ok, {fetch['failed']} failed, {fetch['stopped']} stopped at shutdown"
                 f" ({fetch['requests_sent']} requests sent, {fetch['retries']} retries)")
    lines += [f"  fetch failed, {cause}: {n}" for cause, n in fetch["failed_by_cause"].items()]
    lines += [f"  skipped {kind}: {n}" for kind, n in articles["skipped"].items()]
    if articles["extracted"]:
        coverage = ", ".join(f"{name} {share:.0%}" for name, share in report["coverage"].items())
        lines.append(f"  field coverage ({articles['extracted']} articles read): {coverage}")
    lines += [f"  FAILED CHECK: {line}" for line in report["failed_checks"]]
    lines += [f"  ERROR {cause}: {line}" for cause, line in report["errors"].items()]
    return "\n".join(lines)


def write_atomically(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a temporary file beside it, flushed, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.part")
    with partial.open("w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)


class SparseGarbageCollection:
    """Extension: Python's cyclic garbage collector set for a crawl. The objects of the start-up (Scrapy, the
    project's modules, settings, the spider) are frozen when the spider opens, so that the collector's full
    passes no longer walk them, and it collects the young generation once `GC_GEN0_THRESHOLD` more
    objects are alive instead of Python's 700, which reading one page exceeds many times over (element
    proxies, strings, tuples) although nearly all of them are freed when the page is done, by reference
    counting. Both are undone when the spider closes (or the engine stops: a crawl refused while its spider
    opened gets `spider_closed` and never `engine_stopped`).

    The collector is the process's: with several crawlers in one process (`CrawlerProcess`) the first to open
    sets it and the last to stop restores it, and objects frozen before (an application that froze them before
    forking) are left as they were.

    Measured with crawlbench (3,000 articles, one run per setting; the collector's time from `gc.callbacks`):
    Python's settings, 6.8 s of 40.4 s of CPU in the collector (43 full passes of about 120 ms each); the
    start-up frozen, 1.9 s of 36.9 s; frozen and the threshold at 10,000, 0.16 s of 32.1 s (30 young passes
    instead of 5,100), peak RSS unchanged."""

    def __init__(self, gen0_threshold: int) -> None:
        self.gen0_threshold = gen0_threshold
        self.crawling = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SparseGarbageCollection:
        threshold = crawler.settings.getint("GC_GEN0_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured(f"GC_GEN0_THRESHOLD is {threshold}: Python's collector as it is")
        if threshold > LARGEST_GC_THRESHOLD:
            raise ValueError(f"GC_GEN0_THRESHOLD is {threshold}, above Python's largest ({LARGEST_GC_THRESHOLD})")
        extension = cls(threshold)
        for signal in (signals.spider_closed, signals.engine_stopped):
            crawler.signals.connect(extension.crawl_ended, signal=signal)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        if not self.crawling:
            _COLLECTOR.crawl_starts(self.gen0_threshold)
            self.crawling = True

    def crawl_ended(self) -> None:
        if self.crawling:
            self.crawling = False
            _COLLECTOR.crawl_ends()


LARGEST_GC_THRESHOLD = 2**31 - 1
"""The largest threshold `gc.set_threshold` takes (a C int)."""


@dataclass
class _CrawlsCollector:
    """What the crawls of this process changed of Python's collector, and how many of them are running."""

    crawls: int = 0
    python_threshold: tuple[int, int, int] = field(default_factory=gc.get_threshold)
    froze: bool = False

    def crawl_starts(self, gen0_threshold: int) -> None:
        if self.crawls == 0:
            python_threshold = gc.get_threshold()
            gc.set_threshold(gen0_threshold, *python_threshold[1:])
            self.python_threshold = python_threshold
            self.froze = gc.get_freeze_count() == 0  # else the application froze its own, and decides
            if self.froze:
                gc.collect()
                gc.freeze()
        self.crawls += 1

    def crawl_ends(self) -> None:
        self.crawls -= 1
        if self.crawls == 0:
            gc.set_threshold(*self.python_threshold)
            if self.froze:
                gc.unfreeze()


_COLLECTOR = _CrawlsCollector()


M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameter (malloc.h) for the size from which a block is mapped on its own."""


class ReturnFreedMemory:
    """Extension: with glibc, blocks of `MALLOC_MMAP_THRESHOLD` bytes and more (response bodies and their
    decoded text, lxml's buffers: article pages are 55-500 KB, 230 KB on average in tests/data) are mapped on
    their own and given back to the system when freed.

    glibc starts at 128 KiB too, but each time such a block is freed it raises the threshold to that block's
    size (up to 32 MB): after the first large pages every body comes from the heap, where one long-lived small
    block above the freed ones keeps them, so a crawl's memory crept up with the pages read (crawlbench,
    5,000 articles, three crawls side by side: peak RSS 180 MB with glibc's rule, 165 MB with a fixed
    128 KiB; tracemalloc meanwhile counted Python's own memory flat, 34 then 29 MB at 25 and 50%). The cost
    is a map and unmap per large block, within the noise of the CPU a page. A block that fits a hole of the
    heap still goes there (malloc fills holes first). Elsewhere than glibc, nothing."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReturnFreedMemory:
        threshold = crawler.settings.getint("MALLOC_MMAP_THRESHOLD")
        if threshold <= 0 or not set_mmap_threshold(threshold):
            raise NotConfigured
        return cls(threshold)


def set_mmap_threshold(threshold: int) -> bool:
    """glibc's mmap threshold fixed at `threshold` bytes (which also stops its own adjustment); False where
    the C library has no such setting."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
