"""Distributed crawling end to end: real `scrapy crawl news` workers sharing one frontier and one state on a real
redis-server, over the benchmark's local site of real article pages."""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
import threading
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
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from scrapers import distributed
from scrapers import settings as project_settings
from scrapers.crawlbench import Servers, article_path, start_redis, start_servers
from scrapers.distributed import (
    EMPTY_POLLS,
    IDLE_SECONDS,
    RENEW,
    WORKER_BACKLOG_BYTES,
    FrontierScheduler,
    OtherArguments,
    RedisFrontier,
    RunStillClosing,
)
from scrapers.harvest import ARTICLE
from scrapers.middlewares import BoundArticleRequests
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


def worker_arguments(site: Servers) -> dict[str, str]:
    return {"url": f"{site.base}/news/", "max_pages": "100"}


def worker(site: Servers, redis_url: str, output: Path, *settings: str) -> subprocess.Popen[bytes]:
    arguments = [part for name, value in worker_arguments(site).items() for part in ("-a", f"{name}={value}")]
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *arguments,
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


def pid_of(worker: str) -> int:
    """The process id of a worker (named `host:pid:nonce`)."""
    return int(worker.rsplit(":", 2)[1])


class HeldRun(AbstractContextManager["HeldRun"]):
    """A member of the site's run, busy until the workers a test starts have all joined the run: workers started
    together then share one run however long each process takes to start.

    A run ends when its queue is empty and no worker is busy, and a worker that starts after that begins the next
    run (scrapers.distributed). Starting a worker (Python, Scrapy, the project) takes about a second, and on a
    loaded machine several: longer, at times, than the other workers take to crawl this site's 120 articles, so
    without this a test of "the workers of one run" would sometimes check two runs. The holder fetches nothing;
    the run counts it among its workers (`distributed/workers`), and its arguments are the workers' (`worker`): the
    run's, which a worker must share to join it."""

    def __init__(self, site: Servers, redis_url: str) -> None:
        spider = Spider(SITE)
        spider.arguments = worker_arguments(site)  # type: ignore[attr-defined]
        self.scheduler, _ = frontier_worker(redis_url, spider)
        self.client = redis.Redis.from_url(redis_url, decode_responses=True)
        self.members = self.scheduler.key("members")
        self.left = False

    def joined(self) -> set[int]:
        """The process ids of the run's members."""
        return {pid_of(member) for member in self.client.hkeys(self.members)}

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
    with HeldRun(site, redis_url) as held:
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
    with HeldRun(site, redis_url) as held:
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
def test_max_articles_per_run_bounds_the_run_not_each_worker(site: Servers, redis_url: str, tmp_path: Path) -> None:
    """Each worker counted its own article requests: a run of two requested up to twice the bound."""
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2)]
    with HeldRun(site, redis_url) as held:
        workers = [worker(site, redis_url, output, "MAX_ARTICLES_PER_RUN=30") for output in outputs]
        held.until_joined(workers)
    assert finish(workers) == [0, 0]
    read = Counter(url for output in outputs for url in urls(output)) + Counter(rejected(tmp_path))
    assert 0 < len(read) <= 30 and max(read.values()) == 1
    (run,) = redis.Redis.from_url(redis_url).lrange(f"newsharvest:{SITE}:reports:{SITE}", 0, -1)
    assert json.loads(run)["articles"]["over_run_bound"] >= ARTICLES - 30  # the run's report: its workers' sum


@pytest.mark.usefixtures("worker_logs")
def test_a_worker_killed_midway_loses_nothing(site: Servers, redis_url: str, tmp_path: Path) -> None:
    lease = "REDIS_LEASE=2"
    slow = "DOWNLOAD_DELAY=0.05"  # a crawl long enough to be killed midway
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    with HeldRun(site, redis_url) as held:  # the run goes on until the three (the first one restarted) have joined it
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


@pytest.mark.usefixtures("worker_logs")
def test_a_worker_stopped_midway_by_sigterm_gives_back_what_it_had_not_fetched(
    site: Servers, redis_url: str, tmp_path: Path
) -> None:
    """Its cancelled downloads stayed in its `taken` set, done once its output was in place, and in the run's
    `seen`: no worker fetched them, and every worker exited 0 (distributed review)."""
    slow = "DOWNLOAD_DELAY=0.05"  # requests wait in the downloader: a SIGTERM cancels some
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    with HeldRun(site, redis_url) as held:
        workers = [worker(site, redis_url, output, slow) for output in outputs]
        held.until_joined(workers)
        stopped = outputs[0].with_name(f"{outputs[0].name}.part")
        deadline = time.monotonic() + 120
        while not (stopped.exists() and len(stopped.read_bytes().splitlines()) >= 5) and time.monotonic() < deadline:
            assert workers[0].poll() is None, "the first worker ended before it could be stopped"
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGTERM)
    assert finish(workers) == [0, 0, 0]

    share = report(outputs[0])
    assert share["fetch"]["stopped"] > 0  # (what this test is about: downloads the SIGTERM cancelled)
    written = Counter(url for output in outputs for url in urls(output))
    assert max(written.values()) == 1
    assert set(written) | set(rejected(tmp_path)) == everything(site)


def test_without_redis_url_the_crawl_is_scrapys_own() -> None:
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    alone, shared = Settings(values), Settings({**values, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    RedisFrontier().update_settings(alone)
    RedisFrontier().update_settings(shared)
    assert alone["SCHEDULER"] == "scrapers.shutdown.StoppingScheduler"
    assert alone.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS") == ["scrapers.monitors.HarvestChecks"]
    assert "scrapers.distributed.RunTotals" not in str(alone.getdict("EXTENSIONS"))
    assert shared["SCHEDULER"] == "scrapers.distributed.FrontierScheduler"
    assert shared.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS") == ["scrapers.distributed.RunChecks"]
    assert alone.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") == project_settings.SCRAPER_SLOT_MAX_ACTIVE_SIZE  # room for
    # the largest sitemap
    assert shared.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") == WORKER_BACKLOG_BYTES
    assert alone.getdict("FEED_STORAGES")["file"] == "scrapers.outputfiles.AtomicFileFeedStorage"
    assert shared.getdict("FEED_STORAGES")["file"] == "scrapers.distributed.FrontierFeedStorage"


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


def test_the_article_bound_counts_every_workers_requests(redis_url: str) -> None:
    """MAX_ARTICLES_PER_RUN=5 over two workers of one run, each shown 4 articles of its own listings: 5 requested
    in all (each worker counted its own: 8)."""
    workers = [frontier_worker(redis_url)[0] for _ in range(2)]
    try:
        bounds = []
        for scheduler in workers:
            scheduler.crawler.engine._slot.scheduler = scheduler  # what frontier_of finds in a crawl
            assert scheduler.stats is not None
            bounds.append(BoundArticleRequests(5, scheduler.stats, scheduler.crawler))
        passed = [
            [bound.each(Request(f"http://127.0.0.1/news/{n}-{i}.html", meta={ARTICLE: None})) is not None
             for i in range(4)]
            for n, bound in enumerate(bounds)
        ]
        assert passed == [[True, True, True, True], [True, False, False, False]]
        assert [scheduler.stats.get_value("articles/over_run_bound") for scheduler in workers] == [None, 3]
        # the same URL again passes (the duplicate filter drops it) without counting
        assert bounds[0].each(Request("http://127.0.0.1/news/0-0.html", meta={ARTICLE: None})) is not None
    finally:
        for scheduler in workers:
            scheduler.engine_stopped()


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


def test_a_worker_reclaimed_while_alive_takes_nothing_more_and_keeps_nothing(redis_url: str, tmp_path: Path) -> None:
    """A worker that stalls longer than its lease (a GC pause, SIGSTOP, a paused VM) is taken out by the others, who
    put what it took back in the queue; when it resumes, each of its calls finds out: its lease does not come back,
    it takes nothing more, stops, adds nothing to the run's figures and does not seal its output."""
    lapsed, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    lease = lapsed.key(f"lease:{lapsed.worker}")
    pages = [f"http://127.0.0.1/news/{n}.html" for n in range(3)]
    try:
        for url in pages:
            assert alive.enqueue_request(Request(url))
        assert lapsed.next_request() is not None
        # it stalls: its renewer does not run, its lease runs out, and the other worker takes it out of the run
        lapsed.stopped.set()
        lapsed.renewer.join()
        alive.server.delete(lease)
        with pytest.raises(DontCloseSpider, match="work"):
            alive.spider_idle(SPIDER)
        assert alive.stats.get_value("distributed/reclaimed") == 1

        # it resumes
        assert lapsed.server.eval(RENEW, 3, lapsed.key("workers"), lapsed.key("sealed"), lease, lapsed.worker,
                                  lapsed.lease_ms) == 0
        assert not lapsed.server.exists(lease)
        assert lapsed.next_request() is None  # the queue holds two requests, not for it
        assert lapsed.out and not lapsed.has_pending_requests()
        with pytest.raises(CloseSpider) as closing:
            lapsed.spider_idle(SPIDER)
        assert closing.value.reason == "taken_out"
        assert not lapsed.seal(tmp_path / "lapsed.jsonl")
        assert lapsed.leave({"item_scraped_count": 5}) is None
        assert lapsed.stats.get_value("errors/output") == 1  # its output is lost: the worker fails
        lapsed.engine_stopped()

        assert sorted(drain(alive)) == pages  # its request too, taken back
        totals = alive.leave({"item_scraped_count": 3})
        assert totals is not None  # the last living worker ended the run
        assert totals["item_scraped_count"] == "3"  # nothing of the worker taken out
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


def test_a_worker_whose_lease_ran_out_unnoticed_keeps_what_it_took(redis_url: str) -> None:
    """A worker whose lease ran out while no other worker looked gets it back when it resumes, and keeps what it took
    until its output is in place; if it dies after leaving the run, the others take its requests back."""
    lapsed, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    lease = lapsed.key(f"lease:{lapsed.worker}")
    try:
        assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        request = lapsed.next_request()
        assert request is not None and request.url == "http://127.0.0.1/news/a.html"
        alive.server.delete(lease)  # it stalls; no other worker looks meanwhile
        assert lapsed.server.eval(RENEW, 3, lapsed.key("workers"), lapsed.key("sealed"), lease, lapsed.worker,
                                  lapsed.lease_ms) == 1  # it resumes: its renewer gets the lease back
        assert lapsed.leave({}) is None  # it stops (a SIGTERM, a CLOSESPIDER limit); not the last member
        assert not lapsed.out
        alive.server.delete(lease)  # killed before its output was in place

        assert drain(alive) == ["http://127.0.0.1/news/a.html"]  # given back, fetched again
        assert alive.stats.get_value("distributed/reclaimed") == 1
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def test_a_worker_that_left_the_run_holds_it_open_until_its_output_is_in_place(redis_url: str) -> None:
    """A worker adds its figures and leaves the run when its spider closes, before its output is in place. The
    others ended the run then: killed while writing its output, what it took was in no output (117 of 300 articles,
    every other worker exiting 0; distributed review). They wait for it, and take its requests back if it dies."""
    leaving, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    try:
        assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        assert leaving.next_request() is not None
        assert leaving.leave({"item_scraped_count": 1}) is None  # not the last member: the run goes on
        with pytest.raises(DontCloseSpider):
            alive.spider_idle(SPIDER)  # its output is not in place yet: the run is not over
        leaving.stopped.set()
        leaving.renewer.join()
        alive.server.delete(leaving.key(f"lease:{leaving.worker}"))  # killed while writing its output
        assert drain(alive) == ["http://127.0.0.1/news/a.html"]  # given back, fetched again
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def test_a_request_given_back_at_shutdown_is_fetched_once_even_if_its_worker_dies(redis_url: str) -> None:
    """SIGTERM then SIGKILL: the request the shutdown cancelled went back to the queue but stayed in the worker's
    taken set, given back again when its lease ran out, and was fetched twice (review)."""
    stopping, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    try:
        assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        request = stopping.next_request()
        assert request is not None
        stopping.stopped_at_shutdown(request)
        assert stopping.stats.get_value("distributed/given_back") == 1
        stopping.stopped_at_shutdown(request)  # (a second time: nothing more)
        assert stopping.stats.get_value("distributed/given_back") == 1
        assert stopping.leave({}) is None
        stopping.stopped.set()
        stopping.renewer.join()
        alive.server.delete(stopping.key(f"lease:{stopping.worker}"))  # killed before its output was in place
        assert drain(alive) == ["http://127.0.0.1/news/a.html"]  # once
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def test_a_worker_that_left_and_put_its_output_in_place_ends_its_part(redis_url: str) -> None:
    leaving, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    try:
        assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        assert leaving.next_request() is not None
        assert leaving.leave({"item_scraped_count": 1}) is None
        leaving.engine_stopped()  # its output in place: what it took is done
        assert drain(alive, looks=1) == []
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def sealed_worker(redis_url: str, output: Path) -> tuple[FrontierScheduler, FrontierScheduler]:
    """Two workers; the first took the one request of the run, wrote its output's `.part` file and sealed it (it
    is about to rename it into place), then stopped answering: its lease ran out."""
    stalled, _ = frontier_worker(redis_url)
    alive, _ = frontier_worker(redis_url)
    assert alive.enqueue_request(Request("http://127.0.0.1/news/a.html"))
    assert stalled.next_request() is not None
    Path(f"{output}.part").write_text('{"url": "http://127.0.0.1/news/a.html"}\n', encoding="utf-8")
    assert stalled.seal(output)
    assert stalled.leave({}) is None
    stalled.stopped.set()
    stalled.renewer.join()
    alive.server.delete(stalled.key(f"lease:{stalled.worker}"))
    return stalled, alive


def test_a_worker_that_stops_before_renaming_its_sealed_output_loses_it(redis_url: str, tmp_path: Path) -> None:
    """A worker of this host settles a sealed worker whose lease ran out: its `.part` file, still there, is removed,
    so the stalled worker's rename, if it resumes, fails, and what it took is fetched again."""
    output = tmp_path / "stalled.jsonl"
    stalled, alive = sealed_worker(redis_url, output)
    try:
        assert drain(alive) == ["http://127.0.0.1/news/a.html"]
        assert not Path(f"{output}.part").exists()
        with pytest.raises(FileNotFoundError):  # it resumes: its output can no longer go in place
            Path(f"{output}.part").replace(output)
        stalled.engine_stopped()  # and its giving up finds it settled: nothing given back twice
        assert len(alive.queue) == 0
        assert alive.leave({}) is not None
    finally:
        alive.engine_stopped()


def test_a_worker_that_stops_after_renaming_its_sealed_output_keeps_it(redis_url: str, tmp_path: Path) -> None:
    """A sealed worker that renamed its output into place and stopped answering before it gave up what it took: its
    output is the run's, and what it took is done, not fetched again."""
    output = tmp_path / "stalled.jsonl"
    stalled, alive = sealed_worker(redis_url, output)
    try:
        Path(f"{output}.part").replace(output)
        stalled.placed(output)
        assert drain(alive) == []
        assert output.exists()
        assert not alive.server.exists(alive.key(f"taken:{stalled.worker}"), alive.key("sealed"))
        assert alive.leave({}) is not None
    finally:
        stalled.engine_stopped()
        alive.engine_stopped()


def test_a_worker_waits_for_the_last_run_to_commit_before_starting_the_next(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The last worker of a run has left it (the run is over) but not yet committed its output: a worker that starts
    then waits for it, then starts the next run; one that waits longer than `CLOSING_WAIT` does not start."""
    leaving, _ = frontier_worker(redis_url)
    assert leaving.leave({}) is not None  # the last: the run is over
    try:
        monkeypatch.setattr(distributed, "CLOSING_WAIT", 0.0)
        with pytest.raises(RunStillClosing, match=leaving.worker):
            frontier_worker(redis_url)
        monkeypatch.undo()

        started: list[FrontierScheduler] = []
        waiting = threading.Thread(target=lambda: started.append(frontier_worker(redis_url)[0]))
        with caplog.at_level(logging.INFO, logger="scrapers.distributed"):
            waiting.start()
            deadline = time.monotonic() + JOIN_DEADLINE
            while "have not committed their output yet" not in caplog.text:
                assert waiting.is_alive() and time.monotonic() < deadline, "the new worker did not wait"
                time.sleep(0.05)
            leaving.engine_stopped()  # committed
            waiting.join(JOIN_DEADLINE)
        assert leaving.round is not None and started[0].round == leaving.round + 1
        started[0].engine_stopped()
    finally:
        leaving.engine_stopped()


def test_a_worker_with_other_arguments_does_not_join_the_run(redis_url: str) -> None:
    """Workers of one run share its `-a` arguments: one started with other sections while the run goes on does not
    join it (one line naming both), one with the same arguments does, and the next run takes its own."""
    def spider(**arguments: str) -> Spider:
        made = Spider("frontier-args")
        made.arguments = arguments  # type: ignore[attr-defined]
        return made

    first, _ = frontier_worker(redis_url, spider(sections="politik/", since="2024-10-01"))
    try:
        with pytest.raises(OtherArguments, match=r"started with -a sections=politik/ -a since=2024-10-01, this worker"
                                                 r" with -a sections=sport/ -a since=2024-10-01"):
            frontier_worker(redis_url, spider(sections="sport/", since="2024-10-01"))
        assert first.server.hkeys(first.key("members")) == [first.worker.encode()]  # the other did not join
        second, _ = frontier_worker(redis_url, spider(since="2024-10-01", sections="politik/"))
        assert second.round == first.round
        assert second.leave({}) is None  # not the last
        second.engine_stopped()
        assert first.leave({}) is not None  # the last: the run is over
    finally:
        first.engine_stopped()
    later, _ = frontier_worker(redis_url, spider(sections="sport/"))
    try:
        assert first.round is not None and later.round == first.round + 1
        assert later.leave({}) is not None
    finally:
        later.engine_stopped()


def test_a_run_none_of_whose_workers_lives_takes_the_arguments_of_the_next(redis_url: str) -> None:
    """Its only worker killed (its lease gone), a run refused a worker with other arguments for a day: the cron
    line changed after a crash failed every hour (review). The next worker joins it with its own."""
    def spider(**arguments: str) -> Spider:
        made = Spider("frontier-dead")
        made.arguments = arguments  # type: ignore[attr-defined]
        return made

    killed, _ = frontier_worker(redis_url, spider(sections="politik/"))
    killed.stopped.set()  # it renews its lease no more...
    killed.renewer.join()
    killed.server.delete(killed.key(f"lease:{killed.worker}"))  # ...which has run out
    later, _ = frontier_worker(redis_url, spider(sections="sport/"))
    try:
        assert later.round == killed.round
        with pytest.raises(OtherArguments, match="started with -a sections=sport/"):  # now the run's, while it lives
            frontier_worker(redis_url, spider(sections="politik/"))
    finally:
        later.leave({})  # (not the last: the killed one stays a member until an idle worker takes it out)
        later.engine_stopped()


def holds(client: redis.Redis, pid: int) -> bool:
    """Whether a worker of process `pid` still holds what it took in the run (`workers`, or `sealed` while it puts
    its output in place)."""
    prefix = f"newsharvest:{SITE}:frontier:"
    holders = [*client.smembers(f"{prefix}workers"), *client.hkeys(f"{prefix}sealed")]
    return pid in {pid_of(worker) for worker in holders}


@pytest.mark.usefixtures("worker_logs")
def test_a_worker_stopped_longer_than_its_lease_writes_nothing_twice(
    site: Servers, redis_url: str, tmp_path: Path
) -> None:
    """A worker that stalls (here SIGSTOP) longer than its lease is taken out of the run by the others, who fetch
    again what it had taken; when it resumes (SIGCONT) it finds out and keeps none of its output."""
    lease = "REDIS_LEASE=2"
    slow = "DOWNLOAD_DELAY=0.05"  # a crawl long enough to be stopped midway
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    with HeldRun(site, redis_url) as held:  # the run goes on until the three have joined it
        workers = [worker(site, redis_url, outputs[0], lease, slow)]
        stalled = outputs[0].with_name(f"{outputs[0].name}.part")
        deadline = time.monotonic() + 120
        while not (stalled.exists() and len(stalled.read_bytes().splitlines()) >= 5) and time.monotonic() < deadline:
            assert workers[0].poll() is None, "the first worker ended before it could be stopped"
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGSTOP)
        try:
            workers += [worker(site, redis_url, output, lease, slow) for output in outputs[1:]]
            held.until_joined(workers)
            deadline = time.monotonic() + 300
            while holds(client, workers[0].pid):  # the others take it out once its lease has run out
                assert time.monotonic() < deadline, "the stopped worker was never taken out of the run"
                time.sleep(0.05)
        finally:
            workers[0].send_signal(signal.SIGCONT)
    codes = finish(workers)

    written = Counter(url for output in outputs if output.exists() for url in urls(output))
    assert [url for url, count in written.items() if count > 1] == []  # none written twice
    assert set(written) | set(rejected(tmp_path)) == everything(site)  # none missing
    assert not outputs[0].exists()  # what the stopped worker wrote is not part of the run
    log = outputs[0].with_suffix(".log").read_text(encoding="utf-8")
    assert "was taken out of run" in log
    assert codes == [2, 0, 0]  # the stopped worker's output is lost: an `output` error of that worker


def log_of(output: Path) -> str:
    log = output.with_suffix(".log")
    return log.read_text(encoding="utf-8") if log.exists() else ""


CLOSING = "have not committed their output yet"
"""What a worker started between a run's end and its workers' commit logs while it waits for them."""


@pytest.mark.usefixtures("worker_logs")
def test_a_worker_started_before_the_last_run_committed_waits_for_it(
    site: Servers, redis_url: str, tmp_path: Path
) -> None:
    """A worker started after a run ended (its queue empty, its workers idle) but before the run's workers committed
    their output to the state starts the next run only once they have: that run then knows the articles of the
    last one, and fetches and writes none of them again. `REDIS_COMMIT_GATE` holds the last run's commit open."""
    gate = tmp_path / "commit"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    workers = [worker(site, redis_url, first, f"REDIS_COMMIT_GATE={gate}")]
    try:
        deadline = time.monotonic() + 300
        while "Holding the commit until" not in log_of(first):  # its run is over, its commit held
            assert workers[0].poll() is None, "the first worker ended without holding its commit"
            assert time.monotonic() < deadline, "the first worker never reached its commit"
            time.sleep(0.05)
        assert not client.exists(f"newsharvest:{SITE}:frontier:round")  # no run going on
        workers.append(worker(site, redis_url, second))
        # it waits for the first one's commit; without that wait it would crawl a run of its own and end
        while CLOSING not in log_of(second) and workers[1].poll() is None:
            assert time.monotonic() < deadline, "the second worker neither waited nor ended"
            time.sleep(0.05)
    finally:
        gate.touch()
    assert finish(workers) == [0, 0]

    assert set(urls(first)) | set(rejected(tmp_path)) == everything(site)
    assert urls(second) == []  # the next run: every article known, none due
    assert CLOSING in log_of(second)
    history = [json.loads(entry) for entry in client.lrange(f"newsharvest:{SITE}:reports:{SITE}", 0, -1)]
    assert [run["pages"]["articles"] for run in history] == [0, ARTICLES]  # newest first


def test_a_worker_whose_redis_is_gone_stops_within_its_lease_with_one_line(site: Servers, tmp_path: Path) -> None:
    """Redis killed mid-run (and not restarted): the worker sat idle until its time bound (45 minutes), logging a
    ConnectionError every 5 s (hostile review). It now stops once Redis has not answered for `REDIS_LEASE`, exit
    status 2, its run not committed. A Redis of its own: the session's serves the other tests."""
    server, url = start_redis(tmp_path)
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        output = tmp_path / "w1.jsonl"
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/news/", "-a", "max_pages=100",
             "-o", str(output), "-s", f"REDIS_URL={url}", "-s", f"STATE_URI={url}", "-s", "DOWNLOAD_DELAY=0.3",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "REDIS_LEASE=3", "-s", "LOG_LEVEL=INFO",
             "-s", f"LOG_FILE={output.with_suffix('.log')}", "-s", f"REJECTS_URI={output.with_suffix('.rejects')}"],
            cwd=ROOT, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + JOIN_DEADLINE
        while not client.keys("newsharvest:*:frontier:members"):
            assert process.poll() is None and time.monotonic() < deadline, "the worker did not join"
            time.sleep(0.05)
        time.sleep(1)
    finally:
        client.close()
        server.kill()
        server.wait()
    try:
        _, stderr = process.communicate(timeout=90)  # the lease (3 s) and Redis' own timeouts, far below 45 min
    finally:
        process.kill()
    assert process.returncode == 2, stderr
    assert "newsharvest: 127.0.0.1: error: state: " in stderr and "Traceback" not in stderr, stderr



def test_a_request_redis_refuses_fails_the_run(tmp_path: Path) -> None:
    """Redis gone for a moment: scrapy-redis' push raised (a hung worker); dropped without a word, the run then
    committed without it once Redis answered again (the review of the change). Now it is a `state` error of the
    run: not committed, exit status 2, and the next run asks again."""
    from scrapers.integrity import run_errors

    server, url = start_redis(tmp_path)
    try:
        scheduler, _ = frontier_worker(url)
        assert scheduler.enqueue_request(Request("http://127.0.0.1/news/a.html"))
        server.kill()
        server.wait()
        assert scheduler.enqueue_request(Request("http://127.0.0.1/news/b.html")) is False
        assert scheduler.next_request() is None and scheduler.has_pending_requests() is False
        assert scheduler.stats is not None
        errors = run_errors(scheduler.stats.get_stats())
        assert list(errors) == ["state"] and "http://127.0.0.1/news/b.html" in str(errors["state"])
        scheduler.engine_stopped()  # its lease thread stopped (left running, it raised into later tests' garbage)
        assert not scheduler.renewer.is_alive()
    finally:
        server.kill()
        server.wait()
