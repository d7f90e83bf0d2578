"""Project commands; `crawl` replaces Scrapy's own (see `scrapers/commands/crawl.py`)."""
