"""Distributed crawling end to end: real `scrapy crawl news` workers sharing one frontier and one state on a real
redis-server, over the benchmark's local site of real article pages."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def site() -> Iterator[Servers]:
    servers = start_servers(ARTICLES, 1)
    try:
        yield servers
    finally:
        servers.stop()


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


def test_three_workers_share_one_frontier_and_one_run(site: Servers, redis_url: str, tmp_path: Path) -> None:
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
    assert finish([worker(site, redis_url, output) for output in outputs]) == [0, 0, 0]

    written = Counter(url for output in outputs for url in urls(output))
    assert max(written.values()) == 1  # no article written twice
    assert set(written) | set(rejected(tmp_path)) == everything(site)  # none missing
    # the worker that ends the run writes the run's report, which the state keeps in the history; the others
    # report their share
    history = redis.Redis.from_url(redis_url).lrange("newsharvest:127.0.0.1:reports:127.0.0.1", 0, -1)
    assert len(history) == 1
    whole = json.loads(history[0])
    assert whole in [report(output) for output in outputs]
    assert whole["pages"]["articles"] == ARTICLES  # every article page fetched once across the workers
    assert whole["articles"]["written"] == len(written)
    assert whole["failed_checks"] == []

    # the next run (the state is shared): listings again, no article is due, nothing written
    again = [tmp_path / f"again-{n}.jsonl" for n in (1, 2)]
    assert finish([worker(site, redis_url, output) for output in again]) == [0, 0]
    assert [urls(output) for output in again] == [[], []]
    run = max((report(output) for output in again), key=lambda entry: entry["articles"]["links"])
    assert run["pages"]["articles"] == 0
    # each worker counts the not-due URLs its listings showed it, once each; the run's figure is their sum
    assert ARTICLES <= run["articles"]["not_due"] <= 2 * ARTICLES
    assert run["articles"]["links"] >= ARTICLES


def test_a_worker_killed_midway_loses_nothing(site: Servers, redis_url: str, tmp_path: Path) -> None:
    lease = "REDIS_LEASE=2"
    slow = "DOWNLOAD_DELAY=0.05"  # a crawl long enough to be killed midway
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2, 3)]
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


def frontier_worker(redis_url: str) -> tuple[FrontierScheduler, NextCall]:
    crawler = get_crawler(Spider, {"REDIS_URL": redis_url, "REDIS_LEASE": 15})
    crawler.spider = SPIDER
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
