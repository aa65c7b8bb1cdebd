#!/usr/bin/env bash
# The main job: set up .venv if needed, then run `truce` (default: the live workshop dashboard).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
if [ $# -eq 0 ]; then set -- dashboard; fi
exec truce "$@"
