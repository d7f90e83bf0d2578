"""The state store: revisit policy, staging and the settling of runs that did not finish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrapers.statestore import (
    Known,
    RevisitPolicy,
    Staged,
    StateDamaged,
    StateLocked,
    StateStore,
    parse_duration,
    sqlite_path,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = RevisitPolicy.parse("2d:6h 30d:3d", "6h")
URL = "https://thoidai.com.vn/a-206430.html"


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
     ("state/x.db", Path("state/x.db"))],
)
def test_sqlite_path(uri: str, path: Path) -> None:
    assert sqlite_path(uri) == path


def staged_run(store: StateStore, output: Path) -> int:
    run_id = store.start_run("thoidai", NOW)
    store.add_output(run_id, output)
    store.stage(run_id, Staged(url=URL, status="emitted", fetched_at=NOW, content_hash="h1", version=1))
    return run_id


def test_a_run_is_the_state_only_once_committed(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.db") as store:
        run_id = staged_run(store, tmp_path / "out.jsonl")
        assert store.known(URL) is None
        store.commit_run(run_id, finished_at=NOW, report={"articles": {"extracted": 1}})
        entry = store.known(URL)
        assert entry is not None and (entry.status, entry.content_hash, entry.version) == ("emitted", "h1", 1)
        assert store.reports("thoidai") == [{"articles": {"extracted": 1}}]


def test_run_killed_before_its_output_was_complete_is_rolled_back(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with StateStore.open(tmp_path / "s.db") as store:
        staged_run(store, output)
        Path(f"{output}.part").write_text('{"url": "half', encoding="utf-8")
    with StateStore.open(tmp_path / "s.db") as store:
        assert [outcome for _, outcome in store.settle_unfinished()] == ["rolled_back"]
        assert store.known(URL) is None
        assert not Path(f"{output}.part").exists()


def test_run_killed_after_its_output_was_renamed_is_committed_by_the_next(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with StateStore.open(tmp_path / "s.db") as store:
        staged_run(store, output)
        output.write_text('{"url": "https://thoidai.com.vn/a-206430.html"}\n', encoding="utf-8")
    with StateStore.open(tmp_path / "s.db") as store:
        assert [outcome for _, outcome in store.settle_unfinished()] == ["recovered"]
        entry = store.known(URL)
        assert entry is not None and entry.content_hash == "h1"


def test_second_opener_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.db"), pytest.raises(StateLocked, match="another run holds the state"):
        StateStore.acquire(tmp_path / "s.db", lock_timeout=0.1)


@pytest.mark.parametrize("output_in_place", [True, False], ids=["recovered", "rolled back"])
def test_settling_a_killed_run_leaves_no_half_written_report(tmp_path: Path, output_in_place: bool) -> None:
    output = tmp_path / "out" / "run.jsonl"
    output.parent.mkdir()
    report_part = tmp_path / "out" / "run.report.json.part"
    with StateStore.open(tmp_path / "state.db") as store:
        run = store.start_run("thoidai", NOW)
        store.add_output(run, output)
        store.stage(run, Staged(url=URL, status="emitted", fetched_at=NOW, content_hash="h"))
        (output if output_in_place else Path(f"{output}.part")).write_text("{}\n")
        report_part.write_text('{"spider": "thoi')  # killed while writing its report
        outcome = "recovered" if output_in_place else "rolled_back"
        assert store.settle_unfinished() == [(run, outcome)]
        assert sorted(path.name for path in output.parent.iterdir()) == (["run.jsonl"] if output_in_place else [])
        assert store.count("emitted") == (1 if output_in_place else 0)


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
