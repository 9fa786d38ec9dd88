#!/usr/bin/env bash
# Installs textmine (once), prepares the demo corpus and its model (first run
# only: a few minutes, with progress), then opens the app on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/textmine demo
exec .venv/bin/textmine app "$@"
