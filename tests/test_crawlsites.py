"""`scrapy crawlsites`: the sites of a list crawled a few at a time, each in a crawl of its own, with real crawls
of the bundled thoidai copy and of the local site copy (`tests/sitecopy.py`), and real processes for the
timeouts and signals."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pytest

from scrapers.commands.crawlsites import Crawl, Crawls, Received, Site, exit_status, read_sites
from tests import sitecopy
from tests.harness import ROOT
from tests.loopback import free_port

SAMPLES = ROOT / "samples" / "thoidai"
THOIDAI = f"thoidai -s REPLAY_DIR={SAMPLES}   # the bundled copy of the site\n"


def command(tmp_path: Path, sites: str, *options: str, machine: str = "") -> list[str]:
    """`scrapy crawlsites` of the list `sites`, each site's articles in `out/<site><machine>.jsonl`."""
    (tmp_path / f"sites{machine}.txt").write_text(sites, encoding="utf-8")
    return [sys.executable, "-m", "scrapy", "crawlsites", str(tmp_path / f"sites{machine}.txt"),
            "--logs", str(tmp_path / f"logs{machine}"), "-O", str(tmp_path / "out" / f"%(name)s{machine}.jsonl"),
            "-s", "AUTOTHROTTLE_ENABLED=False", *options]


def crawlsites(tmp_path: Path, sites: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(tmp_path, sites, *options), cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by site: spider, outcome, exit status."""
    cells = [line.strip("|").split("|") for line in stdout.splitlines() if line.startswith("| ") and "---" not in line]
    return {row[0].strip(): [cell.strip() for cell in row[1:4]] for row in cells if row[0].strip() != "site"}


@contextmanager
def silent_site() -> Iterator[str]:
    """A web server on 127.0.0.1 that takes connections and never answers: a crawl of it waits for ever (with a
    long DOWNLOAD_TIMEOUT)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/news/"
    finally:
        server.close()
        for connection in held:
            connection.close()


def test_two_sites_crawl_at_once_each_into_its_own_files(tmp_path: Path) -> None:
    with sitecopy.serve() as site:
        result = crawlsites(tmp_path, f"{THOIDAI}{site.base}/nachrichten/ max_pages=2\n", "-j", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows(result.stdout) == {"thoidai": ["thoidai", "ok", "0"], "127.0.0.1": ["news", "ok", "0"]}
    thoidai, news = records(tmp_path / "out" / "thoidai.jsonl"), records(tmp_path / "out" / "127.0.0.1.jsonl")
    assert len(thoidai) == 9 and all(str(r["url"]).startswith("https://thoidai.com.vn/") for r in thoidai)
    assert sorted(sitecopy.local_path(str(r["url"])) for r in news) == sorted(map(sitecopy.local_path, site.articles))
    for name in ("thoidai", "127.0.0.1"):  # each crawl's log in its own file, none on the terminal
        assert "Spider closed (finished)" in (tmp_path / "logs" / f"{name}.log").read_text(encoding="utf-8")
    assert result.stderr == ""


def test_a_failing_site_fails_the_command_and_the_next_sites_still_run(tmp_path: Path) -> None:
    nothing_there = f"http://127.0.0.1:{free_port()}/news/"
    result = crawlsites(tmp_path, f"{nothing_there}\n{THOIDAI}", "-j", "1")
    assert result.returncode == 2
    assert rows(result.stdout) == {"127.0.0.1": ["news", "failed", "2"], "thoidai": ["thoidai", "ok", "0"]}
    assert len(records(tmp_path / "out" / "thoidai.jsonl")) == 9
    # The failed crawl's own lines, as `scrapy crawl` prints them, pass through on stderr as they come.
    assert "newsharvest: 127.0.0.1: check failed: " in result.stderr


@pytest.mark.parametrize(("sites", "options", "line"), [
    ("thiodai\n", (), "sites.txt:1: 'thiodai' is no spider of the project (did you mean thoidai?)"),
    ("thoidai\n# a comment\nthoidai max_pages=2\n", (), "sites.txt:3: thoidai is on line 1 already"),
    ("thoidai sections\n", (), "sites.txt:1: 'sections' is no argument: write name=value"),
    ("thoidai max_pages=many\n", (), "sites.txt:1: thoidai: bad -a max_pages=many: not a whole number"),
    ("thoidai -s DOWNLOAD_DELAYY=2\n", (), "unknown setting DOWNLOAD_DELAYY (did you mean DOWNLOAD_DELAY?)"),
    ("thoidai -s LOG_FILE=x.log\n", (), "sites.txt:1: LOG_FILE is the site's log in --logs here"),
    ("news max_pages=2\n", (), "sites.txt:1: news needs a section page"),
    ("# nothing\n\n", (), "lists no site"),
    ("thoidai -s USER_AGENT=a\x00b\n", (), "sites.txt:1: a NUL character"),
    ("thoidai\nhttps://www.example.com/politics/\n", ("-O", "all.jsonl"),
     "output all.jsonl would be thoidai's (line 1) and example.com's (line 2): name each site's own with %(name)s"),
    ("thoidai\nhttps://www.example.com/politics/\n", ("-s", 'FEEDS={"all.jsonl": {"format": "jsonl"}}'),
     "output all.jsonl would be thoidai's (line 1) and example.com's (line 2)"),
    ("thoidai\nhttps://www.example.com/politics/\n", ("-s", "STATE_URI=sqlite:///state.db"),
     "STATE_URI state.db would be thoidai's (line 1) and example.com's (line 2), and its lock lets one run"),
    ("thoidai\nhttps://www.example.com/politics/\n", ("-s", "STATE_URI=st/state.db", "-j", "2"),
     "STATE_URI st/state.db would be thoidai's"),
    ("thoidai -s STATE_URI=sqlite:///one.db\nhttps://www.example.com/politics/ -s STATE_URI=sqlite:///one.db\n", (),
     "STATE_URI one.db would be thoidai's"),
    ("thoidai -s REJECTS_URI=r.jsonl\nhttps://www.example.com/politics/ -s REJECTS_URI=r.jsonl\n", (),
     "REJECTS_URI r.jsonl would be thoidai's (line 1) and example.com's (line 2)"),
    ("https://a.example.com/x/ url=https://b.example.org/y/\n", (), "sites.txt:1: url is given twice"),
    ("thoidai\n", ("-O", "x.xyz"), "Unrecognized output format 'xyz'"),
    ("thoidai\n", ("-o", "x.jsonl"), "Please use only one of -o/--output and -O/--overwrite-output"),
    ("thoidai\n", ("--jobs",), "argument -j/--jobs: expected one argument"),
    ("thoidai\n", ("--timout", "5"), "unknown option --timout"),
    ("thoidai\n", ("-a", "foo"), "-a foo: write -a NAME=VALUE"),
    ("thoidai\n", ("-j", "0"), "-j 0: give a whole number from 1 to 256"),
    ("thoidai\n", ("--timeout", "soon"), "--timeout soon: give a number of seconds above 0"),
])
def test_bad_input_is_one_line_and_exit_1_before_any_crawl(
    tmp_path: Path, sites: str, options: tuple[str, ...], line: str,
) -> None:
    result = crawlsites(tmp_path, sites, *options)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsharvest: crawlsites: ")
    assert line in result.stderr
    assert result.stdout == "" and not (tmp_path / "logs").exists()


def test_a_site_past_its_timeout_is_stopped_and_fails_the_command(tmp_path: Path) -> None:
    with silent_site() as url:
        started = time.monotonic()
        # The bound is each site's: thoidai's offline crawl must end within it (3.2-3.7 s on a busy 2-core box
        # at 3 s, where it timed out one run in five), the silent site's never does.
        result = crawlsites(tmp_path, f"{url}\n{THOIDAI}", "-j", "1", "--timeout", "20",
                            "-s", "DOWNLOAD_TIMEOUT=600", "-s", "ROBOTSTXT_OBEY=False")
        took = time.monotonic() - started
    assert result.returncode == 2
    assert rows(result.stdout) == {"127.0.0.1": ["news", "timed out", "0"], "thoidai": ["thoidai", "ok", "0"]}
    assert "newsharvest: 127.0.0.1: timed out after 20 s: SIGTERM sent" in result.stderr
    assert took < 120  # the crawl ended at its SIGTERM, without the SIGKILL 60 s later
    assert "Spider closed (shutdown)" in (tmp_path / "logs" / "127.0.0.1.log").read_text(encoding="utf-8")


def test_sigterm_stops_the_running_crawls_once_and_starts_no_more(tmp_path: Path) -> None:
    with silent_site() as url:
        process = subprocess.Popen(command(tmp_path, f"{url}\n{THOIDAI}", "-j", "1", "-s", "DOWNLOAD_TIMEOUT=600",
                                           "-s", "ROBOTSTXT_OBEY=False"),
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        log = tmp_path / "logs" / "127.0.0.1.log"
        deadline = time.monotonic() + 120
        while not (log.exists() and "Spider opened" in log.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    # The crawl got one SIGTERM (a second would have ended it with 143): it cancelled its downloads and ended
    # as a stopped run, exit status 0; thoidai, not started yet, was left.
    assert rows(stdout) == {"127.0.0.1": ["news", "stopped", "0"], "thoidai": ["thoidai", "not run", ""]}
    assert "newsharvest: thoidai: not crawled: this command was stopped before its turn" in stderr
    assert process.returncode == 0
    assert not (tmp_path / "out" / "thoidai.jsonl").exists()


def process_crawl(name: str, code: str) -> Crawl:
    site = Site(1, "news", {}, {}, name)
    return Crawl(site, [sys.executable, "-c", code], Path("/dev/null"))


IGNORES_SIGTERM = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True);"
                   " time.sleep(60)")


def test_a_crawl_that_ignores_its_sigterm_is_killed_after_kill_after() -> None:
    said: list[str] = []
    crawls = [process_crawl("stuck.example", IGNORES_SIGTERM), process_crawl("quick.example", "print('done')")]
    started = time.monotonic()
    Crawls(crawls, jobs=2, timeout=1.0, kill_after=1.5, say_line=said.append).run()
    assert time.monotonic() - started < 30
    assert [(c.outcome, c.status) for c in crawls] == [("killed", -signal.SIGKILL), ("ok", 0)]
    assert "newsharvest: stuck.example: ready" in said  # what a crawl prints, named after its site
    assert "newsharvest: stuck.example: still running 1.5 s after SIGTERM: SIGKILL sent" in said
    assert "newsharvest: quick.example: done" in said
    assert exit_status(crawls) == 2


def test_one_job_runs_the_crawls_one_after_the_other() -> None:
    crawls = [process_crawl(f"site{n}.example", "import time; time.sleep(0.5)") for n in range(3)]
    Crawls(crawls, jobs=1, timeout=None, kill_after=60, say_line=print).run()
    assert [c.outcome for c in crawls] == ["ok", "ok", "ok"]
    for before, after in pairwise(crawls):
        assert before.ended is not None and after.started >= before.ended


@pytest.mark.parametrize(("code", "outcome", "status"), [
    ("raise SystemExit(1)", "not started", 1),
    ("raise SystemExit(2)", "failed", 2),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "died of SIGSEGV", 2),
])
def test_each_outcome_and_the_commands_exit_status(code: str, outcome: str, status: int) -> None:
    crawls = [process_crawl("a.example", code), process_crawl("b.example", "pass")]
    Crawls(crawls, jobs=2, timeout=None, kill_after=60, say_line=lambda line: None).run()
    assert [c.outcome for c in crawls] == [outcome, "ok"]
    assert exit_status(crawls) == status


def test_the_same_list_on_two_machines_shares_each_sites_run_on_redis(tmp_path: Path, redis_url: str) -> None:
    """Two `crawlsites` of one list with `REDIS_URL` (two machines, here two processes): each site's crawls join
    one run and share its frontier, so the union of their outputs holds each article once."""
    with sitecopy.serve() as site:
        sites = f"{site.base}/nachrichten/ max_pages=2\n{THOIDAI}"
        processes = [
            subprocess.Popen(command(tmp_path, sites, "-j", "2", "-s", f"REDIS_URL={redis_url}",
                                     "-s", f"STATE_URI={redis_url}",
                                     "-s", f"REJECTS_URI={tmp_path / 'out' / f'%(name)s-rejects-{n}.jsonl'}",
                                     machine=f"-{n}"),
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in (1, 2)
        ]
        ended = [process.communicate(timeout=300) for process in processes]
    for process, (stdout, stderr) in zip(processes, ended, strict=True):
        assert process.returncode == 0, stderr[-3000:]
        assert rows(stdout) == {"127.0.0.1": ["news", "ok", "0"], "thoidai": ["thoidai", "ok", "0"]}
    news = [r for n in (1, 2) for r in records(tmp_path / "out" / f"127.0.0.1-{n}.jsonl")]
    thoidai = [r for n in (1, 2) for r in records(tmp_path / "out" / f"thoidai-{n}.jsonl")]
    assert sorted(sitecopy.local_path(str(r["url"])) for r in news) == sorted(map(sitecopy.local_path, site.articles))
    assert len(thoidai) == 9 and len({r["url"] for r in thoidai}) == 9


def test_reading_the_sites_file(tmp_path: Path) -> None:
    path = tmp_path / "sites.txt"
    path.write_bytes("\ufeffthoidai max_pages=2#not-a-comment  # a comment\r\n"
                     "https://www.example.com/news/#top  'max_pages=3' # a comment \u2028 still it\n".encode())
    first, second = read_sites(path, ["thoidai", "news"])
    assert (first.spider, first.arguments) == ("thoidai", {"max_pages": "2#not-a-comment"})
    assert (second.spider, second.name) == ("news", "example.com")
    assert second.arguments == {"url": "https://www.example.com/news/#top", "max_pages": "3"}


def counting_crawl(name: str, spider: str = "news") -> Crawl:
    """A crawl that counts the SIGTERMs it gets and ends 1.5 s after the first, its exit status 10 + their
    number; it says when it is ready for them."""
    code = ("import signal, sys, time\n"
            "got = []\n"
            "signal.signal(signal.SIGTERM, lambda *_: got.append(time.monotonic()))\n"
            "print('ready', flush=True)\n"
            "while not got or time.monotonic() - got[0] < 1.5:\n"
            "    time.sleep(0.01)\n"
            "sys.exit(10 + len(got))\n")
    return Crawl(Site(1, spider, {}, {}, name), [sys.executable, "-c", code], Path("/dev/null"))


def run_with_signals(crawls: list[Crawl], signals: int, *, timeout: float | None = None) -> list[str]:
    """`crawls` run, `signals` signals to this command as soon as they are all ready (and past `timeout`)."""
    said: list[str] = []
    received = Received()

    def send() -> None:
        deadline = time.monotonic() + 60
        while said.count("newsharvest: a.example: ready") < 1 or (
                timeout is not None and not any("timed out" in line for line in said)):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        received.count += signals

    threading.Thread(target=send, daemon=True).start()
    Crawls(crawls, jobs=len(crawls), timeout=timeout, kill_after=30, say_line=said.append, received=received).run()
    return said


def test_two_signals_in_a_row_are_both_passed_on() -> None:
    crawls = [counting_crawl("a.example")]
    run_with_signals(crawls, 2)
    assert [(c.outcome, c.status) for c in crawls] == [("stopped", 12)]
    assert exit_status(crawls) == 2


def test_a_crawl_stopped_by_its_timeout_is_not_sent_the_commands_first_signal_as_a_second() -> None:
    crawls = [counting_crawl("a.example")]
    said = run_with_signals(crawls, 1, timeout=0.5)
    assert "newsharvest: a.example: timed out after 0.5 s: SIGTERM sent" in said
    assert [(c.outcome, c.status) for c in crawls] == [("timed out", 11)]  # one SIGTERM: a stop, not a forced one


def test_a_crawl_that_ended_is_not_said_to_have_timed_out() -> None:
    crawl = process_crawl("a.example", "pass")
    said: list[str] = []
    runner = Crawls([crawl], jobs=1, timeout=0.1, kill_after=30, say_line=said.append)
    runner.start(crawl)
    assert crawl.process is not None
    crawl.process.wait()  # it ended, and no look at it has seen so yet
    runner.watch(crawl)
    assert (crawl.outcome, said) == ("running", [])


def test_a_signal_passed_on_before_the_crawl_could_handle_it_is_a_stop_before_it_began() -> None:
    crawls = [process_crawl("a.example", "import time; print('ready', flush=True); time.sleep(30)")]
    run_with_signals(crawls, 1)
    assert [(c.outcome, c.status) for c in crawls] == [("stopped before it began", -signal.SIGTERM)]
    assert exit_status(crawls) == 0


def test_a_news_crawls_lines_name_its_site() -> None:
    said: list[str] = []
    crawl = process_crawl("a.example", "print('newsharvest: news: cannot start: a reason', flush=True)")
    Crawls([crawl], jobs=1, timeout=None, kill_after=30, say_line=said.append).run()
    assert said == ["newsharvest: a.example: cannot start: a reason"]


def test_a_crawl_that_a_passed_on_signal_ended_after_its_spider_opened_is_no_stop_before_it_began(
    tmp_path: Path,
) -> None:
    """Dying of SIGTERM is harmless only before the spider opened; after (Scrapy's handlers gone at its end), the
    crawl may have lost what it read: it fails the command."""
    log = tmp_path / "a.example.log"
    log.write_text("an earlier run's line: Spider opened\n", encoding="utf-8")  # (the log is appended to)
    code = (f"import time; open({str(log)!r}, 'a').write('[scrapy.core.engine] INFO: Spider opened\\n');"
            " print('ready', flush=True); time.sleep(30)")
    crawls = [Crawl(Site(1, "news", {}, {}, "a.example"), [sys.executable, "-c", code], log)]
    run_with_signals(crawls, 1)
    assert [(c.outcome, c.status) for c in crawls] == [("stopped", -signal.SIGTERM)]
    assert exit_status(crawls) == 2
