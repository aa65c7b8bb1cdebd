# Shared set-up for scripts/run.sh and scripts/test.sh: make .venv/ with the locked dependencies.
# Sourced, not run. Re-installs only when pyproject.toml or constraints.txt changed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

find_python() {
    for cand in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python3.12"; do
        if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
            echo "$cand"; return 0
        fi
    done
    # pyenv shims refuse python3.12 outside a folder pinned to it; this pin is the fallback.
    if PYENV_VERSION=3.12.1 python3.12 -c '' 2>/dev/null; then echo "env PYENV_VERSION=3.12.1 python3.12"; return 0; fi
    echo "error: Python 3.12 not found (install python3.12, or pyenv install 3.12.1)" >&2
    return 1
}

if [ ! -x .venv/bin/python ]; then
    PY=$(find_python)
    echo "setting up .venv with $($PY --version)" >&2
    $PY -m venv .venv
fi
stamp=".venv/.truce-installed"
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d" " -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing locked dependencies into .venv (first run takes about a minute)" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
    echo "$want" > "$stamp"
fi
# The dashboard's offline front-end assets (npm registry, once; instant when already cached).
scripts/fetch_assets.sh
# The model's compiled mechanisms (once per version of sim/; instant when already cached).
.venv/bin/python -m sim.compiled
export PATH="$ROOT/.venv/bin:$PATH"
