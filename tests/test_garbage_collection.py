"""`SparseGarbageCollection`: the start-up frozen and the young generation collected less often during a crawl,
Python's collector restored when the engine stops; cyclic garbage is still collected. `extract_article` reads a
page with the collector paused, which reading makes no cyclic garbage for."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scrapers import quality, settings
from scrapers.extensions import SparseGarbageCollection
from scrapers.extraction import collector_paused, extract_article


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def python_collector() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_the_spider_opening_freezes_the_start_up_and_raises_the_young_threshold(
    python_collector: tuple[int, int, int],
) -> None:
    crawler = get_crawler(Spider, {"GC_GEN0_THRESHOLD": settings.GC_GEN0_THRESHOLD})
    extension = SparseGarbageCollection.from_crawler(crawler)  # noqa: F841 (the signals hold it weakly)
    start_up = Node()
    crawler.signals.send_catch_log(signal=signals.spider_opened, spider=Spider("news"))
    assert gc.get_threshold() == (10_000, *python_collector[1:])
    assert gc.get_freeze_count() > 0
    assert not any(found is start_up for generation in range(3) for found in gc.get_objects(generation))  # frozen
    crawler.signals.send_catch_log(signal=signals.engine_stopped)
    assert gc.get_threshold() == python_collector
    assert gc.get_freeze_count() == 0


def test_cycles_made_while_pages_are_read_are_still_collected(python_collector: tuple[int, int, int]) -> None:
    crawler = get_crawler(Spider, {"GC_GEN0_THRESHOLD": settings.GC_GEN0_THRESHOLD})
    extension = SparseGarbageCollection.from_crawler(crawler)
    extension.freeze_start_up()
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
    extension.restore()


def test_a_threshold_of_zero_leaves_python_s_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        SparseGarbageCollection.from_crawler(get_crawler(Spider, {"GC_GEN0_THRESHOLD": 0}))


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
