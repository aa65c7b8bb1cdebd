#!/usr/bin/env bash
# The whole test suite: set up .venv if needed, lint, then run pytest on all cores.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download its own here).
CHROMIUM=${TRUCE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian's chromium for the browser tests" >&2
        apt-get install -y --no-install-recommends chromium >&2 \
            || { apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; }
    else
        echo "error: the browser tests need Chromium at $CHROMIUM; as root run:" \
            "apt-get install -y --no-install-recommends chromium (or set TRUCE_CHROMIUM)" >&2
        exit 1
    fi
fi
ruff check .
ruff format --check .
exec python -m pytest -n auto "$@"
