"""`ReturnFreedMemory`: with glibc, large blocks (response bodies) are mapped on their own, so freeing them gives
the memory back instead of leaving holes in the heap that the crawl's RSS keeps."""

from __future__ import annotations

import ctypes
import ctypes.util

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scrapers import settings as project_settings
from scrapers.extensions import ReturnFreedMemory


class MallInfo2(ctypes.Structure):
    """glibc's `struct mallinfo2` (malloc.h): `hblks` is the number of blocks mapped on their own."""

    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def mapped_blocks() -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallinfo2.restype = MallInfo2
    return int(libc.mallinfo2().hblks)


def test_a_page_sized_block_is_mapped_on_its_own_once_the_extension_is_on() -> None:
    glibc_raised_it = bytearray(4 * 1024 * 1024)  # freeing a 4 MB mapped block raises glibc's own threshold
    del glibc_raised_it
    extension = ReturnFreedMemory.from_crawler(get_crawler(Spider, {
        "MALLOC_MMAP_THRESHOLD": project_settings.MALLOC_MMAP_THRESHOLD}))
    assert extension.threshold == 128 * 1024
    before = mapped_blocks()
    page = bytearray(230_000)  # an article page of the average size of tests/data
    assert mapped_blocks() == before + 1
    del page
    assert mapped_blocks() == before  # given back


def test_zero_leaves_glibc_its_own_rule() -> None:
    with pytest.raises(NotConfigured):
        ReturnFreedMemory.from_crawler(get_crawler(Spider, {"MALLOC_MMAP_THRESHOLD": 0}))
