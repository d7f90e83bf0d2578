"""Start-up checks of `scrapy crawl` (scrapers/arguments.py): a bad argument or setting prints one line on
stderr and exits 1 before any request; the README's crontab line runs on a fresh install."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from tests.harness import ROOT, project_crawler
from tests.loopback import free_port

SPIDERS = ", ".join(sorted(SpiderLoader.from_settings(get_project_settings()).list()))
"""The project's spiders as the one-line error names them (a site added as the README says is one more)."""

SAMPLES = ROOT / "samples" / "thoidai"


def scrapy(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env=env)


NO_NETWORK = ["-s", 'DOWNLOAD_HANDLERS={"http": null, "https": null}']
"""Should a check let a bad run start, it must not reach the live site."""

BAD = [
    (["-a", "since=yesterday"], "bad -a since=yesterday: not a day: give YYYY-MM-DD, e.g. 2024-10-01"),
    (["-a", "since=9999-12-31"], "bad -a since=9999-12-31: a day to come: no article is dated since then yet"),
    (["-a", "sources=bogus"], "bad -a sources=bogus: unknown source 'bogus'; choose from sections, feeds, sitemaps"),
    (["-a", "sources=feed"], "bad -a sources=feed: unknown source 'feed' (did you mean feeds?);"
                             " choose from sections, feeds, sitemaps"),
    (["-a", "max_pages=abc"], "bad -a max_pages=abc: not a whole number of pages (1 or more)"),
    (["-a", "maxpages=1"], "unknown argument -a maxpages (did you mean max_pages?);"
                           " thoidai takes sections, sources, max_pages, since, full, shard"),
    (["-a", "section=quoc-te"], "unknown argument -a section (did you mean sections?);"
                                " thoidai takes sections, sources, max_pages, since, full, shard"),
    (["-s", "REVISIT_AFTER=2d:6h 30x:3d"], "bad REVISIT_AFTER=2d:6h 30x:3d: not a duration (like 30m, 6h, 2d): '30x'"),
    (["-s", "CHECK_REQUIRED_COVERAGE=0.9"], "bad CHECK_REQUIRED_COVERAGE=0.9: not a dict: give it as JSON,"
     """ -s 'CHECK_REQUIRED_COVERAGE={"title": 0.8, "body": 0.8, "published_at": 0.5}'"""),
    (["-s", "STATE_URI=postgres://db/state"],
     "bad STATE_URI=postgres://db/state: STATE_URI must be sqlite:///<path>, not 'postgres://db/state'"),
    (["-s", "STATE_URI=sqlite:////proc/no/state.db"],
     "bad STATE_URI=sqlite:////proc/no/state.db: [Errno 2] No such file or directory: '/proc/no'"),
    (["-s", "REPLAY_DRI=samples/thoidai"], "unknown setting REPLAY_DRI (did you mean REPLAY_DIR?)"),
    (["-s", "REPLAY_DIR=samples/thoidia"],
     "bad REPLAY_DIR=samples/thoidia: REPLAY_DIR samples/thoidia is not a folder"),
    (["-s", 'CHECK_REQUIRED_COVERAGE={"title": 0.8, "bdy": 0.8}'],
     'bad CHECK_REQUIRED_COVERAGE={"title": 0.8, "bdy": 0.8}: bdy is not a field (did you mean body?)'),
    (["-s", "CHECK_COVERAGE_DROP=lots"], "bad CHECK_COVERAGE_DROP=lots: could not convert string to float: 'lots'"),
    (["-s", "LOG_LEVEL=info"],
     "bad LOG_LEVEL=info: not a log level: choose from CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    (["-s", "CONCURRENT_REQUESTS=many"],
     "bad CONCURRENT_REQUESTS=many: could not convert string to float: 'many'"),
    (["-a", "since"], "Invalid -a value, use -a NAME=VALUE"),
    (["-s", "REJECTS_URI=/proc/none/rejects.jsonl"],
     "bad REJECTS_URI=/proc/none/rejects.jsonl: [Errno 2] No such file or directory: '/proc/none'"),
    (["-s", "RUN_REPORT_URI=/proc/none/%(name)s.json"],
     "bad RUN_REPORT_URI=/proc/none/%(name)s.json: [Errno 2] No such file or directory: '/proc/none'"),
    (["-s", "REJECTS_URI=/tmp"], "bad REJECTS_URI=/tmp: /tmp is a folder"),
    # the rejects in no file and counted nowhere, with exit 0 (loss review)
    (["-s", "REJECTS_URI="], "bad REJECTS_URI=: it is empty: the rejected articles would be in no file (give a file,"
                             " as by default %(name)s-rejects.jsonl)"),
    (["-s", "REDIS_URL=redis://127.0.0.1:6379/0", "-s", "FEED_EXPORT_BATCH_ITEM_COUNT=10"],
     "bad REDIS_URL=redis://127.0.0.1:6379/0: a distributed worker writes one output file: leave out"
     " FEED_EXPORT_BATCH_ITEM_COUNT"),
    (["-s", "RETRY_AFTER=-5h"], "bad RETRY_AFTER=-5h: not a duration (like 30m, 6h, 2d): '-5h'"),
    # a traceback (OverflowError), or taken without a word as no bound (hostile review, 4th round)
    (["-s", "RETRY_AFTER=99999999999d"], "bad RETRY_AFTER=99999999999d: a duration too long: '99999999999d'"),
    (["-s", "CLOSESPIDER_TIMEOUT=-1"], "bad CLOSESPIDER_TIMEOUT=-1: a number of seconds, more than 0 (or 0: no bound)"),
    (["-s", "MAX_ARTICLES_PER_RUN=-3"], "bad MAX_ARTICLES_PER_RUN=-3: a whole number, 0 or more"),
    (["-s", "DOWNLOAD_MAXSIZE=0"], "bad DOWNLOAD_MAXSIZE=0: a whole number more than 0 (0 would be no bound at all)"),
    (["-s", "DOWNLOAD_TIMEOUT=-1"], "bad DOWNLOAD_TIMEOUT=-1: a number of seconds, more than 0"),
    (["-s", "REDIS_URL=localhost:6379"], "bad REDIS_URL=localhost:6379: Redis URL must specify one of the"
                                         " following schemes (redis://, rediss://, unix://)"),
    (["-s", "GC_GEN0_THRESHOLD=4294967296"], "bad GC_GEN0_THRESHOLD=4294967296: 0 (Python's collector as it is)"
                                             " or a number of objects up to 2147483647"),
    # passed, then lost with exit 0, or failed at the end of the crawl (fuzzer, 3rd round)
    (["-a", "sections=quoc-te,javascript:x"],
     "bad -a sections=quoc-te,javascript:x: javascript:x is neither a path on the site nor an http(s) address"),
    (["-s", "REJECTS_URI=%(name)s-%(time)s.jsonl"], "bad REJECTS_URI=%(name)s-%(time)s.jsonl: a path whose only"
                                                     " parameter is %(name)s (the spider's name): 'time'"),
    (["-s", "RUN_REPORT_URI=s3://bucket/report.json"],
     "bad RUN_REPORT_URI=s3://bucket/report.json: a local file (a path or file://): the run writes it itself"),
    (["-s", "CHECK_MIN_RECORDS=2.5"], "bad CHECK_MIN_RECORDS=2.5: invalid literal for int() with base 10: '2.5'"),
    (["-s", "REPLAY_LATENCY=nan"], "bad REPLAY_LATENCY=nan: a number, 0 or more"),
    (["-s", "REDIS_LEASE=0.0004"], "bad REDIS_LEASE=0.0004: a number of seconds, 1 or more"),
    (["-s", "FEEDS=[1]"], "a -s setting Scrapy cannot take: cannot unpack non-iterable int object"),
]


def test_an_output_whose_options_cannot_serve_is_refused_before_the_crawl() -> None:
    # Scrapy dropped an output whose uri_params it could not load (a traceback, the run went on without it), and
    # took options of another type as its own error (fuzzer)
    from scrapy.settings import Settings

    from scrapers.arguments import feeds

    with pytest.raises(ValueError, match=r"^the uri_params of x\.jsonl, no\.such\.func, cannot be loaded: No module"):
        feeds(Settings({"FEEDS": {"x.jsonl": {"format": "jsonlines", "uri_params": "no.such.func"}}}), "FEEDS")
    with pytest.raises(ValueError, match=r"^the options of x\.jsonl are not a dict: 3$"):
        feeds(Settings({"FEEDS": {"x.jsonl": 3}}), "FEEDS")
    feeds(Settings({"FEEDS": {"x.jsonl": {"format": "jsonlines", "uri_params": "scrapy.utils.misc.load_object"}}}),
          "FEEDS")
    # FEED_URI_PARAMS, with the options -o gives
    with pytest.raises(ValueError, match=r"^the uri_params of x\.jsonl, no\.such\.fn, cannot be loaded"):
        feeds(Settings({"FEEDS": {"x.jsonl": {"format": "jsonlines"}}, "FEED_URI_PARAMS": "no.such.fn"}), "FEEDS")


@pytest.mark.parametrize(("options", "line"), BAD, ids=[" ".join(options) for options, _ in BAD])
def test_bad_argument_or_setting_is_one_line_and_exit_1_before_any_request(
    options: list[str], line: str, tmp_path: Path
) -> None:
    result = scrapy("crawl", "thoidai", *options, "-O", str(tmp_path / "out.jsonl"),
                    "-s", f"LOG_FILE={tmp_path / 'crawl.log'}", *NO_NETWORK)
    assert (result.returncode, result.stderr) == (1, f"newsharvest: thoidai: {line}\n")
    assert not (tmp_path / "out.jsonl").exists()
    assert not (tmp_path / "crawl.log").exists() or "Crawled" not in (tmp_path / "crawl.log").read_text()


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/nachrichten/", "example.com/nachrichten/"])
def test_a_start_url_the_spider_refuses_is_one_line_and_exit_1(url: str, tmp_path: Path) -> None:
    # Past the argument checks, refused by the spider as it is made: Scrapy then has no stats to read.
    result = scrapy("crawl", "news", "-a", f"url={url}", "-O", str(tmp_path / "out.jsonl"),
                    "-s", f"LOG_FILE={tmp_path / 'crawl.log'}", *NO_NETWORK)
    assert (result.returncode, result.stderr) == (1, f"newsharvest: news: cannot start: not a web address: {url!r}\n")
    assert not (tmp_path / "out.jsonl").exists()


def test_a_start_url_whose_host_has_a_space_is_refused_before_any_request(tmp_path: Path) -> None:
    result = scrapy("crawl", "news", "-a", "url=http://exa mple.com/news/", "-O", str(tmp_path / "out.jsonl"),
                    *NO_NETWORK)
    assert (result.returncode, result.stderr) == (
        1, "newsharvest: news: bad -a url=http://exa mple.com/news/: not a web address: give the section page,"
           " https://...\n")


def test_unknown_spider_suggests_the_near_one() -> None:
    result = scrapy("crawl", "thoidia")
    assert (result.returncode, result.stderr) == (
        1, f"newsharvest: thoidia: no spider named thoidia (did you mean thoidai?); the project has {SPIDERS}\n"
    )


def test_another_run_holding_the_state_is_one_line_on_stderr_with_log_file_set(tmp_path: Path) -> None:
    with FileLock(f"{tmp_path / 'thoidai.db'}.lock"):
        result = scrapy("crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", "-s", f"STATE_URI={tmp_path / 'thoidai.db'}",
                        "-O", str(tmp_path / "out.jsonl"), "-s", f"LOG_FILE={tmp_path / 'crawl.log'}")
    assert result.returncode == 1
    assert result.stderr == (f"newsharvest: thoidai: cannot start: another run holds the state {tmp_path}/thoidai.db"
                             f" (lock file {tmp_path}/thoidai.db.lock); waited 0s\n")
    assert "Traceback" not in (tmp_path / "crawl.log").read_text(encoding="utf-8")


def test_a_news_run_that_cannot_start_names_its_site_not_the_spider(tmp_path: Path) -> None:
    """The state of a `news` run is the site's (`%(name)s` is its host): the line said `news`, and a cron job
    harvesting many sites could not tell whose state was held."""
    with FileLock(f"{tmp_path / '127.0.0.1.db'}.lock"):  # (a loopback site: the run must not start anyway)
        result = scrapy("crawl", "news", "-a", "url=http://127.0.0.1:9/politik/", "-O", str(tmp_path / "o.jsonl"),
                        "-s", f"STATE_URI=sqlite:///{tmp_path}/%(name)s.db", "-s", f"LOG_FILE={tmp_path / 'crawl.log'}")
    assert result.returncode == 1
    assert result.stderr == (
        f"newsharvest: 127.0.0.1: cannot start: another run holds the state {tmp_path}/127.0.0.1.db"
        f" (lock file {tmp_path}/127.0.0.1.db.lock); waited 0s\n")


def test_dict_setting_given_as_json_is_used_by_the_check(tmp_path: Path) -> None:
    result = scrapy("crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", "-O", str(tmp_path / "out.jsonl"),
                    "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=WARNING",
                    "-s", 'CHECK_REQUIRED_COVERAGE={"updated_at": 0.5}')
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("newsharvest: thoidai: check failed: thoidai.com.vn: updated_at present"
                                              " in 10% of 10 articles (expected at least 50%)")


def test_readme_crontab_line_runs_on_a_fresh_install(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("0 * * * * cd /srv/newsharvest && "))
    command = shlex.split(line.removeprefix("0 * * * * cd /srv/newsharvest && ").replace("\\%", "%"))
    assert command[:2] == [".venv/bin/scrapy", "crawl"]
    # In a fresh folder (no logs/, state/ or out/ yet), offline; the project found through its settings module.
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    result = scrapy(*command[1:], "-s", f"REPLAY_DIR={SAMPLES}", cwd=tmp_path, env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert re.search(r"INFO: Crawl summary for thoidai \(finished", (tmp_path / "logs" / "thoidai.log").read_text())
    [output] = (tmp_path / "out" / "thoidai").glob("*.jsonl")
    assert len(output.read_text(encoding="utf-8").splitlines()) == 9


def test_a_redis_that_does_not_answer_is_named_in_the_one_line(tmp_path: Path) -> None:
    """Scrapy's own error on the way out (`Engine slot not assigned`) does not hide why the run stopped."""
    port = free_port()
    result = scrapy("crawl", "thoidai", "-s", f"REDIS_URL=redis://127.0.0.1:{port}/0", "-O", str(tmp_path / "o.jsonl"),
                    "-s", f"REPLAY_DIR={SAMPLES}", "-s", "LOG_LEVEL=ERROR")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"newsharvest: thoidai: cannot start: Error 111 connecting to 127.0.0.1:{port}. Connection refused.")


BAD_OUTPUTS = [
    (["-O", "{tmp}/out.jsonl", "-s", "FEED_EXPORT_ENCODING=utf-9"], "output {tmp}/out.jsonl: unknown encoding 'utf-9'"),
    (["-O", "{tmp}/%(sitename)s.jsonl"], "output {tmp}/%(sitename)s.jsonl: no value for %(sitename)s (the spider's"
                                         " name, time, batch_time, batch_id or an -a argument)"),
    (["-O", "/proc/none/out.jsonl"], "output /proc/none/out.jsonl: cannot create its folder: FileNotFoundError:"
                                     " [Errno 2] No such file or directory: '/proc/none'"),
    (["-O", "{tmp}/folder.jsonl"], "output {tmp}/folder.jsonl is a folder"),
    (["-O", "foo://{tmp}/out.jsonl"], "output: Unknown feed storage scheme: foo"),
]


@pytest.mark.parametrize(("options", "line"), BAD_OUTPUTS, ids=[" ".join(options) for options, _ in BAD_OUTPUTS])
def test_an_output_that_cannot_be_written_stops_the_run_before_any_request(
    options: list[str], line: str, tmp_path: Path
) -> None:
    """Scrapy's feed exporter found these at the first article, logged a traceback per article and went on:
    with an unknown encoding every article was lost and the run exited 0."""
    (tmp_path / "folder.jsonl").mkdir()
    given = [option.format(tmp=tmp_path) for option in options]
    result = scrapy("crawl", "thoidai", *given, "-s", f"REPLAY_DIR={SAMPLES}", "-s", f"LOG_FILE={tmp_path / 'log'}")
    want = f"newsharvest: thoidai: cannot start: {line.format(tmp=tmp_path)}\n"
    assert (result.returncode, result.stderr) == (1, want)
    assert "Crawled" not in (tmp_path / "log").read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder.jsonl", "log"]


def test_the_output_folder_is_created_and_the_named_parameters_filled(tmp_path: Path) -> None:
    result = scrapy("crawl", "thoidai", "-O", str(tmp_path / "out" / "%(name)s-%(max_pages)s.jsonl"),
                    "-a", "max_pages=1", "-s", f"REPLAY_DIR={SAMPLES}", "-s", "LOG_LEVEL=ERROR")
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["thoidai-1.jsonl", "thoidai-1.report.json"]
    assert (tmp_path / "out" / "thoidai-1.jsonl").read_text().count("\n") == 9


@pytest.mark.parametrize("command", ["status", "report", "accept thoidai"])
@pytest.mark.parametrize(("uri", "why"), [
    ("postgres://db/state", "STATE_URI must be sqlite:///<path>, not 'postgres://db/state'"),
    ("redis://127.0.0.1:{port}/0", "Error 111 connecting to 127.0.0.1:{port}. Connection refused."),
    ("sqlite:///{tmp}/%(name)s.db", "file is not a database"),
])
def test_a_state_command_on_a_state_it_cannot_read_says_so_in_one_line(
    command: str, uri: str, why: str, tmp_path: Path
) -> None:
    (tmp_path / "thoidai.db").write_text("not a database\n" * 100)
    port = free_port()
    uri, why = uri.format(port=port, tmp=tmp_path), why.format(port=port, tmp=tmp_path)
    result = scrapy(*command.split(), "-s", f"STATE_URI={uri}")
    name = command.split()[0]
    assert result.returncode == 1
    assert result.stderr.startswith(f"newsharvest: {name}: cannot read the state {uri}: ")
    assert why in result.stderr
    assert result.stderr.count("\n") == 1


def day_of_the_run(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """A `FEED_URI_PARAMS` function reading what only the open run knows (tests below)."""
    return {**params, "day": spider.crawler.stats.get_value("start_time").strftime("%Y-%m-%d")}


def test_output_parameters_of_a_function_and_folders_named_by_parameters_are_made_when_the_run_opens(
    tmp_path: Path,
) -> None:
    """The start check once called the function before the run had a start time (cannot start), and made a
    folder of its own for %(batch_time)s, which the run's first article then named a moment later."""
    feeds = {str(tmp_path / "by-day" / "%(day)s.jsonl"): {"format": "jsonlines",
                                                            "uri_params": "tests.test_arguments.day_of_the_run"},
             str(tmp_path / "by-time" / "%(batch_time)s" / "out.jsonl"): {"format": "jsonlines"}}
    result = scrapy("crawl", "thoidai", "-s", f"FEEDS={json.dumps(feeds)}", "-s", f"REPLAY_DIR={SAMPLES}",
                    "-s", "LOG_LEVEL=ERROR")
    assert (result.returncode, result.stderr) == (0, "")
    (by_day,) = (tmp_path / "by-day").glob("*.jsonl")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d\.jsonl", by_day.name) and by_day.read_text().count("\n") == 9
    (folder,) = (tmp_path / "by-time").iterdir()
    assert (folder / "out.jsonl").read_text().count("\n") == 9


@pytest.mark.parametrize(("command", "line"), [
    ("status --max-age -5", "argument --max-age: give a number of hours, 0 or more, not -5"),
    ("report --days -3", "argument --days: give a number of days, 0 or more, not -3"),
    ("status --max-age soon", "argument --max-age: not a number of hours: 'soon'"),
    ("status --max-age inf", "argument --max-age: give at most 878400 hours (100 years), not inf"),
    ("report --days 1000000", "argument --days: give at most 36600 days (100 years), not 1000000"),
])
def test_a_command_given_a_value_it_cannot_use_says_so_in_one_line(command: str, line: str, tmp_path: Path) -> None:
    """`--max-age -5` was taken as a deadline to come. One line and exit 1, as `crawl` says a bad option (Scrapy's
    usage block and exit 2, the status of a run that failed, before: fuzzer)."""
    result = scrapy(*command.split(), "-s", f"STATE_URI=sqlite:///{tmp_path}/%(name)s.db")
    name = command.split()[0]
    assert (result.returncode, result.stderr) == (1, f"newsharvest: {name}: {line} (see scrapy {name} -h)\n")


def test_sample_of_what_is_no_address_says_so_in_one_line(tmp_path: Path) -> None:
    """`sample` of something that is no URL gave a traceback."""
    result = scrapy("sample", "thoidai.com.vn")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(
        ": error: thoidai.com.vn is neither a saved page nor a web address (https://...)")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("setting", ["DOWNLOAD_MAXSIZE=99999999999999999", "MAX_ARTICLES_PER_RUN=12345678901234567",
                                     "DOWNLOAD_TIMEOUT=0.5", "CLOSESPIDER_TIMEOUT=0"])
def test_large_whole_numbers_and_fractions_of_seconds_are_valid(setting: str) -> None:
    """Above 2**53 a float no longer equals the whole number it was read from: valid bounds were refused (the
    review of the change)."""
    from scrapy.settings import Settings

    from scrapers.arguments import SETTINGS

    name, value = setting.split("=")
    SETTINGS[name](Settings({name: value}), name)  # raises ValueError when refused


def test_no_endpoint_that_runs_code_is_opened() -> None:
    """Scrapy 2.19's remote control (an HTTP endpoint on loopback that runs Python in the crawl; its token left in
    a job file by every run not ended cleanly) and the telnet console are off in the project's settings."""
    crawler = project_crawler("news")
    assert not crawler.settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not crawler.settings.getbool("TELNETCONSOLE_ENABLED")


def test_a_log_file_on_a_full_disk_is_refused_before_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full disk printed "--- Logging error ---" and a traceback per log line, and the run went on unlogged.
    from scrapy.settings import Settings

    from scrapers import arguments

    settings = Settings({"LOG_FILE": str(tmp_path / "logs" / "crawl.log")})
    arguments.log_file(settings, "LOG_FILE")  # a disk with room: the folder made, no complaint
    real = os.statvfs(tmp_path)
    full = os.statvfs_result((real.f_bsize, 4096, real.f_blocks, 3, 3, *real[5:]))
    monkeypatch.setattr(arguments.os, "statvfs", lambda path: full)
    with pytest.raises(ValueError, match=r"^the disk of .*crawl\.log is full \(12 KiB free\)$"):
        arguments.log_file(settings, "LOG_FILE")
    devices = Settings({"LOG_FILE": "/dev/null"})  # a device is written as it is (no disk to measure)
    arguments.log_file(devices, "LOG_FILE")
