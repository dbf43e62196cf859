#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on loopback, removed afterwards.
#   scripts/with-postgres.sh COMMAND [ARGS...]
# The command sees DATABASE_URL pointing at an empty database on 127.0.0.1.
# GOLDENTHREAD_PG_SETTINGS adds server settings ("-c shared_buffers=2GB ..."; bench/scale.py).
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed; run 'make system-deps' (as root) first" >&2
  exit 1
fi
tmp=$(mktemp -d /tmp/goldenthread-pg.XXXXXX)
chmod 755 "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$tmp" postgres
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U goldenthread --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${GOLDENTHREAD_PG_SETTINGS:-}" start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U goldenthread goldenthread
export DATABASE_URL="postgresql://goldenthread@127.0.0.1:$port/goldenthread"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway cluster in $tmp)"
"$@"
