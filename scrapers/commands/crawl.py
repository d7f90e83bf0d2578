"""`scrapy crawl`, made to fail loudly for cron: a non-zero exit status and one line on stderr per cause.

Scrapy's own command exits 0 whenever the spider started, however badly the run went. This one runs the
same crawl, then reads its verdict from the stats (`verdict`):
- a run that could not start (the state held by another run or damaged, a state without an output file,
  a bad argument) exits 1 with `newsharvest: <spider>: not started: <reason>`;
- a run that lost articles (an output or rejects file not written, articles read with no output file, a
  state error, an exception in a spider callback or a pipeline; see `scrapers/integrity.py`) prints
  `newsharvest: <spider>: error: <cause>: <what happened>` per cause and exits 2;
- each failed check (`harvest/failed_checks`, see `scrapers/monitors.py`) prints
  `newsharvest: <spider>: check failed: <reason>` and the exit status is 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from scrapers.harvest import START_ERROR
from scrapers.integrity import run_errors
from scrapers.monitors import FAILED_CHECKS

NOT_STARTED = 1
RUN_FAILED = 2
CHECK_FAILED = 2


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        self.exitcode, lines = verdict(stats, started=not self.crawler_process.bootstrap_failed)
        for line in lines:
            print(f"newsharvest: {args[0]}: {line}", file=sys.stderr)


def verdict(stats: dict[str, Any], *, started: bool) -> tuple[int, list[str]]:
    """The exit status of a finished crawl and the lines that explain it (without the `newsharvest: <spider>: `
    prefix): 0 and none for a healthy run."""
    if not started:
        return NOT_STARTED, [f"not started: {stats[START_ERROR]}"] if START_ERROR in stats else []
    lines = [f"error: {cause}: {line}" for cause, line in run_errors(stats).items()]
    lines += [f"check failed: {line}" for line in stats.get(FAILED_CHECKS, [])]
    return (RUN_FAILED if lines else 0), lines
