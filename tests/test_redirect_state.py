"""Hourly runs on one state over a site whose listed articles redirect: each listed URL is asked once, then
left to the revisit policy, whatever its redirect gives. Before, a listed URL whose redirect led to a URL the
run had already asked for, off the site, into a loop, past the redirect limit or to no URL at all got no state
entry, and every run asked for it again.

A local site (loopback) lists six article URLs on its section page:
- the first, a real article (`tests/data/fundus-dev`);
- the second, which redirects to the first (fetched just before it: Scrapy's duplicate filter drops the
  redirect);
- the third, which redirects to another host; the fourth, to itself; the fifth, to `javascript:`; the sixth,
  down a chain of redirects longer than Scrapy follows; the seventh, to the section page (a story taken down);
- the eighth, a story moved to another address (another real article), and the ninth, which redirects to the
  eighth's old address while its redirect is under way.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from tests.harness import ROOT
from tests.hostile import GOOD, article_path, real_page
from tests.loopback import QuietHandler, serving
from tests.test_hostile import FAST, RUN_BOUND, read_lines

LISTED = [article_path("meldung", n) for n in range(1, 10)]
MOVED = "/nachrichten/2024/05/03/meldung-verschoben.html"
REDIRECTS = dict(zip(LISTED[1:], [LISTED[0], "http://elsewhere.invalid/story", LISTED[3], "javascript:alert(1)",
                                  "/r/1", "/nachrichten/", MOVED, LISTED[7]], strict=True))


def section_page() -> bytes:
    teasers = "".join(f'<article class="teaser"><h2><a href="{path}">Meldung</a></h2><p>Kurz.</p></article>'
                      for path in LISTED)
    return ('<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Nachrichten</title>'
            f'<meta property="og:type" content="website"></head><body><h1>Nachrichten</h1>{teasers}</body></html>'
            ).encode()


def test_listed_urls_that_redirect_are_asked_once_then_left_to_the_revisit_policy(tmp_path: Path) -> None:
    log: list[str] = []
    article, moved = real_page(GOOD[0]), real_page(GOOD[1])

    class Site(QuietHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            log.append(path)
            if path.startswith("/r/"):  # a chain that never ends
                self.redirect(f"/r/{int(path[3:]) + 1}")
            elif path in REDIRECTS:
                self.redirect(REDIRECTS[path])
            elif path in ("/nachrichten/", LISTED[0], MOVED):
                body = section_page() if path == "/nachrichten/" else article if path == LISTED[0] else moved
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    state = tmp_path / "state.db"
    runs = []
    with serving(Site) as base:
        for run in (1, 2):
            start = len(log)
            out = tmp_path / f"run-{run}.jsonl"
            command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}/nachrichten/",
                       "-o", str(out), "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}",
                       "-s", f"STATE_URI=sqlite:///{state}", "-s", "CONCURRENT_REQUESTS=1",
                       "-s", "CHECK_MAX_HTTP_ERROR_SHARE=1", *FAST]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_BOUND, check=False)
            assert result.returncode == 0, result.stderr[-3000:]
            runs.append(Counter(log[start:]))

    first, second = runs
    assert {path: first[path] for path in LISTED} == dict.fromkeys(LISTED, 1)
    written = [record["url"] for record in read_lines(tmp_path / "run-1.jsonl")]
    assert written == [f"{base}{LISTED[0]}", f"{base}{MOVED}"]
    # The second run asks for the listing (and robots.txt), not one of the listed URLs.
    assert not set(second) & {*LISTED, *(path for path in second if path.startswith("/r/"))}, second
    assert read_lines(tmp_path / "run-2.jsonl") == []
    with sqlite3.connect(state) as db:
        known = dict(db.execute("SELECT url, status FROM articles").fetchall())
    assert [known.get(f"{base}{path}") for path in LISTED] == [
        "emitted", "emitted",  # the article, and the URL that leads to it
        "missing", "missing", "missing", "missing", "missing",  # tried again after RETRY_AFTER
        "emitted", "emitted",  # a moved story, and a URL that redirects to its old address
    ]
