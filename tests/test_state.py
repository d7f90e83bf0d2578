"""The state store: revisit policy, staging and the settling of runs that did not finish; every store test runs
against both backends (SQLite, and Redis on a real redis-server)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrapers import redis_state, statestore
from scrapers.statestore import (
    Known,
    RevisitPolicy,
    Staged,
    StateDamaged,
    StateLocked,
    StateStore,
    Store,
    acquire_store,
    parse_duration,
    sqlite_path,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = RevisitPolicy.parse("2d:6h 30d:3d", "6h")
URL = "https://thoidai.com.vn/a-206430.html"
OTHER = "https://thoidai.com.vn/b-206431.html"

Opener = Callable[..., AbstractContextManager[Store]]


def known(status: str = "emitted", *, fetched_ago: timedelta, published_ago: timedelta | None) -> Known:
    return Known(url=URL, status=status, first_seen=NOW - fetched_ago, last_fetched=NOW - fetched_ago,
                 content_hash="h", published_at=NOW - published_ago if published_ago else None, updated_at=None,
                 version=1)


@pytest.mark.parametrize(
    ("entry", "listed_modified", "due"),
    [
        (known(fetched_ago=timedelta(hours=5), published_ago=timedelta(days=1)), None, False),
        (known(fetched_ago=timedelta(hours=6), published_ago=timedelta(days=1)), None, True),
        (known(fetched_ago=timedelta(days=2), published_ago=timedelta(days=10)), None, False),
        (known(fetched_ago=timedelta(days=3), published_ago=timedelta(days=10)), None, True),
        (known(fetched_ago=timedelta(days=300), published_ago=timedelta(days=400)), None, False),  # never again
        # ... unless its listing, feed or sitemap says it changed since the last fetch
        (known(fetched_ago=timedelta(days=300), published_ago=timedelta(days=400)), NOW - timedelta(days=1), True),
        (known(fetched_ago=timedelta(hours=1), published_ago=timedelta(days=1)), NOW - timedelta(hours=2), False),
        # no publication date: its age counts from when it was first seen
        (known(fetched_ago=timedelta(hours=7), published_ago=None), None, True),
        (known("rejected", fetched_ago=timedelta(hours=7), published_ago=None), None, True),
        (known("missing", fetched_ago=timedelta(hours=1), published_ago=None), None, False),
        (known("skipped", fetched_ago=timedelta(days=900), published_ago=None), None, False),
        # fetched "30 days from now": the clock stepped back since; the wait counted from then is no wait
        (known("missing", fetched_ago=-timedelta(days=30), published_ago=None), None, True),
        (known(fetched_ago=-timedelta(days=30), published_ago=timedelta(days=1)), None, True),
        (known(fetched_ago=-timedelta(minutes=2), published_ago=timedelta(days=1)), None, False),  # NTP's seconds
    ],
)
def test_revisit_policy(entry: Known, listed_modified: datetime | None, due: bool) -> None:
    assert POLICY.is_due(entry, NOW, listed_modified) is due


@pytest.mark.parametrize(("text", "expected"), [("30m", timedelta(minutes=30)), ("6h", timedelta(hours=6)),
                                                ("2d", timedelta(days=2)), ("1w", timedelta(weeks=1))])
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["6", "h", "six hours", "2d:6h"])
def test_parse_duration_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("uri", "path"),
    [("sqlite:///state/thoidai.db", Path("state/thoidai.db")), ("sqlite:////var/lib/nh/x.db", Path("/var/lib/nh/x.db")),
     ("state/x.db", Path("state/x.db")),
     # "#" and "?" are a file name's: read as a fragment and a query, they cut the path, %(name)s and all (fuzzer)
     ("sqlite:///state/site#1/%(name)s.db", Path("state/site#1/%(name)s.db")),
     ("sqlite:////srv/a?fresh/%(name)s.db", Path("/srv/a?fresh/%(name)s.db"))],
)
def test_sqlite_path(uri: str, path: Path) -> None:
    assert sqlite_path(uri) == path


def test_a_shared_state_must_be_on_redis(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be redis://"):
        acquire_store(f"sqlite:///{tmp_path}/s.db", name="thoidai", shared=True)


# -------------------------------------------------------------------- both backends


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The STATE_URI of a fresh state in each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/state/%(name)s.db"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def open_store(backend: str) -> Opener:
    """`open_store(**options)`: the state of `thoidai` in the backend, closed at the end of the block."""

    def opener(**options: object) -> AbstractContextManager[Store]:
        return closing(acquire_store(backend, name="thoidai", **options))  # type: ignore[arg-type]

    return opener


def staged_run(store: Store, output: Path, **values: object) -> int:
    run_id = store.start_run("thoidai", NOW)
    store.add_output(run_id, output)
    entry = {"url": URL, "status": "emitted", "fetched_at": NOW, "content_hash": "h1", "version": 1, **values}
    store.stage(run_id, Staged(**entry))  # type: ignore[arg-type]
    return run_id


def test_a_run_is_the_state_only_once_committed(open_store: Opener, tmp_path: Path) -> None:
    with open_store() as store:
        run_id = staged_run(store, tmp_path / "out.jsonl", published_at=NOW - timedelta(days=1))
        assert store.known(URL) is None
        store.commit_run(run_id, finished_at=NOW, report={"articles": {"extracted": 1}})
        entry = store.known(URL)
        assert entry is not None
        assert (entry.status, entry.content_hash, entry.version, entry.published_at, entry.first_seen) == (
            "emitted", "h1", 1, NOW - timedelta(days=1), NOW)
        assert store.reports("thoidai") == [{"articles": {"extracted": 1}}]
        assert (store.count(), store.count("emitted"), store.count("rejected")) == (1, 1, 0)


def test_what_a_run_staged_reads_back_as_it_was_staged(open_store: Opener, tmp_path: Path) -> None:
    with open_store() as store:
        run_id = staged_run(store, tmp_path / "out.jsonl", published_at=NOW - timedelta(days=1))
        store.stage(run_id, Staged(url=OTHER, status="missing", fetched_at=NOW))
        assert store.staged(run_id, URL) == Staged(url=URL, status="emitted", fetched_at=NOW, content_hash="h1",
                                                   published_at=NOW - timedelta(days=1), version=1)
        assert store.staged(run_id, OTHER) == Staged(url=OTHER, status="missing", fetched_at=NOW)
        assert store.staged(run_id, "https://thoidai.com.vn/never-seen.html") is None
        assert store.staged(run_id + 1, URL) is None


def test_a_run_unstaged_of_its_rejects_commits_the_rest(open_store: Opener, tmp_path: Path) -> None:
    with open_store() as store:
        run_id = staged_run(store, tmp_path / "out.jsonl")
        store.stage(run_id, Staged(url=OTHER, status="rejected", fetched_at=NOW))
        store.unstage(run_id, "rejected")
        assert store.staged(run_id, OTHER) is None
        store.commit_run(run_id, finished_at=NOW, report=None)
        assert (store.count(), store.count("emitted"), store.known(OTHER)) == (1, 1, None)


def test_runs_list_every_run_and_accept_marks_the_latest_committed_one(open_store: Opener, tmp_path: Path) -> None:
    """The baseline is the latest committed run that read articles: an hourly run that found nothing new
    measures no coverage, and as the baseline it left the coverage check nothing to compare."""
    good = {"coverage": {"title": 1.0}, "failed_checks": []}
    broken = {"coverage": {"title": 0.5}, "failed_checks": ["title"]}
    quiet = {"coverage": {"title": None}, "failed_checks": []}
    with open_store() as store:
        first = staged_run(store, tmp_path / "1.jsonl")
        store.commit_run(first, finished_at=NOW, report=good)
        second = staged_run(store, tmp_path / "2.jsonl")
        store.commit_run(second, finished_at=NOW + timedelta(hours=1), report=broken)
        third = staged_run(store, tmp_path / "3.jsonl")
        store.commit_run(third, finished_at=NOW + timedelta(hours=2), report=quiet)
        fourth = staged_run(store, tmp_path / "4.jsonl")
        store.roll_back(fourth, [tmp_path / "4.jsonl"])
        assert store.accept_latest("elsewhere") is None
        assert store.accept_latest("thoidai") == (second, {**broken, "accepted": True})
        runs = store.runs()
        history = store.reports("thoidai")
    assert [(run.id, run.spider, run.status, run.report) for run in runs] == [
        (first, "thoidai", "committed", good),
        (second, "thoidai", "committed", {**broken, "accepted": True}),
        (third, "thoidai", "committed", quiet),
        (fourth, "thoidai", "rolled_back", {}),
    ]
    assert (runs[1].started_at, runs[1].finished_at, runs[3].finished_at) == (NOW, NOW + timedelta(hours=1), None)
    assert history == [quiet, {**broken, "accepted": True}, good]


def test_the_state_keeps_the_latest_runs(
        open_store: Opener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An hourly harvest's state grew by a run's report every run for as long as it ran; it keeps the latest
    `RUNS_KEPT` now, whatever their outcome."""
    for module in (statestore, redis_state):
        monkeypatch.setattr(module, "RUNS_KEPT", 3)
    with open_store() as store:
        for hour in range(5):
            run_id = staged_run(store, tmp_path / f"{hour}.jsonl")
            store.commit_run(run_id, finished_at=NOW + timedelta(hours=hour), report={"run": hour})
        assert [(run.status, run.report) for run in store.runs()] == [
            ("committed", {"run": 2}), ("committed", {"run": 3}), ("committed", {"run": 4})]
        assert store.reports("thoidai", limit=3) == [{"run": 4}, {"run": 3}, {"run": 2}]  # the checks' history
    with open_store() as store:  # a run killed before its end is settled by the next, then dropped in turn
        killed = staged_run(store, tmp_path / "killed.jsonl")
    with open_store() as store:
        for hour in range(5, 7):
            store.commit_run(staged_run(store, tmp_path / f"{hour}.jsonl"), finished_at=NOW, report={"run": hour})
        assert [(run.id, run.status, run.report) for run in store.runs()] == [  # (runs counted by their reports)
            (killed - 1, "committed", {"run": 4}), (killed, "rolled_back", {}), (killed + 1, "committed", {"run": 5}),
            (killed + 2, "committed", {"run": 6})]
        store.commit_run(staged_run(store, tmp_path / "7.jsonl"), finished_at=NOW, report={"run": 7})
        assert [run.report for run in store.runs()] == [{"run": 5}, {"run": 6}, {"run": 7}]


def test_a_redis_state_counts_a_distributed_run_once_among_the_runs_it_keeps(
        redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distributed run has an entry per worker, the last one's with the run's report: counted by entries, 2,000
    kept were 500 runs of four workers (review)."""
    monkeypatch.setattr(redis_state, "RUNS_KEPT", 3)
    with closing(acquire_store(redis_url, name="thoidai", shared=True)) as store:
        for run in range(5):
            workers = [store.start_run("thoidai", NOW + timedelta(hours=run)) for _ in range(4)]
            for worker in workers[:-1]:
                store.commit_run(worker, finished_at=NOW, report=None)
            store.commit_run(workers[-1], finished_at=NOW, report={"run": run})
        store.start_run("thoidai", NOW + timedelta(hours=5))  # (each start drops what is past the kept runs)
        assert [run.report for run in store.runs() if run.report] == [{"run": 3}, {"run": 4}]  # and the open one
        assert len(store.runs()) == 1 + 4 + 1  # run 3's last worker, run 4 whole, the open one


@pytest.mark.parametrize("oldest", ["12.0", "-3", "999", "²"])
def test_a_redis_state_reads_a_damaged_bound_of_its_kept_runs_as_none(redis_url: str, tmp_path: Path,
                                                                      oldest: str) -> None:
    """`run:oldest` that is no id, or past the last id given (a restored `run:next`): every run still listed, and
    a run starts (it raised on every start, and `status` with it; review)."""
    with closing(acquire_store(redis_url, name="thoidai")) as store:
        first = staged_run(store, tmp_path / "1.jsonl")
        store.commit_run(first, finished_at=NOW, report={"run": 1})
        store.client.set(store.key("run", "oldest"), oldest)
        assert [run.report for run in store.runs()] == [{"run": 1}]
        second = store.start_run("thoidai", NOW)
        assert [run.id for run in store.runs()] == [first, second]


def test_runs_that_end_without_a_report_are_kept_to_a_bound_too(
        open_store: Opener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site whose every run is rolled back counts no run by its reports: its entries grew without bound (second
    review)."""
    for module in (statestore, redis_state):
        monkeypatch.setattr(module, "RUNS_KEPT", 3)
        monkeypatch.setattr(module, "RUN_ENTRIES_KEPT", 5)
    with open_store() as store:
        for hour in range(12):
            run_id = staged_run(store, tmp_path / f"{hour}.jsonl")
            store.roll_back(run_id, [tmp_path / f"{hour}.jsonl"])
        store.start_run("thoidai", NOW)
        assert [run.status for run in store.runs()] == ["rolled_back"] * 4 + ["running"]


def test_a_later_run_updates_what_it_fetched_and_keeps_what_it_did_not_see(open_store: Opener, tmp_path: Path) -> None:
    later = NOW + timedelta(hours=7)
    with open_store() as store:
        first = staged_run(store, tmp_path / "1.jsonl", published_at=NOW - timedelta(days=1))
        store.stage(first, Staged(url=OTHER, status="rejected", fetched_at=NOW))
        store.commit_run(first, finished_at=NOW, report={"run": 1})
        second = store.start_run("thoidai", later)
        # changed: a new hash and version; the page no longer shows its date, the known one stays
        store.stage(second, Staged(url=URL, status="emitted", fetched_at=later, content_hash="h2", version=2))
        store.commit_run(second, finished_at=later, report={"run": 2})
        entry = store.known(URL)
        assert entry is not None
        assert (entry.content_hash, entry.version, entry.first_seen, entry.last_fetched, entry.published_at) == (
            "h2", 2, NOW, later, NOW - timedelta(days=1))
        other = store.known(OTHER)
        assert other is not None and (other.status, other.content_hash, other.version) == ("rejected", None, 0)
        assert store.reports("thoidai") == [{"run": 2}, {"run": 1}]
        assert store.reports("thoidai", limit=1) == [{"run": 2}]
        assert store.reports("vnexpress") == []


def test_the_unfinished_articles_are_those_that_gave_no_record_yet_newest_first(
        open_store: Opener, tmp_path: Path) -> None:
    third = "https://thoidai.com.vn/c-206432.html"
    old = "https://thoidai.com.vn/d-206433.html"
    with open_store() as store:
        first = store.start_run("thoidai", NOW - timedelta(days=5))
        store.stage(first, Staged(url=old, status="missing", fetched_at=NOW - timedelta(days=5)))
        store.commit_run(first, finished_at=NOW, report=None)
        second = staged_run(store, tmp_path / "1.jsonl")  # URL emitted
        store.stage(second, Staged(url=OTHER, status="missing", fetched_at=NOW))
        store.stage(second, Staged(url=third, status="failed", fetched_at=NOW + timedelta(hours=1)))
        store.commit_run(second, finished_at=NOW, report=None)
        since = NOW - timedelta(days=3)
        assert [known.url for known in store.unfinished(NOW - timedelta(days=6))] == [third, OTHER, old]
        assert [known.url for known in store.unfinished(since)] == [third, OTHER]  # (older ones may be forgotten)
        assert [known.status for known in store.unfinished(since)] == ["failed", "missing"]
        later = store.start_run("thoidai", NOW + timedelta(hours=7))  # OTHER gave its record at last
        store.stage(later, Staged(url=OTHER, status="emitted", fetched_at=NOW + timedelta(hours=7)))
        store.commit_run(later, finished_at=NOW, report=None)
        assert [known.url for known in store.unfinished(since)] == [third]


def test_run_killed_before_its_output_was_complete_is_rolled_back(open_store: Opener, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with open_store() as store:
        staged_run(store, output)
        Path(f"{output}.part").write_text('{"url": "half', encoding="utf-8")
    with open_store() as store:
        assert [outcome for _, outcome in store.settle_unfinished()] == ["rolled_back"]
        assert store.known(URL) is None
        assert not Path(f"{output}.part").exists()
        assert store.settle_unfinished() == []


def test_run_killed_after_its_output_was_renamed_is_committed_by_the_next(open_store: Opener, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with open_store() as store:
        staged_run(store, output)
        output.write_text('{"url": "https://thoidai.com.vn/a-206430.html"}\n', encoding="utf-8")
    with open_store() as store:
        assert [outcome for _, outcome in store.settle_unfinished()] == ["recovered"]
        entry = store.known(URL)
        assert entry is not None and entry.content_hash == "h1"
        assert store.reports("thoidai") == []  # a recovered run has no report


def test_second_opener_is_refused_while_the_first_holds_the_lock(open_store: Opener) -> None:
    with open_store(), pytest.raises(StateLocked, match="another run holds the state"):
        open_store(lock_timeout=0.1).__enter__()


def test_the_lock_is_free_again_once_the_holder_closed(open_store: Opener) -> None:
    with open_store() as store:
        store.start_run("thoidai", NOW)
    with open_store(lock_timeout=0.1) as store:
        assert store.count() == 0


@pytest.mark.parametrize("output_in_place", [True, False], ids=["recovered", "rolled back"])
def test_settling_a_killed_run_leaves_no_half_written_report(
    open_store: Opener, tmp_path: Path, output_in_place: bool
) -> None:
    output = tmp_path / "out" / "run.jsonl"
    output.parent.mkdir()
    report_part = tmp_path / "out" / "run.report.json.part"
    with open_store() as store:
        run = store.start_run("thoidai", NOW)
        store.add_output(run, output)
        store.stage(run, Staged(url=URL, status="emitted", fetched_at=NOW, content_hash="h"))
        (output if output_in_place else Path(f"{output}.part")).write_text("{}\n")
        report_part.write_text('{"spider": "thoi')  # killed while writing its report
    with open_store() as store:
        outcome = "recovered" if output_in_place else "rolled_back"
        assert store.settle_unfinished() == [(run, outcome)]
        assert sorted(path.name for path in output.parent.iterdir()) == (["run.jsonl"] if output_in_place else [])
        assert store.count("emitted") == (1 if output_in_place else 0)


# -------------------------------------------------------------------- SQLite only


@pytest.mark.parametrize("damage", ["truncated", "header overwritten"])
def test_a_damaged_state_file_is_refused_on_open_and_the_lock_released(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        run = store.start_run("thoidai", NOW)
        for n in range(300):
            store.stage(run, Staged(url=f"{URL}?n={n}", status="emitted", fetched_at=NOW, content_hash="h" * 64))
        store.commit_run(run, finished_at=NOW, report={})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncated" else bytes(100) + data[100:])
    with pytest.raises(StateDamaged, match=rf"the state {path} is damaged \(.+\); move it aside \(mv {path} "):
        StateStore.acquire(path)
    path.unlink()
    with StateStore.open(path) as store:  # the lock is free again, and a new file is built
        assert store.count() == 0


def test_a_database_of_other_tables_under_the_same_names_is_refused_on_open(tmp_path: Path) -> None:
    # It passed SQLite's check, ran the whole crawl and failed only at the commit, every hour (hostile review).
    path = tmp_path / "state.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE articles (url TEXT PRIMARY KEY, status TEXT)")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(StateDamaged, match=r"its table articles has no column first_seen, last_fetched, content_hash"):
        StateStore.acquire(path)
    assert path.read_bytes() == before  # left as it was: neither our tables nor WAL written into it (review)
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE readers (id INTEGER PRIMARY KEY, name TEXT)")
        db.commit()
    with pytest.raises(StateDamaged, match=r"it has no table articles but readers"):
        StateStore.acquire(other)


def test_an_emptied_state_file_is_refused_and_a_new_one_is_built_whole(tmp_path: Path) -> None:
    """SQLite takes an empty file for a new database: a state emptied by a disk or a hand made the run fetch and
    write every article again, its history and baselines gone, with exit 0."""
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.commit_run(store.start_run("thoidai", NOW), finished_at=NOW, report={})
    path.write_bytes(b"")
    with pytest.raises(StateDamaged, match=rf"the state {path} is damaged \(the file is empty\); move it aside"):
        StateStore.acquire(path)
    path.unlink()
    with StateStore.open(path) as store:  # a new state: made beside and renamed, never an empty file in place
        assert store.count() == 0
    assert sorted(file.name for file in tmp_path.iterdir() if not file.name.endswith((".lock", "-wal", "-shm"))) == [
        "state.db"]


# -------------------------------------------------------------------- Redis only: the workers of one run


def test_workers_of_one_run_share_the_state_and_a_lone_run_waits_for_them(redis_url: str, tmp_path: Path) -> None:
    with closing(acquire_store(redis_url, name="example.com", shared=True)) as one, \
            closing(acquire_store(redis_url, name="example.com", shared=True)) as two:
        first, second = staged_run(one, tmp_path / "1.jsonl"), two.start_run("news", NOW)
        two.stage(second, Staged(url=OTHER, status="emitted", fetched_at=NOW, content_hash="o", version=1))
        assert first != second
        with pytest.raises(StateLocked):
            acquire_store(redis_url, name="example.com", lock_timeout=0.1)
        # another site has its own keys and its own lock
        with closing(acquire_store(redis_url, name="example.org")) as elsewhere:
            assert elsewhere.count() == 0
        one.commit_run(first, finished_at=NOW, report=None)
        assert two.known(URL) is not None and two.known(OTHER) is None  # the other's run is not committed yet
        assert [outcome for _, outcome in two.settle_unfinished()] == []  # its holder is alive


def test_a_killed_workers_lease_runs_out_and_its_run_is_rolled_back(redis_url: str, tmp_path: Path) -> None:
    killed = acquire_store(redis_url, name="thoidai", shared=True, lease=0.5)
    staged_run(killed, tmp_path / "out.jsonl")
    killed.stopped.set()  # type: ignore[attr-defined]  # as SIGKILL would: no more renewals, no release
    # a lone run waits for the lock (STATE_LOCK_TIMEOUT) and gets it once the killed worker's lease has run out;
    # the timeout only bounds the wait, far above the 0.5-second lease, whatever the machine's load
    with closing(acquire_store(redis_url, name="thoidai", lease=0.5, lock_timeout=30)) as store:
        assert [outcome for _, outcome in store.settle_unfinished()] == ["rolled_back"]
        assert store.known(URL) is None


def test_settling_a_killed_workers_run_spares_the_output_a_living_worker_writes_at_the_same_path(
    redis_url: str, tmp_path: Path
) -> None:
    """A worker restarted with the killed one's output file writes its `.part` where the killed one did; another
    worker that settles the killed run rolls it back without removing the living worker's file."""
    output = tmp_path / "out.jsonl"
    part = Path(f"{output}.part")
    killed = acquire_store(redis_url, name="thoidai", shared=True, lease=0.5)
    staged_run(killed, output)
    part.write_text('{"url": "half', encoding="utf-8")
    killed.stopped.set()  # type: ignore[attr-defined]  # as SIGKILL would: no more renewals, no release
    with closing(acquire_store(redis_url, name="thoidai", shared=True)) as restarted, \
            closing(acquire_store(redis_url, name="thoidai", shared=True)) as other:
        run = restarted.start_run("thoidai", NOW)
        restarted.add_output(run, output)
        part.write_text('{"url": "https://thoidai.com.vn/b-206431.html"}\n', encoding="utf-8")
        deadline = datetime.now(UTC) + timedelta(seconds=30)  # a bound far above the 0.5-second lease
        while other.holds(killed.holder):  # type: ignore[attr-defined]
            assert datetime.now(UTC) < deadline, "the killed worker's lease did not run out"
            time.sleep(0.05)
        assert [outcome for _, outcome in other.settle_unfinished()] == ["rolled_back"]
        assert part.read_text(encoding="utf-8") == '{"url": "https://thoidai.com.vn/b-206431.html"}\n'
        assert other.known(URL) is None


def test_a_canonical_entry_never_replaces_the_pages_own_outcome_and_gives_way_to_it_whole(open_store: Opener) -> None:
    """A `canonical` entry (the content of a page that named this URL as its canonical) is no outcome of the URL's
    own page: staged by one worker of a distributed run while another staged the page itself, it replaced the
    page's hash at commit; and when the page later answered 404, the entry's hash and version 4 stayed, so its own
    first story came as version 5 (the review of the change)."""
    x, y = URL, OTHER
    with open_store() as store:
        own, named = store.start_run("thoidai", NOW), store.start_run("thoidai", NOW)
        store.stage(own, Staged(url=x, status="emitted", fetched_at=NOW, content_hash="own", version=1))
        store.stage(named, Staged(url=x, status="canonical", fetched_at=NOW, content_hash="other", version=4))
        store.stage(named, Staged(url=y, status="canonical", fetched_at=NOW, content_hash="other", version=4))
        store.commit_run(own, finished_at=NOW, report=None)
        store.commit_run(named, finished_at=NOW, report=None)
        kept = store.known(x)
        assert kept is not None and (kept.status, kept.content_hash, kept.version) == ("emitted", "own", 1)
        later = store.start_run("thoidai", NOW + timedelta(hours=1))
        store.stage(later, Staged(url=y, status="missing", fetched_at=NOW + timedelta(hours=1)))
        store.commit_run(later, finished_at=NOW, report=None)
        gone = store.known(y)
        assert gone is not None and (gone.status, gone.content_hash, gone.version) == ("missing", None, 0)


def test_a_run_asks_again_only_the_unfinished_articles_never_written_and_due(
        open_store: Opener, tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from scrapers.harvest import HarvestState

    gone = "https://thoidai.com.vn/c-206432.html"
    with open_store() as store:
        first = staged_run(store, tmp_path / "1.jsonl")  # URL written, version 1
        store.stage(first, Staged(url=OTHER, status="missing", fetched_at=NOW))
        store.commit_run(first, finished_at=NOW, report=None)
        second = store.start_run("thoidai", NOW + timedelta(hours=1))  # its revisit answers 404
        store.stage(second, Staged(url=URL, status="missing", fetched_at=NOW + timedelta(hours=1)))
        store.stage(second, Staged(url=gone, status="missing", fetched_at=NOW + timedelta(hours=5)))
        store.commit_run(second, finished_at=NOW, report=None)
        state = HarvestState(store, POLICY, get_crawler().stats, clock=lambda: NOW + timedelta(hours=7))
        state.run_id = store.start_run("thoidai", NOW + timedelta(hours=7))
        # OTHER: due (6 h since); URL: written once (not lost); gone: asked 2 h ago, not due yet
        assert state.unfinished() == [OTHER]
        assert state.unfinished(limit=0) == []


def test_of_the_workers_of_a_distributed_run_the_first_asks_the_unfinished_articles(redis_url: str) -> None:
    # each asked them: fetched once through the shared duplicate filter, but counted by each, and each took its
    # share of the run's bound (review)
    with closing(acquire_store(redis_url, name="example.net", shared=True)) as one, \
            closing(acquire_store(redis_url, name="example.net", shared=True)) as two:
        assert [one.asks_unfinished(), two.asks_unfinished(), one.asks_unfinished()] == [True, False, False]
    with closing(acquire_store(redis_url, name="example.net", shared=True)) as next_run:  # the run's last worker
        assert next_run.asks_unfinished()  # left: the next run asks them
    with closing(acquire_store(redis_url, name="example.info")) as alone:  # not distributed: every run asks
        assert [alone.asks_unfinished(), alone.asks_unfinished()] == [True, True]


def test_a_failure_of_an_article_asked_again_counts_as_failed_before_once(open_store: Opener, tmp_path: Path) -> None:
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from scrapers.harvest import ARTICLE, ASKED_AGAIN, FAILED_AS_BEFORE, HarvestState

    with open_store() as store:
        first = store.start_run("thoidai", NOW)
        store.stage(first, Staged(url=OTHER, status="missing", fetched_at=NOW))
        store.commit_run(first, finished_at=NOW, report=None)
        stats = get_crawler().stats
        assert stats is not None
        state = HarvestState(store, POLICY, stats, clock=lambda: NOW + timedelta(hours=7))
        state.run_id = store.start_run("thoidai", NOW + timedelta(hours=7))
        state.fetch_gave_up(Request(OTHER, meta={ARTICLE: None, ASKED_AGAIN: True}), "offsite")
        assert stats.get_value(f"{FAILED_AS_BEFORE}offsite") == 1  # (it was counted twice: review)


def test_a_run_entry_dropped_while_its_run_is_rolled_back_is_not_made_again(redis_url: str, tmp_path: Path) -> None:
    """Rolling a run back asked whether its entry was kept, then marked it in a second command: another worker's
    start dropping the entry between the two made it again, a run of one field ('status') that no start drops
    (below `run:oldest`). Here the entry goes right after the first command the roll-back sends."""
    import redis

    from scrapers.redis_state import RedisStateStore

    other = redis.Redis.from_url(redis_url, decode_responses=True)
    store = RedisStateStore.acquire(redis_url, name="thoidai")
    try:
        run_id = staged_run(store, tmp_path / "1.jsonl")
        entry = store.key("run", run_id)
        assert other.hget(entry, "status") == "running"
        send = store.client.execute_command
        sent: list[object] = []

        def then_dropped(*args: object, **options: object) -> object:
            answer = send(*args, **options)
            if not sent:
                other.delete(entry)
            sent.append(args[0])
            return answer

        store.client.execute_command = then_dropped  # type: ignore[method-assign]
        store.roll_back(run_id, [tmp_path / "1.jsonl"])
        store.client.execute_command = send  # type: ignore[method-assign]
        assert sent  # the roll-back went through the client
        assert not other.exists(entry)
        assert str(run_id) not in other.smembers(store.key("runs"))
        assert not other.exists(store.key("staged", run_id))
    finally:
        store.close()
        other.close()


def test_run_ids_redis_holds_damaged_and_not_utf_8_are_read_as_none(redis_url: str, tmp_path: Path) -> None:
    """A key of run ids whose value is not UTF-8 (damage, a restore gone wrong) raised at the client's decoding,
    and every start of a run failed on it; such values are no ids, as a value of other characters was."""
    import redis

    from scrapers.redis_state import RedisStateStore

    store = RedisStateStore.acquire(redis_url, name="thoidai")
    try:
        first = staged_run(store, tmp_path / "1.jsonl")
        store.commit_run(first, finished_at=NOW, report={"run": 1})
    finally:
        store.close()
    raw = redis.Redis.from_url(redis_url)
    prefix = "newsharvest:thoidai:"
    raw.set(f"{prefix}run:oldest", b"\xff\xfe1")  # (the store's keys: `RedisStateStore.key`)
    raw.sadd(f"{prefix}runs", b"\xc3(")
    raw.lpush(f"{prefix}run:reported", b"\x80")
    raw.close()
    store = RedisStateStore.acquire(redis_url, name="thoidai")
    try:
        second = store.start_run("thoidai", NOW)
        assert second == first + 1
        assert [entry.id for entry in store.runs()] == [first, second]
    finally:
        store.close()


def test_the_redis_state_waits_out_a_short_outage(tmp_path: Path) -> None:
    """A Redis restarted with its append-only file (2 s down) made every call of the state an error on every worker,
    which failed the run on each (distributed review); the calls wait the outage out (`outage_retry`)."""
    import shutil
    import subprocess
    import threading

    import redis

    from scrapers.redis_state import RedisStateStore
    from tests.loopback import free_port

    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (apt-get install redis-server; .ci/run does it)"
    port = free_port()

    def server() -> subprocess.Popen[bytes]:
        process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                    "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    first = server()
    restarted: list[subprocess.Popen[bytes]] = []
    store = RedisStateStore.acquire(f"redis://127.0.0.1:{port}/0", name="outage", lease=6.0)
    try:
        first.terminate()
        first.wait(10)
        timer = threading.Timer(2.5, lambda: restarted.append(server()))
        timer.start()
        started = time.monotonic()
        assert store.known("https://news.example.com/a-1.html") is None  # answered once Redis is back
        assert time.monotonic() - started >= 2.0
    finally:
        timer.join()  # (the server it starts is stopped below, whatever happened)
        store.close()
        for process in restarted:
            process.terminate()
            process.wait(10)


def test_a_lock_file_that_cannot_be_made_is_said_so(tmp_path: Path) -> None:
    # It waited out the lock's timeout and was said as "another run holds the state" (fuzzer)
    from scrapers.statestore import LockNotMade, StateStore

    with pytest.raises(LockNotMade, match=r"^cannot create the state's lock file /proc/newsharvest-test\.db\.lock: "):
        StateStore.acquire(Path("/proc/newsharvest-test.db"), lock_timeout=30)  # (/proc takes no new file)
    (tmp_path / "thoidai.db.lock").mkdir()
    with pytest.raises(LockNotMade, match=r"^cannot use the state's lock file .*thoidai\.db\.lock: "):
        StateStore.acquire(tmp_path / "thoidai.db", lock_timeout=30)
