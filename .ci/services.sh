#!/usr/bin/env bash
# Source this file, then call ensure_service_binaries. The tests start their own throwaway
# redis-server and PostgreSQL cluster (packages/test-services) and never use the machine's
# services, so nothing has to be running: only the binaries must exist. Missing ones are
# installed with apt-get when it is available; anything still missing is an error.

# Installs Debian packages (one apt-get update per run).
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ -z "${CI_APT_UPDATED:-}" ]; then
    apt-get update -qq && CI_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The folder with PostgreSQL's initdb and postgres: on PATH, else Debian's newest
# /usr/lib/postgresql/<major>/bin (the lookup packages/test-services makes too).
postgres_bin_dir() {
  if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

ensure_service_binaries() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ci: redis-server missing, installing it"
    apt_install redis-server || true
  fi
  if [ -z "$(postgres_bin_dir)" ]; then
    echo "ci: PostgreSQL server missing, installing it"
    apt_install postgresql || true
  fi
  local failed=0 pg_bin
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --version
  else
    echo "ci: ERROR: redis-server is not installed and could not be installed" >&2
    failed=1
  fi
  pg_bin=$(postgres_bin_dir)
  if [ -n "$pg_bin" ]; then
    "$pg_bin/postgres" --version
  else
    echo "ci: ERROR: PostgreSQL (initdb, postgres) is not installed and could not be installed" >&2
    failed=1
  fi
  # initdb refuses to run as root: the tests then run PostgreSQL as the postgres account.
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1 && ! id nobody >/dev/null 2>&1; then
    echo "ci: ERROR: running as root without a postgres or nobody account to run PostgreSQL as" >&2
    failed=1
  fi
  return "$failed"
}
