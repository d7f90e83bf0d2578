"""`scrapy crawlsites SITES_FILE`: every site of a list crawled, a few at a time, from one cron line.

    scrapy crawlsites sites.txt -j 4 --timeout 3000 -s STATE_URI=sqlite:///state/%(name)s.db \\
        -o 'out/%(name)s/%(time)s.jsonl' -s LOG_LEVEL=INFO

The file holds one site a line: a spider name (`thoidai`), or a section page's address for the `news` spider
(`https://www.example.com/politics/`), then that site's `-a` arguments as `name=value` words and its own
settings as `-s NAME=VALUE` (`-s DOWNLOAD_DELAY=2`); `#` starts a comment. Each site is a `scrapy crawl` of
its own (a process: one site's crash, hang or memory cannot touch another's), with the options given here
(`-a`, `-s`, `-o`, `-O`) and its log in `--logs`/`<site>.log`. At most `-j` run at once, in the file's order.

Everything is checked before the first crawl starts (exit status 1, one line): the file, each line's spider
and arguments (with the checks of `scrapy crawl`), a site listed twice, and the files the sites would share:
with two sites or more, `-o`/`-O`, `REJECTS_URI` and `RUN_REPORT_URI` must name each site's own
(`%(name)s`), and so must a SQLite `STATE_URI` when sites run at once (its lock lets one run at a time).

A site's `newsharvest: <site>: ...` lines (`scrapy crawl`'s reasons for a failure) and anything else it
prints on stderr or stdout come through on stderr as they are printed. When all have ended, a table on stdout
gives each site's outcome, exit status, seconds and log; the exit status is 2 when a site's crawl failed,
timed out or died, else 1 when one could not start, else 0.

`--timeout SECONDS` bounds each site's crawl: at the bound it gets SIGTERM (it cancels its downloads,
writes what it read and ends as a stopped run does) and `--kill-after` seconds later SIGKILL. A SIGTERM or
Ctrl-C to this command starts no more sites and is passed on to the running ones once (they end as after
their own first signal); a second one is passed on again (they stop at once, exit status 143).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict

from scrapers.arguments import BadStart, check_start, say, suggestion
from scrapers.extract.links import registrable_domain
from scrapers.spiders.news import start_address

NOT_STARTED = 1
FAILED = 2
KILL_AFTER = 60.0
"""Seconds between the SIGTERM of a site's crawl at its `--timeout` and its SIGKILL, by default: a crawl
stopped by a signal finishes the pages it holds, and a big page can take seconds to read."""
MOST_JOBS = 256
"""The most crawls `-j` runs at once."""
POLL = 0.1
"""Seconds between two looks at the running crawls."""
NAMED_PER_SITE = ("REJECTS_URI", "RUN_REPORT_URI")
"""Settings naming a file that two sites must not share."""


@dataclass(frozen=True)
class Site:
    """One line of the sites file: the spider that crawls the site, its `-a` arguments, its own settings and
    its run name (what `%(name)s` becomes: the spider's name, or for `news` the site's domain)."""

    line: int
    spider: str
    arguments: dict[str, str]
    settings: dict[str, str]
    name: str


def read_sites(path: Path, spiders: Sequence[str]) -> list[Site]:
    """The sites of the file at `path`; ValueError with the line's number for a line that is none, or for a
    site listed twice."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {' '.join(str(error).split())}") from error
    sites: list[Site] = []
    for number, line in enumerate(text.splitlines(), 1):
        if "\x00" in line:
            raise ValueError(f"{path}:{number}: a NUL character: this is no text file of sites")
        try:
            words = shlex.split(line, comments=True)
        except ValueError as error:
            raise ValueError(f"{path}:{number}: {error}") from error
        if not words:
            continue
        site = _site(number, words, spiders, path)
        if (first := next((s for s in sites if s.name == site.name), None)) is not None:
            raise ValueError(f"{path}:{number}: {site.name} is on line {first.line} already: one line a site")
        sites.append(site)
    if not sites:
        raise ValueError(f"{path} lists no site (one a line: a spider name, or a section page's address)")
    return sites


def _site(number: int, words: list[str], spiders: Sequence[str], path: Path) -> Site:
    first, rest = words[0], words[1:]
    arguments: dict[str, str] = {}
    if re.match(r"(?i)https?://", first):
        first, arguments["url"] = "news", first
    elif first not in spiders:
        raise ValueError(f"{path}:{number}: {first!r} is no spider of the project{suggestion(first, list(spiders))}"
                         " nor a web address (http:// or https://)")
    settings: dict[str, str] = {}
    given = iter(rest)
    for word in given:
        into = arguments
        if word == "-s":
            into, word = settings, next(given, "")
        name, equals, value = word.partition("=")
        if not equals or not name:
            raise ValueError(f"{path}:{number}: {word!r} is no argument: write name=value, or -s NAME=VALUE")
        into[name] = value
    if first == "news" and "url" not in arguments:
        raise ValueError(f"{path}:{number}: news needs a section page: its address, or url=...")
    try:
        name = registrable_domain(start_address(arguments["url"])) if first == "news" else first
    except ValueError as error:
        raise ValueError(f"{path}:{number}: {error}") from error
    return Site(number, first, arguments, settings, name or first)


def shared_files(sites: Sequence[Site], jobs: int, outputs: Sequence[str], settings: BaseSettings) -> str | None:
    """Why the sites' crawls would write one another's files (a path without `%(name)s`), or None."""
    if len(sites) < 2:
        return None
    for uri in outputs:
        if "%(name)s" not in uri:
            return f"-o {uri} would take every site's articles: name each site's file with %(name)s"
    for setting in NAMED_PER_SITE:
        if (value := settings.get(setting)) and "%(name)s" not in value:
            return f"{setting}={value} would be every site's: name each site's file with %(name)s"
    state = settings.get("STATE_URI") or ""
    if jobs > 1 and state.startswith("sqlite:") and "%(name)s" not in state:
        return (f"STATE_URI={state} lets one run at a time hold it: name each site's with %(name)s, or give -j 1")
    return None


@dataclass
class Crawl:
    """One site's crawl: its command, and once started its process and what became of it."""

    site: Site
    command: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ended: float | None = None
    terminated: float | None = None
    """When this command sent it SIGTERM (its timeout, or a signal passed on); None before."""
    outcome: str = "not run"
    lines: list[str] = field(default_factory=list)
    pump: threading.Thread | None = None

    @property
    def seconds(self) -> float:
        return ((self.ended or time.monotonic()) - self.started) if self.process else 0.0

    @property
    def status(self) -> int | None:
        return None if self.process is None else self.process.returncode


class Crawls:
    """The crawls of the sites, at most `jobs` at a time, in order; `timeout` seconds each (None: no bound), then
    SIGKILL `kill_after` seconds after their SIGTERM. `say_line` gets each line a crawl prints."""

    def __init__(self, crawls: list[Crawl], *, jobs: int, timeout: float | None, kill_after: float,
                 say_line: Callable[[str], None]) -> None:
        self.crawls = crawls
        self.jobs = jobs
        self.timeout = timeout
        self.kill_after = kill_after
        self.say_line = say_line
        self.signals = 0
        """Signals this command received: from the first on no crawl starts."""
        self._lock = threading.Lock()

    def run(self) -> None:
        waiting = list(self.crawls)
        running: list[Crawl] = []
        passed_on = 0
        while waiting or running:
            while waiting and len(running) < self.jobs and not self.signals:
                crawl = waiting.pop(0)
                self.start(crawl)
                if crawl.process is not None:
                    running.append(crawl)
            if self.signals > passed_on:  # each signal passed on once to each running crawl
                passed_on = self.signals
                for crawl in running:
                    self.terminate(crawl, "stopped")
            for crawl in list(running):
                self.watch(crawl)
                if crawl.process is not None and crawl.process.poll() is not None:
                    self.ended(crawl)
                    running.remove(crawl)
            if self.signals and waiting:
                waiting.clear()  # the sites left stay "not run"
            if running:
                time.sleep(POLL)

    def start(self, crawl: Crawl) -> None:
        crawl.log.parent.mkdir(parents=True, exist_ok=True)
        try:
            # A session of its own: a Ctrl-C at the terminal reaches this command alone, which passes it on once.
            crawl.process = subprocess.Popen(crawl.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        except (OSError, ValueError) as error:  # (ValueError: a NUL character in an option)
            crawl.outcome = "not started"
            self.say_line(f"newsharvest: {crawl.site.name}: cannot start: {' '.join(str(error).split())}")
            return
        crawl.started = time.monotonic()
        crawl.outcome = "running"
        assert crawl.process.stdout is not None
        crawl.pump = threading.Thread(target=self.pump, args=(crawl, crawl.process.stdout), daemon=True)
        crawl.pump.start()

    def pump(self, crawl: Crawl, output: IO[bytes]) -> None:
        """The lines `crawl` prints, passed on as they come, each naming the site."""
        prefix = f"newsharvest: {crawl.site.name}: "
        for raw in output:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            line = line if line.startswith("newsharvest: ") else prefix + line
            crawl.lines.append(line)
            with self._lock:
                self.say_line(line)

    def watch(self, crawl: Crawl) -> None:
        """SIGTERM for a crawl past its timeout, SIGKILL for one still going `kill_after` seconds after SIGTERM."""
        now = time.monotonic()
        if self.timeout is not None and crawl.terminated is None and now - crawl.started >= self.timeout:
            self.terminate(crawl, "timed out")
            with self._lock:
                self.say_line(f"newsharvest: {crawl.site.name}: timed out after {self.timeout:g} s: SIGTERM sent")
        if crawl.terminated is not None and now - crawl.terminated >= self.kill_after and crawl.outcome != "killed":
            self.signal(crawl, signal.SIGKILL)
            crawl.outcome = "killed"
            with self._lock:
                self.say_line(f"newsharvest: {crawl.site.name}: still running {self.kill_after:g} s after SIGTERM:"
                              " SIGKILL sent")

    def terminate(self, crawl: Crawl, outcome: str) -> None:
        self.signal(crawl, signal.SIGTERM)
        if crawl.terminated is None:
            crawl.terminated = time.monotonic()
            crawl.outcome = outcome

    def signal(self, crawl: Crawl, number: int) -> None:
        if crawl.process is not None and crawl.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                crawl.process.send_signal(number)

    def ended(self, crawl: Crawl) -> None:
        crawl.ended = time.monotonic()
        if crawl.pump is not None:
            crawl.pump.join(timeout=5)  # its last lines (a child it left could hold the pipe open)
        status = crawl.status
        if crawl.outcome in ("timed out", "killed"):
            return
        if status is not None and status < 0:
            crawl.outcome = f"died of {signal_name(-status)}"
        elif crawl.outcome != "stopped":  # (a stopped crawl's exit status says how it ended)
            crawl.outcome = {0: "ok", NOT_STARTED: "not started", FAILED: "failed"}.get(status or 0, "failed")


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # a real-time signal has no name of its own
        return f"signal {number}"


def exit_status(crawls: Sequence[Crawl]) -> int:
    """2 when a crawl failed, timed out or died; else 1 when one could not start; else 0 (sites not run
    after a signal are said on stderr, as the pages a stopped crawl did not fetch are not an error)."""
    statuses = [crawl.status for crawl in crawls if crawl.process is not None]
    if any(crawl.outcome in ("timed out", "killed") for crawl in crawls) or any(
        status not in (0, NOT_STARTED) for status in statuses
    ):
        return FAILED
    if NOT_STARTED in statuses or any(crawl.outcome == "not started" for crawl in crawls):
        return NOT_STARTED
    return 0


def table(crawls: Sequence[Crawl]) -> str:
    lines = ["| site | spider | outcome | exit status | seconds | log |", "|---|---|---|---|---|---|"]
    for crawl in crawls:
        status = "" if crawl.status is None else str(crawl.status)
        seconds = f"{crawl.seconds:.1f}" if crawl.process is not None else ""
        lines.append(f"| {crawl.site.name} | {crawl.site.spider} | {crawl.outcome} | {status} | {seconds} "
                     f"| {crawl.log} |")
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012 (Scrapy's own attribute)

    def syntax(self) -> str:
        return "SITES_FILE [-j N] [--timeout SECONDS] [-a NAME=VALUE] [-s NAME=VALUE] [-o FILE]"

    def short_desc(self) -> str:
        return "Crawl every site of a list, a few at a time, each in a crawl of its own; one exit status"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-j", "--jobs", default="4", metavar="N",
                            help="sites crawled at once (default 4; each crawl is a process of about 150 MB)")
        parser.add_argument("--timeout", default=None, metavar="SECONDS",
                            help="SIGTERM to a site's crawl after this long (default: no bound)")
        parser.add_argument("--kill-after", default=str(KILL_AFTER), metavar="SECONDS",
                            help=f"SIGKILL this long after a SIGTERM (default {KILL_AFTER:g})")
        parser.add_argument("--logs", type=Path, default=Path("logs"), metavar="FOLDER",
                            help="where each site's log goes, as <site>.log (default: logs)")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="a spider argument for every site")
        parser.add_argument("-o", "--output", action="append", default=[], metavar="FILE",
                            help="append the articles to FILE (with %%(name)s: each site's own)")
        parser.add_argument("-O", "--overwrite-output", action="append", default=[], metavar="FILE",
                            help="write the articles to FILE, overwriting it")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)
            opts.spargs = arglist_to_dict(opts.spargs)
            if len(args) != 1:
                raise UsageError("give one file of sites: scrapy crawlsites SITES_FILE")
            opts.jobs = _count("-j", opts.jobs)
            opts.timeout = None if opts.timeout is None else _seconds("--timeout", opts.timeout)
            opts.kill_after = _seconds("--kill-after", opts.kill_after)
        except (UsageError, ValueError) as error:
            say("crawlsites", " ".join(str(error).split()))
            sys.exit(NOT_STARTED)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if self.settings.get("LOG_FILE"):
            self.refuse("LOG_FILE is each site's own here: give --logs FOLDER")
        try:
            crawls = self.crawls(Path(args[0]), opts)
        except (ValueError, BadStart) as error:
            self.refuse(str(error))
        runner = Crawls(crawls, jobs=opts.jobs, timeout=opts.timeout, kill_after=opts.kill_after,
                        say_line=lambda line: print(line, file=sys.stderr, flush=True))
        previous = {number: signal.signal(number, lambda *_: _received(runner))
                    for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            runner.run()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        print(table(crawls), flush=True)
        for crawl in crawls:
            if crawl.outcome == "not run":
                say(crawl.site.name, "not crawled: this command was stopped before its turn")
        self.exitcode = exit_status(crawls)

    def crawls(self, path: Path, opts: argparse.Namespace) -> list[Crawl]:
        """The crawl of each site of the file at `path`, every one checked as `scrapy crawl` checks its own."""
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        sites = read_sites(path, loader.list())
        outputs = [*opts.output, *opts.overwrite_output]
        if any(uri in ("-", "stdout:") for uri in outputs):
            raise ValueError("the sites' articles cannot share stdout: give each site's file with %(name)s")
        if why := shared_files(sites, opts.jobs, outputs, self.settings):
            raise ValueError(why)
        crawls = []
        for site in sites:
            if "LOG_FILE" in site.settings:
                raise ValueError(f"{path}:{site.line}: LOG_FILE is the site's log in --logs here")
            arguments = {**opts.spargs, **site.arguments}
            settings = self.settings.copy()
            settings.setdict(site.settings, priority="cmdline")
            try:
                check_start(loader.load(site.spider), arguments, settings, [*arglist_to_dict(opts.set), *site.settings])
            except BadStart as error:
                raise BadStart(f"{path}:{site.line}: {site.name}: {error}") from error
            log = opts.logs / f"{site.name.replace(os.sep, '_')}.log"
            command = [sys.executable, "-m", "scrapy", "crawl", site.spider,
                       *(part for name, value in arguments.items() for part in ("-a", f"{name}={value}")),
                       *(part for setting in opts.set for part in ("-s", setting)),
                       *(part for name, value in site.settings.items() for part in ("-s", f"{name}={value}")),
                       *(part for uri in opts.output for part in ("-o", uri)),
                       *(part for uri in opts.overwrite_output for part in ("-O", uri)),
                       "-s", f"LOG_FILE={log}"]
            crawls.append(Crawl(site, command, log))
        return crawls

    def refuse(self, line: str) -> None:
        say("crawlsites", line)
        sys.exit(NOT_STARTED)


def _received(runner: Crawls) -> None:
    runner.signals += 1


def _count(option: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MOST_JOBS:
        raise ValueError(f"{option} {value}: give a whole number from 1 to {MOST_JOBS}")
    return number


def _seconds(option: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < float("inf"):
        raise ValueError(f"{option} {value}: give a number of seconds above 0")
    return number
