"""`scrapy parse <url>` with no callback named, and `scrapy check` running the profile's contracts, offline;
neither runs the end-of-crawl checks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from tests.harness import ROOT

SPIDERS = ", ".join(sorted(SpiderLoader.from_settings(get_project_settings()).list()))
"""The project's spiders as the one-line error names them (a site added as the README says is one more)."""

SAMPLES = ROOT / "samples" / "thoidai"
ARTICLE = "https://thoidai.com.vn/khai-mac-hoi-thao-khoa-hoc-quoc-te-ve-bien-dong-lan-thu-16-206395.html"


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"REPLAY_DIR={SAMPLES}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_parse_an_article_url_without_a_callback() -> None:
    result = scrapy("parse", ARTICLE, "-s", "LOG_LEVEL=INFO")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'title': 'Khai mạc Hội thảo khoa học quốc tế về Biển Đông lần thứ 16'" in result.stdout
    assert "[Spidermon]" not in result.stderr and "WARNING" not in result.stderr


def test_parse_a_section_url_gives_its_article_requests_and_next_page() -> None:
    result = scrapy("parse", "https://thoidai.com.vn/quoc-te", "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-2000:]
    requests = result.stdout.split("# Requests", 1)[1]
    assert requests.count("<GET https://thoidai.com.vn/") == 5
    assert "<GET https://thoidai.com.vn/quoc-te&s_cond=&BRSR=16>" in requests


def test_check_runs_the_profile_contracts() -> None:
    result = scrapy("check", "thoidai")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Ran 7 contracts in" in result.stderr
    assert result.stderr.rstrip().endswith("OK")


def test_check_of_an_unknown_spider_or_a_replay_dir_that_is_no_folder_says_why_in_one_line(tmp_path: object) -> None:
    """Scrapy's `check` gave a KeyError traceback for an unknown name, and for a REPLAY_DIR that is no folder
    "Ran 0 contracts ... OK" with exit status 1 and no reason."""
    for args, line in (
        (["nosuch"], f"newsharvest: nosuch: no spider named nosuch; the project has {SPIDERS}"),
        (["thoidai", "-s", "REPLAY_DIR=nosuchdir"],
         "newsharvest: thoidai: bad REPLAY_DIR=nosuchdir: REPLAY_DIR nosuchdir is not a folder"),
    ):
        result = subprocess.run([sys.executable, "-m", "scrapy", "check", *args], cwd=ROOT, capture_output=True,
                                text=True, timeout=300, check=False)
        assert (result.returncode, result.stderr) == (1, f"{line}\n")


@pytest.mark.parametrize(("command", "line"), [
    (["status", "--max-age", "nan"], "status: argument --max-age: give a number of hours, 0 or more, not nan"),
    (["status"], "status: set STATE_URI, as the crawls do (-s STATE_URI=sqlite:///state/%(name)s.db)"),
    (["report", "--days", "-1"], "report: argument --days: give a number of days, 0 or more, not -1"),
    (["accept"], "accept: give one spider name (a news site: its domain, e.g. example.com)"),
])
def test_a_state_command_s_bad_usage_is_one_line_and_exit_1(command: list[str], line: str) -> None:
    # Scrapy's usage block of four lines and more, and exit status 2, the status of a run that failed (fuzzer)
    result = scrapy(*command)
    name = command[0]
    assert (result.returncode, result.stderr) == (1, f"newsharvest: {line} (see scrapy {name} -h)\n")


def test_crawl_without_a_spider_is_one_line_and_exit_1() -> None:
    result = scrapy("crawl")
    assert (result.returncode, result.stderr) == (
        1, "newsharvest: crawl: give one spider name: scrapy crawl <spider> (scrapy list names them)\n")
