"""The box scorer: URL normalisation, doubtful links, pooled figures and ranked-list exactness."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from scrapers.boxbench import (
    DATA,
    FieldScore,
    dataset_pages,
    link_box_timing,
    normalize_url,
    score_page,
    table,
    timing_table,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/a/story-1/", "example.com/a/story-1"),
        ("http://example.com/a/story-1#comments", "example.com/a/story-1"),
        ("https://Example.com/a/r%C3%BCstung.html", "example.com/a/rüstung.html"),
        ("https://example.com/a?b=2&a=1", "example.com/a?a=1&b=2"),
        ("https://example.com:8080/a", "example.com:8080/a"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_doubtful_links_are_neither_rewarded_nor_penalised() -> None:
    s = FieldScore()
    score_page(s, "p", ["a", "b"], ["c"], ["a", "c", "d"], ranked=False)
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5
    assert s.worst == [(2, "p", ["b"], ["d"])]


def test_a_ranked_list_is_exact_only_in_its_order() -> None:
    s = FieldScore()
    score_page(s, "in order", ["a", "b", "c"], ["x"], ["a", "x", "b", "c"], ranked=True)
    score_page(s, "swapped", ["a", "b"], [], ["b", "a"], ranked=True)
    score_page(s, "no list", [], [], [], ranked=True)
    assert (s.ranked_pages, s.exact_ranked, s.exact_sets, s.pages) == (2, 1, 3, 3)
    assert "| trending | 1.000 | 1.000 | 1.000 | 5 | 0 | 0 | 3 of 3 | 1 of 2 |" in table({"trending": s})


def test_nothing_to_find_and_nothing_found_is_perfect() -> None:
    s = FieldScore()
    score_page(s, "p", [], [], [], ranked=False)
    assert (s.precision, s.recall, s.f1, s.exact_sets) == (1.0, 1.0, 1.0, 1)


def test_link_box_timing_times_every_page_and_both_steps() -> None:
    pages = list(islice(dataset_pages(), 2))
    times = link_box_timing(pages, runs=1)

    assert [url for url, _ in pages] == [json.loads(line)["url"] for line in
                                         (DATA / "aeb" / "truth.jsonl").read_text(encoding="utf-8").splitlines()[:2]]
    assert {name: len(values) for name, values in times.items()} == {"bare parse": 2, "link_boxes": 2}
    assert all(ms > 0 for values in times.values() for ms in values)
    assert timing_table(times).splitlines()[0] == "2 pages"
