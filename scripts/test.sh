#!/usr/bin/env bash
# The whole test suite: set up .venv if needed, lint, then run pytest on all cores.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ruff check .
ruff format --check .
exec python -m pytest -n auto "$@"
