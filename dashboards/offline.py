"""Solara's CDN proxy, made to answer from its local cache only.

Solara serves `/_solara/cdn/<package>/...` from a cache and, on a miss, fetches the package from a
public CDN (four tries, 1 + 2 + 4 s apart: about 7 s per request with no network). The dashboard
fills that cache at set-up time (`scripts/fetch_assets.sh`), so a miss is a path nobody needs: a
mistyped URL or a visitor probing the server. Offline means never asking; the miss is a quick 404.
"""

from __future__ import annotations

import logging

from solara.server import cdn_helper

logger = logging.getLogger(__name__)


class NotCached(LookupError):
    """A CDN path outside the offline cache; Solara's proxy route turns it into a 404."""


def _refuse(url: str) -> bytes:
    """Stands in for Solara's `fetch_from_cdn`: never opens a connection."""
    logger.info("not in the offline asset cache, not fetched: %s", url)
    raise NotCached(f"not in the offline asset cache: {url}")


def forbid_cdn_fetches() -> None:
    """Make every cache miss of Solara's CDN proxy fail at once, without network.

    Solara's proxy route (`StaticCdn.lookup_path`) turns any exception from the fetch into "not
    found". Raises if this Solara has no `fetch_from_cdn` to replace: an upgrade must not silently
    bring the internet back.
    """
    if not callable(getattr(cdn_helper, "fetch_from_cdn", None)):
        raise RuntimeError("solara.server.cdn_helper.fetch_from_cdn is gone: re-check dashboards/offline.py")
    cdn_helper.fetch_from_cdn = _refuse
