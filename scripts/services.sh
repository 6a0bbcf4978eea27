#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, trust auth, user postgres) and Redis
# (127.0.0.1:6379) are running. Idempotent: does nothing when both already answer.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "[services] installing PostgreSQL from Debian packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  # A package-fresh cluster asks for passwords on TCP; this project's local setup uses trust auth.
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
  as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "[services] installing Redis from Debian packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "[services] starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "[services] PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "[services] starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
fi
for _ in $(seq 1 60); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.5; done
redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG || { echo "[services] Redis did not come up on 127.0.0.1:6379" >&2; exit 1; }

echo "[services] PostgreSQL and Redis are up"
