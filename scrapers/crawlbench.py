"""Crawl benchmark: a bare Scrapy spider beside our crawl, on one local news site, in one command.

    python -m scrapers.crawlbench                      # 20,000 articles, concurrency 32, all three crawls
    python -m scrapers.crawlbench --articles 5000 --crawls bare,default
    python -m scrapers.crawlbench --serve              # only the site, until Ctrl-C
    python -m scrapers.crawlbench --crawls default --workers 2,3 --kill   # and distributed on a local Redis
    python -m scrapers.crawlbench --crawls default --shards 2,3           # and 2, 3 processes, no Redis

The site runs on 127.0.0.1 in separate server processes (`--servers`, sharing one port with SO_REUSEPORT):
`--articles` article pages built from the real pages of tests/data (fundus-dev and aeb; each real page
served under many URLs, its own URL, canonical and og:url rewritten to the new one), a section of 50
teasers a page with `rel=next` pagination, an RSS feed (the latest 50), a sitemap (the latest 1,000) named
by robots.txt. First the server is measured alone (a keep-alive HTTP client in two processes fetches every
article page), then, one after the other in the same run:

(a) `bare`: a Scrapy spider with Scrapy's own settings that only follows links (listing pages, robots.txt,
    sitemap, feed; article pages are fetched, not parsed);
(b) `default`: `scrapy crawl news` with the project's settings (extraction, pipelines, JSON Lines output);
(c) `harvest`: the same with the settings the README gives for a big harvest (`HARVEST_SETTINGS`).

Every crawl gets the same concurrency and no AutoThrottle (the site is local; the throttle would be what
is measured). For each crawl it prints pages/s (pages served between the first and the last request),
CPU ms per page of the crawl process (user + system, start-up included), peak RSS (its own VmHWM), the RSS
at 25, 50, 75 and 100% of the pages served (each the median of the samples, ten a second, over the 5% of
the pages before it), and the ratios to (a). On a shared machine, compare only the ratios of one run.

`--workers 2,3` then runs (b) as N workers sharing one frontier on a redis-server of its own (started on
127.0.0.1 at a free port, `redis-server` must be installed), and `--kill` once more with three workers, one
of them killed with SIGKILL when half the site is served and started again: for each, the pages/s of the
run, each worker's pages, the records written twice and missing (against what (b) wrote alone), and the
seconds each worker waited with nothing to do while the run went on (and how often it found the queue empty).
`--shards 2,3` runs (b) as N processes at once without Redis, each with `-a shard=i/N` (its N-th of the
article URLs; every process reads the listings): the same figures, each process's pages/s over its own run.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import html
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import SynchronizedArray
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PER_LISTING = 50
FEED_SIZE = 50
SITEMAP_SIZE = 1000
HARVEST_SETTINGS = {
    "LOG_LEVEL": "INFO",  # DEBUG logs every page and the whole of every record
    "COOKIES_ENABLED": False,  # news pages need no session; the cookie jar grows with every response
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",  # many sites in one crawl
    "READER_PROCESSES": "auto",  # article pages read on the machine's other cores (scrapers.readers)
}
"""The settings of (c): what the README's "Distributed crawling" section recommends for a big harvest."""

# ------------------------------------------------------------------------------------------------ the site


@dataclass(frozen=True)
class RealPage:
    parts: tuple[bytes, ...]
    """The page split where it names its own address; served joined by the new URL."""


def real_pages(data: Path = DATA) -> list[RealPage]:
    """Every page of fundus-dev and aeb, split at its original URL, canonical and og:url."""
    pages = []
    for dataset in ("fundus-dev", "aeb"):
        rows = (json.loads(line) for line in (data / dataset / "truth.jsonl").read_text(encoding="utf-8").splitlines())
        for row in rows:
            raw = gzip.decompress((data / dataset / "pages" / f"{row['id']}.html.gz").read_bytes())
            own = {row["url"].encode(), *_own_addresses(raw)}
            pattern = re.compile(b"|".join(re.escape(address) for address in sorted(own, key=len, reverse=True)))
            pages.append(RealPage(tuple(pattern.split(raw))))
    return pages


_OWN = re.compile(rb"""<(?:link|meta)\b[^>]*(?:rel=["']?canonical|property=["']og:url)[^>]*>""", re.IGNORECASE)
_HREF = re.compile(rb"""(?:href|content)=["']([^"']+)["']""", re.IGNORECASE)


def _own_addresses(raw: bytes) -> set[bytes]:
    found = set()
    for tag in _OWN.findall(raw):
        for value in _HREF.findall(tag):
            if value.startswith(b"http"):
                found.add(value)
    return found


def article_path(n: int) -> str:
    return f"/news/2024/{n % 12 + 1:02d}/{n % 28 + 1:02d}/harbour-council-votes-on-the-new-plan-{100000 + n}.html"


_ARTICLE_ID = re.compile(r"-(\d{6,})\.html$")


def listing_path(page: int) -> str:
    return "/news/" if page == 1 else f"/news/page/{page}"


def shell(title: str, body: str, head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Harbour'
            f' Times</title><meta property="og:type" content="website"><link rel="alternate"'
            f' type="application/rss+xml" href="/feed.xml">{head}</head><body><header><a href="/">Harbour Times'
            f'</a><nav><a href="/news/">News</a> <a href="/about">About</a></nav></header><main>{body}</main>'
            f'<footer><a href="/about">About us</a></footer></body></html>').encode()


class Site:
    """The pages of the benchmark site, by path; article pages are assembled per request."""

    def __init__(self, articles: int, base: str, pages: list[RealPage]) -> None:
        self.articles = articles
        self.base = base
        self.pages = pages
        self.listings = -(-articles // PER_LISTING)
        self.fixed: dict[str, tuple[bytes, bytes]] = {
            "/robots.txt": (f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap.xml\n".encode(), b"text/plain"),
            "/feed.xml": (self.feed(), b"application/rss+xml"),
            "/sitemap.xml": (self.sitemap(), b"application/xml"),
        }

    @property
    def size(self) -> int:
        """Pages a complete crawl fetches: articles, listings, feed, sitemap, robots.txt."""
        return self.articles + self.listings + 3

    def feed(self) -> bytes:
        items = "".join(f"<item><title>Story {n}</title><link>{self.base}{article_path(n)}</link></item>"
                        for n in range(min(FEED_SIZE, self.articles)))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour Times</title>'
                f"<link>{self.base}/</link>{items}</channel></rss>").encode()

    def sitemap(self) -> bytes:
        locs = "".join(f"<url><loc>{self.base}{article_path(n)}</loc></url>" for n in range(min(SITEMAP_SIZE,
                                                                                               self.articles)))
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{locs}</urlset>").encode()

    def listing(self, page: int) -> bytes:
        first = (page - 1) * PER_LISTING
        teasers = "".join(
            f'<article class="teaser"><h2><a href="{article_path(n)}">Harbour council votes on the new plan, part'
            f' {n}</a></h2><p>What the council decided and what comes next.</p></article>'
            for n in range(first, min(first + PER_LISTING, self.articles)))
        more = f'<a rel="next" href="{listing_path(page + 1)}">Next</a>' if page < self.listings else ""
        return shell(f"News, page {page}", f"<h1>News</h1>{teasers}<nav class=\"pagination\">{more}</nav>")

    def get(self, path: str) -> tuple[bytes, bytes] | None:
        """(body, content type) of `path`, or None."""
        if (found := self.fixed.get(path)) is not None:
            return found
        if (match := _ARTICLE_ID.search(path)) is not None:
            n = int(match.group(1)) - 100000
            if 0 <= n < self.articles and path == article_path(n):
                page = self.pages[n % len(self.pages)]
                return f"{self.base}{path}".encode().join(page.parts), b"text/html"
            return None
        if path == "/news/":
            return self.listing(1), b"text/html; charset=utf-8"
        if path.startswith("/news/page/") and path[11:].isdigit() and 1 < int(path[11:]) <= self.listings:
            return self.listing(int(path[11:])), b"text/html; charset=utf-8"
        return None


# ------------------------------------------------------------------------------------------------ the server


class HttpServer(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, GET only: as little work a request as a server can do."""

    def __init__(self, site: Site, served: SynchronizedArray[Any], slot: int) -> None:
        self.site = site
        self.served = served
        self.slot = slot
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            target = head.split(b" ", 2)[1].decode("latin-1")
            found = self.site.get(target.split("?", 1)[0])
            if found is None:
                self.transport.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            body, content_type = found
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                                 % (content_type, len(body), body))
            index = 3 * self.slot
            self.served[index] += 1
            now = time.monotonic()
            if not self.served[index + 1]:
                self.served[index + 1] = now
            self.served[index + 2] = now


def serve_forever(sock: socket.socket, site: Site, served: SynchronizedArray[Any], slot: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the servers

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: HttpServer(site, served, slot), sock=sock)
        await server.serve_forever()

    asyncio.run(main())


@dataclass
class Servers:
    base: str
    site: Site
    processes: Sequence[multiprocessing.process.BaseProcess]
    served: SynchronizedArray[Any]
    """Per server process: pages served, monotonic time of the first and of the last."""

    def count(self) -> int:
        return int(sum(self.served[3 * slot] for slot in range(len(self.processes))))

    def reset(self) -> None:
        for index in range(len(self.served)):
            self.served[index] = 0

    def window(self) -> tuple[float, float]:
        slots = [slot for slot in range(len(self.processes)) if self.served[3 * slot]]
        return (min(self.served[3 * slot + 1] for slot in slots), max(self.served[3 * slot + 2] for slot in slots))

    def cpu(self) -> float:
        return sum(process_cpu(process.pid) for process in self.processes if process.pid is not None)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join(5)


def start_servers(articles: int, count: int, data: Path = DATA) -> Servers:
    """`count` server processes on one free port of 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    site = Site(articles, base, real_pages(data))
    context = multiprocessing.get_context("fork")
    served = context.Array("d", 3 * count, lock=False)
    processes = [context.Process(target=serve_forever, args=(sock, site, served, slot), daemon=True)
                 for slot in range(count)]
    for process in processes:
        process.start()
    sock.close()
    return Servers(base, site, processes, served)


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------------ the server alone


def fetch_all(base: str, paths: list[str], connections: int) -> int:
    """Fetch `paths` over `connections` keep-alive connections; the bytes received."""
    host, port = base.removeprefix("http://").split(":")

    async def worker(queue: list[str], received: list[int]) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        while queue:
            writer.write(f"GET {queue.pop()} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
            received[0] += len(await reader.readexactly(length))
        writer.close()

    async def main() -> int:
        queue, received = list(paths), [0]
        await asyncio.gather(*(worker(queue, received) for _ in range(connections)))
        return received[0]

    return asyncio.run(main())


def measure_server(servers: Servers, clients: int = 2, connections: int = 16) -> dict[str, float]:
    paths = [article_path(n) for n in range(servers.site.articles)]
    servers.reset()
    cpu = servers.cpu()
    context = multiprocessing.get_context("fork")
    started = time.monotonic()
    with context.Pool(clients, initializer=signal.signal, initargs=(signal.SIGTERM, signal.SIG_DFL)) as pool:
        pool.starmap(fetch_all, [(servers.base, paths[slot::clients], connections) for slot in range(clients)])
    elapsed = time.monotonic() - started
    return {"pages": len(paths), "pages_s": len(paths) / elapsed,
            "server_cpu_ms": 1000 * (servers.cpu() - cpu) / len(paths)}


# ------------------------------------------------------------------------------------------------ the crawls


class BareSpider(Spider):
    """(a): follows the links of listings, robots.txt, sitemaps and feeds; fetches article pages, no more."""

    name = "bare"

    def __init__(self, url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = url

    async def start(self) -> Any:
        yield Request(self.start_url)
        yield Request(self.start_url.split("/news/")[0] + "/robots.txt", callback=self.parse_robots)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        if _ARTICLE_ID.search(response.url) or not isinstance(response, TextResponse):
            return
        if b"xml" in (response.headers.get(b"Content-Type") or b""):
            links = response.xpath("//*[local-name()='loc' or local-name()='link']/text()").getall()
        else:
            links = response.css("a::attr(href), link[rel=alternate]::attr(href)").getall()
        for link in links:
            yield response.follow(link)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        assert isinstance(response, TextResponse)
        for line in response.text.splitlines():
            if line.lower().startswith("sitemap:"):
                yield Request(line.split(":", 1)[1].strip())


def run_bare(url: str, settings: dict[str, Any]) -> None:
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings={"ROBOTSTXT_OBEY": True, **settings})
    process.crawl(BareSpider, url=url)
    process.start()


COMMON = {"CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "AUTOTHROTTLE_ENABLED": False}


@dataclass
class Crawl:
    name: str
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    peak_rss_mb: float = 0.0
    """The sum of the peak RSS (VmHWM) of the crawl process and of each reader process it had (a replaced one
    too): an upper bound of their peak together, as their peaks need not coincide and pages they share (the
    interpreter's own files) are counted in each."""
    peak_pss_mb: float = 0.0
    """The largest sum of the proportional set sizes of the crawl's processes (a page shared by n processes
    counts 1/n in each) among the samples: what they take of the machine's memory together."""
    processes: int = 1
    rss_mb: list[float] = field(default_factory=list)
    """At 25, 50, 75 and 100% of the pages served (`rss_level`)."""
    server_cpu: float = 0.0
    records: int = 0
    returncode: int = 0

    @property
    def pages_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.pages if self.pages else 0.0


def crawl_command(name: str, base: str, workdir: Path, concurrency: int) -> list[str]:
    common = {**COMMON, "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
              "LOG_FILE": str(workdir / f"{name}.log")}
    if name == "bare":
        return [sys.executable, "-m", "scrapers.crawlbench", "--bare", f"{base}/news/",
                "--settings", json.dumps(common)]
    settings = {**common, "REJECTS_URI": str(workdir / f"{name}-rejects.jsonl")}
    if name == "harvest":
        settings.update(HARVEST_SETTINGS)
        settings["STATE_URI"] = f"sqlite:///{workdir / 'state' / 'news.db'}"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}/news/", "-a", "max_pages=100000",
               "-O", str(workdir / f"{name}.jsonl")]
    for key, value in settings.items():
        command += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    return command


def run_crawl(name: str, servers: Servers, workdir: Path, concurrency: int) -> Crawl:
    servers.reset()
    server_cpu = servers.cpu()
    process = subprocess.Popen(crawl_command(name, servers.base, workdir, concurrency), cwd=ROOT)
    samples: list[tuple[int, float]] = []
    done = threading.Event()

    high_water: dict[int, float] = {}
    peak_pss = [0.0]

    def sample() -> None:
        while not done.is_set():
            tree = process_tree(process.pid)
            if not tree:
                return
            rss = pss = 0.0
            for pid in tree:
                try:
                    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                                  .splitlines() if line.startswith(("VmRSS", "VmHWM")))
                    own, high_water[pid] = (int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
                    pss += proportional_set_size(pid)
                except (OSError, KeyError, ValueError):
                    continue  # a reader process ended meanwhile
                rss += own
            peak_pss[0] = max(peak_pss[0], pss)
            samples.append((servers.count(), rss))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    crawl = Crawl(name, returncode=process.returncode)
    crawl.pages = servers.count()
    first, last = servers.window() if crawl.pages else (0.0, 0.0)
    crawl.seconds = last - first
    crawl.cpu = usage.ru_utime + usage.ru_stime
    # The crawl's own high-water mark (VmHWM, its last sample), and its reader processes' added: ru_maxrss would
    # also count the pages of this process, which the child shares between fork and exec (after reading a 150
    # MB output, 410 MB for (c)).
    crawl.peak_rss_mb = sum(high_water.values()) or usage.ru_maxrss / 1024
    crawl.peak_pss_mb = peak_pss[0]
    crawl.processes = len(high_water)
    crawl.server_cpu = servers.cpu() - server_cpu
    crawl.rss_mb = [rss_level(samples, share * crawl.pages, crawl.pages) for share in (0.25, 0.5, 0.75, 1.0)]
    output = workdir / f"{name}.jsonl"
    if output.exists():
        with output.open("rb") as lines:
            crawl.records = sum(1 for _ in lines)  # not read whole: see peak_rss_mb
    return crawl


RSS_WINDOW = 0.05
"""Share of the site's pages whose RSS samples make one RSS figure (`rss_level`)."""


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the reader processes of a crawl), or [] once it ended."""
    tree, index = [pid], 0
    while index < len(tree):
        try:
            tasks = list(Path(f"/proc/{tree[index]}/task").iterdir())
        except OSError:
            tasks = []
        for task in tasks:
            try:
                tree += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
        index += 1
    return tree if Path(f"/proc/{pid}").exists() else []


def proportional_set_size(pid: int) -> float:
    """The PSS of process `pid` in MB (Linux's smaps_rollup), 0 where the kernel does not tell it."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def rss_level(samples: list[tuple[int, float]], at: float, pages: int) -> float:
    """The crawl's RSS when `at` pages were served: the median of the samples taken while the `RSS_WINDOW` of the
    pages before it were served (at the end, with those taken after the last page). One sample is the page
    being read at that instant as much as the crawl's level (a 1.5 MB page adds some 15 MB while it is read):
    with single samples, the 100%-against-50% figure of (b) was -10% in one run and +13% in the next of the same
    build (10,000 articles); with these medians, +3% and +4%."""
    if not samples:
        return 0.0
    window = [rss for count, rss in samples if at - RSS_WINDOW * pages <= count <= at]
    return statistics.median(window) if window else next((rss for count, rss in samples if count >= at), samples[-1][1])


# ------------------------------------------------------------------------------------------------ many workers


@dataclass
class Workers:
    name: str
    pages: int = 0
    seconds: float = 0.0
    shares: list[int] = field(default_factory=list)
    """Pages each worker fetched (its log says when it leaves the run), in start order; a killed worker's
    restarted life only (the killed one never left). Of a shard: the responses its stats count."""
    idle: list[tuple[float, int]] = field(default_factory=list)
    """Of each Redis worker: seconds it waited with nothing to do while the run went on, and the times it found
    the run's queue empty (its log's leaving line)."""
    own_seconds: list[float] = field(default_factory=list)
    """Of each shard: its own crawl's duration (its stats' `elapsed_time_seconds`, start-up included)."""
    cpu: float = 0.0
    records: int = 0
    duplicates: int = 0
    missing: int = 0
    returncodes: list[int] = field(default_factory=list)


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no", "--dir", str(workdir), "--logfile", str(workdir / "redis.log")])
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return server, f"redis://127.0.0.1:{port}/0"


def run_workers(count: int, servers: Servers, workdir: Path, concurrency: int, redis_url: str | None, *,
                kill: bool = False) -> Workers:
    """(b) as `count` processes at once: with `redis_url`, workers sharing its frontier (`kill`: the first one
    killed with SIGKILL when half the site is served, and started again); without, `-a shard=i/count` each,
    no shared frontier (every process reads the listings, each fetches its n-th of the articles)."""
    if redis_url is not None:
        import redis

        redis.Redis.from_url(redis_url).flushall()
    name = f"{count}-{'workers' if redis_url is not None else 'shards'}{'-killed' if kill else ''}"
    folder = workdir / name
    folder.mkdir(parents=True, exist_ok=True)
    servers.reset()

    def start(n: int) -> subprocess.Popen[bytes]:
        command = crawl_command("default", servers.base, folder, concurrency)
        command[command.index("-O")] = "-o"  # a restarted worker goes on with its file
        command[command.index(str(folder / "default.jsonl"))] = str(folder / f"worker-{n}.jsonl")
        command[command.index(f"LOG_FILE={folder / 'default.log'}")] = f"LOG_FILE={folder / f'worker-{n}.log'}"
        command[command.index(f"REJECTS_URI={folder / 'default-rejects.jsonl'}")] = (
            f"REJECTS_URI={folder / f'worker-{n}-rejects.jsonl'}")
        if redis_url is None:
            return subprocess.Popen([*command, "-a", f"shard={n}/{count}"], cwd=ROOT)
        return subprocess.Popen([*command, "-s", f"REDIS_URL={redis_url}", "-s", "REDIS_LEASE=5"], cwd=ROOT)

    processes = [start(n) for n in range(count)]
    cpu = 0.0
    if kill:
        while servers.count() < servers.site.size / 2 and processes[0].poll() is None:
            time.sleep(0.05)
        processes[0].send_signal(signal.SIGKILL)
        _, _, usage = os.wait4(processes[0].pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        processes[0] = start(0)
    run = Workers(name)
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        run.returncodes.append(os.waitstatus_to_exitcode(status))
        cpu += usage.ru_utime + usage.ru_stime
    run.cpu = cpu
    run.pages = servers.count()
    first, last = servers.window()
    run.seconds = last - first
    written: list[str] = []
    for n in range(count):
        output = folder / f"worker-{n}.jsonl"
        written += [json.loads(line)["url"] for line in output.read_text(encoding="utf-8").splitlines()]
        log = output.with_suffix(".log").read_text(encoding="utf-8")
        if redis_url is not None:
            run.shares.append(sum(int(pages) for pages in re.findall(r"leaves run \d+: (\d+) pages fetched", log)))
            waits = re.findall(r"leaves run \d+: .*; idle ([\d.]+) s, (\d+) empty polls", log)
            run.idle.append((sum(float(seconds) for seconds, _ in waits), sum(int(polls) for _, polls in waits)))
        else:
            run.shares.append(sum(int(pages) for pages in re.findall(r"'response_received_count': (\d+)", log)))
            run.own_seconds.append(sum(float(s) for s in re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)))
    run.records = len(set(written))
    run.duplicates = len(written) - run.records
    alone = workdir / "default.jsonl"
    if alone.exists():
        expected = {json.loads(line)["url"] for line in alone.read_text(encoding="utf-8").splitlines()}
        run.missing = len(expected - set(written))
    return run


def workers_table(runs: list[Workers], alone: Crawl | None) -> str:
    lines = ["| crawl | pages | pages/s | of (b) alone | pages of each worker | pages/s of each | CPU ms/page |"
             " records | written twice | missing | idle s (empty polls) of each |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        speed = run.pages / run.seconds if run.seconds else 0.0
        ratio = f"{speed / alone.pages_s:.2f}" if alone and alone.pages_s else "-"
        seconds = run.own_seconds or [run.seconds] * len(run.shares)
        each = " + ".join(f"{share / own:.0f}" if own else "-" for share, own in zip(run.shares, seconds, strict=True))
        lines.append(f"| {run.name} | {run.pages} | {speed:.0f} | {ratio} | {' + '.join(map(str, run.shares))} |"
                     f" {each} | {1000 * run.cpu / max(run.pages, 1):.2f} | {run.records} | {run.duplicates} |"
                     f" {run.missing if alone else '-'} |"
                     f" {' + '.join(f'{idle:.0f} ({polls})' for idle, polls in run.idle) or '-'} |")
    return "\n".join(lines)


def table(crawls: list[Crawl]) -> str:
    bare = next((crawl for crawl in crawls if crawl.name == "bare"), None)
    lines = ["| crawl | processes | pages | records | pages/s | of (a) | CPU ms/page | server CPU ms/page"
             " | peak RSS MB |"
             " of (a) | peak PSS MB | of (a) | RSS MB at 25/50/75/100% | 100% vs 50% |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for crawl in crawls:
        speed = f"{crawl.pages_s / bare.pages_s:.2f}" if bare and bare.pages_s else "-"
        memory = f"{crawl.peak_rss_mb / bare.peak_rss_mb:.2f}" if bare and bare.peak_rss_mb else "-"
        shared = f"{crawl.peak_pss_mb / bare.peak_pss_mb:.2f}" if bare and bare.peak_pss_mb else "-"
        rss = "/".join(f"{value:.0f}" for value in crawl.rss_mb)
        flat = f"{crawl.rss_mb[3] / crawl.rss_mb[1] - 1:+.0%}" if crawl.rss_mb[1] else "-"
        lines.append(f"| ({'abc'[['bare', 'default', 'harvest'].index(crawl.name)]}) {crawl.name} | {crawl.processes} |"
                     f" {crawl.pages} |"
                     f" {crawl.records} | {crawl.pages_s:.0f} | {speed} | {crawl.cpu_ms:.2f} |"
                     f" {1000 * crawl.server_cpu / max(crawl.pages, 1):.2f} | {crawl.peak_rss_mb:.0f} | {memory} |"
                     f" {crawl.peak_pss_mb:.0f} | {shared} | {rss} | {flat} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--crawls", default="bare,default,harvest")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--servers", type=int, default=2, help="server processes")
    parser.add_argument("--workdir", type=Path, help="where outputs and logs go (default: a temporary folder)")
    parser.add_argument("--serve", action="store_true", help="only serve the site until interrupted")
    parser.add_argument("--workers", default="", help="then (b) with this many workers on one Redis, e.g. 2,3")
    parser.add_argument("--kill", action="store_true", help="then three workers, one killed midway and restarted")
    parser.add_argument("--shards", default="", help="then (b) as this many processes, -a shard=i/n each, e.g. 2,3")
    parser.add_argument("--bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--settings", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        run_bare(args.bare, json.loads(args.settings))
        return 0
    servers = start_servers(args.articles, args.servers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # `kill` stops the server processes too
    try:
        site = servers.site
        print(f"site: {servers.base}/news/  {site.articles} articles from {len(site.pages)} real pages,"
              f" {site.listings} listing pages, {site.size} pages in all; {args.servers} server processes", flush=True)
        if args.serve:
            threading.Event().wait()
        alone = measure_server(servers)
        print(f"server alone: {alone['pages_s']:.0f} article pages/s to a client in 2 processes"
              f" ({alone['server_cpu_ms']:.2f} ms server CPU a page)", flush=True)
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="crawlbench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        crawls = []
        for name in args.crawls.split(","):
            crawls.append(run_crawl(name, servers, workdir, args.concurrency))
            print(f"{name}: {crawls[-1].pages} pages in {crawls[-1].seconds:.1f} s, exit {crawls[-1].returncode}",
                  flush=True)
        print(f"\nconcurrency {args.concurrency}, outputs and logs in {workdir}; load average at the end:"
              f" {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
        print(table(crawls))
        shards = [int(count) for count in args.shards.split(",") if count]
        runs = [run_workers(count, servers, workdir, args.concurrency, None) for count in shards]
        counts = [int(count) for count in args.workers.split(",") if count]
        if counts or args.kill:
            redis_server, redis_url = start_redis(workdir)
            try:
                runs += [run_workers(count, servers, workdir, args.concurrency, redis_url) for count in counts]
                if args.kill:
                    runs.append(run_workers(3, servers, workdir, args.concurrency, redis_url, kill=True))
            finally:
                redis_server.terminate()
                redis_server.wait()
        if runs:
            print(f"\nload average at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
            print(workers_table(runs, next((crawl for crawl in crawls if crawl.name == "default"), None)))
    except KeyboardInterrupt:
        pass
    finally:
        servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
