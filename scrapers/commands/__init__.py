"""Project commands; `crawl` replaces Scrapy's own (see `scrapers/commands/crawl.py`). Their shared base,
`StateCommand`, lives in `scrapers/runs.py`: Scrapy takes every command class of this package for a command."""
