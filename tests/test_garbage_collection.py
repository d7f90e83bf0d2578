"""`SparseGarbageCollection`: the start-up frozen and the young generation collected less often during a crawl,
Python's collector restored when the engine stops; cyclic garbage is still collected. `extract_article` reads a
page with the collector paused, which reading makes no cyclic garbage for."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scrapers import extensions, quality, settings
from scrapers.extensions import SparseGarbageCollection
from scrapers.extraction import collector_paused, extract_article


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def python_collector() -> Iterator[tuple[int, int, int]]:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    try:
        yield before
    finally:
        open_crawls = extensions._COLLECTOR.crawls
        gc.set_threshold(*before)
        if not frozen:
            gc.unfreeze()
        extensions._COLLECTOR.crawls = 0
        assert open_crawls == 0  # every test ends the crawls it started


def collector() -> tuple[tuple[int, int, int], int]:
    """Python's collector as a test sees it: its thresholds, and how many objects are frozen."""
    return gc.get_threshold(), gc.get_freeze_count()


def walked(obj: object) -> bool:
    """Whether the collector's passes walk `obj`: it stands in one of the three generations (not frozen)."""
    return any(found is obj for generation in range(3) for found in gc.get_objects(generation))


def crawler_with_extension() -> tuple[Crawler, SparseGarbageCollection]:
    crawler = get_crawler(Spider, {"GC_GEN0_THRESHOLD": settings.GC_GEN0_THRESHOLD})
    return crawler, SparseGarbageCollection.from_crawler(crawler)  # the signals hold it weakly: keep it


def open_spider(crawler: Crawler) -> None:
    crawler.signals.send_catch_log(signal=signals.spider_opened, spider=Spider("news"))


def stop_engine(crawler: Crawler) -> None:
    crawler.signals.send_catch_log(signal=signals.spider_closed, spider=Spider("news"), reason="finished")
    crawler.signals.send_catch_log(signal=signals.engine_stopped)


def test_the_spider_opening_freezes_the_start_up_and_raises_the_young_threshold(
    python_collector: tuple[int, int, int],
) -> None:
    crawler, _extension = crawler_with_extension()
    start_up = Node()
    open_spider(crawler)
    assert gc.get_threshold() == (10_000, *python_collector[1:])
    assert gc.get_freeze_count() > 0
    assert not walked(start_up)  # frozen
    open_spider(crawler)  # once is enough
    stop_engine(crawler)
    assert collector() == (python_collector, 0)


def test_a_crawl_refused_while_its_spider_opened_restores_the_collector(
    python_collector: tuple[int, int, int],
) -> None:
    crawler, _extension = crawler_with_extension()
    open_spider(crawler)
    crawler.signals.send_catch_log(signal=signals.spider_closed, spider=Spider("news"), reason="refused")
    assert collector() == (python_collector, 0)  # no engine_stopped comes


def test_two_crawlers_in_one_process_share_the_collector(python_collector: tuple[int, int, int]) -> None:
    (first, _one), (second, _other) = crawler_with_extension(), crawler_with_extension()
    open_spider(first)
    in_flight = Node()  # the first crawl's: not frozen by the second's start
    open_spider(second)
    assert walked(in_flight)
    stop_engine(first)
    assert gc.get_threshold()[0] == 10_000 and gc.get_freeze_count() > 0  # the second still crawls
    stop_engine(second)
    assert collector() == (python_collector, 0)


def test_an_engine_that_stops_before_its_spider_opened_changes_nothing(
    python_collector: tuple[int, int, int],
) -> None:
    (crawling, _one), (stopped, _other) = crawler_with_extension(), crawler_with_extension()
    open_spider(crawling)
    stop_engine(stopped)
    assert gc.get_threshold()[0] == 10_000
    stop_engine(crawling)
    assert collector() == (python_collector, 0)


def test_what_the_application_froze_stays_frozen(python_collector: tuple[int, int, int]) -> None:
    kept = Node()
    gc.freeze()  # e.g. before forking workers
    crawler, _extension = crawler_with_extension()
    in_flight = Node()
    open_spider(crawler)
    assert gc.get_threshold()[0] == 10_000
    assert walked(in_flight)  # no freeze
    stop_engine(crawler)
    assert gc.get_threshold() == python_collector
    assert not walked(kept)  # frozen still
    gc.unfreeze()


def test_cycles_made_while_pages_are_read_are_still_collected(python_collector: tuple[int, int, int]) -> None:
    extension = SparseGarbageCollection(settings.GC_GEN0_THRESHOLD)
    extension.spider_opened()
    pairs = []
    for _ in range(3):  # pages' worth of cyclic garbage, each pair only reachable from itself
        first, second = Node(), Node()
        first.other, second.other = second, first
        pairs.append(weakref.ref(first))
        del first, second
    assert all(ref() is not None for ref in pairs)  # a cycle outlives its last reference
    garbage = [[] for _ in range(2 * settings.GC_GEN0_THRESHOLD)]  # allocations enough for a young collection
    del garbage
    assert all(ref() is None for ref in pairs)
    extension.crawl_ended()


@pytest.mark.parametrize("threshold", [0, -1])
def test_a_threshold_below_one_leaves_python_s_collector_alone(threshold: int) -> None:
    with pytest.raises(NotConfigured):
        SparseGarbageCollection.from_crawler(get_crawler(Spider, {"GC_GEN0_THRESHOLD": threshold}))


def test_the_project_settings_turn_it_on() -> None:
    assert "scrapers.extensions.SparseGarbageCollection" in settings.EXTENSIONS


def test_reading_real_pages_makes_no_cyclic_garbage() -> None:
    # why extract_article may read a page with the collector paused: nothing it leaves needs the collector
    pages = quality.load("fundus-dev")[:40] + quality.load("aeb")[:40]
    extract_article(pages[0].html, pages[0].url)  # once: the pipelines are built (the schema's compiler leaves cycles)
    while gc.collect():  # what earlier tests left (a crawler's signal receivers free more when collected)
        pass
    gc.disable()
    try:
        for page in pages:
            extract_article(page.html, page.url)
        left = gc.collect()
    finally:
        gc.enable()
    assert left == 0


def test_extract_article_leaves_the_collector_as_it_found_it() -> None:
    page = quality.load("aeb")[0]
    extract_article(page.html, page.url)
    assert gc.isenabled()
    gc.disable()
    try:
        extract_article(page.html, page.url)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_left_while_the_collector_is_paused_is_collected_after() -> None:
    with collector_paused():
        first, second = Node(), Node()
        first.other, second.other = second, first
        ref = weakref.ref(first)
        del first, second
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.collect()
    assert ref() is None
