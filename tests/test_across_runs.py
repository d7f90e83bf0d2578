"""Hourly runs on one state over a site whose links to a story change spelling from run to run: the story is
written once. A section that links each story with its position (`?pos=N`, which shifts as news comes in), and
a second link to one story under another parameter in the first run, made the same stories come back every
run as new records of version 1 (hostile review: 12 records for 5 stories over 3 runs, exit 0 each time).

A local site (loopback) lists three real articles (`tests/data/fundus-dev`), each page naming its address
without parameters as canonical."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from tests.harness import ROOT
from tests.hostile import GOOD, article_path, real_page
from tests.loopback import QuietHandler, serving
from tests.test_hostile import FAST, RUN_BOUND, read_lines
from tests.traps import with_canonical

STORIES = [article_path("meldung", n) for n in range(1, 4)]


def test_a_story_linked_under_another_spelling_in_a_later_run_is_not_written_again(tmp_path: Path) -> None:
    run = [1]

    class Site(QuietHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/nachrichten/":
                links = [f"{story}?pos={(n + run[0]) % 3}" for n, story in enumerate(STORIES)]
                if run[0] == 1:
                    links.append(f"{STORIES[0]}?pos=side")  # the first story twice in one run
                teasers = "".join(f'<article><h2><a href="{link}">Meldung</a></h2><p>Kurz.</p></article>'
                                  for link in links)
                body = (f'<html lang="de"><head><meta charset="utf-8"><title>Nachrichten</title></head>'
                        f"<body><h1>Nachrichten</h1>{teasers}</body></html>").encode()
            elif path in STORIES:
                body = with_canonical(real_page(GOOD[STORIES.index(path)]), f"{base}{path}")
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Site) as base:
        for run[0] in (1, 2, 3):
            out = tmp_path / f"run-{run[0]}.jsonl"
            command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}/nachrichten/",
                       "-o", str(out), "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}",
                       "-s", f"STATE_URI=sqlite:///{tmp_path}/s.db", *FAST]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_BOUND, check=False)
            assert result.returncode == 0, result.stderr[-3000:]
    records = [record for n in (1, 2, 3) for record in read_lines(tmp_path / f"run-{n}.jsonl")]
    assert sorted(record["canonical_url"] for record in records) == sorted(f"{base}{story}" for story in STORIES)
    assert {record["version"] for record in records} == {1}
