#!/usr/bin/env bash
# Installs what the browser and HTML tests need beyond the Python packages:
# Chromium (driven by Playwright), Java (runs the Nu HTML Checker) and Node/npm
# (installs axe-core and vnu-jar at the versions pinned in package-lock.json).
# As root on Debian it installs missing system packages with apt-get; otherwise it
# names what to install and fails, so a test run never silently skips the browser.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# Fonts, so screenshots and layout match what people see.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing test dependencies from Debian: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "The browser and HTML tests need these Debian packages: ${missing[*]}" >&2
        echo "Install them (for example: sudo apt-get install ${missing[*]}) and run make test again." >&2
        exit 1
    fi
fi

# npm tools, reinstalled only when the lock file changes.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
