"""`scrapy accept <spider>`: take the spider's latest run as the new baseline of the coverage check.

A field whose coverage fell (a site that stopped printing bylines) fails every run until it recovers, since
failed runs never enter the baseline (`scrapers/monitors.py`). When the new level is right, an operator
accepts it: the latest committed run of the spider is marked accepted in the state (`STATE_URI`), and the
following runs compare with it and the runs after it only.

    scrapy accept thoidai -s STATE_URI=sqlite:///state/%(name)s.db
    scrapy accept example.com -s STATE_URI=redis://10.0.0.5:6379/0
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.exceptions import UsageError

from scrapers.runs import StateCommand
from scrapers.statestore import REDIS_SCHEMES, StateLocked, StateStore, sqlite_path


class Command(StateCommand):
    def syntax(self) -> str:
        return "<spider or site name>"

    def short_desc(self) -> str:
        return "Take the latest run of a spider as the new baseline of the coverage check"

    def read(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name (a news site: its domain, e.g. example.com)")
        uri = self.state_uri()
        name = args[0]
        with self.reading_state():
            if uri.startswith(REDIS_SCHEMES):
                accepted = self.accept_in_redis(uri, name)
            else:
                accepted = self.accept_in_sqlite(uri, name)
        if accepted is None:
            return
        run_id, report = accepted
        coverage = ", ".join(f"{field} {share:.0%}" for field, share in report.get("coverage", {}).items()
                             if share is not None)
        print(f"{name}: run {run_id} ({report.get('finished_at')}) is the new baseline: {coverage}")

    def accept_in_sqlite(self, uri: str, name: str) -> tuple[int, dict[str, Any]] | None:
        path = sqlite_path(uri % {"name": name})
        if not path.exists():
            self.fail(name, f"no state at {path}")
            return None
        try:
            with StateStore.open(path) as store:
                accepted = store.accept_latest(name)
        except StateLocked as locked:
            self.fail(name, str(locked))
            return None
        if accepted is None:
            self.fail(name, f"no finished run that read articles in {path}")
        return accepted

    def accept_in_redis(self, uri: str, name: str) -> tuple[int, dict[str, Any]] | None:
        """In Redis the history is changed in one script, beside a crawl that may hold the state: no lock."""
        from scrapers.redis_state import RedisStateStore

        store = RedisStateStore.reader(uri, name=name)
        try:
            accepted = store.accept_latest(name)
        finally:
            store.close()
        if accepted is None:
            self.fail(name, f"no finished run that read articles in {store.location}")
        return accepted

    def fail(self, name: str, message: str) -> None:
        print(f"newsharvest: {name}: {message}", file=sys.stderr)
        self.exitcode = 1
