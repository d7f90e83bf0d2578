"""The reference article gives the hand-checked golden record (tests/data/golden), field by field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.harness import ROOT, crawl_sample

GOLDEN = ROOT / "tests" / "data" / "golden" / "thoidai-142422.json"
SAMPLE = ROOT / "samples" / "thoidai" / "article-hai-nha-lanh-dao-nga-my-an-ninh-mang.html"


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    request = json.loads(SAMPLE.with_suffix(".json").read_text(encoding="utf-8"))["request"]
    items, _, _ = crawl_sample(SAMPLE, request)
    assert len(items) == 1
    return items[0]


def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


GOLDEN_FIELDS = [
    "url", "site", "language", "section", "title", "published_at", "published_raw", "authors", "credit", "lead", "body",
]


@pytest.mark.parametrize("name", GOLDEN_FIELDS)
def test_reference_article_field_equals_golden(record: dict[str, Any], name: str) -> None:
    assert record[name] == golden()[name]


@pytest.mark.parametrize("name", ["images", "related", "more_in_section", "trending"])
def test_reference_article_list_equals_golden_on_the_keys_it_lists(record: dict[str, Any], name: str) -> None:
    want = golden()[name]
    got = [{key: entry[key] for key in expected} for entry, expected in zip(record[name], want, strict=False)]
    assert len(record[name]) == len(want)
    assert got == want


def test_golden_fields_are_all_checked() -> None:
    listed = {name for name in golden() if not name.startswith("_")}
    assert listed == set(GOLDEN_FIELDS) | {"images", "related", "more_in_section", "trending"}
