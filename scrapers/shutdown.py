"""SIGTERM or Ctrl-C ends a run within seconds, whole; a second signal forces the stop and says so.

Scrapy's first signal closes the spider gracefully but waits for every download in flight, each up to
`DOWNLOAD_TIMEOUT`; its second stops at once, leaving the output as `<file>.part` with no report, and the
process exits 0. `GracefulShutdown` (extension) wraps Scrapy's signal handlers:

- On the first signal, Scrapy begins its graceful stop and `stop_downloads` is sent: the downloads in flight
  (`CancellableDownloadHandler`), the waits for a `Retry-After` (`scrapers.middlewares.RetryAfter`) and the
  requests queued in the downloader are cancelled (`StoppedAtShutdown`, counted under `fetch/stopped`, not a
  failure), and so are the requests still in the scheduler when the spider closes (`StoppingScheduler`). What
  was already downloaded is read; the output file is finished and renamed, the run report
  written and the state committed as at the end of any run. The report's `finish_reason` is `shutdown`.
- At `CLOSESPIDER_TIMEOUT` (the whole-run bound), when Scrapy closes the spider, the same cancellation: the
  run ends within seconds of its bound, with `finish_reason` `closespider_timeout`.
- On a second signal, `shutdown/forced` is recorded in the stats and Scrapy stops at once; `scrapy crawl`
  exits with 128 + the signal number (143 for SIGTERM, 130 for Ctrl-C), never 0 (`forced_stop_status`).

Scrapy's crawl command installs its handlers when the reactor starts, before the crawler is made; they are
wrapped when this extension is made, before the spider opens. Scrapy's own first-signal stop did nothing to an
engine not yet running and stopped the reactor under it: a signal while the spider opened (the state's run
opened, the spider_opened handlers at work) left no output file, no report and no commit, and the process
exited 0. So:
- a first signal before the engine runs waits until it does, then stops it as above;
- a first signal that reached Scrapy's handler before this extension was made (while the crawler was being
  made) stops the run before it starts: `StoppedBeforeStart`, exit status 1 with one line, nothing fetched
  or written. (Before Scrapy's handlers, in Python's start-up, SIGTERM ends the process as it does any.)
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
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler, CrawlerProcessBase
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import CallLaterResult, call_later, is_asyncio_available

from scrapers.integrity import START_ERROR

logger = logging.getLogger(__name__)

stop_downloads = object()
"""Signal sent (no arguments) when a shutdown signal arrives: whatever waits on the network gives up."""

FORCED = "shutdown/forced"
"""Stats key: the name of the signal that forced the stop (a second SIGTERM or Ctrl-C)."""
SIGNALS = (signal.SIGTERM, signal.SIGINT)

T = TypeVar("T")


class StoppedAtShutdown(IgnoreRequest):
    """A download or wait cancelled because the run is shutting down."""


class StoppedBeforeStart(Exception):
    """A shutdown signal came before the crawl began; the run does not start."""


STOPPED_BEFORE_START = "a shutdown signal (SIGTERM or Ctrl-C) came before the crawl began: nothing fetched or written"


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
        self.postponed: CallLaterResult | None = None
        """The next look at whether the engine runs yet, after a first signal that came while it opened."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GracefulShutdown:
        assert crawler.stats is not None
        extension = cls(crawler, crawler.stats, crawler.settings.getfloat("CLOSESPIDER_TIMEOUT"))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        if extension.signal_came_first():
            logger.error("Not starting: %s", STOPPED_BEFORE_START)
            crawler.stats.set_value(START_ERROR, STOPPED_BEFORE_START)
            raise StoppedBeforeStart(STOPPED_BEFORE_START)
        extension.wrap_handlers()  # Scrapy's crawl command installed its handlers when the reactor started
        return extension

    @staticmethod
    def signal_came_first() -> bool:
        """Whether a shutdown signal reached Scrapy's handler before this extension could wrap it: Scrapy has
        then begun stopping the reactor under a crawl that has not opened its spider."""
        return any(getattr(signal.getsignal(signum), "__func__", None) is CrawlerProcessBase._signal_kill
                   for signum in SIGNALS)

    def engine_started(self) -> None:
        call_later(0, self.wrap_handlers)  # for a process that installs its handlers when the engine starts
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
            from twisted.internet import reactor

            if self.stopping:
                self.stats.set_value(FORCED, signal.Signals(signum).name)
                if self.postponed is not None:  # the engine never ran: nothing to stop gracefully
                    self.postponed.cancel()
                    self.postponed = None
                scrapy_handler(signum, frame)
                return
            self.stopping = True
            reactor.callFromThread(self.stop_when_running, scrapy_handler, signum)

        return handle

    def stop_when_running(self, scrapy_handler: Any, signum: int) -> None:
        """Begin Scrapy's graceful stop once the engine runs (at once if it does), and cancel the downloads."""
        if self.stats.get_value(FORCED):  # a second signal came first
            return
        engine = self.crawler._engine  # None until the crawl starts (Scrapy's own way to read it early)
        if engine is None or not engine.running:
            self.postponed = call_later(0.05, self.stop_when_running, scrapy_handler, signum)
            return
        self.postponed = None
        scrapy_handler(signum, None)  # begins the graceful stop and installs Scrapy's second-signal handler
        self.wrap_handlers()
        self.stop_downloads()

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


class StoppingScheduler(Scheduler):
    """Scrapy's scheduler, which counts the requests it still holds in memory when the spider closes (a shutdown
    signal, a time bound) as stopped (`fetch/stopped`): Scrapy drops them, and a run stopped by SIGTERM said
    nothing of a third of its article links, queued and never asked for, though every request ends as `ok`,
    `failed` or `stopped` (loss review). With `JOBDIR` they wait on disk for the run that resumes it."""

    def close(self, reason: str) -> Any:
        if self.dqs is None and (left := len(self.mqs)) and self.stats is not None:
            self.stats.inc_value("fetch/stopped", left)
            logger.info("%d requests still queued when the spider closed (%s): not fetched", left, reason)
        return super().close(reason)


def forced_stop_status(run: str, stats: StatsCollector | None) -> int | None:
    """The exit status of a run a second signal forced to stop, 128 + the signal number as a shell reports a
    process a signal ended, with one line on stderr; None when the run was not forced to stop."""
    name = stats.get_value(FORCED) if stats is not None else None
    if not name:
        return None
    print(f"newsharvest: {run}: forced to stop by a second {name}: the output is left as .part, "
          "with no report and no state update", file=sys.stderr)
    return 128 + signal.Signals[name].value
