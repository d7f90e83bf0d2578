"""Nothing lost, nothing silent: a run delivers every article it read (in a finished output file or in the
rejects file), or it fails with a non-zero exit status and one line per cause on stderr, and the state
records nothing that was not written. Real `scrapy crawl` runs over the sample site (replay), and the
verdict's table."""

from __future__ import annotations

import fcntl
import io
import json
import random
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider

from scrapers.outputfiles import AtomicFileFeedStorage, OutputInUse
from scrapers.settings import ITEM_PIPELINES
from tests import sitecopy
from tests.brokenparts import BROKEN
from tests.harness import ROOT
from tests.test_harvest import ARTICLES, Harvest

STATE_LINE = "newsharvest: thoidai: "


def stderr_lines(log: str) -> list[str]:
    """The verdict's lines among what the run printed on stderr."""
    return [line for line in log.splitlines() if line.startswith(STATE_LINE)]


def state_rows(harvest: Harvest) -> list[tuple[str, int]]:
    with harvest.state() as db:
        return list(db.execute("SELECT status, COUNT(*) FROM articles GROUP BY status ORDER BY status"))


# ------------------------------------------------------------------ 1. output that cannot be written


def test_unusable_output_folder_stops_the_run_before_it_starts_and_the_state_keeps_none_of_it(
    tmp_path: Path,
) -> None:
    harvest = Harvest(tmp_path)
    (tmp_path / "blocker").write_text("a file where the output folder should be")
    command, _ = harvest.command(output=str(tmp_path / "blocker" / "out.jsonl"))
    broken = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)

    assert broken.returncode == 1, broken.stderr[-2000:]
    (line,) = stderr_lines(broken.stderr)
    assert line.startswith(f"{STATE_LINE}cannot start: output ") and "blocker/out.jsonl: cannot create" in line
    assert not (tmp_path / "state" / "thoidai.db").exists()  # nothing fetched, nothing recorded
    assert not (tmp_path / "rejects.jsonl").exists()  # its reject comes back with the rerun, once

    rerun = harvest.run()
    assert rerun.returncode == 0, rerun.log[-2000:]
    assert sorted(record["url"] for record in rerun.records) == ARTICLES
    assert len((tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def _file_size_limit(limit: int) -> Any:
    def apply() -> None:  # in the child: a disk that fills up after `limit` bytes of any one file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_fails_the_run_and_leaves_no_file_without_a_state(tmp_path: Path) -> None:
    site = Harvest(tmp_path).site
    output = tmp_path / "out" / "articles.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-O", str(output), "-s", f"REPLAY_DIR={site}",
         "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", f"LOG_FILE={tmp_path / 'log.txt'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, preexec_fn=_file_size_limit(30_000),
    )
    assert result.returncode == 2
    (line,) = stderr_lines(result.stderr)
    assert "error: output: " in line and "File too large" in line
    assert not output.exists()  # never an incomplete file renamed into place
    assert not list(output.parent.glob("*.part"))
    report = json.loads(output.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["articles"]["written"] == 0  # was 9: none is in a finished file
    assert line.endswith(report["errors"]["output"]) and "File too large" in report["errors"]["output"]


def test_a_run_report_that_cannot_be_written_fails_the_run_and_keeps_its_delivered_articles(tmp_path: Path) -> None:
    """The disk filled after the output was in place, as the run report was written: the run was rolled back,
    and the next run wrote every article again (hostile review). Now the run fails (exit 2, one line) and the
    state keeps it: its output holds its articles, once."""
    harvest = Harvest(tmp_path)
    blocked = tmp_path / "reports" / "thoidai.json"
    Path(f"{blocked}.part").mkdir(parents=True)  # where the report is written first: it fails at the end
    failed = harvest.run(f"RUN_REPORT_URI={blocked}")
    assert failed.returncode == 2
    (line,) = stderr_lines(failed.log)
    assert line.startswith(f"{STATE_LINE}error: report: 1 error, the first: run report {blocked} not written")
    assert sorted(record["url"] for record in failed.records) == ARTICLES
    again = harvest.run()
    assert again.returncode == 0, again.log[-2000:]
    assert again.records == []
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES


def test_a_rejects_file_that_cannot_be_written_fails_the_run_and_keeps_its_delivered_articles(tmp_path: Path) -> None:
    """The rejects file could not be written: the run was rolled back whole, and the next run wrote every
    article of its finished output again. Now the run fails (exit 2, one line), the state keeps its delivered
    articles and not its reject, which the next run fetches again and writes to the rejects file."""
    harvest = Harvest(tmp_path)
    rejects = tmp_path / "rejects.jsonl"
    Path(f"{rejects}.part").mkdir()  # where a run writes its rejects first: the first reject fails
    failed = harvest.run()
    assert failed.returncode == 2
    (line,) = stderr_lines(failed.log)
    assert line.startswith(f"{STATE_LINE}error: rejects: 1 error, the first: {rejects}.part not written")
    assert sorted(record["url"] for record in failed.records) == ARTICLES
    assert not rejects.exists()

    Path(f"{rejects}.part").rmdir()
    again = harvest.run()
    assert again.returncode == 0, again.log[-2000:]
    assert again.records == []  # were the 9 articles again
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES
    (reject,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["run_id"] == 2


@contextmanager
def written_by_another_crawl(output: Path) -> Iterator[bytes]:
    """`output`'s `.part` file holding another crawl's half-written lines, locked as a crawl holds it while
    it writes; yields those bytes."""
    output.parent.mkdir(parents=True, exist_ok=True)
    written = b'{"url": "https://thoidai.com.vn/another-crawls-article-1.html"}\n'
    with Path(f"{output}.part").open("wb") as part:
        fcntl.flock(part.fileno(), fcntl.LOCK_EX)
        part.write(written)
        part.flush()
        yield written


def test_an_output_another_crawl_is_writing_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    site = Harvest(tmp_path).site
    output = tmp_path / "out" / "articles.jsonl"
    with written_by_another_crawl(output) as written:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-O", str(output), "-s", f"REPLAY_DIR={site}",
             "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", f"LOG_FILE={tmp_path / 'log.txt'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        assert Path(f"{output}.part").read_bytes() == written  # (before: emptied, then written over)
    assert result.returncode == 1
    assert stderr_lines(result.stderr) == [
        f"{STATE_LINE}cannot start: output {output}: another crawl is writing it (its .part file is locked): give"
        " each crawl its own output path (%(time)s in it, or the worker's name)"
    ]
    assert not output.exists()


def test_an_output_file_another_crawl_took_first_is_left_to_it(tmp_path: Path) -> None:
    """The lock itself, where the check before the start does not see the other crawl (it opened its file after
    that check): this crawl's output fails, and the other crawl's file is neither emptied nor removed."""
    output = tmp_path / "articles.jsonl"
    storage = AtomicFileFeedStorage(str(output))
    with written_by_another_crawl(output) as written:
        with pytest.raises(OutputInUse, match="another crawl is writing"):
            storage.open(Spider(name="thoidai"))
        storage.discard(None)  # what a failed run does with its output
        assert Path(f"{output}.part").read_bytes() == written
    assert not output.exists()


def test_two_crawls_into_one_output_path_one_refused_the_other_whole(tmp_path: Path) -> None:
    """An hourly run that overlaps the one before, with one fixed `-O` path: the second wrote into the first's
    `.part`, and the first put the mix in place and exited 0 (the second failed at its rename)."""
    output = tmp_path / "articles.jsonl"
    with sitecopy.serve() as site:
        def crawl() -> subprocess.Popen[str]:
            return subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/nachrichten/", "-O",
                 str(output), "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.2",
                 "-s", "LOG_LEVEL=WARNING", "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        first = crawl()
        deadline = time.monotonic() + 120
        while not Path(f"{output}.part").exists():  # the first has written an article
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        second = crawl()
        _, second_err = second.communicate(timeout=300)
        _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err[-2000:]
    assert second.returncode == 1
    assert f"newsharvest: 127.0.0.1: cannot start: output {output}: another crawl is writing it" in second_err
    written = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(sitecopy.local_path(r["url"]) for r in written) == sorted(map(sitecopy.local_path, site.articles))


# ------------------------------------------------------------------ 2. a state without an output


def test_state_without_an_output_file_does_not_start(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    command, _ = harvest.command()
    at = command.index("-o")
    del command[at:at + 2]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1
    assert stderr_lines(result.stderr) == [
        f"{STATE_LINE}cannot start: STATE_URI needs an output file (-o FILE or FEEDS): without one the state"
        " would record articles that were never written"
    ]
    assert not (tmp_path / "state" / "thoidai.db").exists() or state_rows(harvest) == []


def test_articles_read_without_any_output_fail_the_run(tmp_path: Path) -> None:
    site = Harvest(tmp_path).site
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={site}",
         "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 2
    assert stderr_lines(result.stderr) == [
        f"{STATE_LINE}error: no_output: 9 articles read and no output file received them (give one with -o FILE"
        " or FEEDS)"
    ]


# ------------------------------------------------------------------ 3. a damaged state


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        del data[len(data) // 2:]
    elif how == "header overwritten":
        data[:100] = bytes(100)
    else:  # pages scrambled: every page but the first, past its page header
        rng = random.Random(8)
        for page in range(4096, len(data), 4096):
            data[page + 16:page + 4000] = bytes(rng.randrange(256) for _ in range(3984))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "header overwritten", "pages scrambled"])
def test_damaged_state_stops_the_run_at_once_saying_how_to_recover(tmp_path: Path, how: str) -> None:
    harvest = Harvest(tmp_path)
    assert harvest.run().returncode == 0
    database = tmp_path / "state" / "thoidai.db"
    damage(database, how)

    stopped = harvest.run(full="1")
    assert stopped.returncode == 1
    (line,) = stderr_lines(stopped.log)
    assert line.startswith(f"{STATE_LINE}cannot start: the state {database} is damaged (")
    assert f"move it aside (mv {database} {database}.damaged" in line
    assert not stopped.output.exists()

    database.rename(f"{database}.damaged")  # what the message says to do
    rebuilt = harvest.run()
    assert rebuilt.returncode == 0, rebuilt.log[-2000:]
    assert sorted(record["url"] for record in rebuilt.records) == ARTICLES


# ------------------------------------------------------------------ 4. exceptions in spiders and pipelines


def test_exception_in_a_spider_callback_fails_the_run(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    broken = harvest.run("SPIDER_MODULES=tests.brokenparts")
    assert broken.returncode == 2
    assert stderr_lines(broken.log) == [
        f"{STATE_LINE}error: spider: 1 error, the first: KeyError: 'a bug in parse_article' ({BROKEN})"
    ]
    assert broken.report["errors"] == {"spider": f"1 error, the first: KeyError: 'a bug in parse_article' ({BROKEN})"}
    assert sorted(record["url"] for record in broken.records) == sorted(set(ARTICLES) - {BROKEN})
    # the lost article is not in the state, so the next run fetches and writes it
    assert [record["url"] for record in harvest.run().records] == [BROKEN]


def test_exception_in_a_pipeline_fails_the_run(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    pipelines = json.dumps({**ITEM_PIPELINES, "tests.brokenparts.BrokenPipeline": 50})
    broken = harvest.run(f"ITEM_PIPELINES={pipelines}")
    assert broken.returncode == 2
    assert stderr_lines(broken.log) == [
        f"{STATE_LINE}error: pipeline: 1 error, the first: TypeError: a bug in a pipeline ({BROKEN})"
    ]
    assert sorted(record["url"] for record in broken.records) == sorted(set(ARTICLES) - {BROKEN})
    assert [record["url"] for record in harvest.run().records] == [BROKEN]


def test_appending_to_a_file_whose_last_line_was_cut_ends_that_line_first(tmp_path: Path) -> None:
    """`-o` onto a file a full disk cut mid-line: the first record of the run was glued to the cut line, and both
    were lost to every reader of the lines."""
    output = tmp_path / "articles.jsonl"
    output.write_bytes(b'{"url": "https://example.com/1"}\n{"url": "https://exa')
    storage = AtomicFileFeedStorage(str(output), feed_options={"overwrite": False})
    file = storage.open(Spider(name="thoidai"))
    file.write(b'{"url": "https://example.com/3"}\n')
    storage.store(file)
    assert output.read_bytes().splitlines() == [
        b'{"url": "https://example.com/1"}', b'{"url": "https://exa', b'{"url": "https://example.com/3"}']


def test_a_state_lost_during_the_run_puts_no_output_in_place(tmp_path: Path) -> None:
    """The state fails while the run goes on (here its Redis is stopped): the run fails, and its output is not put
    in place, as the state that would have known its articles is not committed. It was, and the next run wrote
    every one of them again (operator review)."""
    from scrapers.crawlbench import start_redis

    server, url = start_redis(tmp_path)
    try:
        run = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={ROOT / 'samples' / 'thoidai'}",
             "-s", "REPLAY_LATENCY=0.3", "-s", "CONCURRENT_REQUESTS=1", "-s", f"STATE_URI={url}",
             "-O", str(tmp_path / "out.jsonl"), "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}",
             "-s", "LOG_LEVEL=DEBUG", "-s", f"LOG_FILE={tmp_path / 'log'}"],
            cwd=ROOT, stderr=subprocess.PIPE, text=True)
        log = tmp_path / "log"
        deadline = time.monotonic() + 120
        while not log.exists() or "Scraped: " not in log.read_text(encoding="utf-8", errors="replace"):
            assert time.monotonic() < deadline and run.poll() is None, "no article was written"
            time.sleep(0.05)
        server.terminate()  # the state's Redis goes away, an article or more into the run
        server.wait(30)
        _, stderr = run.communicate(timeout=300)
    finally:
        server.kill()
    assert run.returncode == 2, stderr
    assert "error: state:" in stderr
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.part").exists()


def test_a_state_whose_content_is_damaged_fails_the_run_in_one_line(tmp_path: Path) -> None:
    """A run of the state whose outputs are not the JSON the state wrote passes its open check: reading it raised
    out of the run's opening, a traceback, and every run exited 0 writing every article again (fuzzer)."""
    import sqlite3

    from scrapers.statestore import SCHEMA

    with sqlite3.connect(tmp_path / "thoidai.db") as state:
        state.executescript(SCHEMA)
        state.execute("INSERT INTO runs(spider, started_at, status, outputs)"
                      " VALUES ('thoidai', '2024-10-24T08:00:00+00:00', 'running', 'not json')")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={ROOT / 'samples' / 'thoidai'}",
         "-s", f"STATE_URI=sqlite:///{tmp_path / 'thoidai.db'}", "-o", str(tmp_path / "out.jsonl"),
         "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=ERROR"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"newsharvest: thoidai: error: state: 1 error, the first: {tmp_path / 'thoidai.db'} failed opening the run:"
        " JSONDecodeError: Expecting value: line 1 column 1 (char 0)")
    assert "Traceback" not in result.stderr and not (tmp_path / "out.jsonl").exists()


def test_a_log_file_that_cannot_be_written_is_one_error_of_the_run(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The log's disk fills during the run: Python's logging printed a traceback on stderr for every line it could
    not write (148 in one run) and the run exited 0, its log cut short (operator review). It is one `log` error
    of the run now, and nothing on stderr until the run's verdict."""
    import errno
    import logging

    from scrapy.utils.test import get_crawler

    from scrapers.extensions import LogFileErrors
    from scrapers.integrity import run_errors

    class FullDisk(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    handler = logging.FileHandler(tmp_path / "crawl.log")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        crawler = get_crawler(Spider, {"LOG_FILE": str(tmp_path / "crawl.log")})
        assert crawler.stats is not None
        crawler.stats.open_spider()
        LogFileErrors.from_crawler(crawler)
        handler.stream = FullDisk()
        for n in range(20):
            logging.getLogger("scrapers.test").error("line %d", n)
    finally:
        root.removeHandler(handler)
    assert run_errors(crawler.stats.get_stats()) == {
        "log": "1 error, the first: the log file could not be written (it is cut short): OSError: [Errno 28] No space"
               " left on device"}
    assert "Traceback" not in capsys.readouterr().err
