"""`scrapy check`, Scrapy's own, without the end-of-run checks (Spidermon): they judge a whole crawl."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheck
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader

from scrapers.arguments import check_spider


class Command(ScrapyCheck):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")
        check_spiders(args, opts, self.settings)


def check_spiders(names: list[str], opts: argparse.Namespace, settings: BaseSettings) -> None:
    """The spiders named (every one when none is) and the settings checked as `scrapy crawl` checks them: an
    unknown name or a bad setting (`REPLAY_DIR` of no folder) is one line and exit status 1, where Scrapy gave a
    traceback, or "Ran 0 contracts ... OK" and exit 1 without a reason."""
    for name in names or get_spider_loader(settings).list():
        check_spider(name, opts, settings, {})
