"""The runs `scrapy status` and `scrapy report` read back (`scrapers.runs.all_runs`): a site's latest run is the
one that ended last, read from the site's own database."""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapers.commands.report import page
from scrapers.runs import all_runs
from scrapers.statestore import acquire_store

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def hourly_runs(uri: str, name: str, hours: range) -> None:
    with closing(acquire_store(uri, name=name)) as store:
        for hour in hours:
            run_id = store.start_run(name, NOW + timedelta(hours=hour))
            store.commit_run(run_id, finished_at=NOW + timedelta(hours=hour, minutes=5),
                             report={"articles": {"written": hour}, "failed_checks": []})


def test_a_copy_beside_a_sites_database_is_not_read_as_that_site(tmp_path: Path) -> None:
    """A copy of the state made at run 2 (`thoidai2.db`, also matched by `%(name)s`) sorted after the site's own
    database, and `scrapy status` showed its run 2 as the site's latest, while the site was at run 3."""
    uri = f"sqlite:///{tmp_path}/%(name)s.db"
    hourly_runs(uri, "thoidai", range(1, 3))
    shutil.copy(tmp_path / "thoidai.db", tmp_path / "thoidai2.db")
    hourly_runs(uri, "thoidai", range(3, 4))
    hourly_runs(uri, "vnexpress", range(1, 2))
    runs = all_runs(uri)
    assert {name: [(run.id, run.written) for run in site_runs] for name, site_runs in runs.items()} == {
        "thoidai": [(1, 1), (2, 2), (3, 3)], "vnexpress": [(1, 1)]}


def test_one_shared_database_holds_every_sites_runs(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/state.db"
    hourly_runs(uri, "thoidai", range(1, 3))
    hourly_runs(uri, "vnexpress", range(3, 4))
    assert {name: [run.id for run in site_runs] for name, site_runs in all_runs(uri).items()} == {
        "thoidai": [1, 2], "vnexpress": [3]}


def test_the_latest_run_of_a_distributed_run_is_the_worker_that_ended_it(redis_url: str) -> None:
    """Each worker of a distributed run has its own entry; the one that finishes last carries the whole run's
    report. Ordered by id, a worker that started later and ended first came last: `scrapy status` showed the
    run as `committed` with no records."""
    with closing(acquire_store(redis_url, name="thoidai", shared=True)) as first, \
            closing(acquire_store(redis_url, name="thoidai", shared=True)) as second:
        carrier, helper = first.start_run("thoidai", NOW), second.start_run("thoidai", NOW + timedelta(seconds=5))
        second.commit_run(helper, finished_at=NOW + timedelta(minutes=4), report=None)
        first.commit_run(carrier, finished_at=NOW + timedelta(minutes=5),
                         report={"articles": {"written": 40}, "failed_checks": []})
    runs = all_runs(redis_url)["thoidai"]
    assert [(run.id, run.outcome, run.written) for run in runs] == [(helper, "worker", None), (carrier, "ok", 40)]
    # the health page counts one run, not a failed one per worker that did not carry the report
    assert "1 runs in the last 28 days, 0 failed; last run" in page("thoidai", runs, 28)


def test_a_state_path_that_names_the_site_twice(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/%(name)s/%(name)s.db"
    for name in ("thoidai", "vn+express(1)"):
        (tmp_path / name).mkdir()
        hourly_runs(uri, name, range(1, 3))
    assert {name: len(site_runs) for name, site_runs in all_runs(uri).items()} == {"thoidai": 2, "vn+express(1)": 2}


def test_a_damaged_database_among_the_sites_is_named(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    uri = f"sqlite:///{tmp_path}/%(name)s.db"
    hourly_runs(uri, "thoidai", range(1, 2))
    (tmp_path / "vnexpress.db").write_bytes(b"not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError, match=f"^{tmp_path}/vnexpress.db: file is not a database$"):
        all_runs(uri)
