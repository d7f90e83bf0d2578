"""Distributed crawling: many `scrapy crawl` workers, on one machine or many, share one frontier in Redis.

`-s REDIS_URL=redis://host:6379/0` switches it on (the `RedisFrontier` add-on in `ADDONS`); without it the
crawl is Scrapy's own, in one process. With it:

- the scheduler queue and the dupefilter are scrapy-redis' (a priority queue and a set of request
  fingerprints), under `newsharvest:<name>:frontier:` (`<name>` is the spider's, the site for `news`),
  so each site has its own frontier and every URL is fetched once across the workers;
- a worker takes a request by moving it, in one script, from the queue to its own `taken:<worker>` set, and
  gives the set up only once its output file is in place and committed. A worker that is killed (SIGKILL, a lost
  machine) stops renewing its lease (`REDIS_LEASE` seconds); the next worker to look puts its taken requests back
  in the queue and takes it out of the run, so they are fetched again and its half-written `.part` output is
  never part of the run. A member whose lease is gone never holds a run open;
- fencing: a worker holds what it took while it is listed in `workers`, which only joining adds it to and only
  being taken out or giving the set up removes it from. Every script the worker runs for itself (lease renewal,
  pop, idle look, leaving, sealing, giving up) checks that first, in the same script. So a worker taken out while
  alive (it stalled longer than its lease: a GC pause, SIGSTOP, a paused VM) finds out at its next call: its
  lease does not come back, it takes nothing more and stops (`taken_out`), adds nothing to the run's figures,
  removes its `.part` instead of renaming it (`FrontierFeedStorage`), and its state is not committed (an
  `output` error: exit status 2); the others fetch again what it had taken. A worker whose lease ran out while
  no one looked gets it back;
- the output goes in place in two steps. Before renaming its `.part`, the worker seals itself (`SEAL`: it
  moves from `workers` to `sealed`, with its host and output paths); from then on a lapsed lease no longer
  gives its requests back blindly, since its output may be in place already. A worker of the same host that
  finds it lapsed settles it: it removes the `.part` file, and of that removal and the stalled worker's rename
  exactly one succeeds; the requests go back to the queue if the removal did, else they are done. The
  worker, if it resumes, settles itself the same way (`RELEASE`). Limit: a sealed worker whose lease ran out is
  settled only by a worker of its host (its files are there); until one looks, its requests wait, and those of
  one lost with its machine in the instant between sealing and renaming are fetched by the next run on that
  host only. With several output files per worker, one removed and another in place counts as removed;
- a run starts with the first worker and ends when the queue is empty and every living worker is idle:
  each worker then stops. A worker started while a run is going joins it; one started after it ended
  starts the next run, but only once no living worker of the last one still holds what it took (`JOIN`): a
  worker between the run's end and its commit would otherwise leave the next run a state without the
  articles it just wrote, which that run would fetch and write again. It waits at most `CLOSING_WAIT`, saying
  which workers it waits for, and does not start after that. A worker whose `-a` arguments are not the run's
  (`run_arguments`: the first worker's) does not join it;
- a run's figures are the sum of its workers': when a worker stops it adds its stats to the run's totals,
  and the last one to stop takes the totals as its own before the checks run, so the checks
  (`RunChecks`), the report it writes and the report the state keeps as history cover the whole run. The
  other workers write the report of their share and run no checks;
- the incremental state (`STATE_URI=redis://...`, `scrapers.redis_state`) is held by all the workers of the
  run together.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from scrapers.arguments import one_line
from scrapers.extensions import COVERED_FIELDS, CrawlSummary
from scrapers.integrity import note_error
from scrapers.monitors import HarvestChecks
from scrapers.outputfiles import AtomicFileFeedStorage
from scrapers.statestore import PART_SUFFIX

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
REDIS_RETRY = 1.0
"""Seconds until a worker whose Redis did not answer asks it again."""
IDLE_POLL_MAX = 0.5
"""Longest wait between two looks of an idle worker: what a worker adds at most to the wait for the next
listing page, and at most 2 looks a second per idle worker to Redis however long another one is busy."""


def run_arguments(spider: Spider | None) -> str:
    """The spider's `-a` arguments (`arguments`, kept by the project's spiders) as the run records them: the first
    worker's are the run's, and a worker given others does not join it (`JOIN`). Workers of one run with other
    sections, sources or `since` would each cut the shared frontier by their own rule, and the run's output be
    neither's (distributed review)."""
    return json.dumps(getattr(spider, "arguments", {}), sort_keys=True, ensure_ascii=False)


def shown(arguments: str) -> str:
    """Arguments recorded by `run_arguments`, as the command line gives them."""
    given = json.loads(arguments)
    return " ".join(f"-a {name}={value}" for name, value in given.items()) or "no -a arguments"


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


FRONTIER_STORAGE = f"{__name__}.FrontierFeedStorage"
"""The local output files of a worker (`FEED_STORAGES` for `file:` and plain paths)."""


class RedisFrontier:
    """Add-on: with `REDIS_URL` set, the Redis scheduler, the run's totals and the run's checks; else nothing."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        # (over the project's own scheduler, `scrapers.shutdown.StoppingScheduler`)
        settings.set("SCHEDULER", "scrapers.distributed.FrontierScheduler",
                     max(settings.getpriority("SCHEDULER") or 0, SETTINGS_PRIORITIES["addon"]))
        # over the project's room for a whole sitemap (a worker that reads one leaves the queue to the others),
        # under a setting of the command line
        if (priority := settings.getpriority("SCRAPER_SLOT_MAX_ACTIVE_SIZE") or 0) < SETTINGS_PRIORITIES["cmdline"]:
            settings.set("SCRAPER_SLOT_MAX_ACTIVE_SIZE", WORKER_BACKLOG_BYTES,
                         max(priority, SETTINGS_PRIORITIES["addon"]))
        # the project's settings list the checks; the run's replace them at the same priority
        settings.set("SPIDERMON_SPIDER_CLOSE_MONITORS", ("scrapers.distributed.RunChecks",),
                     max(settings.getpriority("SPIDERMON_SPIDER_CLOSE_MONITORS") or 0, SETTINGS_PRIORITIES["addon"]))
        # between the coverage (CrawlSummary, 510) and the checks (Spidermon, 520)
        settings.set_in_component_priority_dict("EXTENSIONS", RunTotals, 515)
        storages = {**settings.getdict("FEED_STORAGES"), "": FRONTIER_STORAGE, "file": FRONTIER_STORAGE}
        settings.set("FEED_STORAGES", storages,
                     max(settings.getpriority("FEED_STORAGES") or 0, SETTINGS_PRIORITIES["addon"]))


# -------------------------------------------------------------------- Redis scripts
#
# A worker holds what it took while it is in `workers` (crawling) or in `sealed` (putting its output in place);
# every script a worker runs for itself checks that first: the fence that tells a worker taken out that it is.

# KEYS: members, lease, workers, round, round counter, totals, sealed. ARGV: worker, lease ms, prefix, arguments,
# seconds the arguments are kept. Joins the run going on, or starts the next one once no worker of the last one still
# holds what it took: {'joined', round}, {'closing', workers} while some of them, alive (their lease runs), have not
# put their output in place and committed it, or {'differs', the run's arguments} for a worker whose arguments are
# not the run's while a worker of the run lives (it does not join); a run none of whose workers lives (killed) takes
# the arguments of the worker that joins it, which then fetches what is left of it.
JOIN = """
local round = redis.call('GET', KEYS[4])
if round then
  local given = redis.call('GET', ARGV[3] .. 'arguments:' .. round)
  if given and given ~= ARGV[4] then
    local holders = redis.call('HKEYS', KEYS[1])
    for _, worker in ipairs(redis.call('HKEYS', KEYS[7])) do table.insert(holders, worker) end
    for _, worker in ipairs(holders) do
      if redis.call('EXISTS', ARGV[3] .. 'lease:' .. worker) == 1 then return {'differs', given} end
    end
  end
else
  local holders = redis.call('SMEMBERS', KEYS[3])
  for _, worker in ipairs(redis.call('HKEYS', KEYS[7])) do table.insert(holders, worker) end
  local closing = {}
  for _, worker in ipairs(holders) do
    if redis.call('EXISTS', ARGV[3] .. 'lease:' .. worker) == 1 then table.insert(closing, worker) end
  end
  if #closing > 0 then return {'closing', closing} end
  round = redis.call('INCR', KEYS[5])
  redis.call('SET', KEYS[4], round)
  local now = redis.call('TIME')
  redis.call('HSETNX', KEYS[6] .. round, 'started_at', now[1] .. '.' .. string.format('%06d', tonumber(now[2])))
end
redis.call('SET', ARGV[3] .. 'arguments:' .. round, ARGV[4], 'EX', ARGV[5])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], 'active')
redis.call('SADD', KEYS[3], ARGV[1])
return {'joined', round}
"""

# KEYS: workers, sealed, lease. ARGV: worker, lease ms. 1 when the lease runs on, 0 when the worker was taken out.
# A crawling worker whose lease ran out and whom no one took out yet gets it back; a sealed one does not (another
# worker of its host may be settling its output already).
RENEW = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
  return 1
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
return 0
"""

# KEYS: queue, taken, members, workers. ARGV: worker. The first request of the queue, moved to the worker's taken
# set; false when the queue is empty, 0 when the worker was taken out (it takes nothing more).
POP = """
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then return 0 end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('ZADD', KEYS[2], first[2], first[1])
redis.call('HSET', KEYS[3], ARGV[1], 'active')
return first[1]
"""

# KEYS: queue, taken, workers. ARGV: worker, score, request. A request the worker took and did not fetch (its shutdown
# cancelled it) back in the queue and out of its taken set: 1, or 0 when it no longer holds what it took (taken out,
# the others gave it all back already; given back twice, it was fetched twice: review).
GIVE_BACK = """
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then return 0 end
if redis.call('ZREM', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# KEYS: queue, members, workers, sealed. ARGV: worker, prefix. Marks the worker idle, gives the requests of the
# other crawling workers whose lease ran out back to the queue and takes them out of the run, and says what to do:
# {verdict, requests given back, sealed}, the verdict 'work' (queue not empty), 'wait' (someone is busy), 'done', or
# 'out' (the caller was taken out). A member whose lease is gone is out of the run whether listed or not (one whose
# leaving failed has released its lease and its listing), so no leftover entry holds a run open. A sealed worker
# whose lease ran out keeps what it took: whether its output went in place only its host can tell, so `sealed` lists
# it (worker, record, ...) for the caller to settle (`SETTLE`) if it runs on that host. A worker that left the run but
# still holds what it took (its output not yet in place) holds the run open too ('wait'): killed then, what it took
# comes back to the queue once its lease runs out; the others had ended the run, and lost it (distributed review).
IDLE = """
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then return {'out', 0, {}} end
redis.call('HSET', KEYS[2], ARGV[1], 'idle')
local reclaimed = 0
local sealed = {}
local looked = {[ARGV[1]] = true}
local workers = redis.call('SMEMBERS', KEYS[3])
for _, member in ipairs(redis.call('HKEYS', KEYS[2])) do table.insert(workers, member) end
for _, member in ipairs(redis.call('HKEYS', KEYS[4])) do table.insert(workers, member) end
for _, worker in ipairs(workers) do
  if not looked[worker] and redis.call('EXISTS', ARGV[2] .. 'lease:' .. worker) == 0 then
    redis.call('HDEL', KEYS[2], worker)
    local record = redis.call('HGET', KEYS[4], worker)
    if record then
      table.insert(sealed, worker)
      table.insert(sealed, record)
    else
      local taken = ARGV[2] .. 'taken:' .. worker
      reclaimed = reclaimed + redis.call('ZCARD', taken)
      redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], taken, 'AGGREGATE', 'MIN')
      redis.call('DEL', taken)
      redis.call('SREM', KEYS[3], worker)
    end
  end
  looked[worker] = true
end
if redis.call('ZCARD', KEYS[1]) > 0 then return {'work', reclaimed, sealed} end
for _, state in ipairs(redis.call('HVALS', KEYS[2])) do
  if state == 'active' then return {'wait', reclaimed, sealed} end
end
local holding = redis.call('SMEMBERS', KEYS[3])
for _, worker in ipairs(redis.call('HKEYS', KEYS[4])) do table.insert(holding, worker) end
for _, worker in ipairs(holding) do
  if worker ~= ARGV[1] and redis.call('HEXISTS', KEYS[2], worker) == 0
      and redis.call('EXISTS', ARGV[2] .. 'lease:' .. worker) == 1 then
    return {'wait', reclaimed, sealed}
  end
end
return {'done', reclaimed, sealed}
"""

# KEYS: workers, sealed, lease. ARGV: worker, lease ms, record (JSON: host, outputs). Before an output file of the
# worker is renamed into place: 1 when the worker still holds what it took, now sealed with the record; 0 when it
# was taken out, or its lease ran out since it sealed a first output (its host may be settling it).
SEAL = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('SREM', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
elseif redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""

# KEYS: members, totals, round, seen, workers, sealed. ARGV: worker, then stat name and value pairs. Adds the worker's
# figures to the run's and leaves it: {'left'}, or {'last', totals} for the last to leave, which ends the run (the
# next worker starts a new one once the leavers have committed, `JOIN`); {'out'}, adding nothing, for a worker taken
# out of the run.
LEAVE = """
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 0 and redis.call('HEXISTS', KEYS[6], ARGV[1]) == 0 then
  return {'out'}
end
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[2], 'distributed/workers', 1)
if redis.call('HLEN', KEYS[1]) > 0 then return {'left'} end
local totals = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return {'last', totals}
"""

# KEYS: taken, workers, lease, sealed, queue. ARGV: worker, '1' when its sealed outputs are all in place. The worker's
# output is committed: what it took is done (the number of requests given back), or -1 when it no longer held it.
# Sealed with its lease run out, it is settled as `SETTLE` would: given back unless its output went in place.
RELEASE = """
local sealed = redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1
if not sealed and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return -1 end
local given = 0
if sealed and ARGV[2] == '0' and redis.call('EXISTS', KEYS[3]) == 0 then
  given = redis.call('ZCARD', KEYS[1])
  redis.call('ZUNIONSTORE', KEYS[5], 2, KEYS[5], KEYS[1], 'AGGREGATE', 'MIN')
end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return given
"""

# KEYS: taken, sealed, lease, queue. ARGV: worker, '1' when its outputs are in place. Settles a sealed worker whose
# lease ran out, after a worker of its host made sure its `.part` files can no longer be renamed into place: what it
# took is done, or given back to the queue (their number); -1 when it was settled already.
SETTLE = """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local given = 0
if ARGV[2] == '0' then
  given = redis.call('ZCARD', KEYS[1])
  redis.call('ZUNIONSTORE', KEYS[4], 2, KEYS[4], KEYS[1], 'AGGREGATE', 'MIN')
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return given
"""

CLOSING_WAIT = 120.0
"""Longest a worker waits, at its start, for the workers of the last run to commit (`JOIN`): a worker commits its
share (its output renamed, its staged state moved, a few Redis calls) in about a second on a loaded machine, and a
dead one is no longer waited for once its lease runs out (`REDIS_LEASE`). One still holding its lease after this
is stuck: the worker does not start (exit status 1) and names it."""
CLOSING_POLL = 0.2
"""Seconds between two looks of a worker waiting for the last run to close."""

COMMIT_GATE = "REDIS_COMMIT_GATE"
"""Setting, a test seam: a file path; a worker that has left its run waits until the file exists before it commits
its output to the state and gives up what it took, so that a test can start a worker in that moment
(tests/test_distributed.py). Empty (the default): no wait."""
COMMIT_GATE_WAIT = 600.0
"""Longest a worker waits at `REDIS_COMMIT_GATE`: a guard against a test that never opens it."""


class TakenOut(Exception):
    """This worker was taken out of its run (it stopped answering for longer than `REDIS_LEASE`): what it had
    taken is fetched again by the others, so its output is not put in place."""


class OtherArguments(Exception):
    """A worker started with other spider arguments than the run it would join: it does not join."""


class RunStillClosing(Exception):
    """The workers of the last run did not commit within `CLOSING_WAIT`: the next run does not start."""


class ReliableQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis' priority queue, but a request taken stays in the worker's `taken` set (see the module
    docstring); `taken_key`, `members_key`, `workers_key` and `worker` are set by `FrontierScheduler.open`.
    `out` becomes true when a pop finds the worker taken out of the run."""

    taken_key = ""
    members_key = ""
    workers_key = ""
    worker = ""
    out = False

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.server.eval(POP, 4, self.key, self.taken_key, self.members_key, self.workers_key, self.worker)
        if data == 0:
            self.out = True
            return None
        if not data:
            return None
        request: Request = self._decode_request(data)
        request.meta[TAKEN_AS] = data  # (what `give_back` puts back in the queue)
        return request

    def give_back(self, request: Request) -> bool:
        """Put `request`, taken from this queue and not fetched, back in the queue as it was taken, and out of the
        worker's `taken` set (`GIVE_BACK`); False for one not taken from it, or when the worker was taken out of
        the run (the others gave back all it took already)."""
        if not isinstance(data := request.meta.get(TAKEN_AS), bytes):
            return False
        return bool(self.server.eval(GIVE_BACK, 3, self.key, self.taken_key, self.workers_key, self.worker,
                                     -request.priority, data))


TAKEN_AS = "newsharvest_taken_as"
"""Request meta key: the queue's entry a request was taken as (its encoding when it was queued)."""


RUN_COUNT_SECONDS = 86_400
"""How long a run's count of article requests stays in Redis after its last request."""


class FrontierScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler on a per-site frontier, with workers that join and leave a run."""

    crawler: Crawler
    worker: str
    host: str
    lease_ms: int
    prefix: str
    round: int | None
    """The run this worker joined; None until it has."""
    idle_since: float | None
    """When the worker last found nothing to do (monotonic clock); None while it has work."""
    poll_delay: float
    """Seconds until an idle worker looks at the run's queue again (`IDLE_POLL_FIRST`)."""
    sealed: dict[str, bool]
    """This worker's output files (resolved paths) sealed for the run, each with whether it is in place."""
    out: bool
    """Whether this worker found out it was taken out of the run."""
    unreachable_since: float | None
    """Since when (monotonic clock) the run's Redis has not answered; None while it answers."""

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
        scheduler.host = socket.gethostname()
        scheduler.worker = f"{scheduler.host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        scheduler.lease_ms = int(settings.getfloat("REDIS_LEASE") * 1000)
        scheduler.round = None
        scheduler.idle_since = None
        scheduler.poll_delay = IDLE_POLL_FIRST
        scheduler.sealed = {}
        scheduler.out = False
        scheduler.unreachable_since = None
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler.engine_stopped, signal=signals.engine_stopped)
        return scheduler

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def article_requested(self) -> int:
        """Count one more article URL requested in the run, by any of its workers; the count with it
        (`MAX_ARTICLES_PER_RUN` bounds the run, not each worker). The count is forgotten a day after its last
        request."""
        key = self.key(f"articles:{self.round}")
        pipe = self.server.pipeline()
        pipe.incr(key)
        pipe.expire(key, RUN_COUNT_SECONDS)
        count, _ = pipe.execute()
        return int(count)

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.queue.taken_key = self.key(f"taken:{self.worker}")
        self.queue.members_key = self.key("members")
        self.queue.workers_key = self.key("workers")
        self.queue.worker = self.worker
        self.round = self.join()
        self.stopped = threading.Event()
        self.renewer = threading.Thread(target=self.renew, name="frontier-lease", daemon=True)
        self.renewer.start()
        assert self.stats is not None
        self.stats.set_value("distributed/worker", self.worker)
        self.stats.set_value("distributed/run", self.round)
        logger.info("Worker %s joined run %s of %s (%d requests queued)", self.worker, self.round,
                    self.prefix.removesuffix(":"), len(self.queue))

    def join(self) -> int:
        """Join the run going on, or start the next one; while the workers of the last one have not committed
        their output, wait for them (at most `CLOSING_WAIT`), so that the next run reads the state they leave."""
        deadline = time.monotonic() + CLOSING_WAIT
        waited = False
        arguments = run_arguments(self.crawler.spider)
        while True:
            verdict, detail = self.server.eval(
                JOIN, 7, self.key("members"), self.key(f"lease:{self.worker}"), self.key("workers"),
                self.key("round"), self.key("rounds"), self.key("totals:"), self.key("sealed"),
                self.worker, self.lease_ms, self.prefix, arguments, RUN_COUNT_SECONDS)
            if verdict == b"joined":
                if waited:
                    logger.info("The last run of %s is closed: starting the next one", self.prefix.removesuffix(":"))
                return int(detail)
            if verdict == b"differs":
                raise OtherArguments(
                    f"the run of {self.prefix.removesuffix(':')} going on was started with {shown(detail.decode())},"
                    f" this worker with {shown(arguments)}: every worker of a run takes the same -a arguments"
                    " (start it with the run's, or once the run is over)")
            closing = ", ".join(sorted(worker.decode() for worker in detail))
            if time.monotonic() >= deadline:
                raise RunStillClosing(f"the last run of {self.prefix.removesuffix(':')} did not close within"
                                      f" {CLOSING_WAIT:g} s: workers {closing} hold their lease and have not"
                                      " committed their output")
            if not waited:
                logger.warning("The last run of %s is over but workers %s have not committed their output yet:"
                               " waiting for them (at most %g s) before starting the next run",
                               self.prefix.removesuffix(":"), closing, CLOSING_WAIT)
                waited = True
            time.sleep(CLOSING_POLL)

    def renew(self) -> None:
        """Keep the lease while the worker lives (a thread: the crawl's own loop may be busy for seconds); stop
        once the worker no longer holds what it took (`RENEW`)."""
        keys = (self.key("workers"), self.key("sealed"), self.key(f"lease:{self.worker}"))
        while not self.stopped.wait(self.lease_ms / 3000):
            try:
                if not self.server.eval(RENEW, 3, *keys, self.worker, self.lease_ms):
                    logger.warning("Worker %s lost its lease on run %s", self.worker, self.round)
                    return
            except redis.RedisError:
                continue  # the next round tries again; the lease outlasts two misses

    def taken_out(self) -> None:
        """This worker was taken out of the run while it was alive: it takes nothing more, its output is not put
        in place and its state is not committed (an `output` error of the worker: exit status 2)."""
        if self.out:
            return
        self.out = True
        message = (f"worker {self.worker} was taken out of run {self.round}: it stopped answering for longer than"
                   f" REDIS_LEASE ({self.lease_ms / 1000:g} s) and the other workers fetch again what it had taken;"
                   " its output is not kept")
        logger.error("Taken out of the run: %s", message)
        note_error(self.stats, "output", message)

    def close(self, reason: str) -> None:
        """Keep the frontier: the run ends when its last worker leaves (`leave`)."""

    def has_pending_requests(self) -> bool:
        """The run's queue, to a worker that still takes from it: one taken out stops (`spider_idle`). Without
        an answer from Redis, none: the engine then asks `spider_idle`, which stops the worker once Redis has
        not answered for `REDIS_LEASE`."""
        if self.queue.out:
            self.taken_out()
        try:
            pending = bool(super().has_pending_requests())
        except redis.RedisError as error:
            self.unreachable(error)
            return False
        return not self.out and pending

    def unreachable(self, error: redis.RedisError) -> None:
        """Redis did not answer: noted once, then the worker stops (`spider_idle`) once it has not answered for
        `REDIS_LEASE`, as the other workers then give up this one. It sat idle until its time bound (45 min),
        logging the error every 5 s."""
        if self.unreachable_since is None:
            self.unreachable_since = time.monotonic()
            logger.warning("The run's Redis does not answer (%s): the worker stops if it does not answer within %g s",
                           one_line(error), self.lease_ms / 1000)

    def answered(self) -> None:
        if self.unreachable_since is not None:
            logger.info("The run's Redis answers again")
            self.unreachable_since = None

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis' push, dropped when Redis does not answer (its error broke Scrapy's processing of the
        spider's output, and the worker hung): a `state` error of the run, which is then not committed, so the
        next run asks for what was dropped (a short outage too: the review of the change caught a run that
        committed without the requests Redis had refused)."""
        request.meta.pop(TAKEN_AS, None)  # (a retry's or a redirect's copy of the entry it came from: not its own)
        try:
            queued = bool(super().enqueue_request(request))
        except redis.RedisError as error:
            self.unreachable(error)
            # A request lost: the run fails and is not committed, even if Redis answers again at once.
            note_error(self.stats, "state", f"the run's Redis did not take the request of {request.url}:"
                                            f" {one_line(error)}")
            return False
        self.answered()
        return queued

    def next_request(self) -> Request | None:
        try:
            request: Request | None = super().next_request()
        except redis.RedisError as error:
            self.unreachable(error)
            return None
        self.answered()
        if self.queue.out:
            self.taken_out()
        if request is not None and self.idle_since is not None:
            assert self.stats is not None
            self.stats.inc_value(IDLE_SECONDS, time.monotonic() - self.idle_since, start=0.0)
            self.idle_since = None
            self.poll_delay = IDLE_POLL_FIRST
        return request

    def spider_idle(self, spider: Spider) -> None:
        """Stop only when the run is over: nothing queued and no living worker busy. Until then look at the
        queue again soon (`IDLE_POLL_FIRST`): what the other workers queue is this worker's work too."""
        assert self.stats is not None
        try:
            verdict, reclaimed, sealed = self.server.eval(
                IDLE, 4, self.key("queue"), self.key("members"), self.key("workers"), self.key("sealed"),
                self.worker, self.prefix)
        except redis.RedisError as error:
            self.unreachable(error)
            assert self.unreachable_since is not None
            lost = time.monotonic() - self.unreachable_since
            if lost >= self.lease_ms / 1000:
                message = (f"the run's Redis did not answer for {lost:.0f} s ({one_line(error)}): the worker stopped,"
                           " its run is not committed, and the next run fetches again what it wrote")
                logger.error("Redis lost: %s", message)
                note_error(self.stats, "state", message)
                raise CloseSpider("redis_lost") from None
            self.schedule(REDIS_RETRY)
            raise DontCloseSpider("Redis does not answer") from None
        self.answered()
        if verdict == b"out":
            self.taken_out()
            raise CloseSpider("taken_out")
        if int(reclaimed):
            logger.warning("%d requests of workers that stopped answering are back in the queue", int(reclaimed))
            self.stats.inc_value("distributed/reclaimed", int(reclaimed))
        if self.settle(sealed):
            verdict = b"work"
        if verdict == b"done":
            return
        self.stats.inc_value(EMPTY_POLLS)
        if self.idle_since is None:
            self.idle_since = time.monotonic()
        # queued meanwhile by another worker ('work'): at once; else after the current delay
        self.schedule(0 if verdict == b"work" else self.poll_delay)
        if verdict != b"work":
            self.poll_delay = min(2 * self.poll_delay, IDLE_POLL_MAX)
        raise DontCloseSpider(f"the run goes on ({verdict.decode()})")

    def schedule(self, delay: float) -> None:
        """Have the engine look at the queue again in `delay` seconds (not Scrapy's 5-second heartbeat)."""
        engine = self.crawler.engine
        if engine is not None and engine._slot is not None:
            engine._slot.nextcall.schedule(delay)

    def seal(self, path: Path) -> bool:
        """Before `path` (an output file of this worker) is renamed into place: whether this worker still holds
        what it took; if so, from now on it keeps it even if its lease runs out, until the output is committed
        (`engine_stopped`) or a worker of this host settles it (`settle`)."""
        self.sealed[str(path.resolve())] = False
        record = json.dumps({"host": self.host, "outputs": sorted(self.sealed)})
        if self.server.eval(SEAL, 3, self.key("workers"), self.key("sealed"), self.key(f"lease:{self.worker}"),
                            self.worker, self.lease_ms, record):
            return True
        del self.sealed[str(path.resolve())]
        self.taken_out()
        return False

    def placed(self, path: Path) -> None:
        """`path`, sealed, is in place."""
        self.sealed[str(path.resolve())] = True

    def settle(self, sealed: list[bytes]) -> int:
        """Settle the workers of this host that stopped answering while their output was being put in place
        (`sealed`, from `IDLE`: worker, record, ...): each `.part` file still there is removed, so that it can no
        longer be renamed into place, and what the worker took goes back to the queue unless all its outputs are
        in place. The requests given back."""
        given = 0
        for worker, record in zip(sealed[::2], sealed[1::2], strict=True):
            seal = json.loads(record)
            if seal["host"] != self.host:
                continue  # its files are on its host
            placed = True
            for output in seal["outputs"]:
                try:
                    Path(f"{output}{PART_SUFFIX}").unlink()  # one of this and the worker's rename succeeds
                except FileNotFoundError:
                    continue
                placed = False
            settled = int(self.server.eval(SETTLE, 4, self.key(f"taken:{worker.decode()}"), self.key("sealed"),
                                           self.key(f"lease:{worker.decode()}"), self.key("queue"),
                                           worker, int(placed)))
            if settled >= 0:
                logger.warning("Worker %s stopped answering while putting its output %s in place: %s",
                               worker.decode(), ", ".join(seal["outputs"]),
                               "it is in place" if placed else f"removed, {settled} requests back in the queue")
                given += settled
        return given

    def stopped_at_shutdown(self, request: Request) -> None:
        """`request` was cancelled by this worker's shutdown (SIGTERM, a time bound): back in the queue for the
        other workers, or the next run. It stayed in the worker's `taken` set, which is done once the worker's
        output is in place: no other worker fetched it (its address is in the run's `seen`), and it was lost
        for the run while every worker exited 0 (distributed review)."""
        try:
            given = self.queue.give_back(request)
        except redis.RedisError as error:  # the lease runs out and the others take back all it took
            logger.warning("Worker %s could not give back %s: %s", self.worker, request.url, one_line(error))
            return
        if given:
            assert self.stats is not None
            self.stats.inc_value("distributed/given_back")

    def leave(self, figures: dict[str, int]) -> dict[str, str] | None:
        """Add this worker's figures to the run's and leave it; the run's totals when this worker is the last."""
        pairs = [part for name, value in figures.items() for part in (name, int(value))]
        answer = self.server.eval(LEAVE, 6, self.key("members"), self.key(f"totals:{self.round}"), self.key("round"),
                                  self.key("seen"), self.key("workers"), self.key("sealed"), self.worker, *pairs)
        if answer[0] == b"out":
            self.taken_out()
        if answer[0] != b"last":
            return None
        totals = answer[1]
        return {name.decode(): value.decode() for name, value in zip(totals[::2], totals[1::2], strict=True)}

    def engine_stopped(self) -> None:
        """The output files are in place (the feed storage renamed them when the spider closed) and committed to
        the state (`HarvestState`, whose handler runs first): what this worker took is done."""
        if self.round is None:
            return
        self.stopped.set()
        self.renewer.join()
        try:
            given = int(self.server.eval(RELEASE, 5, self.key(f"taken:{self.worker}"), self.key("workers"),
                                         self.key(f"lease:{self.worker}"), self.key("sealed"), self.key("queue"),
                                         self.worker, int(all(self.sealed.values()))))
        except redis.RedisError as error:  # Redis lost (`redis_lost`): the lease runs out, the others take it back
            logger.warning("Worker %s could not give back what it took: %s", self.worker, one_line(error))
            return
        if given > 0:
            logger.warning("Worker %s lost its lease while putting its output in place, and its output is not in"
                           " place: %d requests back in the queue", self.worker, given)


def frontier_of(crawler: Crawler | None) -> FrontierScheduler | None:
    """The crawl's frontier scheduler while its spider is open; None without `REDIS_URL`."""
    engine = crawler.engine if crawler is not None else None
    scheduler = engine._slot.scheduler if engine is not None and engine._slot is not None else None
    return scheduler if isinstance(scheduler, FrontierScheduler) else None


class FrontierFeedStorage(AtomicFileFeedStorage):
    """A worker's local output file (`FEED_STORAGES` with `REDIS_URL`): renamed into place, as alone, but only
    once sealed (`FrontierScheduler.seal`); a worker taken out of its run removes its `.part` instead."""

    crawler: Crawler | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> FrontierFeedStorage:
        storage = cls(uri, feed_options=feed_options, signals=crawler.signals, stats=crawler.stats)
        storage.crawler = crawler
        return storage

    def store(self, file: IO[bytes]) -> None:
        scheduler = frontier_of(self.crawler)
        if scheduler is None:
            super().store(file)
            return
        if not scheduler.seal(self.final):
            self.discard(file)
            raise TakenOut(f"{self.final} not put in place: worker {scheduler.worker} was taken out of its run")
        super().store(file)
        scheduler.placed(self.final)


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
        self.gate = crawler.settings.get(COMMIT_GATE, "")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunTotals:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Spider) -> None:
        assert self.crawler.stats is not None
        scheduler = frontier_of(self.crawler)
        if scheduler is None or scheduler.round is None:
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
        """A worker's own report is not the run's: it stays out of the state's history. Runs before the state's
        commit (`HarvestState`, 900), where `REDIS_COMMIT_GATE` holds it."""
        if not self.last and self.crawler.stats is not None:
            self.crawler.stats.set_value("harvest/report", None)
        if self.gate:
            hold_commit(Path(self.gate))


def hold_commit(gate: Path) -> None:
    """Wait until `gate` exists, at most `COMMIT_GATE_WAIT` (`REDIS_COMMIT_GATE`, a test seam)."""
    logger.info("Holding the commit until %s exists (%s)", gate, COMMIT_GATE)
    deadline = time.monotonic() + COMMIT_GATE_WAIT
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


class RunChecks(HarvestChecks):
    """The checks of `scrapers.monitors`, run once a run, by its last worker on the run's figures."""

    def init_data(self, data: Any) -> None:
        self.run_data = data
        super().init_data(data)

    def run(self, result: Any, debug: bool = False) -> Any:
        if self.run_data.stats.get(SCOPE) == "worker":
            return result
        return super().run(result, debug)
