"""Every Scrapy setting the project changes, and no others; the project's own settings at the end."""

BOT_NAME = "newsharvest"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# A polite crawler: says who it is, obeys robots.txt, adapts its pace to the site's response times.
USER_AGENT = "newsharvest/0.1 (+https://github.com/newsharvest/newsharvest; news archiving crawler)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapers.middlewares.RobotsWithSitemaps"  # Scrapy's, keeping the sitemaps it names
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items and requests of one response handled at once. Scrapy's 100 starts 100 asyncio tasks for every
# response, whatever it yields: 1.7 ms a response against 0.2 ms at 8 (scrapy.utils.asyncio._parallel_asyncio,
# one item a response; 1.9 vs 0.7 ms for a listing's 50 requests). An article page yields one record, the
# pipelines wait on nothing, so more at once gains nothing.
CONCURRENT_ITEMS = 8
# Breadth first: the articles a page links to are fetched before the pages found beyond them (the next listing
# page and its articles). Depth first (Scrapy's default) the pagination races ahead of the slower article
# pages and their requests wait in memory: 6,300 queued halfway through a crawl of 20,000 articles (Python's
# heap +200,000 blocks), against about 50 breadth first (crawlbench; the heap flat).
DEPTH_PRIORITY = 1
# ...and first in, first out within a depth (Scrapy's queues are last in, first out): a sitemap's or a feed's
# articles are fetched in its order, newest first, and the articles a feed or listing named before a big
# sitemap was read come before that sitemap's. Last in, first out, a sitemap of 50,000 articles was fetched
# oldest first, and the feed's new articles, queued before it, waited behind all of them.
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Scrapy's, counting what it still holds when a run is stopped (`fetch/stopped`); REDIS_URL puts the shared one.
SCHEDULER = "scrapers.shutdown.StoppingScheduler"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"

COMMANDS_MODULE = "scrapers.commands"  # `scrapy crawl` exits non-zero when a check fails

# Bounded work: an hourly run ends well within its hour whatever the site does (README, "Bounds").
DOWNLOAD_TIMEOUT = 30  # seconds for one attempt, headers and body; a page normally takes under 5
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # bytes, also after gzip/brotli decompression; real pages: up to 1.5 MB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
SITEMAP_MAXSIZE = 50 * 1024 * 1024  # bytes of a sitemap, unpacked: the protocol's limit (50,000 URLs, 50 MB)
# Bytes of responses in the callbacks at once before Scrapy stops sending requests (its default: 5 MB). A sitemap
# of 50,000 URLs is 6.6 MB: while its entries became requests (35 s), not one article was fetched, and a run of
# six such sitemaps fetched none in 150 s (hostile review). Room for the largest sitemap and the pages beside it.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = SITEMAP_MAXSIZE + 16 * 1024 * 1024
DNS_TIMEOUT = 10
REDIRECT_MAX_TIMES = 10  # real redirects take one to three hops
CLOSESPIDER_TIMEOUT = 45 * 60  # seconds: the whole run, for cron; the spider closes as after SIGTERM
DOWNLOAD_HANDLERS = {
    # Scrapy's HTTP/1.1 handler, whose downloads in flight a SIGTERM cancels (scrapers/shutdown.py).
    "http": "scrapers.shutdown.CancellableDownloadHandler",
    "https": "scrapers.shutdown.CancellableDownloadHandler",
    # A news crawl speaks HTTP only: a link or redirect to file:, data:, s3: or ftp: is never fetched.
    "file": None,
    "data": None,
    "s3": None,
    "ftp": None,
}
# With REDIS_URL: the frontier (scheduler queue, dupefilter) and the run's figures in Redis, shared by workers.
ADDONS = {"scrapers.distributed.RedisFrontier": 0}

SPIDER_MIDDLEWARES = {
    # After Scrapy's HttpErrorMiddleware (50): pages of more than PAGE_MAX_ELEMENTS elements are not read.
    "scrapers.middlewares.RefuseOversizePages": 55,
    # Each request's final outcome: fetch/ok, fetch/failed/<cause>, fetch/stopped.
    "scrapers.middlewares.CountFetchOutcomes": 60,
    # At most MAX_ARTICLES_PER_RUN article requests, of those the state calls due (after SkipKnownArticles).
    "scrapers.middlewares.BoundArticleRequests": 750,
    # With STATE_URI: article requests the state does not call due are not sent (NotConfigured otherwise).
    "scrapers.harvest.SkipKnownArticles": 800,
    # With -a shard=i/n: only the article requests of one n-th of the site, before the state is asked.
    "scrapers.middlewares.ShardArticles": 850,
    # Links without campaign parameters and session ids, before the shards, the state and the duplicate filter.
    "scrapers.middlewares.DropTrackingParameters": 900,
}

DOWNLOADER_MIDDLEWARES = {
    # Last to see each response: article pages read in reader processes (READER_PROCESSES), on another core.
    "scrapers.readers.ReadArticlesAside": 10,
    # Before the offsite filter (50): no request to localhost or a private address off the spider's site.
    "scrapers.middlewares.RefusePrivateAddresses": 40,
    # Responses whose headers pass RESPONSE_HEADERS_MAXSIZE given up (size_cap), where their memory grew unbounded.
    "scrapers.middlewares.BoundResponseHeaders": 45,
    # Scrapy's retries, honouring Retry-After up to RETRY_AFTER_HEADER_MAX seconds.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.RetryAfter": 550,
    # Scrapy's meta refresh redirects, without decoding the bodies that name no refresh.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapers.middlewares.MetaRefreshWithoutDecoding": 580,
    # Scrapy's decompression, a body that does not decode counted as decoding_failed instead of raising.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "scrapers.middlewares.RefuseUndecodableBodies": 590,
    # Scrapy's redirects, a Location that is no URL (javascript:) refused instead of raising.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapers.middlewares.RedirectToUrlsOnly": 600,
    # Scrapy's cookies, in a Cookie header servers accept (COOKIES_MAX_HEADER).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "scrapers.middlewares.CappedCookieHeader": 700,
    # Serves saved pages when REPLAY_DIR is set (NotConfigured otherwise); placed last before the
    # download so robots.txt, user agent and the rest still see every request.
    "scrapers.replay.ReplayDownloads": 950,
}

ITEM_PIPELINES = {
    "pipelines.text.CollapseWhitespace": 100,  # NFC, collapsed whitespace, no invisible characters
    "pipelines.text.BoundFields": 150,  # every text and list within its size (a 1 MB headline cut), counted
    "pipelines.authors.SplitBylines": 200,  # bylines -> person names; "(TH)", "Theo AFP" -> credit
    "pipelines.timestamps.FormatTimestamps": 300,  # datetimes -> ISO 8601 with offset; scraped_at in UTC
    "pipelines.links.CanonicalizeUrls": 400,  # every URL absolute, no fragment, canonical
    "pipelines.links.DeduplicateLinks": 500,  # link lists unique by URL, ranks 1..n
    "pipelines.validate.RejectInvalidArticles": 600,  # JSON Schema; failures go to the rejects file
    # one record per story and run, of the records written: after the validation, or a page rejected (no body)
    # made a good page of the same story a "duplicate" of a record in no file, with exit 0 (loss review)
    "pipelines.dedupe.DropDuplicateArticles": 700,
    "pipelines.versions.DropUnchangedArticles": 800,  # with STATE_URI: versions; unchanged articles not written again
}

# Order matters at the end of a run: coverage is counted (CrawlSummary) before the checks run (Spidermon),
# and the state commits (HarvestState) after the output files and the report are written.
EXTENSIONS = {
    "scrapy.extensions.feedexport.FeedExporter": None,
    "scrapers.outputfiles.CheckedFeedExporter": 0,  # Scrapy's, refusing an output it could never write
    "scrapers.extensions.ReturnFreedMemory": 0,  # large blocks given back to the system when freed (glibc)
    "scrapers.extensions.SparseGarbageCollection": 10,  # start-up objects frozen, young objects collected less often
    "scrapers.extensions.LogFileErrors": 20,  # a LOG_FILE that cannot be written: one error, not a traceback a line
    "scrapers.extensions.RejectsFile": 500,
    "scrapers.extensions.CrawlSummary": 510,
    "spidermon.contrib.scrapy.extensions.Spidermon": 520,
    "scrapers.harvest.HarvestState": 900,  # with STATE_URI: the incremental state, committed with the output
    "scrapers.shutdown.GracefulShutdown": 1000,  # SIGTERM cancels the downloads in flight; a second one exits non-zero
}

SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("scrapers.monitors.HarvestChecks",)

# Local feed files are written to <path>.part and renamed into place when complete.
FEED_STORAGES = {
    "": "scrapers.outputfiles.AtomicFileFeedStorage",
    "file": "scrapers.outputfiles.AtomicFileFeedStorage",
}

FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORTERS = {  # nested fields as JSON cells (CSV) and nested elements (XML), not Python reprs
    "csv": "scrapers.exporters.JsonCellsCsvItemExporter",
    "xml": "scrapers.exporters.NestedXmlItemExporter",
    # Scrapy's JSON Lines, byte for byte, without an ItemAdapter per record and per nested link.
    "jsonlines": "scrapers.exporters.RecordJsonLinesItemExporter",
    "jsonl": "scrapers.exporters.RecordJsonLinesItemExporter",
    "jl": "scrapers.exporters.RecordJsonLinesItemExporter",
}
LOG_FORMATTER = "scrapers.logformatter.ArticleLogFormatter"  # a dropped article is one line: reason and URL
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control opens an HTTP endpoint on loopback that runs Python in the crawl, and leaves its token
# in a job file under ~/.local/state/scrapy for every run it did not end cleanly (hundreds, after months of cron).
REMOTE_CONTROL_ENABLED = False

# Project settings.
REPLAY_DIR = ""
"""Folder of saved pages to crawl instead of the live site (see scrapers/replay.py)."""
REPLAY_LATENCY = 0.0
"""Seconds each saved page takes to answer, to rehearse a slow site (the crash tests kill a crawl midway)."""
REJECTS_URI = "%(name)s-rejects.jsonl"
"""Where rejected articles are written, one JSON line each with its reason."""
CRAWL_SUMMARY_ENABLED = True
"""Log the run report as a one-screen summary when the crawl ends."""
RUN_REPORT_URI = ""
"""Where the run report (JSON) goes; empty: beside each output file, as `<output>.report.json`."""
CHECK_MIN_RECORDS = 5
"""Ratio checks (coverage, rejects, HTTP errors, bot wall) need at least this many articles or requests; a smaller
run is counted with the runs just before it that had the same trouble (`scrapers.monitors.HarvestMonitor.lasting`)."""
CHECK_MIN_FAILURES = 3
"""...and at least this many failures (rejects, HTTP errors, empty pages): one bad page of four is no surge."""
CHECK_REQUIRED_COVERAGE = {"title": 0.8, "body": 0.8, "published_at": 0.5}
"""With no history yet, these fields must be present in at least this share of the articles read."""
CHECK_COVERAGE_DROP = 0.3
"""A field present in this share fewer articles than the median of the site's recent runs fails the run."""
CHECK_MAX_REJECT_SHARE = 0.2
CHECK_MAX_HTTP_ERROR_SHARE = 0.2
CHECK_MAX_EMPTY_SHARE = 0.5
"""Article pages with no body and no date (a bot wall) above this share fail the run."""
STATE_URI = ""
"""Incremental state, e.g. `sqlite:///state/%(name)s.db`; empty: every run fetches and writes everything."""
REVISIT_AFTER = "2d:6h 30d:3d"
"""When a fetched article is due again, by age: `age:interval` tiers; older than the last tier, never."""
RETRY_AFTER = "6h"
"""When an article that was rejected or answered an HTTP error is tried again."""
RETRY_WITHIN = "3d"
"""For how long after it was first seen an article that gave no record yet (an HTTP error, a timeout, a reject)
is asked again though no listing, feed or sitemap shows it any more."""
STATE_LOCK_TIMEOUT = 0.0
"""Seconds a run waits for another run that holds the state before it gives up."""
RETRY_AFTER_HEADER_MAX = 30.0
"""Longest `Retry-After` (seconds) a 429 or 5xx response is honoured for; a longer one gives up the request."""
RESPONSE_HEADERS_MAXSIZE = 256 * 1024
PAGE_MAX_ELEMENTS = 200_000
"""Pages with more elements are not read (counted `fetch/failed/page_too_large`): real articles have under
5,000 (4,274 the most of the 309 dev pages), and a page at the cap takes 2 to 6 s to read by its shape (fuzzer,
on a quiet core: 195,000 nested <p> 2.3 s, <br>-separated words 4.9 s, sibling <p> 5.8 s); 100,000 nested <div>s
around a story still pass."""
READER_PROCESSES = 0
"""Processes beside the crawl's that read article pages (`scrapers.readers`): 0 reads them in the crawl process;
`auto` is one a core the crawl may use, at most 2, none on one core. Each costs 60-75 MB (see the README)."""
READER_TIMEOUT = 60.0
"""Seconds a reader process may spend on one page before it is stopped and the page rejected (0: no bound);
real pages take under a second, the slowest of a 30,000-page soak 0.45 s."""
MAX_ARTICLES_PER_RUN = 200_000
"""Article URLs a run requests at most, of those not known or due (`BoundArticleRequests`); 0: no bound. A run
fetches about 300,000 pages in its 45 minutes at 110 a second; each queued request holds 0.7 KB."""
SITEMAP_MAX_FILES = 1_000
"""Sitemaps a run follows at most from sitemap indexes, newest first (`parse_sitemap`); 0: no bound. An index of
3,000 indexes of 50,000 sitemaps each, within the protocol's limits, queued sitemaps until the crawl held 1.3 GB
and took 270 s to stop on SIGTERM."""
COOKIES_MAX_KEPT = 180
"""Cookies the crawl keeps at most (as browsers keep 180 a site); the names a site sets past it are not kept.
0: no bound."""
COOKIES_MAX_HEADER = 4096
"""Bytes of the `Cookie` header a request carries at most (servers refuse a header line past 8 KB); a site's
cookies past it are not sent. 0: no bound."""
MALLOC_MMAP_THRESHOLD = 128 * 1024
"""Bytes from which glibc maps a block on its own and unmaps it when freed (response bodies; see
`scrapers.extensions.ReturnFreedMemory`); 0 leaves glibc's own rule, which raises it as large blocks are freed."""
GC_GEN0_THRESHOLD = 10_000
"""Objects alive since the last young collection that start the next one (Python's 700); 0 leaves Python's
collector as it is (see `scrapers.extensions.SparseGarbageCollection`)."""
REDIS_URL = ""
"""Redis of a distributed crawl, e.g. `redis://10.0.0.5:6379/0`; empty: one process crawls alone."""
REDIS_LEASE = 15.0
"""Seconds after which a distributed worker that stopped answering (killed) loses its requests to the others."""
ALERT_ACTIONS: list[str] = []
"""Spidermon actions run when a check fails: `email`, `slack`, `telegram`, `discord`, `ses`, `sentry` (each
configured by Spidermon's own `SPIDERMON_*` settings) or an action's class path (see scrapers/monitors.py)."""
