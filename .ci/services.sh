#!/usr/bin/env bash
# Source this file, then call ensure_services: (re)starts the local Redis and PostgreSQL the
# tests use when they are down (commands from the shared toolchain notes).
ensure_services() {
  if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "ci: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || true
  fi
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
    echo "ci: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
      echo "ci: Redis and PostgreSQL are up"
      return 0
    fi
    sleep 1
  done
  echo "ci: warning: Redis or PostgreSQL is not answering" >&2
}
