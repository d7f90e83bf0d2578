"""The runs the state keeps, read back for people: `scrapy status` and `scrapy report` list them.

Each state (`STATE_URI`: a SQLite database per spider or site with `%(name)s`, or one Redis holding every
site's keys) keeps its runs (`Store.runs`): when each run started and finished, how it ended (`committed`,
`rolled_back` after a kill, `recovered`, `running`) and its run report (the JSON written beside its output).
A run went well when it was committed and no check failed. Reading takes no lock: a running crawl is not
disturbed.
"""

from __future__ import annotations

import argparse
import glob
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import redis
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from scrapers.arguments import suggestion
from scrapers.statestore import REDIS_SCHEMES, RunEntry, StateDamaged, runs_in, sqlite_path


@dataclass(frozen=True)
class Run:
    id: int
    name: str
    """The spider's name (a `news` run: its site)."""
    started_at: datetime
    finished_at: datetime | None
    status: str
    report: dict[str, Any] = field(default_factory=dict)
    """The run report; empty when the run did not finish (killed, still running) or is a worker's share."""
    shared: bool = False
    """Read from a state that workers share (Redis): an entry committed without a report is then one worker's
    share of a distributed run, whose last worker carries the run's report."""

    @property
    def failed_checks(self) -> list[str]:
        return list(self.report.get("failed_checks") or [])

    @property
    def ok(self) -> bool:
        return self.status == "committed" and bool(self.report) and not self.failed_checks

    @property
    def outcome(self) -> str:
        """`ok`, `failed` (a check failed), `worker` (a worker's share of a distributed run), or how the state
        left it: `rolled_back`, `recovered`, `running`."""
        if self.status == "committed" and self.report:
            return "failed" if self.failed_checks else "ok"
        if self.status == "committed" and self.shared:
            return "worker"
        return self.status

    @property
    def written(self) -> int | None:
        value = self.report.get("articles", {}).get("written")
        return int(value) if value is not None else None

    @property
    def ended_at(self) -> datetime:
        return self.finished_at or self.started_at


def state_files(uri: str) -> list[Path]:
    """The state databases `STATE_URI` names: `%(name)s` matches every spider's."""
    pattern = str(sqlite_path(uri.replace("%(name)s", "*")))
    return sorted(Path(path) for path in glob.glob(pattern) if not path.endswith((".lock", "-wal", "-shm")))


def read_runs(path: Path) -> dict[str, list[Run]]:
    """The runs of each spider in the state database at `path`, oldest first. Read-only: a running crawl
    holding the state is not disturbed."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return by_spider(runs_in(db))
    finally:
        db.close()


def by_spider(entries: list[RunEntry], *, shared: bool = False) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {}
    for entry in entries:
        runs.setdefault(entry.spider, []).append(Run(
            id=entry.id, name=entry.spider, started_at=entry.started_at, finished_at=entry.finished_at,
            status=entry.status, report=entry.report, shared=shared,
        ))
    return runs


def redis_runs(uri: str) -> dict[str, list[Run]]:
    """The runs of every site in the Redis state at `uri`."""
    from scrapers.redis_state import RedisStateStore

    runs: dict[str, list[Run]] = {}
    for name in RedisStateStore.names(uri):
        store = RedisStateStore.reader(uri, name=name)
        try:
            for spider, site_runs in by_spider(store.runs(), shared=True).items():
                runs.setdefault(spider, []).extend(site_runs)
        finally:
            store.close()
    return runs


def all_runs(uri: str) -> dict[str, list[Run]]:
    """Runs by spider name across the state databases of `uri` (or in its Redis), in the order they ended.

    With `%(name)s`, a site's runs are read from its own database only: a copy beside it (`thoidai-old.db`,
    `thoidai.db.1`) holds the same site's older runs, which were taken for its latest. The runs of a distributed
    run, one per worker, come in the order the workers finished: the last holds the whole run's report, where
    the order of their ids put a worker's own, report-less entry last."""
    if uri.startswith(REDIS_SCHEMES):
        runs = redis_runs(uri)
    else:
        runs = {}
        owner = site_of_file(uri)
        for path in state_files(uri):
            try:
                found = read_runs(path)
            except sqlite3.Error as error:  # one line that names the file, among the sites' many
                raise sqlite3.DatabaseError(f"{path}: {error}") from error
            for name, site_runs in found.items():
                if owner is None or owner(path) == name:
                    runs.setdefault(name, []).extend(site_runs)
    return {name: sorted(site_runs, key=lambda run: (run.ended_at, run.id)) for name, site_runs in sorted(runs.items())}


def site_of_file(uri: str) -> Callable[[Path], str | None] | None:
    """For a `STATE_URI` with `%(name)s`: the site whose database a path is (None for a file the pattern does
    not give); None when every site shares one database."""
    if "%(name)s" not in uri:
        return None
    first, *others = (re.escape(part) for part in str(sqlite_path(uri)).split("%(name)s"))
    pattern = re.compile(first + "".join(f"{'(?P<name>.+?)' if n == 0 else '(?P=name)'}{part}"
                                          for n, part in enumerate(others)))

    def site(path: Path) -> str | None:
        match = pattern.fullmatch(str(path))
        return match.group("name") if match else None

    return site


def amount_of(unit: str, limit: float) -> Callable[[str], float]:
    """An argparse type: a number of `unit`, 0 or more (`--max-age -5` read as a deadline in the future), at
    most `limit`."""

    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of {unit}: {text!r}") from None
        if not value >= 0:  # also NaN
            raise argparse.ArgumentTypeError(f"give a number of {unit}, 0 or more, not {text}")
        if value > limit:  # (inf, 1e12: past the dates Python can count to, a traceback)
            raise argparse.ArgumentTypeError(f"give at most {limit:g} {unit} (100 years), not {text}")
        return value

    read.__name__ = unit  # argparse names the type in its messages
    return read


hours, days = amount_of("hours", 100 * 366 * 24), amount_of("days", 100 * 366)

UNREADABLE = 1
"""Exit status of a state command whose state cannot be read (or whose report cannot be written)."""


class StateUnreadable(Exception):
    """The state could not be read; the message is one line."""


class StateCommand(ScrapyCommand):
    """A command that reads the runs the incremental state keeps (`status`, `report`, `accept`): no crawl, no
    log, `STATE_URI` given as the crawls give it."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012 (Scrapy's own attribute)

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        # a bad option in one line, exit status 1, as `crawl` says it (argparse: its usage, then exit status 2,
        # the status of a run that failed; fuzzer)
        parser.error = self.usage_error  # type: ignore[method-assign]

    def usage_error(self, message: str) -> NoReturn:
        print(f"newsharvest: {self.name()}: {message} (see scrapy {self.name()} -h)", file=sys.stderr)
        sys.exit(UNREADABLE)

    def process_options(self, args: list[str], opts: Any) -> None:
        try:
            super().process_options(args, opts)
        except UsageError as error:
            self.usage_error(str(error))

    def run(self, args: list[str], opts: Any) -> None:
        """`read`, with a state that cannot be read (a `STATE_URI` of no known kind, a Redis that does not
        answer, a file that is no database, content of the wrong type) or a file that cannot be written said in
        one line on stderr, exit status 1, instead of a traceback."""
        try:
            self.read(args, opts)
        except UsageError as error:
            self.usage_error(str(error))
        except StateUnreadable as error:
            self.failed(f"cannot read the state {self.settings.get('STATE_URI') if self.settings else None}: {error}")
        except OSError as error:
            self.failed(" ".join(str(error).split()))

    def failed(self, line: str) -> None:
        print(f"newsharvest: {self.name()}: {line}", file=sys.stderr)
        self.exitcode = UNREADABLE

    @contextmanager
    def reading_state(self) -> Iterator[None]:
        """The errors of reading the state as `StateUnreadable`, told apart from those of writing a report."""
        try:
            yield
        except (ValueError, OSError, sqlite3.Error, redis.RedisError, StateDamaged) as error:
            raise StateUnreadable(" ".join(str(error).split())) from error
        except (TypeError, KeyError, AttributeError) as error:  # a run's report or time of another type (fuzzer)
            raise StateUnreadable(f"its content is damaged: {type(error).__name__}: {error}") from error

    def read(self, args: list[str], opts: Any) -> None:
        raise NotImplementedError

    def name(self) -> str:
        """The command's name as typed (`status`), for its lines on stderr."""
        return type(self).__module__.rsplit(".", 1)[-1]

    def state_uri(self) -> str:
        assert self.settings is not None
        uri = self.settings.get("STATE_URI")
        if not uri:
            raise UsageError("set STATE_URI, as the crawls do (-s STATE_URI=sqlite:///state/%(name)s.db)")
        return str(uri)

    def runs(self, names: list[str]) -> dict[str, list[Run]]:
        """The runs of each site named in `names` (every site in the state when none is named), oldest first. A
        name the state has no run of is said on stderr, with the state's closest one (`thiodai`, a typo, gave
        "no runs in the state yet" and exit 0), and the exit status is 1."""
        with self.reading_state():
            found = all_runs(self.state_uri())
        for name in names:
            if name not in found:
                print(f"newsharvest: {name}: no run in the state{suggestion(name, list(found))}", file=sys.stderr)
                self.exitcode = UNREADABLE
        return {name: site_runs for name, site_runs in found.items() if not names or name in names}
