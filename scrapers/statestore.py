"""What earlier runs saw, so that a scheduled run fetches only what is new or due again.

`StateStore` keeps, per article URL, when it was first seen and last fetched, the hash of its content, its
publication and modification times, its version and what the last fetch gave (`emitted`, `rejected`,
`missing`, `skipped`). It lives in one SQLite file (`STATE_URI = "sqlite:///state/thoidai.db"`), created on
first use. One run at a time holds it: a second run waits for the lock file beside the database, then gives
up with `StateLocked`. The file is checked whole (`PRAGMA quick_check`) each time it is opened: a damaged
file raises `StateDamaged`, whose message says how to recover (move it aside; the next run rebuilds it).
`Store` is what the crawl needs of a state; `acquire_store` opens the one `STATE_URI` names: this SQLite
store, or the Redis store of `scrapers.redis_state` (`redis://...`), which the workers of a distributed
crawl share.

A run's changes are staged and become the state only once its output is complete (two-phase): the run
records the final paths of its output files; `commit_run` moves the staged rows into the state after the
files were renamed into place. A run that was killed is settled by the next one: if its output files
exist it is committed (killed between rename and commit), otherwise its staged rows and partial files are
dropped (the articles are fetched again); either way no half-written run report is left. So a killed run
loses no article and duplicates none.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from scrapers.partfiles import remove_unheld

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    content_hash TEXT,
    published_at TEXT,
    updated_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    spider TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    outputs TEXT NOT NULL DEFAULT '[]',
    report TEXT
);
CREATE TABLE IF NOT EXISTS staged (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    content_hash TEXT,
    published_at TEXT,
    updated_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, url)
);
"""

COLUMNS = {table: re.findall(r"^    ([a-z_]+) [A-Z]", body, re.MULTILINE)
           for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", SCHEMA, re.DOTALL)}
"""The columns of each table of `SCHEMA`, which a state file must have: a database of other tables under the
same names passed SQLite's check, ran the whole crawl, and failed only at its commit, every run."""

PART_SUFFIX = ".part"
"""Suffix of an output file while its run writes it."""

RUNS_KEPT = 2000
"""Runs whose entries (times, status, report) the state keeps: the latest ones, 12 weeks of hourly runs; per
spider in SQLite, per site on Redis. A run is counted by the entry with its report (a distributed run has an entry
per worker, the last one's with the report: counted by entries, 2,000 were 500 runs of four workers; review); the
entries between them (its workers', a run rolled back) go with them. A run starting drops the entries before the
runs kept with it. The checks read the last `HISTORY_READ` (48) of them, `scrapy status` and `scrapy
report` the rest. Kept without a bound, an hourly harvest's state grew by its report (2 KB) every run for as
long as it ran: 17 MB a year a site, on Redis in memory (an operator's simulated months)."""

RUN_ENTRIES_KEPT = 4 * RUNS_KEPT
"""Run entries the state keeps at most, reports or none: a site whose runs end without a report (rolled back
every hour) counts no run, and its entries grew without bound (review)."""


class StateLocked(Exception):
    """Another run holds the state."""


class LockNotMade(StateLocked):
    """The state's lock file cannot be created (its folder takes no new file): no run can hold the state."""


class StateDamaged(Exception):
    """The state file fails SQLite's integrity check, or is not a database at all; the message says how to
    recover (move the file aside: the next run rebuilds it)."""

    def __init__(self, path: Path, detail: str) -> None:
        lines = [line for line in detail.strip().splitlines() if not line.startswith("***")]
        first = lines[0] if lines else "unknown damage"
        super().__init__(
            f"the state {path} is damaged ({first}); move it aside (mv {path} {path}.damaged, with its -wal and"
            " -shm files if any) and run again: the next run rebuilds it, fetching and writing every article once"
        )


@dataclass(frozen=True)
class Known:
    """An article URL as the state has it."""

    url: str
    status: str
    """What its last fetch gave: `emitted` (a record was written or found unchanged), `rejected` (the record
    failed validation or its reading raised), `missing` (an HTTP error, or a page with neither a story nor a
    listing: a bot wall), `skipped` (not an article: an infographic, a video), `failed` (never fetched: its
    only fetches failed by chance, a timeout or a reset)."""
    first_seen: datetime
    last_fetched: datetime
    content_hash: str | None
    published_at: datetime | None
    updated_at: datetime | None
    version: int


@dataclass(frozen=True)
class Staged:
    """What this run learnt of one URL; it becomes `Known` when the run commits."""

    url: str
    status: str
    fetched_at: datetime
    content_hash: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0


_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class RunEntry:
    """One run as the state keeps it, for `scrapy status`, `report` and `accept`."""

    id: int
    spider: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    """`running`, `committed`, `recovered`, `rolled_back`."""
    report: dict[str, Any]
    """The run report; empty when the run has none (killed, still running, a worker's share)."""


def parse_duration(text: str) -> timedelta:
    """`"6h"` gives 6 hours; units s, m, h, d, w."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"not a duration (like 30m, 6h, 2d): {text!r}")
    try:
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:  # past timedelta's 999,999,999 days
        raise ValueError(f"a duration too long: {text!r}") from None


@dataclass(frozen=True)
class RevisitPolicy:
    """When a fetched article is due again, by its age.

    `tiers` are (age limit, interval) from the youngest up: `"2d:6h 30d:3d"` fetches an article published in
    the last 2 days again 6 hours after its last fetch, one up to 30 days old after 3 days, an older one never.
    A rejected or missing article is tried again after `retry`; a page that is not an article, never. One that
    gave no record yet is asked again though no listing shows it any more for `within` after it was first seen.
    """

    tiers: tuple[tuple[timedelta, timedelta], ...]
    retry: timedelta
    within: timedelta = timedelta(days=3)

    @classmethod
    def parse(cls, revisit: str, retry: str, within: str = "3d") -> RevisitPolicy:
        tiers = []
        for part in revisit.split():
            age, _, interval = part.partition(":")
            if not interval:
                raise ValueError(f"REVISIT_AFTER tier is not age:interval: {part!r}")
            tiers.append((parse_duration(age), parse_duration(interval)))
        return cls(tuple(sorted(tiers)), parse_duration(retry), parse_duration(within))

    def is_due(self, known: Known, now: datetime, listed_modified: datetime | None = None) -> bool:
        if known.status == "canonical":  # named as canonical by another page, never fetched (scrapers/harvest.py)
            return True
        if known.status == "skipped":
            return False
        if known.last_fetched > now + CLOCK_SKEW:  # fetched "in the future": the clock stepped back since
            return True  # (a wait counted from that time would hold it until the clock passes it again)
        if known.status == "failed":
            return True  # as an unknown URL: only chance kept it
        if known.status in ("rejected", "missing"):
            return now - known.last_fetched >= self.retry
        if listed_modified is not None and listed_modified > known.last_fetched:
            return True  # the listing, feed or sitemap says it changed since
        age = now - (known.published_at or known.first_seen)
        for limit, interval in self.tiers:
            if age <= limit:
                return now - known.last_fetched >= interval
        return False


CLOCK_SKEW = timedelta(minutes=5)
"""How far past the clock a fetch time in the state may lie before the clock is taken to have stepped back (NTP
corrects a few seconds; a clock set back by hand or a restored VM, hours or days)."""


def sqlite_path(uri: str) -> Path:
    """`sqlite:///state/thoidai.db` gives `state/thoidai.db` (relative), `sqlite:////var/lib/x.db` an absolute
    path; a plain path is taken as it is."""
    if "://" not in uri:
        return Path(uri)
    parts = urlsplit(uri)
    if parts.scheme != "sqlite":
        raise ValueError(f"STATE_URI must be sqlite:///<path>, not {uri!r}")
    rest = uri.split("://", 1)[1]
    if rest.startswith("/"):  # the path whole: "#" and "?" are a file name's characters (read as a URL's fragment
        return Path(rest[1:])  # and query, they cut the path, and `%(name)s` with it: every site shared a file)
    return Path(parts.path[1:] if parts.path.startswith("/") else parts.path)


class StateStore:
    """The state of one crawl target in SQLite; open it with `StateStore.open(...)` as a context manager."""

    def __init__(self, path: Path, db: sqlite3.Connection, lock: FileLock) -> None:
        self.path = path
        self.db = db
        self.lock = lock

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, lock_timeout: float = 0) -> Iterator[StateStore]:
        """The store at `path`, locked for this process; raises `StateLocked` when another run keeps it locked
        for longer than `lock_timeout` seconds."""
        store = cls.acquire(path, lock_timeout=lock_timeout)
        try:
            yield store
        finally:
            store.close()

    @classmethod
    def acquire(cls, path: Path, *, lock_timeout: float = 0) -> StateStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # a lock file that cannot be made waited out the timeout and was said as a lock another run holds
            Path(f"{path}.lock").touch()
        except OSError as error:
            raise LockNotMade(f"cannot create the state's lock file {path}.lock: {error}") from error
        lock = FileLock(f"{path}.lock", timeout=lock_timeout)
        try:
            lock.acquire()
        except Timeout as error:  # (a TimeoutError, an OSError: first)
            raise StateLocked(
                f"another run holds the state {path} (lock file {path}.lock); waited {lock_timeout:g}s"
            ) from error
        except OSError as error:  # (a folder of its name, say)
            raise LockNotMade(f"cannot use the state's lock file {path}.lock: {error}") from error
        try:
            db = _connect(path)
        except BaseException:
            lock.release()
            raise
        return cls(path, db, lock)

    @property
    def location(self) -> str:
        return str(self.path)

    def close(self) -> None:
        self.db.close()
        self.lock.release()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -------------------------------------------------------------------- runs

    def start_run(self, spider: str, now: datetime) -> int:
        """Settle the runs that did not finish, then open a new one; its id."""
        self.settle_unfinished()
        cursor = self.db.execute(
            "INSERT INTO runs (spider, started_at, status) VALUES (?, ?, 'running')", (spider, now.isoformat())
        )
        assert cursor.lastrowid is not None
        self.db.execute(  # the entries before the latest `RUNS_KEPT` runs, this one among them (see there)
            "DELETE FROM runs WHERE spider = ? AND status != 'running' AND id < (SELECT id FROM runs WHERE spider = ?"
            " AND report IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (spider, spider, RUNS_KEPT - 2),
        )
        self.db.execute(
            "DELETE FROM runs WHERE spider = ? AND status != 'running'"
            " AND id NOT IN (SELECT id FROM runs WHERE spider = ? ORDER BY id DESC LIMIT ?)",
            (spider, spider, RUN_ENTRIES_KEPT),
        )
        return cursor.lastrowid

    def add_output(self, run_id: int, path: Path) -> None:
        """Record that `run_id` writes `path` (its final name; the file is `<path>.part` until complete)."""
        outputs = self.outputs(run_id)
        outputs.append(str(path.resolve()))
        self.db.execute("UPDATE runs SET outputs = ? WHERE id = ?", (json.dumps(outputs), run_id))

    def outputs(self, run_id: int) -> list[str]:
        row = self.db.execute("SELECT outputs FROM runs WHERE id = ?", (run_id,)).fetchone()
        outputs: list[str] = json.loads(row["outputs"]) if row else []
        return outputs

    def settle_unfinished(self) -> list[tuple[int, str]]:
        """Commit or roll back each run that did not finish: committed when every output it opened is in place
        and complete (renamed, no `.part` left), rolled back otherwise (staged rows dropped, `.part` files
        removed). Either way no half-written run report (`.report.json.part`) is left. The (run id, outcome)
        pairs."""
        settled = []
        for row in self.db.execute("SELECT id, outputs FROM runs WHERE status = 'running'").fetchall():
            outputs = [Path(path) for path in json.loads(row["outputs"])]
            if outputs and all(path.exists() and not Path(f"{path}{PART_SUFFIX}").exists() for path in outputs):
                self.commit_run(row["id"], finished_at=None, report=None, status="recovered")
                for path in outputs:  # killed while writing its report
                    with suppress(FileNotFoundError, NotADirectoryError):
                        partial_files(path)[1].unlink()
                settled.append((row["id"], "recovered"))
            else:
                self.roll_back(row["id"], outputs)
                settled.append((row["id"], "rolled_back"))
        return settled

    def roll_back(self, run_id: int, outputs: list[Path]) -> None:
        remove_partial_files(outputs)
        with self.transaction() as db:
            db.execute("DELETE FROM staged WHERE run_id = ?", (run_id,))
            db.execute("UPDATE runs SET status = 'rolled_back' WHERE id = ?", (run_id,))

    def unstage(self, run_id: int, status: str) -> None:
        """Drop what `run_id` staged with `status`: the state keeps nothing of those URLs from this run."""
        with self.transaction() as db:
            db.execute("DELETE FROM staged WHERE run_id = ? AND status = ?", (run_id, status))

    def commit_run(
        self, run_id: int, *, finished_at: datetime | None, report: dict[str, Any] | None, status: str = "committed"
    ) -> None:
        """Make what `run_id` staged the state, in one transaction. A `canonical` entry (`scrapers.harvest`) never
        replaces an outcome of the URL's own page, and gives way to one whole: none of its hash, dates or version
        is kept (another worker of a distributed run may have staged the page itself)."""
        with self.transaction() as db:
            db.execute(
                """
                INSERT INTO articles (url, status, first_seen, last_fetched, content_hash, published_at,
                                      updated_at, version)
                SELECT url, status, fetched_at, fetched_at, content_hash, published_at, updated_at, version
                FROM staged WHERE run_id = ?
                ON CONFLICT (url) DO UPDATE SET
                    status = excluded.status,
                    last_fetched = excluded.last_fetched,
                    content_hash = CASE WHEN articles.status = 'canonical' THEN excluded.content_hash
                                   ELSE COALESCE(excluded.content_hash, articles.content_hash) END,
                    published_at = CASE WHEN articles.status = 'canonical' THEN excluded.published_at
                                   ELSE COALESCE(excluded.published_at, articles.published_at) END,
                    updated_at = CASE WHEN articles.status = 'canonical' THEN excluded.updated_at
                                 ELSE COALESCE(excluded.updated_at, articles.updated_at) END,
                    version = CASE WHEN articles.status = 'canonical' THEN excluded.version
                              ELSE MAX(excluded.version, articles.version) END
                WHERE excluded.status = 'canonical' AND articles.status = 'canonical'
                   OR excluded.status != 'canonical'
                """,
                (run_id,),
            )
            db.execute("DELETE FROM staged WHERE run_id = ?", (run_id,))
            db.execute(
                "UPDATE runs SET status = ?, finished_at = ?, report = ? WHERE id = ?",
                (status, finished_at.isoformat() if finished_at else None,
                 json.dumps(report, ensure_ascii=False) if report is not None else None, run_id),
            )

    def reports(self, spider: str, limit: int = 10) -> list[dict[str, Any]]:
        """Reports of the latest committed runs of `spider`, newest first."""
        rows = self.db.execute(
            "SELECT report FROM runs WHERE spider = ? AND status = 'committed' AND report IS NOT NULL"
            " ORDER BY id DESC LIMIT ?",
            (spider, limit),
        ).fetchall()
        return [json.loads(row["report"]) for row in rows]

    def runs(self) -> list[RunEntry]:
        """Every run of the state, oldest first."""
        return runs_in(self.db)

    def accept_latest(self, spider: str) -> tuple[int, dict[str, Any]] | None:
        """Mark the latest committed run of `spider` whose report measured coverage (it read articles) as
        accepted (the coverage check's new baseline); its id and report, None when it has none. An hourly run
        that found nothing new measures nothing: taken as the baseline, it left the check nothing to compare."""
        rows = self.db.execute(
            "SELECT id, report FROM runs WHERE spider = ? AND status = 'committed' AND report IS NOT NULL"
            " ORDER BY id DESC", (spider,),
        )
        row = next((row for row in rows if measured_coverage(json.loads(row["report"]))), None)
        if row is None:
            return None
        report: dict[str, Any] = json.loads(row["report"])
        report["accepted"] = True
        self.db.execute("UPDATE runs SET report = ? WHERE id = ?", (json.dumps(report, ensure_ascii=False), row["id"]))
        return int(row["id"]), report

    # -------------------------------------------------------------------- articles

    def known(self, url: str) -> Known | None:
        row = self.db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        return None if row is None else _known(row)

    def asks_unfinished(self) -> bool:
        """Whether this run asks the unfinished articles (`Store.unfinished`): always, a SQLite state has one run."""
        return True

    def unfinished(self, since: datetime) -> list[Known]:
        """The article URLs first seen at `since` or later that gave no record yet (`UNFINISHED`), newest first.
        Those first seen before are asked about no more: a backend may forget them (Redis does)."""
        rows = self.db.execute(  # (times are kept in UTC: their text sorts as they do)
            f"SELECT * FROM articles WHERE status IN ({', '.join('?' * len(UNFINISHED))}) AND first_seen >= ?",
            (*UNFINISHED, since.astimezone(UTC).isoformat())).fetchall()
        return sorted((known for known in map(_known, rows) if known.first_seen >= since),
                      key=lambda known: known.first_seen, reverse=True)

    def stage(self, run_id: int, entry: Staged) -> None:
        """Record what this run learnt of `entry.url`; a later entry for the same URL replaces it."""
        self.db.execute(
            "INSERT OR REPLACE INTO staged (run_id, url, status, fetched_at, content_hash, published_at,"
            " updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, entry.url, entry.status, entry.fetched_at.isoformat(), entry.content_hash,
             _iso(entry.published_at), _iso(entry.updated_at), entry.version),
        )

    def staged(self, run_id: int, url: str) -> Staged | None:
        """What this run has staged of `url` so far."""
        row = self.db.execute("SELECT * FROM staged WHERE run_id = ? AND url = ?", (run_id, url)).fetchone()
        if row is None:
            return None
        return Staged(
            url=url, status=row["status"], fetched_at=datetime.fromisoformat(row["fetched_at"]),
            content_hash=row["content_hash"], published_at=_optional_moment(row["published_at"]),
            updated_at=_optional_moment(row["updated_at"]), version=row["version"],
        )

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM articles WHERE status = ?", (status,)).fetchone()[0])


class Store(Protocol):
    """The state as the crawl uses it (`scrapers/harvest.py`); `StateStore` (SQLite) and
    `scrapers.redis_state.RedisStateStore` are the two. See `StateStore` for what each method does."""

    @property
    def location(self) -> str:
        """Where the state is, for the log: a file path or a Redis URL and key prefix."""

    def close(self) -> None: ...

    def start_run(self, spider: str, now: datetime) -> int: ...

    def add_output(self, run_id: int, path: Path) -> None: ...

    def outputs(self, run_id: int) -> list[str]: ...

    def settle_unfinished(self) -> list[tuple[int, str]]: ...

    def roll_back(self, run_id: int, outputs: list[Path]) -> None: ...

    def unstage(self, run_id: int, status: str) -> None: ...

    def commit_run(
        self, run_id: int, *, finished_at: datetime | None, report: dict[str, Any] | None, status: str = "committed"
    ) -> None: ...

    def reports(self, spider: str, limit: int = 10) -> list[dict[str, Any]]: ...

    def runs(self) -> list[RunEntry]: ...

    def accept_latest(self, spider: str) -> tuple[int, dict[str, Any]] | None: ...

    def known(self, url: str) -> Known | None: ...

    def asks_unfinished(self) -> bool: ...

    def unfinished(self, since: datetime) -> list[Known]: ...

    def stage(self, run_id: int, entry: Staged) -> None: ...

    def staged(self, run_id: int, url: str) -> Staged | None: ...

    def count(self, status: str | None = None) -> int: ...


def _known(row: sqlite3.Row) -> Known:
    return Known(
        url=row["url"], status=row["status"], first_seen=_moment(row["first_seen"]),
        last_fetched=_moment(row["last_fetched"]), content_hash=row["content_hash"],
        published_at=_optional_moment(row["published_at"]), updated_at=_optional_moment(row["updated_at"]),
        version=row["version"],
    )


UNFINISHED = ("missing", "rejected", "failed")
"""The statuses of an article URL that gave no record yet: asked again (after `RETRY_AFTER`, `failed` at once)
though no listing shows it any more, for `RETRY_WITHIN` after it was first seen (`scrapers.harvest`)."""


def measured_coverage(report: dict[str, Any]) -> bool:
    """Whether a run report measured the fields' coverage: it read at least one article."""
    return any(share is not None for share in (report.get("coverage") or {}).values())


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def acquire_store(
    uri: str, *, name: str, lock_timeout: float = 0, shared: bool = False, lease: float = 15.0
) -> Store:
    """The state `uri` names, locked for this run (`StateLocked` when another run keeps it longer than
    `lock_timeout` seconds).

    `sqlite:///state/%(name)s.db` (or a path): the SQLite store, `%(name)s` being the run's name (the spider's;
    the `news` spider's is its site). `redis://host:6379/0`: the Redis store, its keys under `newsharvest:<name>:`.
    `shared`: the workers of one distributed run hold it together (Redis only); a worker that stops answering
    loses its hold after `lease` seconds."""
    if uri.startswith(REDIS_SCHEMES):
        from scrapers.redis_state import RedisStateStore

        return RedisStateStore.acquire(uri, name=name, lock_timeout=lock_timeout, shared=shared, lease=lease)
    if shared:
        raise ValueError(f"the workers of a distributed crawl share the state: STATE_URI must be redis://...,"
                         f" not {uri!r}")
    return StateStore.acquire(sqlite_path(uri % {"name": name}), lock_timeout=lock_timeout)


def runs_in(db: sqlite3.Connection) -> list[RunEntry]:
    """The runs of the SQLite state `db` (rows as `sqlite3.Row`), oldest first."""
    rows = db.execute("SELECT id, spider, started_at, finished_at, status, report FROM runs ORDER BY id").fetchall()
    return [RunEntry(id=row["id"], spider=row["spider"], started_at=_moment(row["started_at"]),
                     finished_at=_optional_moment(row["finished_at"]), status=row["status"],
                     report=json.loads(row["report"]) if row["report"] else {}) for row in rows]


def partial_files(output: Path) -> list[Path]:
    """The files a run writes beside `output` that a killed run may leave half-written: the output's own
    `.part` and that of its run report (`<output>.report.json`)."""
    return [Path(f"{output}{PART_SUFFIX}"), Path(f"{output.with_suffix('.report.json')}{PART_SUFFIX}")]


def remove_partial_files(outputs: list[Path]) -> None:
    """Remove what a rolled-back run left half-written beside its outputs."""
    for path in outputs:
        for partial in partial_files(path):
            remove_unheld(partial)  # (not another crawl's, which writes it under the same name)


def _connect(path: Path) -> sqlite3.Connection:
    """The database at `path`, checked whole (`PRAGMA quick_check`) before anything is read from it or
    written to it; raises `StateDamaged` otherwise."""
    if not path.exists():
        _create(path)
    elif path.stat().st_size == 0 and _empty(Path(f"{path}-wal")):
        # Never one of ours (`_create` puts a whole file in place): a state emptied by a disk or a hand, which
        # SQLite took for a new database, and the run fetched and wrote every article again with exit 0.
        raise StateDamaged(path, "the file is empty")
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        verdict = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        if verdict != ["ok"]:
            raise StateDamaged(path, "\n".join(verdict))
        # Checked before anything is written to it (it may be another program's database): a state file is made
        # whole with its tables (`_create`), and each table it has holds this crawler's columns.
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "articles" not in tables:
            raise StateDamaged(path, f"it has no table articles but {', '.join(sorted(tables))}: not this crawler's"
                                     " state")
        for table, columns in COLUMNS.items():
            found = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
            if found and (lacking := [column for column in columns if column not in found]):
                raise StateDamaged(path, f"its table {table} has no column {', '.join(lacking)}: not this crawler's"
                                         " state")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses no committed row
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError as error:
        db.close()
        raise StateDamaged(path, f"{type(error).__name__}: {error}") from error
    except StateDamaged:
        db.close()
        raise
    return db


def _create(path: Path) -> None:
    """A new state at `path`, built beside it and renamed into place whole: a run killed while it made the file left
    no empty one, which the next run would take for a damaged state."""
    new = Path(f"{path}.new")
    new.unlink(missing_ok=True)
    db = sqlite3.connect(new, isolation_level=None)
    try:
        db.executescript(SCHEMA)
    finally:
        db.close()
    os.replace(new, path)


def _empty(path: Path) -> bool:
    """Whether the file at `path` is missing or empty."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _optional_moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
