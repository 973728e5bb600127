#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster with pg_cron preloaded, on port 5433, for the tests that
# need the real scheduler. The main server on 5432 stays untouched (no restart needed).
set -euo pipefail

port=${CRONWARDEN_PGCRON_PORT:-5433}
cluster=cronwarden_pgcron

dpkg -s postgresql-15-cron >/dev/null 2>&1 || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-cron
}

if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$cluster"; then
  pg_createcluster 15 "$cluster" --port "$port" -- --auth=trust >/dev/null
  conf=/etc/postgresql/15/$cluster/conf.d/cronwarden.conf
  cat > "$conf" <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
listen_addresses = '127.0.0.1'
cron.host = '127.0.0.1'
CONF
fi
if ! pg_isready -h 127.0.0.1 -p "$port" -q; then
  pg_ctlcluster --skip-systemctl-redirect 15 "$cluster" start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$port" -q && break; sleep 1; done
fi
psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc 'create extension if not exists pg_cron'
psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "select 'pg_cron ' || extversion from pg_extension where extname = 'pg_cron'"
