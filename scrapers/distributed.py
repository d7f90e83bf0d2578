"""Distributed crawling: many `scrapy crawl` workers, on one machine or many, share one frontier in Redis.

`-s REDIS_URL=redis://host:6379/0` switches it on (the `RedisFrontier` add-on in `ADDONS`); without it the
crawl is Scrapy's own, in one process. With it:

- the scheduler queue and the dupefilter are scrapy-redis' (a priority queue and a set of request
  fingerprints), under `newsharvest:<name>:frontier:` (`<name>` is the spider's, the site for `news`),
  so each site has its own frontier and every URL is fetched once across the workers;
- a worker takes a request by moving it, in one script, from the queue to its own `taken:<worker>` set, and
  gives the set up only once its output file is in place. A worker that is killed (SIGKILL, a lost machine)
  stops renewing its lease (`REDIS_LEASE` seconds); the next worker to look puts its taken requests back
  in the queue and takes it out of the run, so they are fetched again and its half-written `.part` output is
  never part of the run. A member whose lease is gone never holds a run open, and a worker that takes a request
  or looks at the queue is listed again, so one taken out while alive (it stalled longer than its lease: a GC
  pause, SIGSTOP, a paused VM) is taken out again if it then dies. Limit: a worker taken out while alive does
  not know it, so when it resumes it still writes the articles of the requests it had taken, which the others
  fetch again: those are written twice, once in its output; `REDIS_LEASE` must outlast the longest stall;
- a run starts with the first worker and ends when the queue is empty and every living worker is idle:
  each worker then stops. A worker started while a run is going joins it; one started after it ended
  starts the next run;
- a run's figures are the sum of its workers': when a worker stops it adds its stats to the run's totals,
  and the last one to stop takes the totals as its own before the checks run, so the checks
  (`RunChecks`), the report it writes and the report the state keeps as history cover the whole run. The
  other workers write the report of their share and run no checks;
- the incremental state (`STATE_URI=redis://...`, `scrapers.redis_state`) is held by all the workers of the
  run together.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from scrapers.extensions import COVERED_FIELDS, CrawlSummary
from scrapers.monitors import HarvestChecks

logger = logging.getLogger(__name__)

SCOPE = "distributed/scope"
"""Stats key: `run` on the worker whose figures are the whole run's, `worker` on the others."""
EMPTY_POLLS = "distributed/empty_polls"
"""Stats key: how often the worker, with nothing in flight, found the run's queue empty while the run went on."""
IDLE_SECONDS = "distributed/idle_seconds"
"""Stats key: seconds the worker spent with nothing in flight and nothing taken while the run went on."""

IDLE_POLL_FIRST = 0.05
"""Seconds after which a worker that found the run's queue empty looks again; doubled at each empty look up to
`IDLE_POLL_MAX`, back to this once it takes a request. Without it Scrapy looks again only on its engine's
5-second heartbeat: breadth first the run's queue holds about one listing's articles (~50 requests against
32 download slots per worker), so it is often empty for a moment, and in a crawlbench run of 5,000 articles
three workers sat idle 29, 76 and 48 s of 104 (8 to 18 empty looks each), one worker fetching 1,006 pages
against 2,211. A look is three Redis calls."""
IDLE_POLL_MAX = 0.5
"""Longest wait between two looks of an idle worker: what a worker adds at most to the wait for the next
listing page, and at most 2 looks a second per idle worker to Redis however long another one is busy."""


def frontier_name(spider: Spider) -> str:
    """The run's name: the spider's, which the `news` spider sets to its site; one frontier per site."""
    return str(spider.name)


WORKER_BACKLOG_BYTES = 1_000_000
"""`SCRAPER_SLOT_MAX_ACTIVE_SIZE` of a worker: it takes no more requests from the run's queue while this many
bytes of responses wait to be parsed (about 4 article pages of 230 KB, the mean of tests/data; Scrapy's 5 MB
holds 20). Downloads in flight do not count, so a slow site keeps every download slot busy. On a fast site a
worker would otherwise hoard 20 pages that the other workers could parse, and the next listing page, taken
among them, waits behind them before its links reach the queue: breadth first the listing pages are a chain,
one page's parse per ~50 articles, and that wait set the pace of the whole run."""


class RedisFrontier:
    """Add-on: with `REDIS_URL` set, the Redis scheduler, the run's totals and the run's checks; else nothing."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "scrapers.distributed.FrontierScheduler", "addon")
        settings.set("SCRAPER_SLOT_MAX_ACTIVE_SIZE", WORKER_BACKLOG_BYTES, "addon")
        # the project's settings list the checks; the run's replace them at the same priority
        settings.set("SPIDERMON_SPIDER_CLOSE_MONITORS", ("scrapers.distributed.RunChecks",),
                     max(settings.getpriority("SPIDERMON_SPIDER_CLOSE_MONITORS") or 0, SETTINGS_PRIORITIES["addon"]))
        # between the coverage (CrawlSummary, 510) and the checks (Spidermon, 520)
        settings.set_in_component_priority_dict("EXTENSIONS", RunTotals, 515)


# -------------------------------------------------------------------- Redis scripts

# KEYS: members, lease, workers, round, round counter, totals. ARGV: worker, lease ms.
JOIN = """
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], 'active')
redis.call('SADD', KEYS[3], ARGV[1])
local round = redis.call('GET', KEYS[4])
if not round then
  round = redis.call('INCR', KEYS[5])
  redis.call('SET', KEYS[4], round)
  local now = redis.call('TIME')
  redis.call('HSETNX', KEYS[6] .. round, 'started_at', now[1] .. '.' .. string.format('%06d', tonumber(now[2])))
end
return round
"""

# KEYS: queue, taken, members, workers. ARGV: worker. The first request of the queue, moved to the worker's taken
# set. The worker is listed among the workers again: one whose lease ran out while it was alive was taken off the
# list, and a member or a taken set of an unlisted worker would never be reclaimed if it died.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('ZADD', KEYS[2], first[2], first[1])
redis.call('HSET', KEYS[3], ARGV[1], 'active')
redis.call('SADD', KEYS[4], ARGV[1])
return first[1]
"""

# KEYS: queue, members, workers. ARGV: worker, prefix. Marks the worker idle (and listed, as POP does), gives the
# requests of the other workers whose lease ran out back to the queue and takes them out of the run, and says what to
# do: 'work' (queue not empty), 'wait' (someone is busy), 'done'. A member whose lease is gone is out of the run
# whether listed or not (one whose leaving failed has released its lease and its listing), so no leftover entry
# holds a run open; the caller is alive whatever its lease says.
IDLE = """
redis.call('HSET', KEYS[2], ARGV[1], 'idle')
redis.call('SADD', KEYS[3], ARGV[1])
local reclaimed = 0
local looked = {[ARGV[1]] = true}
local workers = redis.call('SMEMBERS', KEYS[3])
for _, member in ipairs(redis.call('HKEYS', KEYS[2])) do table.insert(workers, member) end
for _, worker in ipairs(workers) do
  if not looked[worker] and redis.call('EXISTS', ARGV[2] .. 'lease:' .. worker) == 0 then
    local taken = ARGV[2] .. 'taken:' .. worker
    reclaimed = reclaimed + redis.call('ZCARD', taken)
    redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], taken, 'AGGREGATE', 'MIN')
    redis.call('DEL', taken)
    redis.call('SREM', KEYS[3], worker)
    redis.call('HDEL', KEYS[2], worker)
  end
  looked[worker] = true
end
if redis.call('ZCARD', KEYS[1]) > 0 then return {'work', reclaimed} end
for _, state in ipairs(redis.call('HVALS', KEYS[2])) do
  if state == 'active' then return {'wait', reclaimed} end
end
return {'done', reclaimed}
"""

# KEYS: members, totals, round, seen. ARGV: worker, then stat name and value pairs. Adds the worker's figures to
# the run's and leaves it; the last to leave gets the totals and ends the run (the next worker starts a new one).
LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[2], 'distributed/workers', 1)
if redis.call('HLEN', KEYS[1]) > 0 then return false end
local totals = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return totals
"""

# KEYS: taken, workers, lease. ARGV: worker. The worker's output is in place: what it took is done.
RELEASE = """
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
"""


class ReliableQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis' priority queue, but a request taken stays in the worker's `taken` set (see the module
    docstring); `taken_key`, `members_key`, `workers_key` and `worker` are set by `FrontierScheduler.open`."""

    taken_key = ""
    members_key = ""
    workers_key = ""
    worker = ""

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.server.eval(POP, 4, self.key, self.taken_key, self.members_key, self.workers_key, self.worker)
        return self._decode_request(data) if data else None


class FrontierScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler on a per-site frontier, with workers that join and leave a run."""

    crawler: Crawler
    worker: str
    lease_ms: int
    prefix: str
    idle_since: float | None
    """When the worker last found nothing to do (monotonic clock); None while it has work."""
    poll_delay: float
    """Seconds until an idle worker looks at the run's queue again (`IDLE_POLL_FIRST`)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        server.ping()
        assert crawler.spider is not None
        prefix = f"newsharvest:{frontier_name(crawler.spider)}:frontier:"
        scheduler = cls(server, persist=True, queue_key=f"{prefix}queue", queue_cls=f"{__name__}.ReliableQueue",
                        dupefilter=RFPDupeFilter(server, key=f"{prefix}seen",
                                                 debug=settings.getbool("DUPEFILTER_DEBUG")))
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.prefix = prefix
        scheduler.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        scheduler.lease_ms = int(settings.getfloat("REDIS_LEASE") * 1000)
        scheduler.idle_since = None
        scheduler.poll_delay = IDLE_POLL_FIRST
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler.engine_stopped, signal=signals.engine_stopped)
        return scheduler

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.queue.taken_key = self.key(f"taken:{self.worker}")
        self.queue.members_key = self.key("members")
        self.queue.workers_key = self.key("workers")
        self.queue.worker = self.worker
        self.round = int(self.server.eval(
            JOIN, 6, self.key("members"), self.key(f"lease:{self.worker}"), self.key("workers"),
            self.key("round"), self.key("rounds"), self.key("totals:"), self.worker, self.lease_ms))
        self.stopped = threading.Event()
        self.renewer = threading.Thread(target=self.renew, name="frontier-lease", daemon=True)
        self.renewer.start()
        assert self.stats is not None
        self.stats.set_value("distributed/worker", self.worker)
        self.stats.set_value("distributed/run", self.round)
        logger.info("Worker %s joined run %s of %s (%d requests queued)", self.worker, self.round,
                    self.prefix.removesuffix(":"), len(self.queue))

    def renew(self) -> None:
        """Keep the lease while the worker lives (a thread: the crawl's own loop may be busy for seconds)."""
        while not self.stopped.wait(self.lease_ms / 3000):
            try:
                self.server.set(self.key(f"lease:{self.worker}"), "1", px=self.lease_ms)
            except redis.RedisError:
                continue  # the next round tries again; the lease outlasts two misses

    def close(self, reason: str) -> None:
        """Keep the frontier: the run ends when its last worker leaves (`leave`)."""

    def next_request(self) -> Request | None:
        request: Request | None = super().next_request()
        if request is not None and self.idle_since is not None:
            assert self.stats is not None
            self.stats.inc_value(IDLE_SECONDS, time.monotonic() - self.idle_since, start=0.0)
            self.idle_since = None
            self.poll_delay = IDLE_POLL_FIRST
        return request

    def spider_idle(self, spider: Spider) -> None:
        """Stop only when the run is over: nothing queued and no living worker busy. Until then look at the
        queue again soon (`IDLE_POLL_FIRST`): what the other workers queue is this worker's work too."""
        verdict, reclaimed = self.server.eval(IDLE, 3, self.key("queue"), self.key("members"), self.key("workers"),
                                              self.worker, self.prefix)
        assert self.stats is not None
        if int(reclaimed):
            logger.warning("%d requests of workers that stopped answering are back in the queue", int(reclaimed))
            self.stats.inc_value("distributed/reclaimed", int(reclaimed))
        if verdict == b"done":
            return
        self.stats.inc_value(EMPTY_POLLS)
        if self.idle_since is None:
            self.idle_since = time.monotonic()
        engine = self.crawler.engine
        if engine is not None and engine._slot is not None:
            # queued meanwhile by another worker ('work'): at once; else after the current delay
            engine._slot.nextcall.schedule(0 if verdict == b"work" else self.poll_delay)
        if verdict != b"work":
            self.poll_delay = min(2 * self.poll_delay, IDLE_POLL_MAX)
        raise DontCloseSpider(f"the run goes on ({verdict.decode()})")

    def leave(self, figures: dict[str, int]) -> dict[str, str] | None:
        """Add this worker's figures to the run's and leave it; the run's totals when this worker is the last."""
        pairs = [part for name, value in figures.items() for part in (name, int(value))]
        totals = self.server.eval(LEAVE, 4, self.key("members"), self.key(f"totals:{self.round}"), self.key("round"),
                                  self.key("seen"), self.worker, *pairs)
        if not totals:
            return None
        return {name.decode(): value.decode() for name, value in zip(totals[::2], totals[1::2], strict=True)}

    def engine_stopped(self) -> None:
        """The output files are in place (the feed storage renamed them when the spider closed): what this worker
        took is done."""
        self.stopped.set()
        self.renewer.join()
        self.server.eval(RELEASE, 3, self.key(f"taken:{self.worker}"), self.key("workers"),
                         self.key(f"lease:{self.worker}"), self.worker)


# -------------------------------------------------------------------- the run's figures

NOT_SUMMED = ("harvest/run_id", "distributed/", "memusage/", "coverage/", "elapsed_time_seconds", "errors/")
"""Stats that are not the run's sum: ids, maxima, shares, and each worker's own errors (`scrapers.integrity`),
which decide whether that worker's share is committed and fail that worker's exit status."""
FILLED = "summary/filled/"


class RunTotals:
    """Extension (with `REDIS_URL`): when the spider closes, adds this worker's stats to the run's; on the last
    worker of the run, the stats, the coverage and the report become the whole run's (see the module
    docstring). The other workers' reports stay out of the state's history."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.last = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunTotals:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Spider) -> None:
        assert self.crawler.stats is not None and self.crawler.engine is not None
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None
        if not isinstance(scheduler, FrontierScheduler):
            return
        stats = self.crawler.stats
        summary = self.crawler.get_extension(CrawlSummary)
        figures = {name: value for name, value in stats.get_stats().items()
                   if isinstance(value, int) and not isinstance(value, bool) and not name.startswith(NOT_SUMMED)}
        if summary is not None:
            figures.update({f"{FILLED}{name}": count for name, count in summary.filled.items()})
            figures["articles/extracted"] = summary.extracted
        logger.info("Worker %s leaves run %s: %d pages fetched, %d records written; idle %.1f s, %d empty polls",
                    scheduler.worker, scheduler.round, figures.get("response_received_count", 0),
                    figures.get("item_scraped_count", 0), stats.get_value(IDLE_SECONDS, 0.0),
                    stats.get_value(EMPTY_POLLS, 0))
        totals = scheduler.leave(figures)
        self.last = totals is not None
        stats.set_value(SCOPE, "run" if self.last else "worker")
        if totals is None:
            return
        for name, value in totals.items():
            if not name.startswith(FILLED) and name != "started_at":
                stats.set_value(name, int(value))
        if "started_at" in totals:
            started = datetime.fromtimestamp(float(totals["started_at"]), UTC)
            stats.set_value("start_time", started)
            stats.set_value("elapsed_time_seconds", (datetime.now(UTC) - started).total_seconds())
        if summary is not None:
            summary.filled = Counter({name.removeprefix(FILLED): int(value) for name, value in totals.items()
                                      if name.startswith(FILLED)})
            summary.extracted = int(totals.get("articles/extracted", 0))
            for name in COVERED_FIELDS:
                stats.set_value(f"coverage/{name}", summary.coverage(name))
        logger.info("Last worker of run %s: the stats are the run's (%s workers)", scheduler.round,
                    totals.get("distributed/workers", 0))

    def engine_stopped(self) -> None:
        """A worker's own report is not the run's: it stays out of the state's history."""
        if not self.last and self.crawler.stats is not None:
            self.crawler.stats.set_value("harvest/report", None)


class RunChecks(HarvestChecks):
    """The checks of `scrapers.monitors`, run once a run, by its last worker on the run's figures."""

    def init_data(self, data: Any) -> None:
        self.run_data = data
        super().init_data(data)

    def run(self, result: Any, debug: bool = False) -> Any:
        if self.run_data.stats.get(SCOPE) == "worker":
            return result
        return super().run(result, debug)
