"""The crawl benchmark's RSS figures: the level of the crawl's memory around a point, not one sample."""

from __future__ import annotations

from scrapers.crawlbench import rss_level


def test_a_page_sized_spike_does_not_move_the_level() -> None:
    samples = [(count, 150.0) for count in range(0, 1000, 5)]
    samples[100] = (500, 165.0)  # the sample taken while a large page was read
    assert rss_level(samples, 500, 1000) == 150.0
    assert rss_level(samples, 250, 1000) == 150.0


def test_the_level_follows_the_samples_before_the_point() -> None:
    samples = [(count, 100.0 + count / 10) for count in range(0, 1001, 10)]  # memory that grows with the pages
    assert rss_level(samples, 500, 1000) == 147.5  # the median of the samples at 450..500 pages
    assert rss_level(samples, 1000, 1000) == 197.5


def test_the_end_of_the_crawl_counts_the_samples_after_the_last_page() -> None:
    samples = [(count, 150.0) for count in range(0, 1000, 10)] + [(1000, 150.0)] + [(1000, 160.0)] * 7  # output written
    assert rss_level(samples, 1000, 1000) == 160.0
    assert rss_level([], 500, 1000) == 0.0
