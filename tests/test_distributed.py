"""Distributed crawling end to end: real `scrapy crawl news` workers sharing one frontier and one state on a real
redis-server, over the benchmark's local site of real article pages."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from scrapy import Request, Spider
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from scrapers import settings as project_settings
from scrapers.crawlbench import Servers, article_path, start_servers
from scrapers.distributed import (
    EMPTY_POLLS,
    IDLE_SECONDS,
    WORKER_BACKLOG_BYTES,
    FrontierScheduler,
    RedisFrontier,
)
from tests.harness import ROOT

ARTICLES = 120
SITE = "127.0.0.1"
"""The run's name: the `news` spider names its run after its site's domain, here the local site's address."""
JOIN_DEADLINE = 300
"""Seconds the workers of a test may take, together, to start and join the run: a guard against a worker that
never joins (it failed to start), far above the few seconds a loaded machine takes."""


@pytest.fixture(scope="module")
def site() -> Iterator[Servers]:
    servers = start_servers(ARTICLES, 1)
    try:
        yield servers
    finally:
        servers.stop()


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(?!scrapy\.middleware\])", re.MULTILINE)
"""A worker's own log line: not the continuation lines of the settings and components Scrapy lists at start."""


@pytest.fixture
def worker_logs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """On a failure, the workers' logs in the test's report: what each did and when, to tell a race from a bug."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    for log in sorted(tmp_path.glob("*.log")):
        text = log.read_text(encoding="utf-8")
        print(f"----- {log.name}")
        print("".join(text[match.start():text.find("\n", match.start()) + 1] for match in LOG_LINE.finditer(text)))


def worker(site: Servers, redis_url: str, output: Path, *settings: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/news/", "-a", "max_pages=100",
               "-o", str(output), "-s", f"REDIS_URL={redis_url}", "-s", f"STATE_URI={redis_url}",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO",
               "-s", f"LOG_FILE={output.with_suffix('.log')}", "-s", f"REJECTS_URI={output.with_suffix('.rejects')}"]
    for setting in settings:
        command += ["-s", setting]
    return subprocess.Popen(command, cwd=ROOT)


def finish(workers: list[subprocess.Popen[bytes]]) -> list[int]:
    return [process.wait(timeout=600) for process in workers]


def urls(path: Path) -> list[str]:
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()]


def rejected(folder: Path) -> list[str]:
    return [json.loads(line)["url"] for path in folder.glob("*.rejects")
            for line in path.read_text(encoding="utf-8").splitlines()]


def report(output: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(output.with_suffix(".report.json").read_text(encoding="utf-8"))
    return loaded


def everything(site: Servers) -> set[str]:
    return {f"{site.base}{article_path(n)}" for n in range(ARTICLES)}


class HeldRun(AbstractContextManager["HeldRun"]):
    """A member of the site's run, busy until the workers a test starts have all joined the run: workers started
    together then share one run however long each process takes to start.

    A run ends when its queue is empty and no worker is busy, and a worker that starts after that begins the next
    run (scrapers.distributed). Starting a worker (Python, Scrapy, the project) takes about a second, and on a
    loaded machine several: longer, at times, than the other workers take to crawl this site's 120 articles, so
    without this a test of "the workers of one run" would sometimes check two runs. The holder fetches nothing;
    the run counts it among its workers (`distributed/workers`)."""

    def __init__(self, redis_url: str) -> None:
        self.scheduler, _ = frontier_worker(redis_url, Spider(SITE))
        self.client = redis.Redis.from_url(redis_url, decode_responses=True)
        self.members = self.scheduler.key("members")
        self.left = False

    def joined(self) -> set[int]:
        """The process ids of the run's members (a member is `host:pid:nonce`)."""
        return {int(str(member).rsplit(":", 2)[1]) for member in self.client.hkeys(self.members)}

    def until_joined(self, workers: list[subprocess.Popen[bytes]]) -> None:
        """Wait until each of `workers` has joined the run, then leave it to them (killed if one never joins)."""
        try:
            deadline = time.monotonic() + JOIN_DEADLINE
            while not {process.pid for process in workers} <= self.joined():
                # none can end while the run is held: one that did failed to start
                assert [process.poll() for process in workers] == [None] * len(workers), "a worker did not start"
                assert time.monotonic() < deadline, f"the workers did not join within {JOIN_DEADLINE} s"
                time.sleep(0.05)
        except BaseException:
            for process in workers:
                process.kill()
                process.wait()
            raise
        finally:
            self.leave()

    def leave(self) -> None:
        if not self.left:
            self.left = True
            assert self.scheduler.leave({}) is None  # not the run's last member: the run is not over

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.leave()
        finally:
            self.scheduler.engine_stopped()
            self.client.close()


@pytest.mark.usefixtures("worker_logs")
def test_three_workers_share_one_frontier_and_one_run(site: Servers, redis_url: str, tmp_path: Path) -> None:
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    with HeldRun(redis_url) as held:
        workers = [worker(site, redis_url, output) for output in outputs]
        held.until_joined(workers)
    assert finish(workers) == [0, 0, 0]

    written = Counter(url for output in outputs for url in urls(output))
    assert max(written.values()) == 1  # no article written twice
    assert set(written) | set(rejected(tmp_path)) == everything(site)  # none missing
    # the worker that ends the run writes the run's report, which the state keeps in the history; the others
    # report their share
    history = redis.Redis.from_url(redis_url).lrange(f"newsharvest:{SITE}:reports:{SITE}", 0, -1)
    assert len(history) == 1
    whole = json.loads(history[0])
    assert whole in [report(output) for output in outputs]
    assert whole["pages"]["articles"] == ARTICLES  # every article page fetched once across the workers
    assert whole["articles"]["written"] == len(written)
    assert whole["failed_checks"] == []

    # the next run (the state is shared): listings again, no article is due, nothing written
    again = [tmp_path / f"again-{n}.jsonl" for n in (1, 2)]
    with HeldRun(redis_url) as held:
        workers = [worker(site, redis_url, output) for output in again]
        held.until_joined(workers)
    assert finish(workers) == [0, 0]
    assert [urls(output) for output in again] == [[], []]
    history = redis.Redis.from_url(redis_url).lrange(f"newsharvest:{SITE}:reports:{SITE}", 0, -1)
    assert len(history) == 2
    run = json.loads(history[0])
    assert run in [report(output) for output in again]
    assert run["pages"]["articles"] == 0
    # each worker counts the not-due URLs its listings showed it, once each; the run's figure is their sum
    assert ARTICLES <= run["articles"]["not_due"] <= 2 * ARTICLES
    assert run["articles"]["links"] >= ARTICLES


@pytest.mark.usefixtures("worker_logs")
def test_a_worker_killed_midway_loses_nothing(site: Servers, redis_url: str, tmp_path: Path) -> None:
    lease = "REDIS_LEASE=2"
    slow = "DOWNLOAD_DELAY=0.05"  # a crawl long enough to be killed midway
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    with HeldRun(redis_url) as held:  # the run goes on until the three (the first one restarted) have joined it
        workers = [worker(site, redis_url, outputs[0], lease, slow)]
        killed = outputs[0].with_name(f"{outputs[0].name}.part")
        deadline = time.monotonic() + 120
        while not (killed.exists() and len(killed.read_bytes().splitlines()) >= 5) and time.monotonic() < deadline:
            assert workers[0].poll() is None, "the first worker ended before it could be killed"
            time.sleep(0.05)
        workers += [worker(site, redis_url, output, lease, slow) for output in outputs[1:]]
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(timeout=30) == -signal.SIGKILL
        assert not outputs[0].exists()  # what it wrote is not part of the run
        workers[0] = worker(site, redis_url, outputs[0], lease)  # restarted, as cron or systemd would
        held.until_joined(workers)
    assert finish(workers) == [0, 0, 0]

    logs = "".join(output.with_suffix(".log").read_text(encoding="utf-8") for output in outputs)
    assert "of workers that stopped answering are back in the queue" in logs  # its taken requests
    written = Counter(url for output in outputs for url in urls(output))
    assert max(written.values()) == 1
    assert set(written) | set(rejected(tmp_path)) == everything(site)


def test_without_redis_url_the_crawl_is_scrapys_own() -> None:
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    alone, shared = Settings(values), Settings({**values, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    RedisFrontier().update_settings(alone)
    RedisFrontier().update_settings(shared)
    assert alone["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert alone.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS") == ["scrapers.monitors.HarvestChecks"]
    assert "scrapers.distributed.RunTotals" not in str(alone.getdict("EXTENSIONS"))
    assert shared["SCHEDULER"] == "scrapers.distributed.FrontierScheduler"
    assert shared.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS") == ["scrapers.distributed.RunChecks"]
    assert alone.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") == 5_000_000  # Scrapy's
    assert shared.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") == WORKER_BACKLOG_BYTES


SPIDER = Spider("frontier-test")


class NextCall:
    """The engine's `nextcall` of a worker: the delays it was asked to look at the queue again after."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def schedule(self, delay: float = 0) -> None:
        self.delays.append(delay)


def frontier_worker(redis_url: str, spider: Spider = SPIDER) -> tuple[FrontierScheduler, NextCall]:
    crawler = get_crawler(Spider, {"REDIS_URL": redis_url, "REDIS_LEASE": 15})
    crawler.spider = spider
    nextcall = NextCall()
    crawler.engine = SimpleNamespace(_slot=SimpleNamespace(nextcall=nextcall))  # type: ignore[assignment]
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler, nextcall


def test_an_idle_worker_looks_at_the_queue_again_soon(redis_url: str) -> None:
    idle, nextcall = frontier_worker(redis_url)
    busy, _ = frontier_worker(redis_url)  # joined, so active: the run goes on
    try:
        for _ in range(6):
            with pytest.raises(DontCloseSpider):
                idle.spider_idle(SPIDER)
        # not Scrapy's 5-second heartbeat: soon, then less often while nothing comes
        assert nextcall.delays == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5]
        assert idle.stats.get_value(EMPTY_POLLS) == 6

        # another worker queued a request meanwhile: look at once, and take it
        assert busy.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        with pytest.raises(DontCloseSpider):
            idle.spider_idle(SPIDER)
        assert nextcall.delays[-1] == 0
        request = idle.next_request()
        assert request is not None and request.url == "http://127.0.0.1/news/a.html"
        assert idle.stats.get_value(IDLE_SECONDS) > 0

        # having worked, the next empty look is soon again
        with pytest.raises(DontCloseSpider):
            idle.spider_idle(SPIDER)
        assert nextcall.delays[-1] == 0.05
    finally:
        idle.engine_stopped()
        busy.engine_stopped()


def drain(scheduler: FrontierScheduler, looks: int = 20) -> list[str]:
    """Take and 'fetch' every request the run gives `scheduler` until its idle look says the run is over; the URLs
    it took. Fails after `looks` looks that did not end the run: a run held open by a worker that is gone."""
    taken: list[str] = []
    for _ in range(looks):
        while (request := scheduler.next_request()) is not None:
            taken.append(request.url)
        try:
            scheduler.spider_idle(scheduler.crawler.spider)
        except DontCloseSpider:
            continue
        return taken
    raise AssertionError(f"the run was still going after {looks} looks; members: "
                         f"{scheduler.server.hgetall(scheduler.key('members'))}")


def test_a_worker_reclaimed_while_alive_that_then_dies_does_not_hold_the_run(redis_url: str) -> None:
    """A worker that stalls longer than its lease (a GC pause, SIGSTOP, a paused VM) is reclaimed by the others; when
    it resumes and takes requests again, then is killed, its lease runs out again and the others reclaim it again:
    they end the run instead of waiting for it forever."""
    lapsed, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    lease = lapsed.key(f"lease:{lapsed.worker}")
    pages = [f"http://127.0.0.1/news/{n}.html" for n in range(3)]
    try:
        for url in pages:
            assert alive.enqueue_request(Request(url))
        first = lapsed.next_request()
        assert first is not None
        # it stalls: its renewer does not run, its lease runs out, and the other worker reclaims what it took
        lapsed.stopped.set()
        lapsed.renewer.join()
        alive.server.delete(lease)
        with pytest.raises(DontCloseSpider, match="work"):
            alive.spider_idle(SPIDER)
        assert alive.stats.get_value("distributed/reclaimed") == 1
        # it resumes (its renewer sets its lease again) and takes a request, then is killed: no renewer any more
        alive.server.set(lease, "1", px=lapsed.lease_ms)
        second = lapsed.next_request()
        assert second is not None
        alive.server.delete(lease)

        assert sorted(drain(alive)) == pages  # its second request too, taken back from the dead worker
        assert alive.stats.get_value("distributed/reclaimed") == 2
        totals = alive.leave({"item_scraped_count": 3})
        assert totals is not None  # the last living worker ended the run
        assert totals["item_scraped_count"] == "3"
        assert totals["distributed/workers"] == "1"
        assert not alive.server.exists(alive.key("members"), alive.key("round"))
    finally:
        alive.engine_stopped()


def test_a_member_left_behind_without_a_lease_does_not_hold_the_run(redis_url: str) -> None:
    """A worker whose leaving failed (a Redis error when its spider closed) still releases what it took when its
    engine stops, and its lease with it: its entry among the run's members is then reclaimed like a dead worker's."""
    gone, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    try:
        gone.engine_stopped()  # without leave()
        assert drain(alive) == []
        assert alive.stats.get_value("distributed/reclaimed") is None  # it had nothing taken
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def test_a_worker_reclaimed_while_alive_that_dies_after_leaving_gives_back_what_it_took(redis_url: str) -> None:
    """A worker that left the run keeps what it took until its output is in place (its engine stops); if it dies
    in between, the others take its requests back, also when its lease had run out once before and it was taken
    out of the run while it was alive."""
    lapsed, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    lease = lapsed.key(f"lease:{lapsed.worker}")
    try:
        assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        lapsed.stopped.set()  # it stalls: its lease runs out and the other worker takes it out of the run
        lapsed.renewer.join()
        alive.server.delete(lease)
        with pytest.raises(DontCloseSpider, match="work"):
            alive.spider_idle(SPIDER)
        alive.server.set(lease, "1", px=lapsed.lease_ms)  # it resumes: its renewer sets its lease again
        request = lapsed.next_request()
        assert request is not None and request.url == "http://127.0.0.1/news/a.html"
        assert lapsed.leave({}) is None  # it stops (a SIGTERM, a CLOSESPIDER limit); not the last member
        alive.server.delete(lease)  # killed before its output was in place

        assert drain(alive) == ["http://127.0.0.1/news/a.html"]  # given back, fetched again
        assert alive.stats.get_value("distributed/reclaimed") == 1
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()
