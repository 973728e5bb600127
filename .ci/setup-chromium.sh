#!/usr/bin/env bash
# Headless Chromium for the HTML report's browser test (packages/cli/test/report-browser.test.ts),
# driven by playwright-core: Debian's package, no bundled browser download. Fonts: DejaVu for
# the strip's ✓ ✗ glyphs and Liberation for Arial-like text, so the screenshot is readable in
# a bare container (chromium-common only recommends them, and recommends are skipped here).
set -euo pipefail

packages=(chromium fonts-dejavu-core fonts-liberation)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ -x /usr/bin/chromium ] && [ ${#missing[@]} -eq 0 ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version 2>/dev/null
