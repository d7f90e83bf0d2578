"""Set-up as the README gives it: an editable install whose two first-screen commands CI runs word for word,
and the extras that the benchmark needs."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.harness import ROOT


def first_screen_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup, flags=re.S)


def test_readme_sets_up_with_two_commands_the_first_an_editable_install() -> None:
    install_and_crawl, tests = first_screen_commands()
    assert "pip install -q -e '.[dev]'" in install_and_crawl
    assert "scrapy crawl thoidai -s REPLAY_DIR=samples/thoidai -O articles.jsonl" in install_and_crawl
    # The tests start a real redis-server and headless Chromium: the command installs them first.
    assert tests == (
        "sudo apt-get update -qq && sudo apt-get install -y -qq chromium redis-server && .venv/bin/python -m pytest"
    )


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert first_screen_commands()[1] in ci_lines
    assert any("pip install -q -e '.[dev]'" in line for line in ci_lines)


def test_the_project_runs_from_the_checkout_not_a_copy() -> None:
    # A plain `pip install .` leaves a copy in site-packages: a new profile or an edited page class would
    # change nothing. Run from elsewhere, the interpreter must still find the checkout's code.
    result = subprocess.run(
        [sys.executable, "-c", "import scrapers, pipelines; print(scrapers.__file__); print(pipelines.__file__)"],
        cwd="/", capture_output=True, text=True, timeout=60, check=True,
    )
    assert [line.rsplit("/", 2)[0] for line in result.stdout.split()] == [str(ROOT), str(ROOT)]


def test_bench_extra_brings_lxml_html_clean() -> None:
    # trafilatura (through justext) imports lxml.html.clean, which lxml 5.2 moved to its own project.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bench = [re.split(r"[<>=\[ ]", requirement)[0] for requirement in project["optional-dependencies"]["bench"]]
    assert "trafilatura" in bench
    assert "lxml-html-clean" in bench
