"""`scrapy crawl`, made to fail loudly for cron: a non-zero exit status and one line on stderr per cause.

Scrapy's own command exits 0 whenever the spider started, however badly the run went. This one checks the
arguments and settings first (`scrapers/arguments.py`), runs the same crawl, then reads its verdict from the
stats (`verdict`):
- a run that could not start (a bad argument or setting, the state held by another run or damaged, a state
  without an output file) exits 1 with `newsharvest: <run>: cannot start: <reason>`, before any request;
- a run that lost articles (an output or rejects file not written, articles read with no output file, a
  state error, an exception in a spider callback or a pipeline; see `scrapers/integrity.py`) prints
  `newsharvest: <run>: error: <cause>: <what happened>` per cause and exits 2;
- each failed check (`harvest/failed_checks`, see `scrapers/monitors.py`) prints
  `newsharvest: <run>: check failed: <reason>` and the exit status is 2.
`<run>` is the spider's name, or for the `news` spider the site it crawls.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.statscollectors import StatsCollector

from scrapers.arguments import check_options, not_started, one_line, say
from scrapers.harvest import run_name
from scrapers.integrity import START_ERROR, run_errors
from scrapers.monitors import FAILED_CHECKS
from scrapers.shutdown import forced_stop_status

NOT_STARTED = 1
RUN_FAILED = 2


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:  # one line and exit 1, as a bad option (Scrapy's usage block and exit 2: fuzzer)
            say("crawl", "give one spider name: scrapy crawl <spider> (scrapy list names them)")
            sys.exit(1)
        try:
            super().process_options(args, opts)
        except UsageError as error:  # -a or -s without "=", an unknown -o format: one line too
            say(args[0] if args else "crawl", str(error))
            sys.exit(1)
        except (TypeError, ValueError) as error:  # a -s value Scrapy's settings refuse (`FEEDS=[1]`: fuzzer)
            say(args[0] if args else "crawl", f"a -s setting Scrapy cannot take: {one_line(error)}")
            sys.exit(1)
        assert self.settings is not None
        check_options(args, opts, self.settings)  # a bad argument or setting: one line, exit 1, no request

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        reasons = not_started(self.crawler_process.crawl(crawler, **opts.spargs))
        self.crawler_process.start()
        collector = crawl_stats(crawler)
        if (forced := forced_stop_status(run_name(crawler), collector)) is not None:
            self.exitcode = forced  # a second signal: the run did not finish (scrapers/shutdown.py)
        else:
            stats = collector.get_stats() if collector else {}
            started = not self.crawler_process.bootstrap_failed
            self.exitcode, lines = verdict(stats, started=started, reasons=reasons)
            for line in lines:
                say(run_name(crawler), line)  # the site a `news` run crawls, once its spider is made
        if not getattr(opts, "profile", None):  # (`--profile` writes its statistics after this returns)
            exit_now(self.exitcode)


def exit_now(status: int) -> NoReturn:
    """End the process with `status` once the run is over and said so (its output renamed, its report written,
    its state committed, its lines printed), without Python's finalization: that frees the crawl's objects one by
    one (a tenth of a second and more) with the default signal handlers back in place, so a SIGTERM sent as the
    run finished (cron's timeout, a supervisor) ended the process as -15 with nothing said, whatever it had
    delivered. The log is flushed first; no thread or child process of the crawl is left by then."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def crawl_stats(crawler: Crawler) -> StatsCollector | None:
    """The crawl's stats; None when the crawl never got them: its spider could not be made (an argument the
    spider refused), and Scrapy raises at `crawler.stats` instead of giving None."""
    try:
        return crawler.stats
    except RuntimeError:
        return None


def verdict(stats: dict[str, Any], *, started: bool, reasons: list[str] | None = None) -> tuple[int, list[str]]:
    """The exit status of a finished crawl and the lines that explain it (without the `newsharvest: <run>: `
    prefix): 0 and none for a healthy run. `reasons`: why the crawl failed to start, as caught from it."""
    if started and "finish_reason" not in stats:  # the spider never closed, so it never opened: the reactor
        # stopped under a crawl still being made (a signal in that moment)
        started, reasons = False, [*(reasons or []), "the crawl stopped before its spider opened: nothing fetched"]
    if not started:
        why = stats.get(START_ERROR) or "; ".join(reasons or []) or "see the log"
        return NOT_STARTED, [f"cannot start: {why}"]
    lines = [f"error: {cause}: {line}" for cause, line in run_errors(stats).items()]
    lines += [f"check failed: {line}" for line in stats.get(FAILED_CHECKS, [])]
    return (RUN_FAILED if lines else 0), lines
