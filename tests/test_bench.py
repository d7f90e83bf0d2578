"""The benchmark's cost table and stage split run on any dataset of the layout of tests/data (its timings are
figures it prints, not asserted here)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from scrapers.bench import parse_cost
from scrapers.soak import load_pages, make_page
from tests.harness import ROOT

URL = "https://www.derstandard.at/story/3000000218563/nach-kalifat-rufen-in-hamburg"


def test_the_stage_split_reads_a_page_nested_past_the_recursion_limit(tmp_path: Path) -> None:
    # a review: the stages timed alone raised RecursionError on a page the extraction reads flattened (the soak's
    # seed 44427 nests 900-2048 deep), after the table of the dataset and before the next dataset's
    real = gzip.decompress((ROOT / "tests/data/fundus-dev/pages/at-DerStandard_2024_05_03.html.gz").read_bytes())
    pages = {"real": real, "deep": make_page(44427, load_pages(ROOT / "tests" / "data")).html}
    (tmp_path / "pages").mkdir()
    for name, html in pages.items():
        (tmp_path / "pages" / f"{name}.html.gz").write_bytes(gzip.compress(html))
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps({"id": name, "url": URL}) + "\n" for name in pages))
    lines = parse_cost(tmp_path).splitlines()
    assert lines[0].startswith(f"{tmp_path.name}: 2 pages; ms per page on ")
    assert [line.split()[0] for line in lines[1:3]] == ["lxml", "extract_article"]
    split = lines[-1]
    assert split.startswith("  of which (medians of each stage timed alone, ms and x the parse): parse ")
    assert all(f", {stage} " in split for stage in ("index walk", "story", "link boxes", "the rest"))
