"""`ReturnFreedMemory`: with glibc, large blocks (response bodies) are mapped on their own, so freeing them gives
the memory back instead of leaving holes in the heap that the crawl's RSS keeps."""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scrapers.extensions import ReturnFreedMemory
from tests.harness import ROOT


class MallInfo2(ctypes.Structure):
    """glibc's `struct mallinfo2` (malloc.h): `hblks` is the number of blocks mapped on their own."""

    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def mapped_blocks() -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallinfo2.restype = MallInfo2
    return int(libc.mallinfo2().hblks)


CHECK = """
from scrapy import Spider
from scrapy.utils.test import get_crawler
from scrapers import settings
from scrapers.extensions import ReturnFreedMemory
from tests.test_memory import mapped_blocks

PAGES = 20  # of the average size of tests/data's articles
glibc_raised_it = bytearray(4 * 1024 * 1024)  # freeing a 4 MB mapped block raises glibc's own threshold
del glibc_raised_it
before = mapped_blocks()
heap_pages = [bytearray(230_000) for _ in range(PAGES)]
print(mapped_blocks() - before)
crawler = get_crawler(Spider, {"MALLOC_MMAP_THRESHOLD": settings.MALLOC_MMAP_THRESHOLD})
extension = ReturnFreedMemory.from_crawler(crawler)
before = mapped_blocks()
pages = [bytearray(230_000) for _ in range(PAGES)]
print(extension.threshold, mapped_blocks() - before)
del pages
print(mapped_blocks() - before)
"""


def test_page_sized_blocks_are_mapped_on_their_own_once_the_extension_is_on() -> None:
    # a process of its own, and 20 blocks: malloc fills a hole of the heap before it maps a block
    lines = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert lines[0] == "0"  # glibc's rule: from the heap
    threshold, mapped = lines[1].split()
    assert int(threshold) == 128 * 1024
    assert int(mapped) >= 15  # the extension's: mapped on their own, bar the few that fit holes
    assert lines[2] == "0"  # and given back when freed


def test_zero_leaves_glibc_its_own_rule() -> None:
    with pytest.raises(NotConfigured):
        ReturnFreedMemory.from_crawler(get_crawler(Spider, {"MALLOC_MMAP_THRESHOLD": 0}))
