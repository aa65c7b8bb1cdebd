"""Where the dashboard's front-end assets live offline, and how Solara is pointed at them.

Solara loads its page shell from a public CDN at run time; a workshop laptop without network cannot
reach it. `scripts/fetch_assets.sh` fills a local copy of that CDN from the npm registry at set-up
time, and the dashboard's plotly.js is copied there from the installed `plotly` package, so the page
never asks any host but its own.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from importlib import resources
from pathlib import Path

#: The proxy cache Solara serves `/_solara/cdn/<spec>/...` from (inside the virtual environment).
CACHE_DIR = Path(sys.prefix) / "share" / "truce" / "cdn"

#: The npm packages solara 1.64.1's page asks for (its `server/templates`, "{{cdn}}"); re-check them
#: when solara is upgraded. `scripts/fetch_assets.sh` reads this list.
SHELL = ("@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0")

#: How long the server keeps the session of a page that disconnected without closing.
CULL_TIMEOUT = "20m"

_PLOTLY_SOURCE = resources.files("plotly").joinpath("package_data", "plotly.min.js")


def plotly_version() -> str:
    """The plotly.js version bundled with the installed Python `plotly` (from its banner)."""
    with _PLOTLY_SOURCE.open("r", encoding="utf-8") as f:
        banner = f.read(200)
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", banner)
    if match is None:
        raise RuntimeError(f"cannot read the plotly.js version from {_PLOTLY_SOURCE}")
    return match.group(1)


def plotly_spec() -> str:
    """The cache folder of plotly.js; an exact version in the URL lets browsers cache it for good."""
    return f"plotly.js-dist-min@{plotly_version()}"


def plotly_url() -> str:
    """The URL the chart widget loads plotly.js from (served by Solara's CDN proxy route)."""
    return f"/_solara/cdn/{plotly_spec()}/plotly.min.js"


def install_plotly(cache_dir: Path = CACHE_DIR) -> None:
    """Copy plotly.js into the cache (idempotent; a partial copy is never left behind)."""
    target = cache_dir / plotly_spec() / "plotly.min.js"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with _PLOTLY_SOURCE.open("rb") as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    partial.replace(target)


def missing(cache_dir: Path = CACHE_DIR) -> list[str]:
    """The cached packages that are not there yet (empty when the page can be served offline)."""
    specs = (*SHELL, plotly_spec())
    return [spec for spec in specs if not (cache_dir / spec).is_dir()]


def server_env(cache_dir: Path = CACHE_DIR) -> dict[str, str]:
    """The environment a Solara server needs to serve the dashboard offline and quietly.

    Solara reads its settings when it is imported, so these must be in the server's environment
    before it starts, not set by the app.
    """
    return {
        **os.environ,
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache_dir),
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        # A page that goes without saying goodbye (a crashed browser, a laptop shut, a lost close
        # beacon) would keep its session and models for Solara's default 24 hours; a page that
        # reconnects within this time (a Wi-Fi blip, a coffee break) keeps its session.
        "SOLARA_KERNEL_CULL_TIMEOUT": CULL_TIMEOUT,  # an English line in the corner of every language's page
        # reacton's opt-in renderer re-renders only the components whose state changed; the default
        # walks the whole page on every step (~60 ms of the server's time per week, measured).
        "REACTON_FAST": "1",
    }
