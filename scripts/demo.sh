#!/usr/bin/env bash
# Installs textmine (once), prepares the demo corpus and its model (first run
# only: a few minutes, with progress), then opens the app on it. Arguments go
# to « textmine app »: --port N, --host ADDRESS (the app listens on 127.0.0.1,
# this machine only, unless --host says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/textmine demo
exec .venv/bin/textmine app "$@"
