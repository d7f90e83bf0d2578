"""The incremental state on Redis: what `scrapers.statestore.StateStore` keeps in SQLite, shared by many workers.

`STATE_URI = "redis://host:6379/0"` selects it. Every key of a site is under `newsharvest:<name>:` (`<name>`
is the run's: the spider's, the site for the `news` spider), so many sites share one Redis:

- `articles`: hash, URL -> the article as JSON (status, first seen, last fetched, content hash, dates, version);
- `run:<id>`: hash, one worker's run (spider, host, status, outputs, holder, and its report once committed);
  `runs`: the ids still running; `run:next`: the last id given; `run:oldest`: the lowest id kept, `run:reported`:
  the ids of the latest entries with a run's report (`RUNS_KEPT`);
- `staged:<id>`: hash, URL -> what run `<id>` learnt, moved into `articles` by `commit_run` in one script;
- `reports:<spider>`: list of the latest run reports, newest first (the checks' history);
- `lock` (one run at a time) or `holders` (the workers of one distributed run together): leases that a
  thread renews; a worker killed with SIGKILL loses its hold `lease` seconds later.

A run that did not finish is settled as in SQLite by the next worker to start once its holder is gone:
committed when its output files (on this host) are complete, rolled back otherwise.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from scrapers.statestore import (
    PART_SUFFIX,
    RUN_ENTRIES_KEPT,
    RUNS_KEPT,
    UNFINISHED,
    Known,
    RunEntry,
    Staged,
    StateLocked,
    measured_coverage,
    partial_files,
    remove_partial_files,
)

# Take the lock, shared (ARGV[4] == '1') or alone; expired holders are dropped first. Redis' clock decides.
ACQUIRE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms)
if ARGV[3] == '1' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
  redis.call('ZADD', KEYS[2], ms + tonumber(ARGV[2]), ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

RENEW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if ARGV[3] == '1' then return redis.call('ZADD', KEYS[2], 'XX', 'CH', ms + tonumber(ARGV[2]), ARGV[1]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

# Whether the holder ARGV[1] still holds the lock.
HOLDS = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
local until_ms = redis.call('ZSCORE', KEYS[2], ARGV[1])
if until_ms and tonumber(until_ms) > ms then return 1 end
return 0
"""

# Move the staged rows of a run into `articles` (as SQLite's upsert: dates and hash kept when the new fetch has
# none, the higher version), close the run and keep its report in the history; all or nothing.
COMMIT = """
local rows = redis.call('HGETALL', KEYS[2])
for i = 1, #rows, 2 do
  local url, new = rows[i], cjson.decode(rows[i + 1])
  local raw = redis.call('HGET', KEYS[1], url)
  local row
  if raw then
    row = cjson.decode(raw)
  end
  if row and new.status == 'canonical' and row.status ~= 'canonical' then
    -- a canonical entry never replaces an outcome of the URL's own page (another worker's)
  elseif row and row.status == 'canonical' then
    row = {status = new.status, first_seen = row.first_seen, last_fetched = new.fetched_at,
           content_hash = new.content_hash, published_at = new.published_at, updated_at = new.updated_at,
           version = new.version or 0}
  elseif row then
    row.status = new.status
    row.last_fetched = new.fetched_at
    for _, name in ipairs({'content_hash', 'published_at', 'updated_at'}) do
      if new[name] then row[name] = new[name] end
    end
    if (new.version or 0) > (row.version or 0) then row.version = new.version end
  else
    row = {status = new.status, first_seen = new.fetched_at, last_fetched = new.fetched_at,
           content_hash = new.content_hash, published_at = new.published_at, updated_at = new.updated_at,
           version = new.version or 0}
  end
  redis.call('HSET', KEYS[1], url, cjson.encode(row))
  if row.status == 'missing' or row.status == 'rejected' or row.status == 'failed' then
    redis.call('SADD', KEYS[6], url)
  else
    redis.call('SREM', KEYS[6], url)
  end
end
redis.call('DEL', KEYS[2])
local kept = redis.call('EXISTS', KEYS[3]) == 1  -- (an entry dropped meanwhile is not made again)
if kept then redis.call('HSET', KEYS[3], 'status', ARGV[1], 'finished_at', ARGV[2]) end
redis.call('SREM', KEYS[4], ARGV[3])
if ARGV[4] ~= '' then
  if kept then redis.call('HSET', KEYS[3], 'report', ARGV[4]) end
  redis.call('LPUSH', KEYS[5], ARGV[4])
  redis.call('LTRIM', KEYS[5], 0, 99)
  redis.call('LPUSH', KEYS[7], ARGV[3])
  redis.call('LTRIM', KEYS[7], 0, tonumber(ARGV[5]) - 1)
end
return #rows / 2
"""

# Drop a run's staged rows (KEYS[1]), mark its entry KEYS[2] rolled back when it is still kept and take run
# ARGV[1] out of the running ones (KEYS[3]); one script, so an entry dropped meanwhile is not made again.
ROLL_BACK = """
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'status', 'rolled_back') end
redis.call('SREM', KEYS[3], ARGV[1])
return 1
"""

UNFINISHED_CLAIM = 1800
"""Seconds the first worker of a distributed run holds the asking of the unfinished articles (`asks_unfinished`),
at most: the run's last worker to leave the state lets it go."""

HISTORY = 100
"""Run reports kept per spider."""

DROP_BATCH = 1000
"""Run entries dropped by one command."""
DROP_LIMIT = 10_000
"""Ids of run entries one start looks at to drop (`_drop_old_runs`)."""

# Mark run KEYS[1]'s report accepted (ARGV[1], the new JSON) in the run and in the history KEYS[2], where
# it is the entry equal to its old report; one script, so a crawl committing meanwhile changes nothing.
ACCEPT = """
local old = redis.call('HGET', KEYS[1], 'report')
if not old then return 0 end
redis.call('HSET', KEYS[1], 'report', ARGV[1])
local history = redis.call('LRANGE', KEYS[2], 0, -1)
for i = 1, #history do
  if history[i] == old then redis.call('LSET', KEYS[2], i - 1, ARGV[1]) end
end
return 1
"""


REDIS_TIMEOUTS = {"socket_timeout": 30.0, "socket_connect_timeout": 10.0}
"""How long a call to the state's Redis may wait (scrapy-redis' own for the frontier): a Redis that stopped
answering (SIGSTOP, a network partition) held a worker for minutes past its bound and its SIGTERM."""


def outage_retry(within: float) -> Retry:
    """redis-py's retries of a call that met a refused or broken connection, waiting 0.05 s, then twice as long
    each time up to 1 s, for about `within` seconds in all (half a worker's `REDIS_LEASE`: a Redis down longer
    takes the worker out of its run anyway). redis-py's own (10 retries, about 2 s) made a Redis restarted with its
    append-only file (2 s down) an error of every worker's state, which failed the run on each (distributed
    review); a call waits the outage out instead. Once a call has waited in vain, the next ones fail at once
    until one is answered (`OutageRetry`): a Redis gone for good cost each of a run's calls the wait."""
    waits, retries = 0.0, 0
    while waits < within:
        waits += min(1.0, 0.05 * 2**retries)
        retries += 1
    return OutageRetry(ExponentialBackoff(cap=1.0, base=0.05), retries,
                       supported_errors=(redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError))


T = TypeVar("T")


class OutageRetry(Retry):
    """redis-py's `Retry` that stops retrying once a call has retried in vain, until a call is answered."""

    given_up = False

    def call_with_retry(self, do: Callable[[], T], fail: Callable[..., Any], *args: Any, **kwargs: Any) -> T:
        try:
            if self.given_up:  # once, as redis-py's Retry calls it (`fail` drops the broken connection)
                try:
                    answer: T = do()
                except self._supported_errors as error:
                    fail(error, 1) if kwargs.get("with_failure_count") else fail(error)
                    raise
            else:
                answer = super().call_with_retry(do, fail, *args, **kwargs)
        except self._supported_errors:
            self.given_up = True
            raise
        self.given_up = False
        return answer


class RedisStateStore:
    """The state of one site in Redis; `acquire` it, `close` it at the end of the run."""

    def __init__(self, client: redis.Redis, url: str, prefix: str, *, holder: str, shared: bool, lease: float) -> None:
        self.client = client
        self.url = url
        self.prefix = prefix
        self.holder = holder
        self.shared = shared
        self.lease_ms = int(lease * 1000)
        self.host = socket.gethostname()
        self.scripts = {name: client.register_script(code) for name, code in
                        (("acquire", ACQUIRE), ("renew", RENEW), ("release", RELEASE), ("holds", HOLDS),
                         ("commit", COMMIT), ("roll_back", ROLL_BACK), ("accept", ACCEPT))}
        self.stopped = threading.Event()
        self.renewer: threading.Thread | None = None

    @classmethod
    def acquire(
        cls, url: str, *, name: str, lock_timeout: float = 0, shared: bool = False, lease: float = 15.0
    ) -> RedisStateStore:
        client = redis.Redis.from_url(url, decode_responses=True, retry=outage_retry(lease / 2), **REDIS_TIMEOUTS)
        store = cls(client, url, f"newsharvest:{name}", holder=f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}",
                    shared=shared, lease=lease)
        deadline = time.monotonic() + lock_timeout
        while not store.try_lock():
            if time.monotonic() >= deadline:
                client.close()
                raise StateLocked(f"another run holds the state {store.location}; waited {lock_timeout:g}s")
            time.sleep(min(0.2, max(lock_timeout, 0.01)))
        store.renewer = threading.Thread(target=store.renew, name="state-lease", daemon=True)
        store.renewer.start()
        return store

    @classmethod
    def reader(cls, url: str, *, name: str) -> RedisStateStore:
        """The state of `name` to read (`runs`, `reports`) or to `accept_latest` in, without taking the lock:
        what the commands `status`, `report` and `accept` need beside a running crawl."""
        client = redis.Redis.from_url(url, decode_responses=True, **REDIS_TIMEOUTS)
        return cls(client, url, f"newsharvest:{name}", holder=f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}",
                   shared=False, lease=0)

    @staticmethod
    def names(url: str) -> list[str]:
        """The names (spiders, sites) that have runs in the Redis at `url`."""
        client = redis.Redis.from_url(url, decode_responses=True, **REDIS_TIMEOUTS)
        try:
            keys = client.scan_iter(match="newsharvest:*:run:next", count=1000)
            return sorted(key.removeprefix("newsharvest:").removesuffix(":run:next") for key in keys)
        finally:
            client.close()

    def key(self, *parts: object) -> str:
        return ":".join((self.prefix, *(str(part) for part in parts)))

    @property
    def location(self) -> str:
        return f"{self.url} {self.prefix}:*"

    # -------------------------------------------------------------------- the lock

    def lock_keys(self) -> list[str]:
        return [self.key("lock"), self.key("holders")]

    def try_lock(self) -> bool:
        return bool(self.scripts["acquire"](self.lock_keys(), [self.holder, self.lease_ms, int(self.shared)]))

    def renew(self) -> None:
        """Keep the lease while the run lives (a thread: the crawl's own loop may be busy for seconds)."""
        while not self.stopped.wait(self.lease_ms / 3000):
            try:
                self.scripts["renew"](self.lock_keys(), [self.holder, self.lease_ms, int(self.shared)])
            except redis.RedisError:
                continue  # the next round tries again; the lease outlasts two misses

    def holds(self, holder: str) -> bool:
        return bool(self.scripts["holds"](self.lock_keys(), [holder]))

    def close(self) -> None:
        self.stopped.set()
        if self.renewer is not None:
            self.renewer.join()
        self.scripts["release"](self.lock_keys(), [self.holder])
        if self.shared and not self.client.zcard(self.key("holders")):  # the run's last worker: the next run asks
            self.client.delete(self.key("unfinished", "claim"))
        self.client.close()

    # -------------------------------------------------------------------- runs

    def start_run(self, spider: str, now: datetime) -> int:
        """Settle the runs whose holder is gone, then open a new one; its id."""
        self.settle_unfinished()
        run_id = int(self.client.incr(self.key("run", "next")))
        with self.client.pipeline() as pipe:
            pipe.hset(self.key("run", run_id), mapping={
                "spider": spider, "started_at": now.isoformat(), "status": "running", "outputs": "[]",
                "host": self.host, "holder": self.holder,
            })
            pipe.sadd(self.key("runs"), run_id)
            pipe.execute()
        self._drop_old_runs()
        return run_id

    def _drop_old_runs(self) -> None:
        """Drop the entries of the runs before the latest `RUNS_KEPT` (counted by the entries that carry a
        run's report, `run:reported`: a distributed run has an entry per worker, the last one's with the report,
        and counting entries kept 2,000 / N runs of N workers; review), those still running aside. `run:oldest` is
        the lowest id that may still have one; at most `DROP_LIMIT` ids are looked at by one start (a state that
        kept every one of a million runs is cleared over many). A value of these keys that is no id (damage, a
        restored `run:next`) is read as none."""
        # (the run starting is one of those kept: the entries before the one with the report of the run before
        # the others kept go)
        kept = _run_id(self._undecoded("LINDEX", self.key("run", "reported"), RUNS_KEPT - 2))
        oldest, last = self._kept_ids()
        end = min(max(kept or 0, last - RUN_ENTRIES_KEPT + 1), oldest + DROP_LIMIT)  # the ids below it go, now
        if end <= oldest:
            return
        running = {run_id for member in self._undecoded("SMEMBERS", self.key("runs")) if (run_id := _run_id(member))}
        dropped = [run_id for run_id in range(oldest, end) if run_id not in running]
        for start in range(0, len(dropped), DROP_BATCH):
            self.client.delete(*(self.key("run", run_id) for run_id in dropped[start:start + DROP_BATCH]))
        self.client.set(self.key("run", "oldest"), min((run_id for run_id in running if oldest <= run_id < end),
                                                         default=end))

    def _undecoded(self, *command: Any) -> Any:
        """The answer to `command` as bytes: a key holding run ids is read so, as the client's decoding raised on
        one whose value is not UTF-8 (damage), and every start failed on it."""
        return self.client.execute_command(*command, NEVER_DECODE=True)  # type: ignore[no-untyped-call]

    def _kept_ids(self) -> tuple[int, int]:
        """The lowest run id that may still have an entry (`run:oldest`) and the last one given (`run:next`); a
        value that is no id (damage, a restored `run:next`) is read as none: 1 and 0."""
        last = _run_id(self._undecoded("GET", self.key("run", "next"))) or 0
        oldest = _run_id(self._undecoded("GET", self.key("run", "oldest")))
        return (oldest if oldest is not None and oldest <= last else 1), last

    def add_output(self, run_id: int, path: Path) -> None:
        outputs = self.outputs(run_id)
        outputs.append(str(path.resolve()))
        self.client.hset(self.key("run", run_id), "outputs", json.dumps(outputs))

    def outputs(self, run_id: int) -> list[str]:
        outputs: list[str] = json.loads(self.client.hget(self.key("run", run_id), "outputs") or "[]")
        return outputs

    def settle_unfinished(self) -> list[tuple[int, str]]:
        """Each running run whose holder is gone: committed when it ran on this host and its outputs are in
        place and complete, rolled back otherwise (a run of another host: staged rows dropped; its host
        removes its `.part` files when its next run writes them).

        An output that a living run of this host writes too is not the settled run's to remove: a worker
        restarted with the same output file (cron, systemd) writes its `.part` where the killed one did, and
        another worker settling the killed run would otherwise remove it mid-run. Each run records an output
        before it opens its `.part` (`output_opened`), so only a file opened between this look and the
        removal, a few milliseconds, escapes it."""
        settled = []
        runs = {run_id: self.client.hgetall(self.key("run", run_id))
                for member in self._undecoded("SMEMBERS", self.key("runs")) if (run_id := _run_id(member)) is not None}
        living = {run_id for run_id, run in runs.items()
                  if run.get("holder") == self.holder or self.holds(str(run.get("holder", "")))}
        in_use = {path for run_id in living if runs[run_id].get("host") == self.host
                  for path in json.loads(runs[run_id].get("outputs") or "[]")}
        for run_id in sorted(runs.keys() - living):
            run = runs[run_id]
            local = run.get("host") == self.host
            outputs = [Path(path) for path in json.loads(run.get("outputs") or "[]")] if local else []
            own = [path for path in outputs if str(path) not in in_use]
            if outputs and all(path.exists() and not Path(f"{path}{PART_SUFFIX}").exists() for path in outputs):
                self.commit_run(run_id, finished_at=None, report=None, status="recovered")
                for path in own:  # killed while writing its report
                    with suppress(FileNotFoundError, NotADirectoryError):
                        partial_files(path)[1].unlink()
                settled.append((run_id, "recovered"))
            else:
                self.roll_back(run_id, own)
                settled.append((run_id, "rolled_back"))
        return settled

    def roll_back(self, run_id: int, outputs: list[Path]) -> None:
        remove_partial_files(outputs)
        self.scripts["roll_back"]([self.key("staged", run_id), self.key("run", run_id), self.key("runs")], [run_id])

    def unstage(self, run_id: int, status: str) -> None:
        """As `StateStore.unstage` (only this run stages under its key)."""
        staged = self.client.hgetall(self.key("staged", run_id))
        if dropped := [url for url, raw in staged.items() if json.loads(raw).get("status") == status]:
            self.client.hdel(self.key("staged", run_id), *dropped)

    def commit_run(
        self, run_id: int, *, finished_at: datetime | None, report: dict[str, Any] | None, status: str = "committed"
    ) -> None:
        spider = self.client.hget(self.key("run", run_id), "spider") or ""
        self.scripts["commit"](
            [self.key("articles"), self.key("staged", run_id), self.key("run", run_id), self.key("runs"),
             self.key("reports", spider), self.key("unfinished"), self.key("run", "reported")],
            [status, finished_at.isoformat() if finished_at else "", run_id,
             json.dumps(report, ensure_ascii=False) if report is not None else "", RUNS_KEPT],
        )

    def reports(self, spider: str, limit: int = 10) -> list[dict[str, Any]]:
        """Reports of the latest committed runs of `spider`, newest first."""
        return [json.loads(text) for text in self.client.lrange(self.key("reports", spider), 0, limit - 1)]

    def runs(self) -> list[RunEntry]:
        """Every run of the state, oldest first (of a distributed run, each worker's: the last one's has the
        report of the whole run)."""
        first, last = self._kept_ids()
        with self.client.pipeline() as pipe:
            for run_id in range(first, last + 1):
                pipe.hgetall(self.key("run", run_id))
            rows = pipe.execute()
        return [RunEntry(id=run_id, spider=row.get("spider", ""), started_at=datetime.fromisoformat(row["started_at"]),
                         finished_at=_moment(row.get("finished_at")), status=row.get("status", ""),
                         report=json.loads(row["report"]) if row.get("report") else {})
                for run_id, row in enumerate(rows, start=first) if row]

    def accept_latest(self, spider: str) -> tuple[int, dict[str, Any]] | None:
        """As `StateStore.accept_latest`: the run's report and its entry in the history marked accepted."""
        for entry in reversed(self.runs()):
            if entry.spider == spider and entry.status == "committed" and measured_coverage(entry.report):
                report = {**entry.report, "accepted": True}
                self.scripts["accept"]([self.key("run", entry.id), self.key("reports", spider)],
                                       [json.dumps(report, ensure_ascii=False)])
                return entry.id, report
        return None

    # -------------------------------------------------------------------- articles

    def known(self, url: str) -> Known | None:
        raw = self.client.hget(self.key("articles"), url)
        return None if raw is None else _known(url, raw)

    def asks_unfinished(self) -> bool:
        """Whether this run asks the unfinished articles: a lone run does; of the workers of a distributed run,
        the first to ask in `UNFINISHED_CLAIM` seconds, for all of them (each had asked them: fetched once through
        the shared duplicate filter, but counted by each, and each took its share of the run's bound)."""
        if not self.shared:
            return True
        return bool(self.client.set(self.key("unfinished", "claim"), self.holder, nx=True, ex=UNFINISHED_CLAIM))

    def unfinished(self, since: datetime) -> list[Known]:
        """As `StateStore.unfinished`, from the set of such URLs the commits keep (`unfinished`); those first
        seen before `since` leave it."""
        urls = sorted(self.client.smembers(self.key("unfinished")))
        rows = self.client.hmget(self.key("articles"), urls) if urls else []
        found = [_known(url, raw) for url, raw in zip(urls, rows, strict=True) if raw is not None]
        if old := [known.url for known in found if known.first_seen < since]:
            self.client.srem(self.key("unfinished"), *old)
        return sorted((known for known in found if known.first_seen >= since and known.status in UNFINISHED),
                      key=lambda known: known.first_seen, reverse=True)

    def stage(self, run_id: int, entry: Staged) -> None:
        """Record what this run learnt of `entry.url`; a later entry for the same URL replaces it."""
        values = {"status": entry.status, "fetched_at": entry.fetched_at.isoformat(),
                  "content_hash": entry.content_hash, "published_at": _iso(entry.published_at),
                  "updated_at": _iso(entry.updated_at), "version": entry.version}
        row = {name: value for name, value in values.items() if value is not None}
        self.client.hset(self.key("staged", run_id), entry.url, json.dumps(row))

    def staged(self, run_id: int, url: str) -> Staged | None:
        raw = self.client.hget(self.key("staged", run_id), url)
        if raw is None:
            return None
        row = json.loads(raw)
        return Staged(
            url=url, status=row["status"], fetched_at=datetime.fromisoformat(row["fetched_at"]),
            content_hash=row.get("content_hash"), published_at=_moment(row.get("published_at")),
            updated_at=_moment(row.get("updated_at")), version=int(row.get("version") or 0),
        )

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.client.hlen(self.key("articles")))
        return sum(json.loads(raw)["status"] == status for raw in self.client.hvals(self.key("articles")))


def _known(url: str | bytes, raw: str | bytes) -> Known:
    url = url.decode() if isinstance(url, bytes) else url
    row = json.loads(raw)
    return Known(
        url=url, status=row["status"], first_seen=datetime.fromisoformat(row["first_seen"]),
        last_fetched=datetime.fromisoformat(row["last_fetched"]), content_hash=row.get("content_hash"),
        published_at=_moment(row.get("published_at")), updated_at=_moment(row.get("updated_at")),
        version=int(row.get("version") or 0),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _run_id(value: Any) -> int | None:
    """A run id as Redis holds it (`run:next`, a member of `runs`, read undecoded: `RedisStateStore._undecoded`),
    None for anything else (absent, damaged)."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19 else None
