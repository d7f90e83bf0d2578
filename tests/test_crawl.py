"""The README's first command: a real `scrapy crawl` over the bundled samples, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pipelines.validate import article_schema
from tests.harness import ROOT

SAMPLE_DIR = ROOT / "samples" / "thoidai"


def expected_samples() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SAMPLE_DIR.glob("*.json"))]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("crawl")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLE_DIR}",
         "-O", str(out / "articles.jsonl"), "-s", f"REJECTS_URI={out / 'rejects.jsonl'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    rejects_path = out / "rejects.jsonl"
    rejects = rejects_path.read_text(encoding="utf-8").splitlines() if rejects_path.exists() else []
    return {
        "records": [json.loads(line) for line in lines],
        "raw": lines,
        "rejects": [json.loads(line) for line in rejects],
        "log": result.stderr,
    }


def test_crawl_writes_one_record_per_sample_article(crawl: dict[str, Any]) -> None:
    expected = sorted(item["url"] for sample in expected_samples() for item in sample["items"])
    assert sorted(record["url"] for record in crawl["records"]) == expected


def test_crawl_records_equal_the_sample_records(crawl: dict[str, Any]) -> None:
    # Replay serves each page with its recorded fetch time as the HTTP Date header, so relative dates
    # ("2 giờ trước") and scraped_at come out as in the samples.
    by_url = {item["url"]: item for sample in expected_samples() for item in sample["items"]}
    for record in crawl["records"]:
        assert record == by_url[record["url"]]


def test_every_record_validates_against_the_schema(crawl: dict[str, Any]) -> None:
    validator = Draft202012Validator(article_schema())
    for record in crawl["records"]:
        assert list(validator.iter_errors(record)) == []


def test_output_is_utf8_not_ascii_escaped(crawl: dict[str, Any]) -> None:
    assert any("Thời" in line or "ộ" in line for line in crawl["raw"])
    assert not any("\\u1ed" in line for line in crawl["raw"])


def test_broken_sample_lands_in_rejects_file_with_its_reason(crawl: dict[str, Any]) -> None:
    expected = sorted(
        (sample["request"]["url"], reject["reason"])
        for sample in expected_samples()
        for reject in sample.get("rejects", [])
    )
    assert expected, "the samples must include a deliberately broken article"
    assert sorted((reject["url"], reject["reason"]) for reject in crawl["rejects"]) == expected


def test_summary_reports_pages_articles_rejects_and_the_missing_page(crawl: dict[str, Any]) -> None:
    log = crawl["log"]
    assert "Crawl summary for thoidai (finished, " in log
    assert f"articles written: {len(crawl['records'])}" in log
    assert "rejected body: missing: 1" in log
    assert "HTTP status 404: 1" in log
    assert "skipped infographic: 1" in log


def test_shards_split_the_articles_between_processes(crawl: dict[str, Any], tmp_path: Any) -> None:
    """`-a shard=0/2` and `-a shard=1/2`: every article of the whole crawl in exactly one of the two outputs,
    each output holding some, each record as the whole crawl wrote it."""
    outputs = []
    for index in (0, 1):
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-a", f"shard={index}/2",
             "-s", f"REPLAY_DIR={SAMPLE_DIR}", "-O", str(tmp_path / f"shard-{index}.jsonl"),
             "-s", f"REJECTS_URI={tmp_path / f'rejects-{index}.jsonl'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        assert result.returncode in (0, 2), result.stderr[-3000:]  # 2: a check failed on a small share
        outputs.append([json.loads(line) for line in
                        (tmp_path / f"shard-{index}.jsonl").read_text(encoding="utf-8").splitlines()])
    urls = [{record["url"] for record in output} for output in outputs]
    assert all(urls) and not urls[0] & urls[1]
    assert urls[0] | urls[1] == {record["url"] for record in crawl["records"]}
    whole = {record["url"]: {**record, "scraped_at": None} for record in crawl["records"]}
    assert all({**record, "scraped_at": None} == whole[record["url"]] for output in outputs for record in output)


def test_a_shard_that_is_not_i_of_n_stops_the_crawl(tmp_path: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-a", "shard=2/2", "-s", f"REPLAY_DIR={SAMPLE_DIR}",
         "-O", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode != 0
    assert "shard must be i/n with 0 <= i < n: '2/2'" in result.stderr
