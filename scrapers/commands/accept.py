"""`scrapy accept <spider>`: take the spider's latest run as the new baseline of the coverage check.

A field whose coverage fell (a site that stopped printing bylines) fails every run until it recovers, since
failed runs never enter the baseline (`scrapers/monitors.py`). When the new level is right, an operator
accepts it: the latest committed run of the spider is marked accepted in the state (`STATE_URI`), and the
following runs compare with it and the runs after it only.

    scrapy accept thoidai -s STATE_URI=sqlite:///state/%(name)s.db
"""

from __future__ import annotations

import argparse
import json
import sys

from scrapy.exceptions import UsageError

from scrapers.runs import StateCommand
from scrapers.statestore import StateLocked, StateStore, sqlite_path


class Command(StateCommand):
    def syntax(self) -> str:
        return "<spider or site name>"

    def short_desc(self) -> str:
        return "Take the latest run of a spider as the new baseline of the coverage check"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name (a news site: its domain, e.g. example.com)")
        uri = self.state_uri()
        name = args[0]
        path = sqlite_path(uri % {"name": name})
        if not path.exists():
            self.fail(name, f"no state at {path}")
            return
        try:
            with StateStore.open(path) as store:
                row = store.db.execute(
                    "SELECT id, report FROM runs WHERE spider = ? AND status = 'committed' AND report IS NOT NULL"
                    " ORDER BY id DESC LIMIT 1", (name,),
                ).fetchone()
                if row is None:
                    self.fail(name, f"no finished run in {path}")
                    return
                report = json.loads(row["report"])
                report["accepted"] = True
                store.db.execute("UPDATE runs SET report = ? WHERE id = ?",
                                 (json.dumps(report, ensure_ascii=False), row["id"]))
        except StateLocked as locked:
            self.fail(name, str(locked))
            return
        coverage = ", ".join(f"{field} {share:.0%}" for field, share in report.get("coverage", {}).items()
                             if share is not None)
        print(f"{name}: run {row['id']} ({report.get('finished_at')}) is the new baseline: {coverage}")

    def fail(self, name: str, message: str) -> None:
        print(f"newsharvest: {name}: {message}", file=sys.stderr)
        self.exitcode = 1
