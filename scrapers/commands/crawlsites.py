"""`scrapy crawlsites SITES_FILE`: every site of a list crawled, a few at a time, from one cron line.

    scrapy crawlsites sites.txt -j 4 --timeout 3000 -s STATE_URI=sqlite:///state/%(name)s.db \\
        -o 'out/%(name)s/%(time)s.jsonl' -s LOG_LEVEL=INFO

The file holds one site a line: a spider name (`thoidai`), or a section page's address for the `news` spider
(`https://www.example.com/politics/`), then that site's `-a` arguments as `name=value` words and its own
settings as `-s NAME=VALUE` (`-s DOWNLOAD_DELAY=2`), quoted as in a shell; a word that starts with `#` starts a
comment. Each site is a `scrapy crawl` of
its own (a process: one site's crash, hang or memory cannot touch another's), with the options given here
(`-a`, `-s`, `-o`, `-O`) and its log in `--logs`/`<site>.log`. At most `-j` run at once, in the file's order.

Everything is checked before the first crawl starts (exit status 1, one line): the file, each line's spider
and arguments (with the checks of `scrapy crawl`), a site listed twice, and the files the sites would share:
each site's outputs (`-o`, `-O`, `FEEDS`), `REJECTS_URI` and `RUN_REPORT_URI`, with its line's settings and
`%(name)s` read as its name, must be its own, and so must a SQLite `STATE_URI` when sites run at once (its lock
lets one run at a time).

A site's `newsharvest: <site>: ...` lines (`scrapy crawl`'s reasons for a failure) and anything else it
prints on stderr or stdout come through on stderr as they are printed. When all have ended, a table on stdout
gives each site's outcome, exit status, seconds and log; the exit status is 2 when a site's crawl failed,
timed out or died, else 1 when one could not start, else 0.

`--timeout SECONDS` bounds each site's crawl: at the bound it gets SIGTERM (it cancels its downloads,
writes what it read and ends as a stopped run does) and `--kill-after` seconds later SIGKILL. A SIGTERM,
SIGHUP or Ctrl-C to this command starts no more sites and is passed on as one SIGTERM to each running crawl
(they end as after their own first signal; a crawl its timeout stopped already is not sent it again); a
second one is passed on again (they stop at once, exit status 143). A crawl that a passed-on signal met
before it could handle one (while Python and Scrapy start) is `stopped before it began`, as if not run.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict, feed_process_params_from_cli

from scrapers.arguments import BadStart, check_start, say, suggestion
from scrapers.extract.links import registrable_domain
from scrapers.spiders.news import start_address
from scrapers.statestore import REDIS_SCHEMES, sqlite_path

NOT_STARTED = 1
FAILED = 2
KILL_AFTER = 60.0
"""Seconds between the SIGTERM of a site's crawl at its `--timeout` and its SIGKILL, by default: a crawl
stopped by a signal finishes the pages it holds, and a big page can take seconds to read."""
MOST_JOBS = 256
"""The most crawls `-j` runs at once."""
POLL = 0.1
"""Seconds between two looks at the running crawls."""
MAX_LINE = 10_000
"""The longest line of a sites file, in characters (shlex took a minute over a line of 2 MB)."""
PUMPS_WAIT = 5.0
"""Seconds the command waits at its end for the last lines of the crawls (a process a crawl left behind can
hold its output open)."""
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals this command passes on to its crawls (SIGHUP: the terminal or the ssh session closed)."""
NOT_A_FAILURE = ("ok", "not run", "stopped before it began")


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
        text = path.read_bytes().decode("utf-8-sig")  # (a byte order mark is no part of the first line)
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {' '.join(str(error).split())}") from error
    sites: list[Site] = []
    for number, line in enumerate(text.split("\n"), 1):  # (not splitlines: U+2028 is no line end here)
        if "\x00" in line:
            raise ValueError(f"{path}:{number}: a NUL character: this is no text file of sites")
        if len(line) > MAX_LINE:
            raise ValueError(f"{path}:{number}: a line of {len(line)} characters (at most {MAX_LINE})")
        words = _words(line.removesuffix("\r"), f"{path}:{number}")
        if not words:
            continue
        site = _site(number, words, spiders, path)
        if (first := next((s for s in sites if s.name == site.name), None)) is not None:
            raise ValueError(f"{path}:{number}: {site.name} is on line {first.line} already: one line a site")
        sites.append(site)
    if not sites:
        raise ValueError(f"{path} lists no site (one a line: a spider name, or a section page's address)")
    return sites


def _words(line: str, where: str) -> list[str]:
    """The words of `line` as a shell splits them, up to the first word that starts with `#` (a `#` inside a
    word, as in a URL's `#top`, is part of it)."""
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        words = list(lexer)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from error
    return list(itertools.takewhile(lambda word: not word.startswith("#"), words))


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
        if name in into:
            raise ValueError(f"{path}:{number}: {name} is given twice")
        into[name] = value
    if first == "news" and "url" not in arguments:
        raise ValueError(f"{path}:{number}: news needs a section page: its address, or url=...")
    try:
        name = registrable_domain(start_address(arguments["url"])) if first == "news" else first
    except ValueError as error:
        raise ValueError(f"{path}:{number}: {error}") from error
    return Site(number, first, arguments, settings, name or first)


def own_files(site: Site, jobs: int, outputs: Sequence[str], settings: BaseSettings) -> list[tuple[str, str]]:
    """The files the crawl of `site` writes that no other site's may (what each is, and its path with `%(name)s`
    read as the site's name): its outputs, its rejects file and run report and, when sites run at once, its
    SQLite state. `settings` are the site's own (its line's on top)."""
    uris = [uri.removeprefix("file://") for uri in [*outputs, *settings.getdict("FEEDS")]]
    files = [("output", uri) for uri in uris]
    if not settings.get("RUN_REPORT_URI"):
        files += [("run report", str(Path(uri).with_suffix(".report.json"))) for uri in uris]
    files += [(name, settings[name].removeprefix("file://")) for name in ("REJECTS_URI", "RUN_REPORT_URI")
              if settings.get(name)]
    state = settings.get("STATE_URI") or ""
    if state and jobs > 1 and not state.startswith(REDIS_SCHEMES):
        with contextlib.suppress(ValueError):  # (a STATE_URI of no known kind: its crawl says so)
            files.append(("STATE_URI", str(sqlite_path(state))))
    return [(what, os.path.normpath(path.replace("%(name)s", site.name))) for what, path in files]


def shared_file(claimed: dict[str, tuple[str, Site]], site: Site, files: list[tuple[str, str]]) -> str | None:
    """Why `site` would write a file another site writes (`claimed`: each path, with what it is and whose it
    is, which this adds `files` to), or None."""
    for what, path in files:
        key = os.path.abspath(path)  # (a relative and an absolute path to one file are one file)
        if key in claimed and claimed[key][1] is not site:
            other = claimed[key][1]
            whose = f"{what} {path} would be {other.name}'s (line {other.line}) and {site.name}'s (line {site.line})"
            if what == "STATE_URI":
                return f"{whose}, and its lock lets one run at a time hold it: name each site's with %(name)s, or -j 1"
            return f"{whose}: name each site's own with %(name)s"
        claimed[key] = (what, site)
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
    """When this command first sent it SIGTERM (its timeout, or a signal passed on); None before."""
    signalled: int = 0
    """How many SIGTERMs this command sent it."""
    log_start: int = 0
    """The size of its log when it started (Scrapy appends to it): where its own lines begin."""
    outcome: str = "not run"
    pump: threading.Thread | None = None

    @property
    def seconds(self) -> float:
        return ((self.ended or time.monotonic()) - self.started) if self.process else 0.0

    @property
    def status(self) -> int | None:
        return None if self.process is None else self.process.returncode


@dataclass
class Received:
    """The signals this command received, counted by its handler: from the first on no crawl starts."""

    count: int = 0

    def __call__(self, number: int, frame: object) -> None:
        self.count += 1


class Crawls:
    """The crawls of the sites, at most `jobs` at a time, in order; `timeout` seconds each (None: no bound), then
    SIGKILL `kill_after` seconds after their SIGTERM. `say_line` gets each line a crawl prints; `received`
    counts the signals to pass on."""

    def __init__(self, crawls: list[Crawl], *, jobs: int, timeout: float | None, kill_after: float,
                 say_line: Callable[[str], None], received: Received | None = None) -> None:
        self.crawls = crawls
        self.jobs = jobs
        self.timeout = timeout
        self.kill_after = kill_after
        self.say_line = say_line
        self.received = received or Received()
        self._lock = threading.Lock()

    def run(self) -> None:
        waiting = list(self.crawls)
        running: list[Crawl] = []
        passed_on = 0
        try:
            while waiting or running:
                while waiting and len(running) < self.jobs and not self.received.count:
                    crawl = waiting.pop(0)
                    self.start(crawl)
                    if crawl.process is not None:
                        running.append(crawl)
                for crawl in list(running):
                    assert crawl.process is not None
                    if crawl.process.poll() is not None:  # (first: a crawl that ended is sent nothing)
                        self.ended(crawl)
                        running.remove(crawl)
                    else:
                        self.watch(crawl)
                if passed_on < self.received.count:  # each signal passed on, one a look (the same signal sent twice
                    passed_on += 1  # at once arrives once)
                    for crawl in running:
                        if crawl.signalled < passed_on and self.terminate(crawl) and crawl.outcome == "running":
                            crawl.outcome = "stopped"
                if self.received.count:
                    waiting.clear()  # the sites left stay "not run"
                if running:
                    time.sleep(POLL)
        finally:
            self.stop(running)
        deadline = time.monotonic() + PUMPS_WAIT
        for crawl in self.crawls:
            if crawl.pump is not None:
                crawl.pump.join(timeout=max(0.0, deadline - time.monotonic()))

    def stop(self, running: list[Crawl]) -> None:
        """The crawls still running when this command ends early (an exception): stopped as at a timeout, so
        that none goes on unwatched."""
        for crawl in running:
            self.terminate(crawl)
        deadline = time.monotonic() + self.kill_after
        for crawl in running:
            assert crawl.process is not None
            try:
                crawl.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(crawl)

    def start(self, crawl: Crawl) -> None:
        with contextlib.suppress(OSError):
            crawl.log_start = crawl.log.stat().st_size
        try:
            # A session of its own: a Ctrl-C at the terminal reaches this command alone, which passes it on once.
            crawl.process = subprocess.Popen(crawl.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        except (OSError, ValueError) as error:  # (ValueError: a NUL character in an option)
            crawl.outcome = "not started"
            self.say(f"newsharvest: {crawl.site.name}: cannot start: {' '.join(str(error).split())}")
            return
        crawl.started = time.monotonic()
        crawl.outcome = "running"
        assert crawl.process.stdout is not None
        crawl.pump = threading.Thread(target=self.pump, args=(crawl, crawl.process.stdout), daemon=True)
        crawl.pump.start()

    def pump(self, crawl: Crawl, output: IO[bytes]) -> None:
        """The lines `crawl` prints, passed on as they come, each naming the site (a `news` crawl that stopped
        before its spider named itself after its site says `news`)."""
        prefix = f"newsharvest: {crawl.site.name}: "
        spider = f"newsharvest: {crawl.site.spider}: "
        for raw in output:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith(spider):
                line = prefix + line.removeprefix(spider)
            self.say(line if line.startswith("newsharvest: ") else prefix + line)

    def say(self, line: str) -> None:
        with self._lock, contextlib.suppress(OSError):  # (stderr closed: the crawls still run to their end)
            self.say_line(line)

    def watch(self, crawl: Crawl) -> None:
        """SIGTERM for a crawl past its timeout, SIGKILL for one still going `kill_after` seconds after its
        first SIGTERM."""
        now = time.monotonic()
        timed_out = self.timeout is not None and crawl.terminated is None and now - crawl.started >= self.timeout
        if timed_out and self.terminate(crawl):
            crawl.outcome = "timed out"
            self.say(f"newsharvest: {crawl.site.name}: timed out after {self.timeout:g} s: SIGTERM sent")
        overdue = crawl.terminated is not None and now - crawl.terminated >= self.kill_after
        if overdue and crawl.outcome != "killed" and self.kill(crawl):
            crawl.outcome = "killed"
            self.say(f"newsharvest: {crawl.site.name}: still running {self.kill_after:g} s after SIGTERM: SIGKILL sent")

    def terminate(self, crawl: Crawl) -> bool:
        """SIGTERM to the crawl; False when it had ended."""
        assert crawl.process is not None
        if crawl.process.poll() is not None:
            return False
        try:
            crawl.process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            return False
        crawl.signalled += 1
        if crawl.terminated is None:
            crawl.terminated = time.monotonic()
        return True

    def kill(self, crawl: Crawl) -> bool:
        """SIGKILL to the crawl and to what it started (its process group); False when it had ended."""
        assert crawl.process is not None
        if crawl.process.poll() is not None:
            return False
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(crawl.process.pid, signal.SIGKILL)
        return True

    def ended(self, crawl: Crawl) -> None:
        crawl.ended = time.monotonic()
        status = crawl.status
        if crawl.outcome == "stopped" and status in (-signal.SIGTERM, -signal.SIGINT, NOT_STARTED) and not began(crawl):
            crawl.outcome = "stopped before it began"  # (before its handlers, or `cannot start: a shutdown signal`)
        elif crawl.outcome in ("timed out", "killed", "stopped"):
            pass  # (the exit status says how it ended)
        elif status is not None and status < 0:
            crawl.outcome = f"died of {signal_name(-status)}"
        else:
            crawl.outcome = {0: "ok", NOT_STARTED: "not started"}.get(status or 0, "failed")


def began(crawl: Crawl) -> bool:
    """Whether the crawl's spider opened (its log says so): a crawl that a signal ended before could fetch
    nothing, one that died of it after may have lost what it read."""
    try:
        with crawl.log.open("rb") as log:
            log.seek(crawl.log_start)
            return b"Spider opened" in log.read()
    except OSError:
        return True  # (no log to tell: not counted as harmless)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # a real-time signal has no name of its own
        return f"signal {number}"


def exit_status(crawls: Sequence[Crawl]) -> int:
    """2 when a crawl failed, timed out, was killed or died (or a stopped one did not end well); else 1 when one
    could not start; else 0 (sites not run after a signal are said on stderr, as the pages a stopped crawl did
    not fetch are not an error)."""
    if any(crawl.outcome not in (*NOT_A_FAILURE, "not started", "stopped")
           or (crawl.outcome == "stopped" and crawl.status != 0) for crawl in crawls):
        return FAILED
    if any(crawl.outcome == "not started" for crawl in crawls):
        return NOT_STARTED
    return 0


def table(crawls: Sequence[Crawl]) -> str:
    lines = ["| site | spider | outcome | exit status | seconds | log |", "|---|---|---|---|---|---|"]
    for crawl in crawls:
        status = "" if crawl.status is None else str(crawl.status)
        seconds = f"{crawl.seconds:.1f}" if crawl.process is not None else ""
        log = crawl.log if crawl.process is not None else ""
        lines.append(f"| {crawl.site.name} | {crawl.site.spider} | {crawl.outcome} | {status} | {seconds} | {log} |")
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
        parser.error = _one_line  # type: ignore[method-assign]  # (argparse: usage, then exit status 2)
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
            if unknown := [arg for arg in args if arg.startswith("-")]:
                raise UsageError(f"unknown option {unknown[0]} (see scrapy crawlsites -h)")
            if len(args) != 1:
                raise UsageError(f"give one file of sites: scrapy crawlsites SITES_FILE (given: {' '.join(args)})")
            super().process_options(args, opts)
            for pair in opts.spargs:
                if "=" not in pair:
                    raise UsageError(f"-a {pair}: write -a NAME=VALUE")
            opts.spargs = arglist_to_dict(opts.spargs)
            assert self.settings is not None
            if opts.output or opts.overwrite_output:
                feed_process_params_from_cli(self.settings, opts.output, overwrite_output=opts.overwrite_output)
            opts.jobs = _count("-j", opts.jobs)
            opts.timeout = None if opts.timeout is None else _seconds("--timeout", opts.timeout)
            opts.kill_after = _seconds("--kill-after", opts.kill_after)
        except (UsageError, ValueError) as error:
            say("crawlsites", " ".join(str(error).split()))
            sys.exit(NOT_STARTED)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        received = Received()  # (from now on: a Ctrl-C during the checks starts no crawl, without a traceback)
        previous = {number: signal.signal(number, received) for number in PASSED_ON}
        try:
            if self.settings.get("LOG_FILE"):
                self.refuse("LOG_FILE is each site's own here: give --logs FOLDER")
            try:
                crawls = self.crawls(Path(args[0]), opts)
            except (ValueError, BadStart) as error:
                self.refuse(str(error))
            runner = Crawls(crawls, jobs=opts.jobs, timeout=opts.timeout, kill_after=opts.kill_after,
                            say_line=lambda line: print(line, file=sys.stderr, flush=True), received=received)
            runner.run()
            try:
                print(table(crawls), flush=True)
                for crawl in crawls:
                    if crawl.outcome == "not run":
                        say(crawl.site.name, "not crawled: this command was stopped before its turn")
            except BrokenPipeError:  # (stdout closed: `| head`; the exit status still says how the crawls went)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            self.exitcode = exit_status(crawls)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def crawls(self, path: Path, opts: argparse.Namespace) -> list[Crawl]:
        """The crawl of each site of the file at `path`, every one checked as `scrapy crawl` checks its own."""
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        sites = read_sites(path, loader.list())
        outputs = [*opts.output, *opts.overwrite_output]
        if len(sites) > 1 and any(uri == "-" or uri.startswith(("-:", "stdout:")) for uri in outputs):
            raise ValueError("the sites' articles cannot share stdout: give each site's file with %(name)s")
        crawls = []
        claimed: dict[str, tuple[str, Site]] = {}
        for site in sites:
            where = f"{path}:{site.line}"
            if "LOG_FILE" in site.settings:
                raise ValueError(f"{where}: LOG_FILE is the site's log in --logs here")
            arguments = {**opts.spargs, **site.arguments}
            settings = self.settings.copy()
            try:
                settings.setdict(site.settings, priority="cmdline")
                check_start(loader.load(site.spider), arguments, settings, [*arglist_to_dict(opts.set), *site.settings])
                files = own_files(site, opts.jobs, outputs, settings)
            except (BadStart, ValueError, TypeError) as error:
                raise BadStart(f"{where}: {site.name}: {' '.join(str(error).split())}") from error
            if why := shared_file(claimed, site, files):
                raise ValueError(why)
            log = opts.logs / f"{site.name.replace(os.sep, '_')}.log"
            command = [sys.executable, "-m", "scrapy", "crawl", site.spider,
                       *(part for name, value in arguments.items() for part in ("-a", f"{name}={value}")),
                       *(part for setting in opts.set for part in ("-s", setting)),
                       *(part for name, value in site.settings.items() for part in ("-s", f"{name}={value}")),
                       *(part for uri in opts.output for part in ("-o", uri)),
                       *(part for uri in opts.overwrite_output for part in ("-O", uri)),
                       *(("-s", f"LOG_LEVEL={opts.loglevel}") if opts.loglevel else ()),
                       *(("-s", "LOG_ENABLED=False") if opts.nolog else ()),
                       "-s", f"LOG_FILE={log}"]
            crawls.append(Crawl(site, command, log))
        try:  # last: a refused run leaves no folder behind
            opts.logs.mkdir(parents=True, exist_ok=True)
            if not os.access(opts.logs, os.W_OK | os.X_OK):
                raise PermissionError(f"{opts.logs} cannot be written")
        except OSError as error:
            raise ValueError(f"--logs {opts.logs}: {' '.join(str(error).split())}") from error
        return crawls

    def refuse(self, line: str) -> NoReturn:
        say("crawlsites", line)
        sys.exit(NOT_STARTED)


def _one_line(message: str) -> NoReturn:
    say("crawlsites", message)
    sys.exit(NOT_STARTED)


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
