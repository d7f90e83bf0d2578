"""Every Scrapy setting the project changes, and no others; the project's own settings at the end."""

BOT_NAME = "newsharvest"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# A polite crawler: says who it is, obeys robots.txt, adapts its pace to the site's response times.
USER_AGENT = "newsharvest/0.1 (+https://github.com/newsharvest/newsharvest; news archiving crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4

DOWNLOADER_MIDDLEWARES = {
    # Serves saved pages when REPLAY_DIR is set (NotConfigured otherwise); placed last before the
    # download so robots.txt, user agent and the rest still see every request.
    "scrapers.replay.ReplayDownloads": 950,
}

ITEM_PIPELINES = {
    "pipelines.text.CollapseWhitespace": 100,  # NFC, collapsed whitespace, no invisible characters
    "pipelines.authors.SplitBylines": 200,  # bylines -> person names; "(TH)", "Theo AFP" -> credit
    "pipelines.timestamps.FormatTimestamps": 300,  # datetimes -> ISO 8601 with offset; scraped_at in UTC
    "pipelines.links.CanonicalizeUrls": 400,  # every URL absolute, no fragment, canonical
    "pipelines.links.DeduplicateLinks": 500,  # link lists unique by URL, ranks 1..n
    "pipelines.dedupe.DropDuplicateArticles": 600,  # one record per canonical URL and run
    "pipelines.validate.RejectInvalidArticles": 700,  # JSON Schema; failures go to the rejects file
}

EXTENSIONS = {
    "scrapers.extensions.RejectsFile": 500,
    "scrapers.extensions.CrawlSummary": 510,
}

FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False

# Project settings.
REPLAY_DIR = ""
"""Folder of saved pages to crawl instead of the live site (see scrapers/replay.py)."""
REJECTS_URI = "%(name)s-rejects.jsonl"
"""Where rejected articles are written, one JSON line each with its reason."""
CRAWL_SUMMARY_ENABLED = True
