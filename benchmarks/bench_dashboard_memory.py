"""Dashboard server memory as sessions open and close, and how fast an uncached CDN path is refused.

Issue 15: the server's resident memory (RSS) stayed at its peak after sessions closed. Prints the
server's RSS idle, then with 1, 5 and 10 sessions open at once (each side by side, a few weeks
stepped, so a prepared week exists) and after they closed; then after each of 10 open-and-close
cycles of one session; then the time to a 404 for a CDN package that is not cached.
Run: .venv/bin/python benchmarks/bench_dashboard_memory.py [--settle 4]
"""

from __future__ import annotations

import argparse
import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_dashboard import CHROMIUM, open_page, start_server
from playwright.sync_api import Browser, Page, sync_playwright


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_session(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    open_page(page, url)
    page.locator(".truce-side-by-side label").click()
    page.wait_for_timeout(500)
    for _ in range(5):
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_timeout(200)
    return page


def close_session(page: Page) -> None:
    page.goto("about:blank")  # as a closed tab: the page's close beacon goes out
    page.context.close()


def cdn_miss_seconds(url: str) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{url}_solara/cdn/left-pad@1.3.0/index.js", timeout=60) as r:
            status = r.status
    except urllib.error.HTTPError as err:
        status = err.code
    return status, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=4.0, help="seconds to wait after closing")
    args = parser.parse_args()
    proc, url = start_server()
    try:
        pid = proc.pid
        print(f"idle server: {rss_mb(pid):.0f} MB")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for n in (1, 5, 10):
                pages = [open_session(browser, url) for _ in range(n)]
                opened = rss_mb(pid)
                for page in pages:
                    close_session(page)
                time.sleep(args.settle)
                print(f"{n:2d} sessions: {opened:.0f} MB open, {rss_mb(pid):.0f} MB after they closed")
            cycles = []
            for _ in range(10):
                close_session(open_session(browser, url))
                time.sleep(args.settle)
                cycles.append(rss_mb(pid))
            print("10 open-and-close cycles, MB after each:", " ".join(f"{mb:.0f}" for mb in cycles))
        status, seconds = cdn_miss_seconds(url)
        print(f"uncached CDN path: HTTP {status} in {seconds * 1000:.0f} ms")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
