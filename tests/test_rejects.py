"""The rejects file across runs: a run's rejects are appended once, whatever point a kill stopped it at."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scrapers.extensions import RejectsFile, append_once
from tests.harness import ROOT, project_crawler

EARLIER = b'{"reason": "body: missing", "url": "https://a/1"}\n'
KILLED_RUN = b'{"reason": "body: missing", "url": "https://a/2"}\n{"reason": "title: missing", "url": "https://a/3"}\n'


@pytest.mark.parametrize(
    ("rejects", "outcome", "after"),
    [
        # killed after its output was in place, before its rejects were appended: appended now
        (EARLIER, "recovered", EARLIER + KILLED_RUN),
        (None, "recovered", KILLED_RUN),
        # killed after appending, before removing its .part: not appended twice
        (EARLIER + KILLED_RUN, "recovered", EARLIER + KILLED_RUN),
        # killed before its output was in place: its articles are fetched (and rejected) again
        (EARLIER, "rolled_back", EARLIER),
    ],
)
def test_rejects_of_a_killed_run_follow_the_run(
    tmp_path: Path, rejects: bytes | None, outcome: str, after: bytes
) -> None:
    crawler = project_crawler("thoidai")
    assert crawler.stats is not None and crawler.spidercls is not None
    extension = RejectsFile(str(tmp_path / "%(name)s-rejects.jsonl"), crawler.stats, with_state=True)
    if rejects is not None:
        (tmp_path / "thoidai-rejects.jsonl").write_bytes(rejects)
    (tmp_path / "thoidai-rejects.jsonl.part").write_bytes(KILLED_RUN)
    extension.spider_opened(crawler.spidercls("thoidai"))
    assert (tmp_path / "thoidai-rejects.jsonl.part").exists()  # kept until the state says how the run ended
    extension.run_settled(run_id=1, outcome=outcome)
    assert (tmp_path / "thoidai-rejects.jsonl").read_bytes() == after
    assert not (tmp_path / "thoidai-rejects.jsonl.part").exists()


def test_without_a_state_a_killed_runs_rejects_are_dropped(tmp_path: Path) -> None:
    crawler = project_crawler("thoidai")
    assert crawler.stats is not None and crawler.spidercls is not None
    (tmp_path / "thoidai-rejects.jsonl.part").write_bytes(KILLED_RUN)
    RejectsFile(str(tmp_path / "thoidai-rejects.jsonl"), crawler.stats).spider_opened(crawler.spidercls("thoidai"))
    assert not (tmp_path / "thoidai-rejects.jsonl.part").exists() and not (tmp_path / "thoidai-rejects.jsonl").exists()


@pytest.mark.parametrize(
    ("existing", "part", "after"),
    [(b"", KILLED_RUN, KILLED_RUN), (EARLIER, KILLED_RUN, EARLIER + KILLED_RUN),
     (EARLIER + KILLED_RUN, KILLED_RUN, EARLIER + KILLED_RUN), (EARLIER, b"", EARLIER),
     # a file whose last line a full disk cut: the cut line ended, the new ones whole on their own lines
     (EARLIER + b'{"reason": "body: mis', KILLED_RUN, EARLIER + b'{"reason": "body: mis\n' + KILLED_RUN)],
)
def test_append_once(tmp_path: Path, existing: bytes, part: bytes, after: bytes) -> None:
    (tmp_path / "r").write_bytes(existing)
    (tmp_path / "p").write_bytes(part)
    append_once(tmp_path / "p", tmp_path / "r")
    assert (tmp_path / "r").read_bytes() == after


ANOTHER_RUN = b'{"reason": "body: missing", "url": "https://thoidai.com.vn/another-runs-reject-1.html"}\n'


def test_a_run_beside_another_of_the_same_rejects_file_leaves_the_others_part_and_loses_none(tmp_path: Path) -> None:
    """Two runs of one site at once without a state (their outputs apart) share the rejects file: the second
    removed the first's `.part` when it opened and emptied it with its first reject, and the first's rejects
    were lost. The other run's `.part` is held here as a run holds it."""
    rejects = tmp_path / "thoidai-rejects.jsonl"
    with Path(f"{rejects}.part").open("wb") as part:
        fcntl.flock(part.fileno(), fcntl.LOCK_EX)
        part.write(ANOTHER_RUN)
        part.flush()
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={ROOT / 'samples' / 'thoidai'}",
             "-O", str(tmp_path / "out.jsonl"), "-s", f"REJECTS_URI={tmp_path / '%(name)s-rejects.jsonl'}",
             "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        assert Path(f"{rejects}.part").read_bytes() == ANOTHER_RUN  # the other run's, as it left it
    assert result.returncode == 0, result.stderr[-2000:]
    (line,) = rejects.read_text(encoding="utf-8").splitlines()  # this run's one reject, appended at its end
    assert json.loads(line)["reason"] == "body: missing" and "205760" in json.loads(line)["url"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "out.jsonl", "out.report.json", "thoidai-rejects.jsonl", "thoidai-rejects.jsonl.part"]


def test_without_a_state_a_killed_side_runs_rejects_part_is_dropped_and_a_running_ones_kept(tmp_path: Path) -> None:
    crawler = project_crawler("thoidai")
    assert crawler.stats is not None and crawler.spidercls is not None
    killed, running = tmp_path / "thoidai-rejects.jsonl.4242.part", tmp_path / "thoidai-rejects.jsonl.4343.part"
    killed.write_bytes(KILLED_RUN)
    other = tmp_path / "thoidai-rejects.jsonl.old.part"  # (no run's: not a pid)
    other.write_bytes(b"x")
    with running.open("wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        RejectsFile(str(tmp_path / "%(name)s-rejects.jsonl"), crawler.stats).spider_opened(
            crawler.spidercls("thoidai"))
        assert not killed.exists() and running.exists() and other.exists()


def test_a_reject_the_file_cannot_hold_is_an_error_of_the_run(tmp_path: Path) -> None:
    """A record JSON cannot encode: the write raised out of the signal handler and the reject was lost without a
    word (loss audit); it is a `rejects` error of the run."""
    from pipelines import Rejected
    from scrapers.integrity import run_errors

    crawler = project_crawler("thoidai")
    assert crawler.stats is not None and crawler.spidercls is not None
    spider = crawler.spidercls("thoidai")
    extension = RejectsFile(str(tmp_path / "%(name)s-rejects.jsonl"), crawler.stats)
    extension.spider_opened(spider)
    item = {"url": "https://thoidai.com.vn/a-1.html", "title": object()}
    extension.item_dropped(item, None, Rejected("title: not a string", item), spider)
    assert list(run_errors(crawler.stats.get_stats())) == ["rejects"]
