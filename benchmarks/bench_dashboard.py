"""Dashboard speed in a real Chromium: first chart, click-to-repaint per Step, 260 weeks played.

Budgets (issue 4): Step click -> last chart repainted <= 150 ms (single and side by side, measured
from week 0 and again from week 180), first chart <= 6 s after opening the page on a warm server,
260 weeks at full speed <= 60 s.
Run: .venv/bin/python benchmarks/bench_dashboard.py [--steps 15] [--breakdown]

`--breakdown` also times every plotly.js call on the plots on show (its synchronous part: the
browser's main thread is busy for that long) and says when after the click the first redraw began:
what is left of a step is then server and transport (click to first redraw) and plotly.js (the sum
over charts). A chart whose coming week was drawn ahead, while the page was idle, counts 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from dashboards.assets import server_env

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("TRUCE_CHROMIUM", "/usr/bin/chromium")
CHARTS = ("revenue", "churn", "turnover", "funnel", "climate", "handoff")
HORIZON = 260
LATE = 180  # a late week: the time charts then hold three and a half years of points, the Sankey many flows
MEASURED = (("single", 0), ("side by side", 0), ("side by side", LATE), ("single", LATE))
ALL_DRAWN = (
    "names => names.every(n => document.querySelector(`.truce-chart[data-chart='${n}']`)?.dataset.rev)"
)
CLICK_STEP = """() => {
    const step = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Step');
    window.__truceDrawn = {};
    const t = performance.now();
    step.click();
    return t;
}"""


# Wraps the page's plotly.js drawing call to record [chart, start, end] of its synchronous part, for
# the plots on show.
TIME_PLOTLY = """() => window.__trucePlotly.then((Plotly) => {
    const react = Plotly.react;
    Plotly.react = (div, ...args) => {
        const began = performance.now();
        const done = react(div, ...args);
        const chart = div.closest(".truce-chart").dataset.chart;
        // Draws into the hidden plot (the coming week, drawn ahead while idle) are not a step's.
        if (div.classList.contains("truce-front")) {
            (window.__truceCost ??= []).push([chart, began, performance.now()]);
        }
        return done;
    };
})"""


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "solara", "run", "dashboards.app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--production", "--no-open"]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return proc, url
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def open_page(page: Page, url: str) -> float:
    """Seconds from navigation to the first chart drawn; waits for every chart."""
    began = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".truce-chart[data-rev]", timeout=60_000)
    first = time.perf_counter() - began
    page.wait_for_function(ALL_DRAWN, arg=list(CHARTS), timeout=60_000)
    return first


def step_latencies(
    page: Page, steps: int, costs: dict[str, list[float]] | None = None, pause: int = 100
) -> list[float]:
    """Milliseconds from the Step click to the paint of the last of all six charts (and, side by
    side, the why panel's waterfall).

    `pause`: milliseconds from one step's last paint to the next click. The page draws the coming
    week ahead while it is idle (about 0.1-0.2 s after a paint); clicks 0.1 s apart mostly come
    before that is done, clicks a second apart (a facilitator's pace) after it.

    `costs` (with TIME_PLOTLY installed) collects per chart the milliseconds of its plotly.js calls
    per step, and under "first redraw" when after the click the first of them began.
    """
    out = []
    names = [*CHARTS, "why"] if current_layout(page) == "side by side" else list(CHARTS)
    for _ in range(steps):
        if week(page) >= HORIZON:  # Step is disabled after the last week
            break
        page.evaluate("window.__truceCost = []")
        t0 = page.evaluate(CLICK_STEP)
        page.wait_for_function("names => names.every(n => window.__truceDrawn[n])", arg=names, timeout=30_000)
        out.append(page.evaluate("Math.max(...Object.values(window.__truceDrawn).map(d => d.t))") - t0)
        if costs is not None:
            calls = page.evaluate("window.__truceCost")
            for name in [n for n in names if n != "handoff"]:  # the hand-off diagram is SVG, no plotly.js
                costs.setdefault(name, []).append(sum(end - began for n, began, end in calls if n == name))
            if calls:
                costs.setdefault("first redraw", []).append(min(began for _, began, _ in calls) - t0)
        page.wait_for_timeout(pause)
    return out


def report_costs(costs: dict[str, list[float]] | None) -> None:
    """With `--breakdown`: plotly.js per time chart in a step (0 when the week was drawn ahead)."""
    if not costs:
        return
    first = costs.pop("first redraw", [])
    medians = {name: statistics.median(v) for name, v in costs.items()}
    each = ", ".join(f"{name} {v:.0f}" for name, v in medians.items())
    began = f"first redraw began {statistics.median(first):.0f} ms after the click; " if first else ""
    print(f"  {began}plotly.js per time chart (median ms): {each}; sum {sum(medians.values()):.0f}")


def week(page: Page) -> int:
    return int(page.locator(".truce-week").inner_text().split()[1])


def current_layout(page: Page) -> str:
    return "side by side" if page.locator(".truce-design-b").count() else "single"


def play_to(page: Page, weeks: int) -> None:
    """Reset, play at full speed and pause at `weeks` or a little after (charts then hold that many)."""
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_role("button", name="Full").click()
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "weeks => parseInt(document.querySelector('.truce-week').innerText.split(' ')[1]) >= weeks",
        arg=weeks,
        timeout=120_000,
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_timeout(1500)


def all_on_screen(page: Page) -> bool:
    height = page.viewport_size["height"]
    boxes = [page.locator(f".truce-chart[data-chart='{n}']").bounding_box() for n in CHARTS]
    return all(box and box["y"] + box["height"] <= height for box in boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15, help="Step clicks measured per layout")
    parser.add_argument("--breakdown", action="store_true", help="also time plotly.js per chart")
    args = parser.parse_args()
    proc, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1920, "height": 1400})
            open_page(page, url)  # warm the server (imports, first kernel)
            page.close()
            page = browser.new_page(viewport={"width": 1920, "height": 1400})
            first = open_page(page, url)
            print(f"first chart after opening (warm server): {first:.2f} s (budget 6 s)")
            print(f"every chart on screen at 1920x1400: {all_on_screen(page)}")
            if args.breakdown:
                page.evaluate(TIME_PLOTLY)
            for layout, weeks in MEASURED:
                if layout != current_layout(page):
                    page.locator(".truce-side-by-side label").click()
                    page.wait_for_timeout(1500)
                if weeks:
                    play_to(page, weeks)
                for pause in (100, 1000):
                    costs: dict[str, list[float]] | None = {} if args.breakdown else None
                    at = week(page)
                    ms = step_latencies(page, args.steps, costs, pause)
                    print(
                        f"Step -> last chart repaint, {layout}, weeks {at + 1}-{at + len(ms)}, clicks "
                        f"{pause / 1000:g} s after the paint: median {statistics.median(ms):.0f} ms, "
                        f"max {max(ms):.0f} ms (budget 150 ms)"
                    )
                    report_costs(costs)
            page.locator(".truce-side-by-side label").click()
            page.wait_for_timeout(1500)
            page.get_by_role("button", name="Reset", exact=True).click()
            page.get_by_role("button", name="Full").click()
            began = time.perf_counter()
            page.get_by_role("button", name="Play", exact=True).click()
            page.wait_for_function(
                f"document.querySelector('.truce-week').innerText.includes('{HORIZON} of {HORIZON}')",
                timeout=300_000,
            )
            print(f"260 weeks at full speed, side by side: {time.perf_counter() - began:.1f} s (budget 60 s)")
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
