#!/usr/bin/env bash
# Fill the dashboard's offline asset cache: Solara's page shell from the npm registry, plotly.js from
# the installed plotly package. Solara otherwise fetches these from a public CDN at run time, which a
# workshop laptop without network cannot reach. Idempotent: a cached package is never fetched again.
# Usage: scripts/fetch_assets.sh [DEST]   (default: the path `dashboards.assets` serves from)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
DEST=${1:-$("$PY" -c 'from dashboards.assets import CACHE_DIR; print(CACHE_DIR)')}
mapfile -t SPECS < <("$PY" -c 'from dashboards.assets import SHELL; print("\n".join(SHELL))')
mkdir -p "$DEST"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "${SPECS[@]}"; do
    [ -e "$DEST/$spec/package.json" ] && continue
    command -v npm >/dev/null || { echo "error: npm is needed once to fetch $spec (apt-get install npm)" >&2; exit 1; }
    tgz=$(cd "$tmp" && npm pack --silent "$spec" 2>/dev/null | tail -1)
    rm -rf "$DEST/$spec.partial" && mkdir -p "$DEST/$spec.partial"
    tar -xzf "$tmp/$tgz" -C "$DEST/$spec.partial" --strip-components=1
    rm -rf "$DEST/$spec" && mv "$DEST/$spec.partial" "$DEST/$spec"  # never leave half a package
    echo "cached $spec" >&2
done
"$PY" -c 'import pathlib, sys; from dashboards.assets import install_plotly; install_plotly(pathlib.Path(sys.argv[1]))' "$DEST"
