"""SIGTERM or Ctrl-C ends a run within seconds, whole; a second signal forces the stop and says so.

Scrapy's first signal closes the spider gracefully but waits for every download in flight, each up to
`DOWNLOAD_TIMEOUT`; its second stops at once, leaving the output as `<file>.part` with no report, and the
process exits 0. `GracefulShutdown` (extension) wraps Scrapy's signal handlers:

- On the first signal, Scrapy begins its graceful stop and `stop_downloads` is sent: the downloads in flight
  (`CancellableDownloadHandler`), the waits for a `Retry-After` (`scrapers.middlewares.RetryAfter`) and the
  requests queued in the downloader are cancelled (`StoppedAtShutdown`, counted under `fetch/stopped`, not a
  failure). What was already downloaded is read; the output file is finished and renamed, the run report
  written and the state committed as at the end of any run. The report's `finish_reason` is `shutdown`.
- At `CLOSESPIDER_TIMEOUT` (the whole-run bound), when Scrapy closes the spider, the same cancellation: the
  run ends within seconds of its bound, with `finish_reason` `closespider_timeout`.
- On a second signal, `shutdown/forced` is recorded in the stats and Scrapy stops at once; `scrapy crawl`
  exits with 128 + the signal number (143 for SIGTERM, 130 for Ctrl-C), never 0 (`forced_stop_status`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler, CrawlerProcessBase
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import CallLaterResult, call_later, is_asyncio_available

logger = logging.getLogger(__name__)

stop_downloads = object()
"""Signal sent (no arguments) when a shutdown signal arrives: whatever waits on the network gives up."""

FORCED = "shutdown/forced"
"""Stats key: the name of the signal that forced the stop (a second SIGTERM or Ctrl-C)."""
SIGNALS = (signal.SIGTERM, signal.SIGINT)

T = TypeVar("T")


class StoppedAtShutdown(IgnoreRequest):
    """A download or wait cancelled because the run is shutting down."""


class InFlight:
    """Awaitables of a crawl that a shutdown cancels: `await in_flight.run(coroutine)` runs it, and after
    `stop()` it (and any later one) raises `StoppedAtShutdown`. Cancelling needs Scrapy's default asyncio
    reactor; with another, a shutdown waits for the downloads in flight as Scrapy does."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Future[Any]] = set()
        self.stopped = False

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self.stopped:
            coroutine.close()
            raise StoppedAtShutdown("the run is shutting down")
        if not is_asyncio_available():  # another TWISTED_REACTOR than Scrapy's default: nothing to cancel with
            return await coroutine
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            if self.stopped:
                raise StoppedAtShutdown("the run is shutting down") from None
            raise
        finally:
            self.tasks.discard(task)

    def stop(self) -> None:
        self.stopped = True
        for task in list(self.tasks):
            task.cancel()


class CancellableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, whose downloads in flight a shutdown cancels."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.in_flight = InFlight()
        crawler.signals.connect(self.in_flight.stop, signal=stop_downloads)

    async def download_request(self, request: Request) -> Response:
        return await self.in_flight.run(super().download_request(request))


class GracefulShutdown:
    """See the module docstring."""

    def __init__(self, crawler: Crawler, stats: StatsCollector, run_bound: float) -> None:
        self.crawler = crawler
        self.stats = stats
        self.run_bound = run_bound
        self.stopping = False
        self.timer: CallLaterResult | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GracefulShutdown:
        assert crawler.stats is not None
        extension = cls(crawler, crawler.stats, crawler.settings.getfloat("CLOSESPIDER_TIMEOUT"))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def engine_started(self) -> None:
        call_later(0, self.wrap_handlers)  # Scrapy installs its handlers once the reactor runs: wrap them after
        if self.run_bound:
            # Scrapy's CloseSpider closes the spider at CLOSESPIDER_TIMEOUT, then waits for the downloads in
            # flight: cancel them at the same moment, as on SIGTERM.
            self.timer = call_later(self.run_bound, self.stop_downloads)

    def spider_closed(self) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def wrap_handlers(self) -> None:
        for signum in SIGNALS:
            handler = signal.getsignal(signum)
            if isinstance(getattr(handler, "__self__", None), CrawlerProcessBase):
                signal.signal(signum, self.wrapped(handler))

    def wrapped(self, scrapy_handler: Any) -> Any:
        def handle(signum: int, frame: FrameType | None) -> None:
            if self.stopping:
                self.stats.set_value(FORCED, signal.Signals(signum).name)
                scrapy_handler(signum, frame)
                return
            self.stopping = True
            scrapy_handler(signum, frame)  # begins the graceful stop and installs Scrapy's second-signal handler
            self.wrap_handlers()
            from twisted.internet import reactor

            reactor.callFromThread(self.stop_downloads)

        return handle

    def stop_downloads(self) -> None:
        logger.info("Stopping: cancelling the downloads in flight")
        self.crawler.signals.send_catch_log(stop_downloads)
        engine = self.crawler.engine
        if engine is None:
            return
        for slot in engine.downloader.slots.values():
            while slot.queue:
                _, queued = slot.queue.popleft()
                queued.errback(StoppedAtShutdown("the run is shutting down"))


def forced_stop_status(run: str, stats: StatsCollector | None) -> int | None:
    """The exit status of a run a second signal forced to stop, 128 + the signal number as a shell reports a
    process a signal ended, with one line on stderr; None when the run was not forced to stop."""
    name = stats.get_value(FORCED) if stats is not None else None
    if not name:
        return None
    print(f"newsharvest: {run}: forced to stop by a second {name}: the output is left as .part, "
          "with no report and no state update", file=sys.stderr)
    return 128 + signal.Signals[name].value
