#!/usr/bin/env bash
# Installs (if missing) and starts Debian's PostgreSQL, and makes a role and database for the
# tests on 127.0.0.1. Safe to run again. Needs root (or sudo); CI starts on a fresh machine
# with no PostgreSQL and no server running.
# Prints the SQLAlchemy URL as its only line on stdout:
#   TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

role="${MZA_PG_ROLE:-mza_test}"
password="${MZA_PG_PASSWORD:-mza_test}"  # test-only; the server listens on localhost only
database="${MZA_PG_DATABASE:-mza_test}"

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "PostgreSQL starten kan alleen als root (of met sudo)." >&2
  exit 1
fi

log() { echo "postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  log "PostgreSQL installeren (apt-get)"
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version="$(ls /etc/postgresql | sort -V | tail -n 1)"
if [ -z "$version" ]; then
  echo "Geen PostgreSQL-versie gevonden in /etc/postgresql/." >&2
  exit 1
fi
if [ ! -d "/etc/postgresql/$version/main" ]; then
  log "cluster $version/main aanmaken"
  "${sudo[@]}" pg_createcluster "$version" main >&2
fi

# The sign-up tests open 200 connections at once (one per simultaneous sign-up); the
# default of 100 would refuse the last ones.
connections=300
if [ "$("${sudo[@]}" pg_conftool -s "$version" main show max_connections 2>/dev/null)" != "$connections" ]; then
  log "max_connections = $connections"
  "${sudo[@]}" pg_conftool "$version" main set max_connections "$connections" >&2
  if [ "$(pg_lsclusters --no-header "$version" main | awk '{print $4}')" = "online" ]; then
    "${sudo[@]}" pg_ctlcluster "$version" main restart >&2
  fi
fi

# The socket folder is on a tmpfs on many machines and may be gone after a restart.
"${sudo[@]}" install -d -o postgres -g postgres -m 2775 /var/run/postgresql
status="$(pg_lsclusters --no-header "$version" main | awk '{print $4}')"
if [ "$status" != "online" ]; then
  log "cluster $version/main starten"
  "${sudo[@]}" pg_ctlcluster "$version" main start >&2
fi
port="$(pg_lsclusters --no-header "$version" main | awk '{print $3}')"

for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL reageert niet op 127.0.0.1:$port." >&2; exit 1; }

as_postgres() { "${sudo[@]}" runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
  log "rol $role aanmaken"
  as_postgres -c "CREATE ROLE \"$role\" LOGIN" >&2
fi
as_postgres -c "ALTER ROLE \"$role\" WITH LOGIN PASSWORD '$password'" >&2
if [ "$(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
  log "database $database aanmaken"
  as_postgres -c "CREATE DATABASE \"$database\" OWNER \"$role\"" >&2
fi

echo "postgresql+psycopg://$role:$password@127.0.0.1:$port/$database"
