#!/usr/bin/env bash
# PostgreSQL 15 runs on these machines already; the tests also need pgTAP and pg_prove.
set -euo pipefail

packages=(postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# Start the server if it is not running (the machine normally starts it before the session).
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect 15 main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
