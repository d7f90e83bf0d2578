"""Article pages read in reader processes (`READER_PROCESSES`, `scrapers.readers`): the same records as a crawl
that reads them itself, and whatever goes wrong in a reader process (an exception, its death, a page it reads
for ever, the crawl's own death) ends as a reject with its reason or a replaced process, never a lost page or a
crawl that does not end. Real `scrapy crawl` runs over the sample site (replay), with real reader processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from scrapers.readers import MOST_AUTO_READERS, ReaderPool, ReadersUnavailable, reader_processes, usable_cores
from tests.harness import ROOT
from tests.readerparts import KILLS, RAISES, SLOW
from tests.test_harvest import ARTICLES, REJECTED, Harvest

INFOGRAPHIC = "https://thoidai.com.vn/infographics-brics-va-nam-ban-cau-cung-xay-dung-mot-the-gioi-tot-dep-hon-206360.html"

TROUBLE = "SPIDER_MODULES=tests.readerparts"
WRITTEN = len(ARTICLES)
"""Records of a run of the sample site (its one other article page has no body: a reject)."""


def comparable(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by URL, without the moment each was read."""
    return {record["url"]: {k: v for k, v in record.items() if k != "scraped_at"} for record in records}


def rejects(harvest: Harvest) -> dict[str, str]:
    path = harvest.tmp / "rejects.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {reject["url"]: reject["reason"] for reject in map(json.loads, lines)}


def test_reader_processes_write_the_records_the_crawl_process_writes(tmp_path: Path) -> None:
    alone, aside = Harvest(tmp_path / "alone"), Harvest(tmp_path / "aside")
    read_alone = alone.run("READER_PROCESSES=0")
    read_aside = aside.run("READER_PROCESSES=2")
    assert read_alone.returncode == read_aside.returncode == 0, read_aside.log[-2000:]
    assert len(read_aside.records) == WRITTEN
    assert comparable(read_aside.records) == comparable(read_alone.records)
    assert rejects(aside) == rejects(alone)
    assert "'scrapers.readers.ReadArticlesAside'" in read_aside.log  # among the enabled middlewares
    assert "ReadArticlesAside" not in read_alone.log


def test_an_exception_in_a_reader_process_rejects_its_page_as_the_crawl_process_does(tmp_path: Path) -> None:
    alone, aside = Harvest(tmp_path / "alone"), Harvest(tmp_path / "aside")
    read_alone = alone.run("READER_PROCESSES=0", TROUBLE)
    read_aside = aside.run("READER_PROCESSES=1", TROUBLE)
    assert read_aside.returncode == read_alone.returncode
    assert rejects(aside)[RAISES] == rejects(alone)[RAISES] == "extraction error: ValueError: a page no reader expected"
    assert RAISES not in comparable(read_aside.records)
    assert comparable(read_aside.records) == comparable(read_alone.records)
    assert len(read_aside.records) == WRITTEN - 1
    # The reader process's traceback is in the log, under the crawl's own warning.
    assert "Could not read " + RAISES in read_aside.log
    assert 'in title\n    raise ValueError("a page no reader expected")' in read_aside.log


def test_a_reader_process_that_dies_is_replaced_and_only_the_page_that_killed_it_twice_is_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_TEST_KILL", "1")
    harvest = Harvest(tmp_path)
    run = harvest.run("READER_PROCESSES=1", TROUBLE)
    reasons = rejects(harvest)
    assert reasons[KILLS] == ("extraction error: ReaderProcessDied: the reader process died twice while reading"
                              " this page")
    assert reasons[RAISES].startswith("extraction error: ValueError")
    urls = [record["url"] for record in run.records]
    assert len(urls) == len(set(urls)) == WRITTEN - 2  # every other page, those sent with it to the dying process too
    assert KILLS not in urls and RAISES not in urls
    assert run.log.count("replaced (it died)") == 2


def test_a_page_read_for_longer_than_reader_timeout_is_rejected_and_the_crawl_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_TEST_SLEEP", "3600")
    harvest = Harvest(tmp_path)
    run = harvest.run("READER_PROCESSES=1", "READER_TIMEOUT=2", TROUBLE)  # the subprocess's own timeout: 300 s
    reasons = rejects(harvest)
    assert reasons[SLOW] == "extraction error: ReadingTimedOut: read for longer than READER_TIMEOUT (2 s)"
    assert len(run.records) == WRITTEN - 2  # all but SLOW and RAISES
    assert f"A page was read for longer than READER_TIMEOUT (2 s): {SLOW}" in run.log


def reader_pids(crawl: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{crawl}/task").iterdir():
        found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from Linux's /proc")
def test_reader_processes_die_with_a_crawl_killed_by_sigkill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_TEST_SLEEP", "3600")
    harvest = Harvest(tmp_path)
    crawl, _ = harvest.start("READER_PROCESSES=2", "READER_TIMEOUT=0", TROUBLE)
    try:
        deadline = time.monotonic() + 120
        while len(readers := reader_pids(crawl.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(readers) == 2
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(30)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in readers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in readers if alive(pid)]
    finally:
        crawl.kill()
        crawl.wait()


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (a dead child of this test's dead crawl is reaped by
    init, not by the test)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_lets_the_pages_being_read_finish_and_the_run_ends_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_TEST_SLEEP", "4")
    harvest = Harvest(tmp_path)
    crawl, output = harvest.start("READER_PROCESSES=1", "REPLAY_LATENCY=0.2", TROUBLE)
    try:
        deadline = time.monotonic() + 120
        while not reader_busy(crawl.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        crawl.send_signal(signal.SIGTERM)
        assert crawl.wait(120) == 0
    finally:
        crawl.kill()
        crawl.wait()
    urls = [json.loads(line)["url"] for line in output.read_text(encoding="utf-8").splitlines()]
    assert SLOW in urls  # read to its end after the signal, and written
    assert len(urls) == len(set(urls))


def reader_busy(crawl: int) -> bool:
    """Whether a reader process of `crawl` is sleeping in the slow page: its kernel wait channel (where it
    sleeps) is the one of `time.sleep`."""
    for pid in reader_pids(crawl):
        try:
            channel = Path(f"/proc/{pid}/wchan").read_text()
        except OSError:
            continue
        if "nanosleep" in channel:  # hrtimer_nanosleep, do_nanosleep
            return True
    return False


@pytest.mark.parametrize(
    ("value", "cores", "expected"),
    [("auto", 1, 0), ("auto", 2, 2), ("auto", 4, MOST_AUTO_READERS), ("0", 8, 0), ("3", 1, 3), (" Auto ", 2, 2)],
)
def test_reader_processes_setting(value: str, cores: int, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scrapers.readers.usable_cores", lambda: cores)
    assert reader_processes(Settings({"READER_PROCESSES": value})) == expected


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "", "65"])
def test_reader_processes_refuses_what_is_no_count(value: str) -> None:
    with pytest.raises(ValueError, match="'auto' or a whole number from 0 to 64"):
        reader_processes(Settings({"READER_PROCESSES": value}))


def test_usable_cores_are_this_process_s() -> None:
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_a_bad_reader_setting_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    for setting, line in [
        ("READER_PROCESSES=two", "bad READER_PROCESSES=two: 'auto' or a whole number from 0 to 64"),
        ("READER_TIMEOUT=-1", "bad READER_TIMEOUT=-1: a number, 0 or more"),
    ]:
        run = Harvest(tmp_path / setting.split("=")[0]).run(setting)
        assert run.returncode == 1
        assert f"newsharvest: thoidai: {line}" in run.log.splitlines()
        assert not run.output.exists()


def test_pages_that_each_kill_their_reader_process_are_rejected_and_the_crawl_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two bad pages in a row once left a new reader process with nothing sent to it and the rest waiting.
    monkeypatch.setenv("READER_TEST_ALL", "kill")
    harvest = Harvest(tmp_path)
    run = harvest.run("READER_PROCESSES=1", TROUBLE)  # within Harvest.run's 300 s
    reasons = rejects(harvest)
    died = [url for url, reason in reasons.items() if "ReaderProcessDied" in reason]
    assert len(died) == len(ARTICLES) + 1  # every article page read, the one with no body too
    assert run.records == []
    assert run.returncode == 2


def test_pages_that_each_time_out_are_rejected_and_the_crawl_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_TEST_ALL", "sleep")
    harvest = Harvest(tmp_path)
    run = harvest.run("READER_PROCESSES=2", "READER_TIMEOUT=1", TROUBLE)
    timed_out = {url for url, reason in rejects(harvest).items() if "ReadingTimedOut" in reason}
    # every article page read, the one with no body too; the infographic (no article: no title read) too when
    # its reader, restarted after a timeout, took longer than READER_TIMEOUT to start on a loaded machine
    assert set(ARTICLES) | {REJECTED} <= timed_out <= set(ARTICLES) | {REJECTED, INFOGRAPHIC}
    assert run.records == []


def test_an_exception_that_does_not_unpickle_is_rejected_by_its_kind_and_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_TEST_ALL", "twoarg")
    harvest = Harvest(tmp_path)
    run = harvest.run("READER_PROCESSES=1", TROUBLE)
    assert rejects(harvest)[RAISES] == f"extraction error: RuntimeError: TwoArgumentError: {RAISES}: 1"
    assert len(run.records) == WRITTEN - 1


FAIL_AT_START = """import sys
try:
    command = open("/proc/self/cmdline", "rb").read()
except OSError:
    command = b""
if b"readerprocess" in command:  # a reader process of the crawl, not the crawl
    sys.exit(3)
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="tells a reader process by /proc")
def test_reader_processes_that_cannot_start_leave_the_reading_to_the_crawl_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = tmp_path / "sitecustomize"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAIL_AT_START, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    alone, aside = Harvest(tmp_path / "alone"), Harvest(tmp_path / "aside")
    read_alone = alone.run("READER_PROCESSES=0")
    read_aside = aside.run("READER_PROCESSES=1")
    assert read_aside.returncode == read_alone.returncode == 0
    assert comparable(read_aside.records) == comparable(read_alone.records)
    assert read_aside.log.count("A reader process ended before it was ready (exit status 1)") == 3
    assert "Reader processes failed to start 3 times in a row: the crawl reads its pages itself" in read_aside.log


def test_a_reader_process_finds_the_modules_the_crawl_finds(tmp_path: Path) -> None:
    # Scrapy puts the project's folder (of scrapy.cfg) on the crawl's path; started from a subfolder, a reader
    # process without that path could not import the spider's page class.
    harvest = Harvest(tmp_path)
    command, output = harvest.command("READER_PROCESSES=1", TROUBLE)
    result = subprocess.run(command, cwd=ROOT / "samples", capture_output=True, text=True, timeout=300, check=False)
    assert "ModuleNotFoundError" not in (harvest.tmp / "rejects.jsonl").read_text(encoding="utf-8")
    assert len(output.read_text(encoding="utf-8").splitlines()) == WRITTEN - 1, result.stderr[-2000:]


def test_reader_processes_that_cannot_be_started_at_all_leave_the_page_to_the_crawl_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Popen failing three times within one page's sending once left that page waiting for ever.
    def no_process(*args: Any, **kwargs: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("scrapers.readers.subprocess.Popen", no_process)
    pool = ReaderPool(1, timeout=60.0)

    async def read() -> None:
        with pytest.raises(ReadersUnavailable):
            await asyncio.wait_for(pool.read("page", b"<html></html>", None, "https://example.com/a", None), 10)
        with pytest.raises(ReadersUnavailable):  # and every page after it
            await asyncio.wait_for(pool.read("page", b"<html></html>", None, "https://example.com/b", None), 10)
        pool.close()

    asyncio.run(read())
    assert pool.unavailable and pool.start_failures == 3 and not pool.readers
