"""The quality gate of the fields the aeb truth lacks: title, authors and publication time on the 181 aeb pages
labelled by hand (`tests/data/fields/truth.jsonl`), each figure pinned at the value reached, less one page."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scrapers.extraction import extract_article

DATA = Path(__file__).parent / "data"
PINS = {"title": 178, "authors": 154, "instant": 139, "day": 163}
"""Pages right of the 181 (title, authors), of the 159 labelled with a time (instant) and of the 180 with a
date (day). Of the 17 days missed, 13 are a UTC instant whose UTC day is not the page's local day."""
AUTHORS_F1 = 0.864
TOLERANCE = 1
"""Pages a figure may fall below its pin: one."""


def _norm(text: Any) -> str:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip()
    return text.casefold().strip(" .:-–—|")


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    labels = [json.loads(line) for line in (DATA / "fields" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    right = {"title": 0, "authors": 0, "instant": 0, "day": 0}
    f1s = []
    for label in labels:
        page = gzip.decompress((DATA / label["dataset"] / "pages" / f"{label['id']}.html.gz").read_bytes())
        record = extract_article(page, label["url"])
        right["title"] += _norm(record.get("title")) in {_norm(label["title"]), *map(_norm, label["title_variants"])}
        want, got = {_norm(name) for name in label["authors"]}, {_norm(name) for name in record.get("authors") or []}
        right["authors"] += want == got
        shared = len(want & got)
        precision = shared / len(got) if got else float(not want)
        recall = shared / len(want) if want else float(not got)
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        if not label.get("published"):
            continue
        ours = str(record.get("published_at") or "")
        right["day"] += ours[:10] == label["published"][:10]
        if "T" in label["published"] and "T" in ours:
            moment = datetime.fromisoformat(label["published"])
            right["instant"] += abs((moment - datetime.fromisoformat(ours)).total_seconds()) <= 120
    return {**right, "authors_f1": sum(f1s) / len(f1s)}


@pytest.mark.parametrize("figure", list(PINS))
def test_pages_right_hold_their_pins(scores: dict[str, float], figure: str) -> None:
    assert scores[figure] >= PINS[figure] - TOLERANCE, scores


def test_authors_f1_holds_its_pin(scores: dict[str, float]) -> None:
    assert scores["authors_f1"] >= AUTHORS_F1 - TOLERANCE / 181, scores
