"""What an operator runs beside the crawls: `scrapy status` (with its dead-man alarm), `scrapy report` (the
health page, looked at in a real headless Chromium), `scrapy accept`; and the coverage baseline they rely on."""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from scrapers.monitors import baseline
from tests import sitecopy
from tests.harness import ROOT

SAMPLES = ROOT / "samples" / "thoidai"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three hourly runs of the sample site: a good one, one whose check failed, one with nothing new."""
    folder = tmp_path_factory.mktemp("harvest")
    common = ["crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", "-s", f"STATE_URI=sqlite:///{folder}/%(name)s.db",
              "-o", f"{folder}/out/%(name)s/%(time)s.jsonl", "-s", f"REJECTS_URI={folder}/rejects.jsonl",
              "-s", "LOG_LEVEL=WARNING"]
    exits = [scrapy(*common).returncode,
             # its one reject (of 10 articles, all fetched again) a surge: the check fails
             scrapy(*common, "-a", "full=1", "-s", "CHECK_MAX_REJECT_SHARE=0", "-s", "CHECK_MIN_FAILURES=1").returncode,
             scrapy(*common).returncode]
    assert exits == [0, 2, 0]
    return folder


def uri(folder: Path) -> str:
    return f"STATE_URI=sqlite:///{folder}/%(name)s.db"


def test_status_lists_each_site_last_run(state: Path) -> None:
    result = scrapy("status", "-s", uri(state))
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["site", "run", "ended", "(UTC)", "age", "outcome", "exit", "records", "last", "ok",
                              "failed", "checks"]
    # The last run wrote nothing new (every article already written), passed its checks, ended just now.
    assert row.split()[:2] == ["thoidai", "3"]
    assert row.split()[4:] == ["0m", "ok", "0", "0", "0m", "ago", "-"]


def test_status_dead_man_alarm_exits_1_with_one_line(state: Path) -> None:
    assert scrapy("status", "-s", uri(state), "--max-age", "24").returncode == 0
    stale = scrapy("status", "-s", uri(state), "--max-age", "0")
    assert stale.returncode == 1
    assert stale.stderr.startswith("newsharvest: thoidai: no successful run for 0 hours (last at ")
    assert len(stale.stderr.splitlines()) == 1
    missing = scrapy("status", "-s", uri(state), "--max-age", "24", "elsewhere")
    assert (missing.returncode, missing.stderr) == (1, "newsharvest: elsewhere: no run in the state\n")
    # a name the state has no run of is said without --max-age too, with the closest one it has
    typo = scrapy("status", "-s", uri(state), "thiodai")
    assert (typo.returncode, typo.stderr) == (1, "newsharvest: thiodai: no run in the state (did you mean thoidai?)\n")
    nowhere = f"sqlite:///{state}/none/%(name)s.db"
    nothing = scrapy("status", "-s", f"STATE_URI={nowhere}", "--max-age", "24")
    assert (nothing.returncode, nothing.stderr) == (1, f"newsharvest: status: no run in any state {nowhere}\n")


def test_a_run_with_nothing_new_leaves_an_empty_file_and_its_report(state: Path) -> None:
    # Chosen: the empty output stays, beside a report saying so, so "ran and found nothing new" is not
    # mistaken for "did not run"; a reader of out/<site>/*.jsonl reads no line from it.
    outputs = sorted((state / "out" / "thoidai").glob("*.jsonl"), key=lambda path: path.stat().st_mtime)
    assert [path.stat().st_size > 0 for path in outputs] == [True, True, False]
    report = json.loads(outputs[-1].with_suffix(".report.json").read_text(encoding="utf-8"))
    assert (report["articles"]["written"], report["articles"]["new"], report["failed_checks"]) == (0, 0, [])


def test_rejects_file_says_when_and_which_run_and_does_not_repeat(state: Path) -> None:
    lines = [json.loads(line) for line in (state / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["reason"], line["run_id"]) for line in lines] == [("body: missing", 1)]
    assert lines[0]["rejected_at"].startswith("20") and lines[0]["rejected_at"].endswith("+00:00")


def test_the_coverage_of_a_run_that_read_nothing_is_null(state: Path) -> None:
    db = sqlite3.connect(state / "thoidai.db")
    reports = [json.loads(report) for (report,) in db.execute("SELECT report FROM runs ORDER BY id")]
    assert [report["articles"]["extracted"] for report in reports] == [10, 10, 0]
    assert reports[0]["coverage"]["title"] == 1.0
    assert set(reports[2]["coverage"].values()) == {None}


@pytest.fixture(scope="module")
def report_page(state: Path) -> Path:
    result = scrapy("report", "-s", uri(state), "-o", str(state / "thoidai.html"))
    assert (result.returncode, result.stdout) == (0, f"thoidai: {state / 'thoidai.html'}\n")
    return state / "thoidai.html"


def test_report_marks_the_failed_run_and_draws_every_run(report_page: Path) -> None:
    page = report_page.read_text(encoding="utf-8")
    assert "3 runs in the last 28 days, 1 failed; last run 3 ended" in page
    assert page.count('<rect class="run ok"') == 2 and page.count('<rect class="run failed"') == 1
    assert "run 2, " in page and "thoidai.com.vn: 1 of 10 articles rejected (body: missing: 1)" in page
    assert page.count('<polyline class="coverage ') == 6


def test_report_in_headless_chromium(report_page: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "the report test needs Chromium: apt-get install -y chromium"
    browser = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1300"]
    shot = tmp_path / "report.png"
    subprocess.run([*browser, f"--screenshot={shot}", report_page.as_uri()], capture_output=True, timeout=120,
                   check=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1000, 1300)
    dom = subprocess.run([*browser, "--dump-dom", report_page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "<h1>newsharvest health: thoidai</h1>" in dom
    assert dom.count("<rect ") == 3 and '<ul id="failed">' in dom


def test_accept_takes_the_latest_run_as_the_baseline(state: Path, tmp_path: Path) -> None:
    copy = tmp_path / "thoidai.db"
    shutil.copy(state / "thoidai.db", copy)
    result = scrapy("accept", "thoidai", "-s", f"STATE_URI=sqlite:///{tmp_path}/%(name)s.db")
    assert result.returncode == 0, result.stderr
    # run 3 found nothing new and measured no coverage: the baseline is run 2, the latest that read articles
    assert result.stdout.startswith("thoidai: run 2 (")
    reports = [json.loads(r) for (r,) in sqlite3.connect(copy).execute("SELECT report FROM runs ORDER BY id DESC")]
    assert [report.get("accepted", False) for report in reports] == [False, True, False]
    assert baseline(reports) == reports[:2]


def verdicts(authors: list[float], accepted_at: int | None = None) -> list[bool]:
    """Whether each run fails the authors check (drop of 0.3 from the baseline's median), run after run."""
    history: list[dict[str, Any]] = []
    failed = []
    for number, share in enumerate(authors):
        runs = baseline(history)
        fails = bool(runs) and median(r["coverage"]["authors"] for r in runs) - share >= 0.3
        failed.append(fails)
        report = {"coverage": {"authors": share}, "failed_checks": ["authors"] if fails else []}
        if number == accepted_at:
            report["accepted"] = True
        history.insert(0, report)
    return failed


def test_a_broken_field_keeps_failing_until_it_recovers() -> None:
    # Bylines vanish after four good runs: every run fails (the median of the last 10 runs, failed ones
    # included, let runs 5-9 pass before), and the first run with bylines back passes.
    assert verdicts([0.98] * 4 + [0.1] * 9 + [0.97]) == [False] * 4 + [True] * 9 + [False]


def test_a_broken_field_passes_once_its_new_level_is_accepted() -> None:
    assert verdicts([0.98] * 4 + [0.1] * 4, accepted_at=5) == [False] * 4 + [True, True, False, False]


def test_news_runs_are_named_after_their_site(tmp_path: Path) -> None:
    with sitecopy.serve() as site:
        result = scrapy("crawl", "news", "-a", f"url={site.base}/nachrichten/", "-a", "max_pages=1",
                        "-s", f"STATE_URI=sqlite:///{tmp_path}/%(name)s.db", "-o", f"{tmp_path}/out/%(name)s.jsonl",
                        "-s", f"REJECTS_URI={tmp_path}/%(name)s-rejects.jsonl", "-s", "AUTOTHROTTLE_ENABLED=False",
                        "-s", "LOG_LEVEL=INFO")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Crawl summary for 127.0.0.1 (finished" in result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["127.0.0.1.jsonl", "127.0.0.1.report.json"]
    spiders = sqlite3.connect(tmp_path / "127.0.0.1.db").execute("SELECT spider FROM runs").fetchall()
    assert spiders == [("127.0.0.1",)]
    assert not (tmp_path / "news.db").exists()


def test_alert_action_runs_when_a_check_fails_and_a_passing_run_is_quiet(tmp_path: Path) -> None:
    common = ["crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", "-O", str(tmp_path / "out.jsonl"),
              "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=INFO",
              # Spidermon's own report action stands in for e-mail or Slack, which need a server.
              "-s", "ALERT_ACTIONS=spidermon.contrib.actions.reports.files.CreateFileReport",
              "-s", "SPIDERMON_REPORT_TEMPLATE=reports/email/monitors/result.jinja",
              "-s", f"SPIDERMON_REPORT_FILENAME={tmp_path / 'alert.html'}"]
    passing = scrapy(*common)
    assert passing.returncode == 0
    assert not (tmp_path / "alert.html").exists()
    assert "[Spidermon]" not in passing.stderr and "deprecated" not in passing.stderr
    debug = scrapy(*common, "-s", "LOG_LEVEL=DEBUG").stderr  # each written article one line, not the record
    assert debug.count("Scraped: https://thoidai.com.vn/") == 9 and "'body':" not in debug
    failing = scrapy(*common, "-s", 'CHECK_REQUIRED_COVERAGE={"updated_at": 0.5}')
    assert failing.returncode == 2
    alert = (tmp_path / "alert.html").read_text(encoding="utf-8")
    assert "updated_at present in 10% of 10 articles (expected at least 50%)" in alert


@pytest.fixture(scope="module")
def redis_state(redis_server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The three runs of `state`, with the state in Redis: the STATE_URI."""
    import redis

    redis.Redis.from_url(redis_server).flushall()
    folder = tmp_path_factory.mktemp("harvest-redis")
    common = ["crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", "-s", f"STATE_URI={redis_server}",
              "-o", f"{folder}/out/%(name)s/%(time)s.jsonl", "-s", f"REJECTS_URI={folder}/rejects.jsonl",
              "-s", "LOG_LEVEL=WARNING"]
    exits = [scrapy(*common).returncode,
             scrapy(*common, "-a", "full=1", "-s", "CHECK_MAX_REJECT_SHARE=0", "-s", "CHECK_MIN_FAILURES=1").returncode,
             scrapy(*common).returncode]
    assert exits == [0, 2, 0]
    return redis_server


def test_status_report_and_accept_read_a_redis_state(redis_state: str, tmp_path: Path) -> None:
    """The operator's commands on STATE_URI=redis://...: the same table, page and baseline as on SQLite."""
    from scrapers.redis_state import RedisStateStore

    status = scrapy("status", "-s", f"STATE_URI={redis_state}", "--max-age", "24")
    assert status.returncode == 0, status.stderr
    _, row = status.stdout.splitlines()
    assert row.split()[:2] == ["thoidai", "3"]
    assert row.split()[4:] == ["0m", "ok", "0", "0", "0m", "ago", "-"]
    page = tmp_path / "thoidai.html"
    report = scrapy("report", "-s", f"STATE_URI={redis_state}", "-o", str(page))
    assert (report.returncode, report.stdout) == (0, f"thoidai: {page}\n")
    assert "3 runs in the last 28 days, 1 failed; last run 3 ended" in page.read_text(encoding="utf-8")
    accept = scrapy("accept", "thoidai", "-s", f"STATE_URI={redis_state}")
    assert accept.returncode == 0, accept.stderr
    assert accept.stdout.startswith("thoidai: run 2 (")  # run 3 read no article
    store = RedisStateStore.reader(redis_state, name="thoidai")
    try:
        runs = store.runs()
        history = store.reports("thoidai")
    finally:
        store.close()
    assert [run.report.get("accepted", False) for run in runs] == [False, True, False]
    assert [report.get("accepted", False) for report in history] == [False, True, False]
    assert baseline(history) == history[:2]
    unknown = scrapy("accept", "elsewhere", "-s", f"STATE_URI={redis_state}")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("newsharvest: elsewhere: no finished run that read articles in ")


def test_a_report_that_cannot_be_written_is_one_line_that_does_not_blame_the_state(state: Path) -> None:
    result = scrapy("report", "thoidai", "-s", uri(state), "-o", "/proc/none/thoidai.html")
    assert (result.returncode, result.stderr) == (
        1, "newsharvest: report: [Errno 2] No such file or directory: '/proc/none'\n")
