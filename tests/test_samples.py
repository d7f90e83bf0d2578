"""Every saved page gives exactly the output recorded beside it, through the crawl's own code path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness import SAMPLES, crawl_sample


@pytest.mark.parametrize("html_path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_sample_output_matches_expected_json(html_path: Path) -> None:
    expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
    items, follows, rejects = crawl_sample(html_path, expected["request"])

    assert follows == expected.get("follows", [])
    assert rejects == [reject["reason"] for reject in expected.get("rejects", [])]
    assert len(items) == len(expected["items"])
    for got, want in zip(items, expected["items"], strict=True):
        for name in want.keys() | got.keys():
            assert got.get(name) == want.get(name), name
