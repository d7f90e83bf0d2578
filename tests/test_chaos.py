"""Hourly harvesting under chaos: many runs on one state, over a copy of the sample site (replay) that changes
between runs, each run left to finish, killed (SIGKILL) or stopped (SIGTERM, once or twice) at a random moment.
Over all the outputs together: nothing lost, nothing written twice, versions counted up without gaps, and each
run's exit status and its line in the state saying how it ended.

A scenario is drawn from a seed (printed when the test starts, so that a failure can be replayed):
`CHAOS_SEED=7 .venv/bin/python -m pytest tests/test_chaos.py -q`.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapers.runs import read_runs
from scrapers.settings import EXTENSIONS
from scrapers.shutdown import STOPPED_BEFORE_START
from scrapers.statestore import PART_SUFFIX
from tests.harness import ROOT
from tests.test_harvest import ARTICLES, REJECTED, SLOW, Harvest, wait_for

RUNS = 24
"""Runs of a scenario, before the last one that is left to finish with every article due."""
ALL_DUE = "REVISIT_AFTER=100000d:0s"
"""Every article the state has is due again (the sample articles were published in 2024)."""
ENDINGS = {"finish": 0.3, "kill": 0.3, "kill at rename": 0.1, "term": 0.2, "term twice": 0.1}
"""How a run ends, and how often: left alone, SIGKILL at a random moment, SIGKILL as soon as its output file is
in place (before the state commits), one SIGTERM at a random moment, two SIGTERMs."""
MARKER = re.compile(r"Bản sửa (\d+)\.")
"""What an edit writes at the head of an article's first paragraph; its number counts the site's edits."""
FEED_ITEM = """<item>
<title><![CDATA[Bài mới {number}]]></title>
<link>{url}</link>
<guid isPermaLink="true">{url}</guid>
<pubDate>Thu, 24 Oct 2024 15:00:00 +0700</pubDate>
</item>
"""
HANG_GUARD = 120
"""Seconds a run may take before the test calls it hung; a run takes 2 to 5."""


class ChangingSite:
    """The replayed site of a `Harvest`, changed between runs: an article's body edited, or a new article (a copy
    of a sample article at a new URL) listed first in the RSS feed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages: dict[str, Path] = {}
        """Article URL -> its saved page, for every article that gives a record."""
        for expected in sorted(folder.glob("article-*.json")):
            sample = json.loads(expected.read_text(encoding="utf-8"))
            if sample["items"]:
                self.pages[sample["request"]["url"]] = expected.with_suffix(".html")
        self.originals = {url: page.read_text(encoding="utf-8") for url, page in self.pages.items()}
        self.edit_of: dict[str, int] = dict.fromkeys(self.pages, 0)
        """Article URL -> the number of the edit its page shows now (0: never edited)."""
        self.edits = 0
        self.added = 0

    def edit(self, rng: random.Random) -> None:
        url = rng.choice(sorted(self.pages))
        self.edits += 1
        html = self.originals[url]
        content = html.index("__MASTERCMS_CONTENT ")
        paragraph = html.index(">", html.index("<p", content)) + 1
        self.pages[url].write_text(f"{html[:paragraph]}Bản sửa {self.edits}. {html[paragraph:]}", encoding="utf-8")
        self.edit_of[url] = self.edits

    def add(self, rng: random.Random) -> None:
        source = rng.choice(sorted(self.originals))
        self.added += 1
        url = f"https://thoidai.com.vn/bai-moi-so-{self.added}-{300000 + self.added}.html"
        page = self.folder / f"article-bai-moi-{self.added}.html"
        page.write_text(self.originals[source].replace(source, url), encoding="utf-8")
        page.with_suffix(".json").write_text(json.dumps({"request": {
            "url": url, "callback": "parse_article", "fetched_at": "2024-10-24T08:00:00+00:00"}, "items": []}))
        feed = self.folder / "feed-rss.xml"
        xml = feed.read_text(encoding="utf-8")
        first = xml.index("<item>")
        feed.write_text(xml[:first] + FEED_ITEM.format(number=self.added, url=url) + xml[first:], encoding="utf-8")
        self.pages[url] = page
        self.originals[url] = page.read_text(encoding="utf-8")
        self.edit_of[url] = 0


@dataclass
class Ended:
    """One run of the scenario and how it ended."""

    number: int
    ending: str
    signals: int
    """Signals that reached the process while it ran (0 when it had ended before)."""
    returncode: int
    output: Path
    log: Path

    @property
    def run_id(self) -> int | None:
        """The id of the run the state opened for it, from its log; None when it ended before that."""
        found = re.search(r"Run (\d+) of the state \S+ opened", self.log.read_text(encoding="utf-8"))
        return int(found.group(1)) if found else None

    def describe(self) -> str:
        return f"run {self.number:02d} ({self.ending}, {self.signals} signals, exit {self.returncode})"


def run_once(harvest: Harvest, number: int, ending: str, rng: random.Random, *settings: str) -> Ended:
    """Start the next run of `harvest` and end it as `ending` says."""
    command, output = harvest.command(*settings, *(SLOW if ending != "finish" else ()))
    log = harvest.tmp / f"log-{number:02d}.txt"
    with log.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        sent = 0

        def send(signum: signal.Signals) -> None:
            nonlocal sent
            if process.poll() is None:
                process.send_signal(signum)
                sent += 1

        if ending in ("kill", "term", "term twice"):
            time.sleep(rng.uniform(0.2, 4.0))  # from Python's start-up to past the end of the run
            send(signal.SIGKILL if ending == "kill" else signal.SIGTERM)
            if ending == "term twice":
                time.sleep(rng.uniform(0.0, 0.6))
                send(signal.SIGTERM)
        elif ending == "kill at rename":
            deadline = time.monotonic() + HANG_GUARD
            while process.poll() is None and not output.exists() and time.monotonic() < deadline:
                time.sleep(0.002)
            send(signal.SIGKILL)
        returncode = process.wait(timeout=HANG_GUARD)
    return Ended(number, ending, sent, returncode, output, log)


def read_output(path: Path) -> list[dict[str, Any]]:
    """The records of a finished output file; every line must be one JSON object."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def partial_files(harvest: Harvest) -> list[Path]:
    return sorted(path for path in harvest.tmp.rglob(f"*{PART_SUFFIX}"))


def check_finished_run(harvest: Harvest, run: Ended) -> None:
    """What a run that exited 0 leaves: its output and report, no partial file anywhere."""
    assert run.output.exists() and run.output.with_suffix(".report.json").exists(), run.describe()
    assert partial_files(harvest) == [], run.describe()
    report = json.loads(run.output.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["articles"]["written"] == len(read_output(run.output)), run.describe()
    assert report["errors"] == {} and report["failed_checks"] == [], run.describe()
    expected_reasons = {"finished", "shutdown"} if run.signals else {"finished"}
    assert report["finish_reason"] in expected_reasons, run.describe()


def check_exit_status(run: Ended) -> None:
    """Exit statuses as the README documents them for each kind of end."""
    allowed = {0}  # a run left alone, or one the signal reached only as it was exiting
    if run.signals and run.ending.startswith("kill"):
        allowed.add(-signal.SIGKILL)
    if run.signals == 2:
        allowed.add(128 + signal.SIGTERM)  # a second signal forces the stop
    if run.signals and run.ending.startswith("term") and run.run_id is None:
        allowed.add(-signal.SIGTERM)  # in Python's start-up, before Scrapy's handlers: as early as a kill
        allowed.add(1)  # while the crawler was made: the run does not start
    if run.signals and run.ending.startswith("term") and run.output.with_suffix(".report.json").exists():
        allowed.add(-signal.SIGTERM)  # after the crawl, Scrapy's handlers gone: the process was exiting
    assert run.returncode in allowed, f"{run.describe()}: {run.log.read_text(encoding='utf-8')[-3000:]}"
    if run.returncode == 1:
        assert f"newsharvest: thoidai: cannot start: {STOPPED_BEFORE_START}" in run.log.read_text(encoding="utf-8")


def check_versions(records: list[dict[str, Any]], site: ChangingSite) -> dict[str, list[int]]:
    """Over every finished output: no (url, version) twice, versions 1..n for each URL, each version showing a
    later edit of the page than the one before, and the latest version the page as the site shows it now."""
    versions: dict[str, list[int]] = defaultdict(list)
    edits: dict[str, dict[int, int]] = defaultdict(dict)
    for record in records:
        url, version = record["url"], record["version"]
        assert version not in versions[url], f"{url} version {version} written twice"
        versions[url].append(version)
        found = MARKER.search(record["body"])
        edits[url][version] = int(found.group(1)) if found else 0
    assert sorted(versions) == sorted(site.pages), "every article of the site, and only those"
    for url, numbers in versions.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{url}: versions {sorted(numbers)}"
        shown = [edits[url][number] for number in sorted(numbers)]
        assert shown == sorted(set(shown)), f"{url}: edits by version {shown}"
        assert shown[-1] == site.edit_of[url], f"{url}: latest version shows edit {shown[-1]}"
    return versions


def check_state(harvest: Harvest, runs: list[Ended]) -> None:
    """The state's runs (as `scrapy status` reads them) agree with how each run ended and with its files."""
    state = read_runs(harvest.tmp / "state" / "thoidai.db")["thoidai"]
    by_id = {entry.id: entry for entry in state}
    mapped = {run.run_id: run for run in runs if run.run_id is not None}
    for entry in state:
        assert entry.status != "running", f"state run {entry.id} left running"
        if entry.id not in mapped:  # ended between opening its run and logging it
            assert entry.status == "rolled_back", f"state run {entry.id}: {entry.status}"
    for run in runs:
        if run.run_id is None:
            assert not run.output.exists(), run.describe()
            continue
        entry = by_id[run.run_id]
        if run.returncode == 0:
            assert entry.outcome == "ok", f"{run.describe()}: {entry.outcome}"
        else:
            assert entry.outcome in ("rolled_back", "recovered", "ok"), f"{run.describe()}: {entry.outcome}"
        assert run.output.exists() == (entry.status != "rolled_back"), f"{run.describe()}: {entry.status}"
        if run.output.exists():
            read_output(run.output)


def test_runs_killed_and_stopped_at_random_lose_nothing_and_write_nothing_twice(tmp_path: Path) -> None:
    seed = int(os.environ.get("CHAOS_SEED", "20241024"))
    print(f"chaos seed {seed} (replay: CHAOS_SEED={seed})")
    rng = random.Random(seed)
    harvest = Harvest(tmp_path)
    site = ChangingSite(harvest.site)
    runs: list[Ended] = []
    for number in range(1, RUNS + 1):
        if number > 1 and rng.random() < 0.5:
            site.edit(rng)
        if number > 1 and rng.random() < 0.2:
            site.add(rng)
        ending = rng.choices(list(ENDINGS), weights=list(ENDINGS.values()))[0]
        due = (ALL_DUE,) if rng.random() < 0.5 else ()
        run = run_once(harvest, number, ending, rng, *due)
        runs.append(run)
        check_exit_status(run)
        if run.returncode == 0:
            check_finished_run(harvest, run)
        for output in harvest.out.glob("*.jsonl"):
            read_output(output)

    last = harvest.run(ALL_DUE)
    assert last.returncode == 0, last.log[-3000:]
    runs.append(Ended(RUNS + 1, "finish", 0, last.returncode, last.output, harvest.tmp / "log-last.txt"))
    runs[-1].log.write_text(last.log, encoding="utf-8")
    check_finished_run(harvest, runs[-1])
    check_state(harvest, runs)

    records = [record for output in sorted(harvest.out.glob("*.jsonl")) for record in read_output(output)]
    versions = check_versions(records, site)
    rejects = (harvest.tmp / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["url"] for line in rejects] == [REJECTED]

    endings = defaultdict(int)
    for run in runs:
        endings[f"{run.ending}/{run.returncode}"] += 1
    print(f"chaos seed {seed}: {len(runs)} runs {dict(sorted(endings.items()))}; {site.edits} edits,"
          f" {site.added} articles added; {len(records)} records, {sum(map(max, versions.values()))} versions of"
          f" {len(versions)} articles, up to version {max(map(max, versions.values()))}")


def signalled_while_paused(harvest: Harvest, at: str, signals: int) -> tuple[int, str, Path]:
    """A run held still at `at` (`tests.chaos.Pause`) and sent `signals` SIGTERMs there: its exit status, its
    stderr and its output file."""
    marker = harvest.tmp / "paused"
    extensions = json.dumps({**EXTENSIONS, "tests.chaos.Pause": 950})
    command, output = harvest.command(f"EXTENSIONS={extensions}", f"PAUSE_AT={at}", f"PAUSE_MARKER={marker}",
                                      "PAUSE_SECONDS=2")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(marker.exists)
    for _ in range(signals):
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
    _, log = process.communicate(timeout=HANG_GUARD)
    return process.returncode, log, output


def test_sigterm_while_the_spider_opens_ends_the_run_whole(tmp_path: Path) -> None:
    """The state's run is open and the engine not running yet: Scrapy's stop left no output, no report and no
    commit, and exited 0. Now the run stops as soon as the engine runs, as any stopped run does."""
    harvest = Harvest(tmp_path)
    returncode, log, output = signalled_while_paused(harvest, "spider_opened", signals=1)
    assert returncode == 0, log[-3000:]
    report = json.loads(output.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["finish_reason"] == "shutdown"
    assert report["articles"]["written"] == len(read_output(output))
    (entry,) = read_runs(tmp_path / "state" / "thoidai.db")["thoidai"]
    assert (entry.status, entry.outcome) == ("committed", "ok")
    assert partial_files(harvest) == []

    rerun = harvest.run()
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES


def test_second_sigterm_while_the_spider_opens_forces_the_stop(tmp_path: Path) -> None:
    harvest = Harvest(tmp_path)
    returncode, log, output = signalled_while_paused(harvest, "spider_opened", signals=2)
    assert returncode == 128 + signal.SIGTERM, log[-3000:]
    assert "newsharvest: thoidai: forced to stop by a second SIGTERM" in log
    assert not output.exists() and not output.with_suffix(".report.json").exists()

    rerun = harvest.run()
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert [entry.status for entry in read_runs(tmp_path / "state" / "thoidai.db")["thoidai"]] == [
        "rolled_back", "committed"]
    assert sorted(record["url"] for record in harvest.all_records()) == ARTICLES


def test_sigterm_while_the_crawler_is_made_does_not_start_the_run(tmp_path: Path) -> None:
    """Before the spider opens, Scrapy's own handler took the signal and stopped the reactor under the crawl:
    the run went on opening, left its state run open and exited 0. Now it does not start: status 1, one line."""
    harvest = Harvest(tmp_path)
    returncode, log, output = signalled_while_paused(harvest, "made", signals=1)
    assert returncode == 1, log[-3000:]
    assert [line for line in log.splitlines() if line.startswith("newsharvest:")] == [
        f"newsharvest: thoidai: cannot start: {STOPPED_BEFORE_START}"]
    assert not output.exists() and partial_files(harvest) == []
    with harvest.state() as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)

    rerun = harvest.run()
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert sorted(record["url"] for record in rerun.records) == ARTICLES
