"""Browser-test fixtures: one real dashboard server per module, Debian's Chromium, strict pages.

`spied` is the same server watched from inside (`spy_server.py`): what it reads, which models it
still holds, and whether it reaches for the internet.

Every page fails its test on a JavaScript error, an HTTP status >= 400, or any request to a host
other than the loopback server: the dashboard must work in a room without network.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from dashboards.assets import server_env

CHROMIUM = os.environ.get("TRUCE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).resolve().parents[2]
CHARTS = ("revenue", "churn", "turnover", "funnel", "climate", "handoff")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium (Playwright cannot download its own here); missing is a failure, never a skip."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/test.sh as root (it installs it), or "
            "apt-get install -y --no-install-recommends chromium, or set TRUCE_CHROMIUM"
        )
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A projector's screen: every chart of the page fits in it."""
    return {**browser_context_args, "viewport": {"width": 1920, "height": 1200}, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(command: list[str], env: dict[str, str]) -> Iterator[str]:
    """Run a dashboard server in its own process group until the block ends; yields its page's URL.

    `command` gets `--port` and the remaining `solara run` options appended.
    """
    port = _free_port()
    command = [*command, "--port", str(port), "--production", "--no-open"]
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / f"server-{port}.log").open("w")
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"dashboard server did not start (see {log.name})")
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


SOLARA_RUN = ["run", "dashboards.app", "--host", "127.0.0.1"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`solara run dashboards.app --production` on a free loopback port, in its own process group."""
    with _serving([sys.executable, "-m", "solara", *SOLARA_RUN], server_env()) as url:
        yield url


class Watch:
    """What went wrong on a page: script errors, failed responses, requests off the machine."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        page.on("response", self._response)
        # Cut the network: any request to another host is blocked and recorded.
        page.route("**/*", self._route)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _route(self, route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.errors.append(f"request off the machine: {route.request.url}")
            route.abort()


def open_dashboard(page: Page, url: str) -> Watch:
    """Load the page and wait until every chart has drawn."""
    watch = Watch(page)
    page.goto(url)
    wait_charts(page)
    return watch


def wait_charts(
    page: Page, newer_than: dict[str, str] | None = None, timeout: float = 90_000
) -> dict[str, str]:
    """Wait until every chart has drawn (a revision newer than `newer_than`); return the revisions.

    The wait is long because the suite runs beside CPU-bound tests on two cores: a clean-clone run
    once saw a fresh server's first Step take over 30 s while the equivalence test's pool and another
    browser test held both cores (pytest-xdist's loadgroup, which would keep browser tests apart,
    does not group tests with this pytest). A Step takes about 30 ms on an idle machine."""
    page.wait_for_function(
        """([names, old]) => names.every((n) => {
            const el = document.querySelector(`.truce-chart[data-chart="${n}"]`);
            return el && el.dataset.rev !== undefined && (!old || el.dataset.rev !== old[n]);
        })""",
        arg=[list(CHARTS), newer_than],
        timeout=timeout,
    )
    return revisions(page)


def revisions(page: Page) -> dict[str, str]:
    charts = "[...document.querySelectorAll('.truce-chart')]"
    return page.evaluate(f"Object.fromEntries({charts}.map(e => [e.dataset.chart, e.dataset.rev]))")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def dash(page: Page, server: str) -> Iterator[Page]:
    """The dashboard, loaded; the test fails afterwards if anything went wrong on the page."""
    watch = open_dashboard(page, server)
    yield page
    assert watch.errors == []


class Witness:
    """A loopback port that counts the connections made to it: stands in for the internet."""

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self._socket.accept()
                self.connections += 1
                connection.close()

    def close(self) -> None:
        self._socket.close()


@dataclass
class Spied:
    """The dashboard server run by `spy_server.py`, and what it can be asked about itself."""

    url: str
    probe: str  # base URL of the server's own probe (`/models`, `/kernels`)
    sentinels: Path  # a folder whose every access the server logs
    log: Path  # the accesses, one path per line
    cdn: Witness  # where the server's CDN URL points

    def ask(self, what: str) -> int:
        with urllib.request.urlopen(f"{self.probe}/{what}", timeout=60) as response:
            return json.load(response)

    def accesses(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []


@pytest.fixture(scope="module")
def spied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spied]:
    """The real dashboard server, watched from inside (`spy_server.py`), its CDN pointed at a witness."""
    marker = f"truce-sentinel-{os.getpid()}-{time.monotonic_ns()}"
    sentinels = tmp_path_factory.mktemp(marker)
    log = tmp_path_factory.mktemp("spy") / "accesses.log"
    cdn, probe = Witness(), _free_port()
    env = {
        **server_env(),
        "SOLARA_ASSETS_CDN": f"http://127.0.0.1:{cdn.port}/npm/",
        # a page gone without its close beacon is let go of after this, not `CULL_TIMEOUT`
        "SOLARA_KERNEL_CULL_TIMEOUT": "3s",
        "TRUCE_SPY_MARKER": marker,
        "TRUCE_SPY_LOG": str(log),
        "TRUCE_SPY_PORT": str(probe),
    }
    command = [sys.executable, str(Path(__file__).with_name("spy_server.py")), *SOLARA_RUN]
    try:
        with _serving(command, env) as url:
            yield Spied(url, f"http://127.0.0.1:{probe}", sentinels, log, cdn)
    finally:
        cdn.close()
