"""Pages that go wrong in a reader process (`scrapers.readers`): one whose reading raises, one that kills the
process reading it (when `READER_TEST_KILL` is set), one read for `READER_TEST_SLEEP` seconds; with
`READER_TEST_ALL=kill` or `sleep` every page does that in a reader process, with `READER_TEST_ALL=twoarg`
the raising page raises an exception that pickles but does not unpickle. The reader tests crawl the sample
site with them (`-s SPIDER_MODULES=tests.readerparts`)."""

from __future__ import annotations

import os
import signal
import time

from scrapers import readerprocess
from scrapers.pages import ArticlePage
from scrapers.sites.mastercms import MasterCMSArticle
from scrapers.spiders.sites import ThoidaiSpider

RAISES = "https://thoidai.com.vn/can-bo-chien-si-vung-3-vung-4-hai-quan-giao-luu-the-thao-gan-ket-tinh-dong-doi-206430.html"
KILLS = "https://thoidai.com.vn/khai-mac-hoi-thao-khoa-hoc-quoc-te-ve-bien-dong-lan-thu-16-206395.html"
SLOW = "https://thoidai.com.vn/ha-noi-mua-thu-trong-mat-ban-be-quoc-te-85127.html"

class TwoArgumentError(Exception):
    def __init__(self, url: str, code: int) -> None:
        super().__init__(f"{url}: {code}")  # pickled with one argument, made again with one: a TypeError


class TroubleArticle(MasterCMSArticle):
    def title(self) -> str:
        every = os.environ.get("READER_TEST_ALL", "")
        if readerprocess.IN_READER_PROCESS and every == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if readerprocess.IN_READER_PROCESS and every == "sleep":
            time.sleep(3600)
        if self.url == RAISES and every == "twoarg" and readerprocess.IN_READER_PROCESS:
            raise TwoArgumentError(self.url, 1)
        if self.url == RAISES:
            raise ValueError("a page no reader expected")
        if self.url == KILLS and os.environ.get("READER_TEST_KILL") and readerprocess.IN_READER_PROCESS:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.url == SLOW:
            time.sleep(float(os.environ.get("READER_TEST_SLEEP", "0")))
        return super().title()


class TroubleSpider(ThoidaiSpider):
    name = "thoidai"

    def article_page(self, url: str) -> type[ArticlePage]:
        return TroubleArticle
