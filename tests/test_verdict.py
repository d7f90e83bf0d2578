"""The verdict of a run, in process: which stats make which error lines and exit status, the run report's
`errors`, and the state's guard against database errors mid-run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scrapers.commands.crawl import verdict
from scrapers.harvest import HarvestState
from scrapers.integrity import run_errors
from scrapers.statestore import RevisitPolicy, StateStore
from tests.harness import project_crawler
from tests.test_harvest import Harvest


@pytest.mark.parametrize(
    ("stats", "errors"),
    [
        ({"item_scraped_count": 9, "feedexport/success_count/AtomicFileFeedStorage": 1}, {}),
        ({"item_scraped_count": 0}, {}),  # nothing read, nothing to write
        ({"item_scraped_count": 9},
         {"no_output": "9 articles read and no output file received them (give one with -o FILE or FEEDS)"}),
        ({"item_scraped_count": 9, "feedexport/failed_count/AtomicFileFeedStorage": 1},
         {"output": "1 output file could not be stored (see the log)"}),
        ({"item_scraped_count": 2, "errors/output": 3, "errors/output/first": "out.jsonl not written: OSError: x",
          "feedexport/failed_count/AtomicFileFeedStorage": 1},
         {"output": "3 errors, the first: out.jsonl not written: OSError: x"}),
        ({"errors/state": 1, "errors/state/first": "s.db failed committing the run: DatabaseError: malformed"},
         {"state": "1 error, the first: s.db failed committing the run: DatabaseError: malformed"}),
        ({"errors/spider": 2, "errors/spider/first": "KeyError: 'x' (https://a/b)",
          "errors/pipeline": 1, "errors/pipeline/first": "TypeError: y (https://a/c)"},
         {"spider": "2 errors, the first: KeyError: 'x' (https://a/b)",
          "pipeline": "1 error, the first: TypeError: y (https://a/c)"}),
    ],
)
def test_run_errors(stats: dict[str, Any], errors: dict[str, str]) -> None:
    assert run_errors(stats) == errors


@pytest.mark.parametrize(
    ("stats", "started", "status", "lines"),
    [
        ({"item_scraped_count": 9, "feedexport/success_count/AtomicFileFeedStorage": 1, "finish_reason": "finished"},
         True, 0, []),
        ({}, True, 1, ["cannot start: the crawl stopped before its spider opened: nothing fetched"]),
        ({"harvest/start_error": "another run holds the state s.db"}, False, 1,
         ["cannot start: another run holds the state s.db"]),
        ({}, False, 1, ["cannot start: see the log"]),
        ({"harvest/failed_checks": ["a: body present in 0% of 10 articles"], "errors/state": 1,
          "errors/state/first": "boom", "finish_reason": "finished"}, True, 2,
         ["error: state: 1 error, the first: boom", "check failed: a: body present in 0% of 10 articles"]),
    ],
)
def test_verdict(stats: dict[str, Any], started: bool, status: int, lines: list[str]) -> None:
    assert verdict(stats, started=started) == (status, lines)


def test_report_lists_the_errors(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    healthy = harvest.run()
    assert healthy.report["errors"] == {}


def test_guard_notes_database_errors_mid_run(tmp_path: Path) -> None:
    crawler = project_crawler("thoidai")
    assert crawler.stats is not None
    crawler.stats.open_spider()
    store = StateStore.acquire(tmp_path / "s.db")
    state = HarvestState(store, RevisitPolicy.parse("2d:6h", "6h"), crawler.stats)
    state.run_id = store.start_run("thoidai", datetime.now(UTC))
    store.db.close()  # the database goes away under the run
    state.stage("https://thoidai.com.vn/a-1.html", "emitted")
    assert state.known("https://thoidai.com.vn/a-1.html") is None
    state.finish_run(state.run_id)  # the end of the run: rolled back, which fails too
    stats = crawler.stats.get_stats()
    assert stats["errors/state"] == 3
    assert stats["errors/state/first"].startswith(f"{tmp_path / 's.db'} failed recording an article: ProgrammingError")
    store.lock.release()
