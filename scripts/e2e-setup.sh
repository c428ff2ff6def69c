#!/usr/bin/env bash
# Installs what the browser end-to-end tests (tests/PrivateRag.E2E.Tests) need on Debian/Ubuntu: the distribution's
# Chromium (Playwright's own browser download is not used) and fonts for readable screenshots. Idempotent: does
# nothing when everything is already there. Needs root (or passwordless sudo) when something is missing.
set -euo pipefail

packages=(chromium fonts-liberation fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "e2e-setup: need root to install: ${missing[*]}" >&2; exit 1
        fi
    fi
    echo "e2e-setup: installing ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "e2e-setup: /usr/bin/chromium is missing after installation" >&2
    exit 1
fi
echo "e2e-setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) ready"
