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

glibc_raised_it = bytearray(4 * 1024 * 1024)  # freeing a 4 MB mapped block raises glibc's own threshold
del glibc_raised_it
before = mapped_blocks()
heap_page = bytearray(230_000)  # an article page of the average size of tests/data
print(mapped_blocks() - before)
crawler = get_crawler(Spider, {"MALLOC_MMAP_THRESHOLD": settings.MALLOC_MMAP_THRESHOLD})
extension = ReturnFreedMemory.from_crawler(crawler)
before = mapped_blocks()
page = bytearray(230_000)
print(extension.threshold, mapped_blocks() - before)
del page
print(mapped_blocks() - before)
del heap_page
"""


def test_a_page_sized_block_is_mapped_on_its_own_once_the_extension_is_on() -> None:
    # a process of its own: in a long one the block may fit a hole of the heap, which malloc fills first
    lines = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert lines == [
        "0",  # glibc's rule: from the heap
        f"{128 * 1024} 1",  # the extension's: mapped on its own
        "0",  # and given back when freed
    ]


def test_zero_leaves_glibc_its_own_rule() -> None:
    with pytest.raises(NotConfigured):
        ReturnFreedMemory.from_crawler(get_crawler(Spider, {"MALLOC_MMAP_THRESHOLD": 0}))
