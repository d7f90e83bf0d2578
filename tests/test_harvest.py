"""Unattended harvesting, end to end: real `scrapy crawl` runs over a copy of the sample site (replay mode),
sharing one state, as an hourly cron job would."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import ROOT

SAMPLES = ROOT / "samples" / "thoidai"
ARTICLES = sorted(
    item["url"] for path in SAMPLES.glob("*.json")
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]
)
REJECTED = "https://thoidai.com.vn/sieu-bao-milton-gay-ra-nhung-tran-loc-xoay-chet-nguoi-205760.html"
"""The sample article whose body came back empty: the one reject of a run."""
CHANGED = "https://thoidai.com.vn/can-bo-chien-si-vung-3-vung-4-hai-quan-giao-luu-the-thao-gan-ket-tinh-dong-doi-206430.html"


@dataclass
class Run:
    returncode: int
    log: str
    output: Path

    @property
    def records(self) -> list[dict[str, Any]]:
        if not self.output.exists():
            return []
        return [json.loads(line) for line in self.output.read_text(encoding="utf-8").splitlines()]

    @property
    def report(self) -> dict[str, Any]:
        report: dict[str, Any] = json.loads(self.output.with_suffix(".report.json").read_text(encoding="utf-8"))
        return report


class Harvest:
    """A sample site, a state and an output folder in `tmp`; `run()` is one cron run."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.site = tmp / "site"
        shutil.copytree(SAMPLES, self.site)
        self.out = tmp / "out"
        self.runs = 0

    def command(self, *settings: str, output: str | None = None, **spider_args: str) -> tuple[list[str], Path]:
        """The command line of the next run, and its output file (`out/run-NN.jsonl` unless `output`)."""
        self.runs += 1
        target = output or str(self.out / f"run-{self.runs:02d}.jsonl")
        command = [
            sys.executable, "-m", "scrapy", "crawl", "thoidai", "-o", target,
            "-s", f"REPLAY_DIR={self.site}", "-s", f"STATE_URI=sqlite:///{self.tmp / 'state' / 'thoidai.db'}",
            "-s", f"REJECTS_URI={self.tmp / 'rejects.jsonl'}", "-s", "LOG_LEVEL=INFO",
        ]
        for setting in settings:
            command += ["-s", setting]
        for name, value in spider_args.items():
            command += ["-a", f"{name}={value}"]
        return command, Path(target)

    def run(self, *settings: str, **spider_args: str) -> Run:
        command, output = self.command(*settings, **spider_args)
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        return Run(result.returncode, result.stderr, output)

    def start(self, *settings: str) -> tuple[subprocess.Popen[bytes], Path]:
        command, output = self.command(*settings)
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return process, output

    def all_records(self) -> list[dict[str, Any]]:
        records = []
        for path in sorted(self.out.glob("*.jsonl")):
            records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return records

    def state(self) -> sqlite3.Connection:
        return sqlite3.connect(self.tmp / "state" / "thoidai.db")


SLOW = ("REPLAY_LATENCY=0.12", "CONCURRENT_REQUESTS=1")
"""A site slow enough (about 3 s a run) to be killed or overlapped midway."""


def test_second_run_fetches_only_listings_and_a_changed_article_comes_back_as_a_new_version(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)

    first = harvest.run()
    assert first.returncode == 0, first.log[-2000:]
    assert sorted(record["url"] for record in first.records) == ARTICLES
    assert {record["version"] for record in first.records} == {1}
    assert first.report["articles"]["new"] == len(ARTICLES)
    assert first.report["pages"]["articles"] == 12  # 9 articles, the rejected one, the infographic, the 404

    second = harvest.run()
    assert second.returncode == 0, second.log[-2000:]
    assert second.records == []
    # the stats dump says how many reports the checks read, not the reports (48 of them: 2,750 lines of a log)
    assert "'harvest/history': 1," in second.log and "'failed_checks'" not in second.log
    assert second.report["pages"]["articles"] == 0
    # robots.txt, home, 2 sections x 2 pages, the RSS feed, the sitemap index and its two sitemaps
    assert second.report["pages"]["fetched"] == 10
    # Not due counts article URLs, once each however many listings, feeds and sitemaps show them.
    assert second.report["articles"]["not_due"] == second.report["articles"]["urls"] == 12
    assert second.report["articles"]["links"] > 12

    page = harvest.site / "article-hai-quan-giao-luu-the-thao.html"
    page.write_text(page.read_text("utf-8").replace("Tham gia giải có 4 đội bóng", "Tham gia giải có 6 đội bóng"),
                    "utf-8")
    # Its revisit time has come: every article is due again at once.
    third = harvest.run("REVISIT_AFTER=100000d:0s")
    assert third.returncode == 0, third.log[-2000:]
    assert [(record["url"], record["version"]) for record in third.records] == [(CHANGED, 2)]
    assert "6 đội bóng" in third.records[0]["body"]
    assert third.report["articles"]["updated"] == 1
    assert third.report["articles"]["unchanged"] == len(ARTICLES) - 1

    with harvest.state() as db:
        assert db.execute("SELECT version FROM articles WHERE url = ?", (CHANGED,)).fetchone() == (2,)


UNLISTED = "https://thoidai.com.vn/tong-thu-ky-lhq-guterres-du-hoi-nghi-thuong-dinh-brics-tai-kazan-206399.html"
"""The sample article that answers 404: listed by a section page, the feed and the news sitemap."""


def test_an_article_that_failed_is_asked_again_after_every_listing_dropped_it(tmp_path: Path) -> None:
    # A story that failed while listed, and left the listings before its retry (a busy section, a feed of the
    # latest 10), was in no file, every run exiting 0: it is asked again for RETRY_WITHIN, listed or not.
    harvest = Harvest(tmp_path)
    first = harvest.run()
    assert first.returncode == 0, first.log[-2000:]
    assert UNLISTED not in [record["url"] for record in first.records]
    for listing in ("section-quoc-te.html", "feed-rss.xml", "sitemap-news.xml"):
        path = harvest.site / listing
        path.write_text(path.read_text("utf-8").replace(UNLISTED, CHANGED), "utf-8")
    saved = json.loads((harvest.site / "article-hai-quan-giao-luu-the-thao.json").read_text("utf-8"))
    saved["request"]["url"] = UNLISTED
    (harvest.site / "article-unlisted.json").write_text(json.dumps(saved), "utf-8")
    page = (harvest.site / "article-hai-quan-giao-luu-the-thao.html").read_text("utf-8")
    (harvest.site / "article-unlisted.html").write_text(
        page.replace(CHANGED, UNLISTED).replace("Tham gia giải có 4 đội bóng", "Tham gia giải có 9 đội bóng"), "utf-8")

    second = harvest.run("RETRY_AFTER=0s")
    assert second.returncode == 0, second.log[-2000:]
    assert [record["url"] for record in second.records] == [UNLISTED]
    assert "9 đội bóng" in second.records[0]["body"]
    # asked again: it and the rejected article (rejected again, its line already in the rejects file)
    assert second.report["articles"]["asked_again"] == 2
    assert second.report["articles"]["rejected_already_in_file"] == 1

    third = harvest.run("RETRY_AFTER=0s")
    assert third.returncode == 0 and third.records == []
    assert third.report["articles"]["asked_again"] == 1  # the rejected article; the other gave its record
    fourth = harvest.run("RETRY_AFTER=0s", "RETRY_WITHIN=1s")  # first seen longer ago than that: left alone
    assert fourth.returncode == 0 and fourth.report["articles"]["asked_again"] == 0
    fifth = harvest.run("RETRY_AFTER=0s", sources="feeds")  # a run of part of the site asks nothing of the rest
    assert fifth.returncode == 0 and fifth.report["articles"]["asked_again"] == 0


def test_full_run_ignores_the_state(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    assert harvest.run().returncode == 0
    again = harvest.run(full="1")
    assert again.returncode == 0, again.log[-2000:]
    assert sorted(record["url"] for record in again.records) == ARTICLES
    assert {record["version"] for record in again.records} == {1}  # unchanged: same version


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize(
    "kill_point",
    ["start-up", "first bytes written", "half the records written", "random 1", "random 2", "random 3"],
)
def test_killed_run_then_rerun_writes_every_article_exactly_once(tmp_path: Path, kill_point: str) -> None:
    harvest = Harvest(tmp_path)
    process, output = harvest.start(*SLOW)
    partial = Path(f"{output}.part")
    if kill_point == "start-up":
        time.sleep(0.3)
    elif kill_point == "first bytes written":
        wait_for(lambda: partial.exists() and partial.stat().st_size > 0)
    elif kill_point == "half the records written":
        wait_for(lambda: partial.exists() and partial.stat().st_size > 35_000)  # about 4 of 9 records
    else:
        time.sleep(random.Random(kill_point).uniform(0.8, 3.5))  # anywhere from start-up to the end
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed_midway = partial.exists()

    rerun = harvest.run()
    assert rerun.returncode == 0, rerun.log[-2000:]
    urls = [record["url"] for record in harvest.all_records()]
    assert sorted(urls) == ARTICLES  # all of them, none twice
    assert not list(harvest.out.glob("*.part"))  # the killed run's partial file is gone
    assert not list(harvest.out.glob("*.report.json.part")) and not list(harvest.tmp.glob("*.part"))
    rejects = (harvest.tmp / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["url"] for line in rejects] == [REJECTED]  # once, whichever run wrote it
    if killed_midway:
        assert not output.exists() and "rolled_back" in rerun.log
        assert sorted(record["url"] for record in rerun.records) == ARTICLES


def test_layout_change_fails_the_run_naming_the_field_and_the_site(tmp_path: Path) -> None:
    healthy = Harvest(tmp_path / "healthy").run()
    assert healthy.returncode == 0, healthy.log[-2000:]
    assert healthy.report["failed_checks"] == []

    harvest = Harvest(tmp_path / "changed")
    for page in harvest.site.glob("article-*.html"):  # the site renamed its body container
        page.write_text(page.read_text("utf-8").replace("__MASTERCMS_CONTENT ", "detail-content "), "utf-8")
    broken = harvest.run()
    assert broken.returncode == 2
    assert "newsharvest: thoidai: check failed: thoidai.com.vn: body present in 0% of 10 articles" in broken.log
    assert any("body" in line for line in broken.report["failed_checks"])


CHALLENGE = """<!DOCTYPE html><html lang="en"><head><title>Just a moment...</title></head>
<body><div id="challenge"><h1>Checking your browser before accessing thoidai.com.vn</h1>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p></div></body></html>"""


def test_bot_wall_fails_the_run(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    for page in harvest.site.glob("article-*.html"):  # every article answers 200 with a challenge page
        page.write_text(CHALLENGE, "utf-8")
    walled = harvest.run()
    assert walled.returncode == 2
    assert "thoidai.com.vn: 11 of 12 article pages came back with no body and no date" in walled.log


def test_http_error_surge_fails_the_run(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    for page in harvest.site.glob("article-*.html"):  # the article pages are gone
        page.unlink()
    gone = harvest.run()
    assert gone.returncode == 2
    assert "12 of 21 fetches failed (http_404: 12)" in gone.log


def test_a_start_page_that_is_gone_fails_the_run_though_another_lists_articles(tmp_path: Path) -> None:
    # A section moved: its front answered 404 every hour, the other listings still showed articles, exit 0 with
    # the 404 said only at INFO by Scrapy (operator review)
    harvest = Harvest(tmp_path)
    run = harvest.run(sections="quoc-te,khong-co-muc-nay")
    assert run.returncode == 2
    assert run.log.splitlines()[-1] == ("newsharvest: thoidai: check failed: thoidai.com.vn: 1 start page gone"
                                        " (404 or 410): https://thoidai.com.vn/khong-co-muc-nay")
    assert "WARNING: Fetch failed (http_404): https://thoidai.com.vn/khong-co-muc-nay" in run.log
    assert run.records  # the other section's articles are delivered


def test_coverage_drop_against_recent_runs_fails_the_run(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    assert harvest.run().returncode == 0
    for page in harvest.site.glob("article-*.html"):  # bylines disappear from every article
        page.write_text(page.read_text("utf-8").replace('class="author-title"', 'class="byline"'), "utf-8")
    dropped = harvest.run("REVISIT_AFTER=100000d:0s")
    assert dropped.returncode == 2
    assert "thoidai.com.vn: authors present in 11% of 9 articles (recent runs: 90%)" in dropped.log


def test_overlapping_run_exits_with_a_clear_message_and_the_state_stays_whole(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    first, _ = harvest.start(*SLOW)
    time.sleep(1.5)
    assert first.poll() is None, "the first run ended before the second started"
    second = harvest.run()
    assert second.returncode == 1
    assert "Not starting thoidai: another run holds the state" in second.log
    assert first.wait(timeout=120) == 0
    with harvest.state() as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM articles WHERE status = 'emitted'").fetchone() == (len(ARTICLES),)
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES


def test_overlapping_run_can_wait_for_the_first(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    first, _ = harvest.start(*SLOW)
    time.sleep(1.5)
    waiting = harvest.run("STATE_LOCK_TIMEOUT=120")
    assert first.wait(timeout=120) == 0
    assert waiting.returncode == 0, waiting.log[-2000:]
    assert waiting.records == []  # the first run had written them all
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES


def test_an_article_page_too_large_to_read_is_missing_and_tried_again_later(tmp_path: Path) -> None:
    """A page refused once fetched (`PAGE_MAX_ELEMENTS`) is `missing`, asked again after `RETRY_AFTER`: the state's
    note of an article page that gave no record made it `skipped`, never fetched again (loss review)."""
    harvest = Harvest(tmp_path)
    run = harvest.run("PAGE_MAX_ELEMENTS=200")  # (every article page of the sample site has more)
    assert run.report["fetch"]["failed_by_cause"]["page_too_large"] == 12
    with harvest.state() as state:
        assert dict(state.execute("select status, count(*) from articles group by status")) == {"missing": 12}


def test_output_file_name_carries_the_run_time(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    command, _ = harvest.command(output=str(tmp_path / "out" / "%(name)s" / "%(time)s.jsonl"))
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    (output,) = (tmp_path / "out" / "thoidai").glob("*.jsonl")
    assert output.name[:4].isdigit() and "T" in output.name
    assert output.with_suffix(".report.json").exists()
    assert len(output.read_text(encoding="utf-8").splitlines()) == len(ARTICLES)


def test_sigterm_finishes_cleanly_with_a_complete_file(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    process, output = harvest.start(*SLOW)
    time.sleep(2.0)
    process.send_signal(signal.SIGTERM)  # what systemd and `kill` send: Scrapy closes the spider
    process.wait(timeout=60)
    rerun = harvest.run()
    assert rerun.returncode == 0
    urls = [record["url"] for record in harvest.all_records()]
    assert sorted(urls) == ARTICLES
    assert not list(harvest.out.glob("*.part"))
    if output.exists():
        assert all(line.strip() for line in output.read_text(encoding="utf-8").splitlines())


def test_sigterm_cancels_the_replayed_answers_waiting_out_their_latency(tmp_path: Path) -> None:
    """A replayed site as slow as a hanging one (a minute an answer): SIGTERM ends the run as it cancels a live
    site's downloads in flight, not a minute later."""
    harvest = Harvest(tmp_path)
    process, output = harvest.start("REPLAY_LATENCY=60", "CONCURRENT_REQUESTS=1")
    time.sleep(4.0)  # (the spider is open, its first request waiting)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    report = json.loads(output.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["finish_reason"] == "shutdown"


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Replay never reaches the network; keep a proxy in the environment from changing the runs.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    os.environ.setdefault("PYTHONHASHSEED", "0")


def test_a_run_bounded_in_articles_leaves_the_rest_to_the_next_runs(tmp_path: Path) -> None:
    """A site listing more articles than MAX_ARTICLES_PER_RUN: each run requests that many of those it does
    not know, counts the rest, and the next runs take them, each article written once."""
    harvest = Harvest(tmp_path)
    runs = [harvest.run("MAX_ARTICLES_PER_RUN=4") for _ in range(4)]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], runs[0].log[-2000:]
    assert [run.report["pages"]["articles"] for run in runs] == [4, 4, 4, 0]  # of the 12 article URLs listed
    written = [record["url"] for run in runs for record in run.records]
    assert sorted(written) == ARTICLES  # the infographic, the missing page and a reject are the other three
    assert [run.report["articles"]["over_run_bound"] > 0 for run in runs] == [True, True, False, False]


def test_a_run_bounded_by_since_leaves_the_older_articles_to_the_runs_after_it(tmp_path: Path) -> None:
    """An article whose link shows no date is fetched, then dropped as older than `-a since`: it was recorded as
    no article (skipped, never fetched again), and the runs after it never wrote 5 of the 9 articles."""
    harvest = Harvest(tmp_path)
    bounded = harvest.run(since="2024-10-24")
    assert bounded.returncode == 0, bounded.log[-2000:]
    assert 0 < len(bounded.records) < len(ARTICLES)
    after = harvest.run()
    assert after.returncode == 0, after.log[-2000:]
    assert sorted(record["url"] for record in [*bounded.records, *after.records]) == ARTICLES
