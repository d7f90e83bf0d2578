"""`scrapy sample`: a live page recorded as a sample, and a sample's expected JSON remade, diff first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from scrapers.samples import changes, expected_output, slug
from tests.harness import ROOT

SAMPLES = ROOT / "samples" / "thoidai"
PAGES = sorted(path for path in SAMPLES.iterdir() if path.suffix in (".html", ".xml"))
ARTICLE = "https://thoidai.com.vn/khai-mac-hoi-thao-khoa-hoc-quoc-te-ve-bien-dong-lan-thu-16-206395.html"


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_every_sample_remakes_to_its_committed_json(page: Path) -> None:
    earlier = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    sample = expected_output(get_project_settings(), "thoidai", page, earlier["request"], earlier)
    assert changes(page.with_suffix(".json"), sample) == ""


def test_record_a_page_shows_the_sample_then_saves_it_on_accept(tmp_path: Path) -> None:
    options = ["-s", f"REPLAY_DIR={SAMPLES}", "--samples", str(tmp_path)]  # the saved site stands in for the live one
    shown = scrapy("sample", ARTICLE, *options)
    assert shown.returncode == 1, shown.stderr[-2000:]
    assert shown.stdout.startswith("--- /dev/null\n+++ ")
    assert '+    "callback": "parse_article",' in shown.stdout
    assert list(tmp_path.rglob("*.*")) == []
    accepted = scrapy("sample", ARTICLE, *options, "--accept")
    assert accepted.returncode == 0, accepted.stderr[-2000:]
    page = tmp_path / "thoidai" / "article-khai-mac-hoi-thao-khoa-hoc-quoc-te-ve-bien-dong-lan-thu-16-206395.html"
    assert page.read_bytes() == (SAMPLES / "article-hoi-thao-bien-dong-lan-thu-16.html").read_bytes()
    recorded = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    committed = json.loads((SAMPLES / "article-hoi-thao-bien-dong-lan-thu-16.json").read_text(encoding="utf-8"))
    assert (recorded["request"], recorded["items"]) == (committed["request"], committed["items"])
    again = scrapy("sample", str(page))
    assert (again.returncode, again.stdout) == (0, f"{page.with_suffix('.json')}: no change\n")


def test_remake_shows_what_a_changed_page_changes_before_accepting(tmp_path: Path) -> None:
    folder = tmp_path / "thoidai"
    folder.mkdir()
    for suffix in (".html", ".json"):
        shutil.copy((SAMPLES / "article-hai-quan-giao-luu-the-thao").with_suffix(suffix), folder)
    page = folder / "article-hai-quan-giao-luu-the-thao.html"
    page.write_text(page.read_text("utf-8").replace("Tham gia giải có 4 đội bóng", "Tham gia giải có 6 đội bóng"),
                    "utf-8")
    shown = scrapy("sample", str(page))
    assert shown.returncode == 1
    changed = [line for line in shown.stdout.splitlines() if line.startswith(("-  ", "+  "))]
    assert len(changed) == 2 and "4 đội bóng" in changed[0] and "6 đội bóng" in changed[1]
    assert scrapy("sample", str(page), "--accept").returncode == 0
    assert "6 đội bóng" in json.loads(page.with_suffix(".json").read_text("utf-8"))["items"][0]["body"]


@pytest.mark.parametrize(("url", "name"), [
    ("https://thoidai.com.vn/sieu-bao-milton-gay-ra-205760.html", "sieu-bao-milton-gay-ra-205760"),
    ("https://thoidai.com.vn/quoc-te/nhip-song", "nhip-song"),
    ("https://thoidai.com.vn/", "thoidai"),
    ("https://thoidai.com.vn/rss_feed/", "rss-feed"),
])
def test_slug(url: str, name: str) -> None:
    assert slug(url) == name


def test_a_page_saved_by_hand_gets_its_first_expected_json_from_its_address(tmp_path: Path) -> None:
    """A newcomer's first sample is a page saved from a browser: there is no .json beside it yet. Without `--url`
    the command says what it needs (it raised FileNotFoundError); with it, the .json is made as a recording
    makes it, the fetch time the file's."""
    committed = SAMPLES / "article-hoi-thao-bien-dong-lan-thu-16.html"
    page = tmp_path / "thoidai" / "by-hand.html"
    page.parent.mkdir()
    shutil.copy(committed, page)
    refused = scrapy("sample", str(page))
    assert refused.returncode == 2
    assert f"{page} has no by-hand.json beside it: give the page's address with --url" in refused.stderr
    assert "Traceback" not in refused.stderr
    made = scrapy("sample", str(page), "--url", ARTICLE, "--accept")
    assert made.returncode == 0, made.stderr[-2000:]
    sample = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert sample["request"]["url"] == ARTICLE and sample["request"]["callback"] == "parse_article"
    expected = json.loads(committed.with_suffix(".json").read_text(encoding="utf-8"))
    assert sample["items"][0]["title"] == expected["items"][0]["title"]
    assert sample["items"][0]["body"] == expected["items"][0]["body"]
