"""`scrapy crawl`, made to fail loudly for cron: exit status 2 and one line on stderr per failed check.

Scrapy's own command exits 0 whenever the spider started, however badly the run went. This one runs the
same crawl, then reads the checks' verdict (`harvest/failed_checks`, see `scrapers/monitors.py`): each
failed check prints `newsharvest: <spider>: check failed: <reason>` and the exit status is 2. A run that
could not start (the state held by another run, a bad argument) exits 1 with its reason.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from scrapers.arguments import cannot_start, check_options, not_started, say
from scrapers.harvest import run_name
from scrapers.monitors import FAILED_CHECKS

CHECK_FAILED = 2


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)
        except UsageError as error:  # -a or -s without "=", an unknown -o format: one line too
            say(args[0] if args else "crawl", str(error))
            sys.exit(1)
        assert self.settings is not None
        check_options(args, opts, self.settings)  # a bad argument or setting: one line, exit 1, no request

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        started = not_started(self.crawler_process.crawl(crawler, **opts.spargs))
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            cannot_start(args[0], started)
            self.exitcode = 1
            return
        failed = crawler.stats.get_value(FAILED_CHECKS, []) if crawler.stats else []
        for line in failed:
            print(f"newsharvest: {run_name(crawler)}: check failed: {line}", file=sys.stderr)
        if failed:
            self.exitcode = CHECK_FAILED
