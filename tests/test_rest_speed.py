"""A printed date line is read as of the fetch time, by the generic reader and the page class alike: relative
dates and dates without a year count from the fetch, and a reading the two share is made once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import scrapers.extract.dates as dates
from scrapers.extraction import extract_article

STORY = "".join(
    f"<p>Paragraph {i} of the story tells what happened at the harbour and who saw it happen there.</p>"
    for i in range(6)
)


def date_line_page(line: str, lang: str = "en") -> bytes:
    lang_attribute = f' lang="{lang}"' if lang else ""
    return (f'<html{lang_attribute}><body><article><h1>Fire at the harbour</h1><div class="date">{line}</div>'
            f"{STORY}</article></body></html>").encode()


def test_a_relative_date_line_counts_back_from_the_fetch_time() -> None:
    # two hours before 01:00 on June 1st is the day before; the zone of example.com in English is unknown
    record = extract_article(date_line_page("2 hours ago, 12.05"), "https://example.com/news/fire",
                             fetched_at=datetime(2025, 6, 1, 1, tzinfo=UTC))
    assert record["published_raw"] == "2 hours ago, 12.05"
    assert record["sources"]["published_at"] == "date line"
    assert record["published_date"] == "2025-05-31"


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_date_line_without_a_year_is_in_the_year_of_the_fetch(year: int) -> None:
    record = extract_article(date_line_page("03.05. 10:15", "de"), "https://example.com/news/fire",
                             fetched_at=datetime(year, 6, 1, 12, tzinfo=UTC))
    assert record["published_raw"] == "03.05. 10:15"
    assert record["published_at"] == f"{year}-05-03T10:15:00+02:00"
    assert record["published_date"] == f"{year}-05-03"


def test_a_date_line_read_alike_by_both_readers_is_read_once() -> None:
    # no page language and no site zone: the generic reader's test of the line and the page class's reading
    # of its time ask dateparser the same question
    dates._dateparser_reading.cache_clear()
    record = extract_article(date_line_page("3 May 2024", lang=""), "https://example.com/news/fire",
                             fetched_at=datetime(2025, 6, 1, 12, tzinfo=UTC))
    assert record["published_raw"] == "3 May 2024"
    assert record["published_date"] == "2024-05-03"
    assert dates._dateparser_reading.cache_info().misses == 1
