#!/usr/bin/env bash
# Installs textmine and its dependencies into .venv, once.
# Re-running is fast: nothing is reinstalled while pyproject.toml and this
# script are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
venv=.venv
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "textmine demande Python 3.11 ou plus récent (trouvé : $("$python" --version 2>&1))." >&2
    exit 1
fi

stamp="$venv/.textmine-installed${extras:+-$extras}"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/textmine" ]; then
    exit 0
fi

echo "Installation de textmine dans $venv (une seule fois)…" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
# torch first, pinned: any other version would pull gigabytes of CUDA packages.
"${pip[@]}" install "torch==2.13.0"
"${pip[@]}" install -e ".${extras:+[$extras]}"
echo "$want" > "$stamp"
