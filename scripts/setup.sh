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

# The browser tests (tests/e2e) drive Debian's chromium through chromedriver.
# Checked on every run (two `command -v`, so re-runs stay instant) rather than
# recorded in the stamp: the browser lives outside .venv and may come and go.
install_browser() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && return 0
    echo "Installation de chromium et chromium-driver (tests dans le navigateur)…" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            # -n: never wait for a password when nobody can type it
            if [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
        else
            sudo=(false)
        fi
    fi
    if command -v apt-get >/dev/null 2>&1 \
        && ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
        && command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return 0
    fi
    echo "ATTENTION : impossible d'installer chromium et chromium-driver (il faut Debian," >&2
    echo "apt-get et les droits administrateur). Les tests dans le navigateur (tests/e2e) seront" >&2
    echo "ignorés. Installez-les à la main : sudo apt-get install chromium chromium-driver" >&2
}
case ",$extras," in
    *,test,*) install_browser ;;
esac

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
