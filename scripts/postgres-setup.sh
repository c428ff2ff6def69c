#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL for the tests, and prints the connection string to use as
# PRIVATERAG_TEST_POSTGRES. Idempotent: safe to run on a machine where it already runs.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$version" main >&2
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='privaterag'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role privaterag login password 'privaterag' createdb\"" >&2
echo "Host=127.0.0.1;Port=5432;Username=privaterag;Password=privaterag;Database=postgres"
