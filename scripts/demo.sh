#!/usr/bin/env bash
# Installs textmine (once) and runs the main job on the demo corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/textmine demo "$@"
