"""`scrapy status`: each site's last run at a glance, and a dead-man alarm for a second cron line.

    scrapy status -s STATE_URI=sqlite:///state/%(name)s.db                  # a table, exit status 0
    scrapy status -s STATE_URI=sqlite:///state/%(name)s.db --max-age 3      # exit 1 when a site has had no
                                                                            # successful run for 3 hours

One line per spider (a `news` run: its site) found in the state databases: the last run's outcome (`ok`,
`failed` when a check failed, `rolled_back` after a kill, `running`) and exit status, when it ended and how long ago,
the records it wrote, its failed checks, and when the last successful run ended. With `--max-age`, each
site with no successful run in that many hours prints one line on stderr and the exit status is 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta

from scrapers.extract.dates import utc_now
from scrapers.runs import Run, StateCommand, hours

STALE = 1
EXIT_STATUS = {"ok": "0", "failed": "2"}
"""The exit status `scrapy crawl` gave a run, by its outcome; a killed or running one has none."""


class Command(StateCommand):
    def syntax(self) -> str:
        return "[--max-age HOURS] [name ...]"

    def short_desc(self) -> str:
        return "Each site's last run, its age, records and failed checks; --max-age alarms on stale sites"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--max-age", type=hours, metavar="HOURS",
                            help="exit 1 when a site has had no successful run for this many hours")

    def read(self, args: list[str], opts: argparse.Namespace) -> None:
        runs = self.runs(args)
        now = utc_now()
        print(table(runs, now))
        if opts.max_age is None:
            return
        if not runs and not args:
            print(f"newsharvest: status: no run in any state {self.state_uri()}", file=sys.stderr)
            self.exitcode = STALE
        for name, site_runs in runs.items():
            if line := stale(name, site_runs, now, timedelta(hours=opts.max_age)):
                print(line, file=sys.stderr)
                self.exitcode = STALE


def stale(name: str, runs: list[Run], now: datetime, max_age: timedelta) -> str | None:
    """The dead-man line for a site whose last successful run ended more than `max_age` ago, else None."""
    good = [run for run in runs if run.ok]
    if good and now - good[-1].ended_at <= max_age:
        return None
    since = f"last at {good[-1].ended_at:%Y-%m-%d %H:%M} UTC" if good else "none yet"
    return f"newsharvest: {name}: no successful run for {max_age.total_seconds() / 3600:g} hours ({since})"


def table(runs: dict[str, list[Run]], now: datetime) -> str:
    if not runs:
        return "no runs in the state yet"
    rows = [("site", "run", "ended (UTC)", "age", "outcome", "exit", "records", "last ok", "failed checks")]
    for name, site_runs in runs.items():
        last = site_runs[-1]
        good = [run for run in site_runs if run.ok]
        rows.append((
            name, str(last.id), f"{last.ended_at:%Y-%m-%d %H:%M}", age(now - last.ended_at), last.outcome,
            EXIT_STATUS.get(last.outcome, "-"),
            "-" if last.written is None else str(last.written),
            f"{age(now - good[-1].ended_at)} ago" if good else "never",
            "; ".join(last.failed_checks) or "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join([*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]])
                     for row in rows)


def age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes // (24 * 60)}d{minutes // 60 % 24:02d}h"
