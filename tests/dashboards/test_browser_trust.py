"""The dashboard server trusts only itself: crafted browser messages, uncached CDN paths, closed pages.

Each test drives the real server (`spied`: `solara run dashboards.app`, watched from inside) with a
real Chromium, or asks it over HTTP as a visitor in the room could.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.dashboards.conftest import Spied, open_dashboard
from tests.dashboards.test_browser import step, week

SECRET = "SENTINEL-CONTENT-NEVER-SHOWN"


def _crafting(path: str, sent: list[str]) -> Callable[[WebSocketRoute], None]:
    """Rewrite the page's own websocket messages: a select's choice "merged" becomes `path`.

    This is what a visitor's browser can send; the page itself offers no such value.
    """

    def craft(message: str | bytes) -> str | bytes:
        if isinstance(message, str) and '"v_model":"merged"' in message:
            msg = json.loads(message)
            state = msg["content"]["data"]["state"]
            state["v_model"] = path
            sent.append(path)
            return json.dumps(msg)
        return message

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(craft(message)))

    return route


def _sentinels(spied: Spied) -> dict[str, Path]:
    """A design file and a folder the server must never look at, whatever the browser sends."""
    secret = spied.sentinels / "secret.toml"
    secret.write_text(f'name = "{SECRET}"\ndescription = "{SECRET}"\n', encoding="utf-8")
    folder = spied.sentinels / "folder.toml"
    folder.mkdir(exist_ok=True)
    return {"file": secret, "folder": folder}


@pytest.mark.parametrize("target", ["file", "folder"])
@pytest.mark.parametrize("select", ["design", "switch_design"])
def test_crafted_design_path_from_the_browser_reads_nothing(
    page: Page, spied: Spied, target: str, select: str
):
    path = str(_sentinels(spied)[target])
    sent: list[str] = []
    page.route_web_socket("**/*", _crafting(path, sent))
    watch = open_dashboard(page, spied.url)
    step(page)
    if select == "design":
        page.locator(".truce-design-a").click()
    else:
        page.locator(".truce-switch-to").click()
    page.get_by_role("option", name="Merged").click()
    if select == "switch_design":
        page.get_by_role("button", name="Switch design").click()
    error = page.locator(".truce-error")
    allowed = "is not one of this page's designs" if select == "design" else "is not a preset"
    expect(error).to_contain_text(allowed)
    assert sent == [path]  # the crafted message did reach the server
    message = error.inner_text()
    assert "\n" not in message.strip()
    assert SECRET not in page.locator("body").inner_text()
    assert spied.accesses() == []  # never opened, listed or even looked up
    assert week(page) == 1  # the running model goes on
    step(page)
    assert week(page) == 2
    assert watch.errors == []


def test_uncached_cdn_path_is_a_quick_404_without_network(spied: Spied):
    url = f"{spied.url}_solara/cdn/left-pad@1.3.0/index.js"
    began = time.perf_counter()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    elapsed = time.perf_counter() - began
    assert refused.value.code == 404
    assert spied.cdn.connections == 0, f"the server asked the CDN ({elapsed:.1f} s)"
    with urllib.request.urlopen(f"{spied.url}_solara/cdn/requirejs@2.3.6/require.js", timeout=30) as cached:
        assert cached.status == 200  # what set-up cached is still served


def _models_after(spied: Spied, seconds: float = 30) -> tuple[int, int]:
    """Live models and open sessions in the server once they reach zero, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        counts = spied.ask("models"), spied.ask("kernels")
        if counts == (0, 0) or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def test_closed_pages_leave_no_model_in_the_server(browser: Browser, spied: Spied):
    """Closed, closed while playing, and gone without a close beacon (culled after the timeout)."""
    _models_after(spied)  # sessions of the tests above are let go of first
    pages = []
    for query in ("", "", "?solara-no-close-beacon=1"):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        open_dashboard(page, spied.url + query)
        page.locator(".truce-side-by-side label").click()
        step(page, 2)  # a prepared week is computed after each step
        pages.append(page)
    assert spied.ask("models") >= 6 and spied.ask("kernels") == 3
    pages[1].get_by_role("button", name="Play", exact=True).click()
    for page in pages:
        page.goto("about:blank")  # the page goes away as a closed tab does (its beacon, if any)
        page.context.close()
    assert _models_after(spied) == (0, 0)
