"""`scrapy check`, Scrapy's own, without the end-of-run checks (Spidermon): they judge a whole crawl."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheck


class Command(ScrapyCheck):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")
