#!/usr/bin/env bash
# The main job: set up .venv if needed, then run `truce` (default: compare the four designs).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
if [ $# -eq 0 ]; then set -- compare; fi
exec truce "$@"
