#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb into a folder, listen on
# 127.0.0.1 on a free port (no Unix socket outside the folder), trust authentication.
#   tools/pg_test_cluster.sh start DIR    # prints the URL (postgresql://postgres@127.0.0.1:PORT/postgres)
#   tools/pg_test_cluster.sh stop DIR     # stops the server and removes DIR
#   tools/pg_test_cluster.sh restart DIR  # stop + start on the same data and port (outage tests)
#   tools/pg_test_cluster.sh kill DIR     # stops immediately (like a crash), keeps the data
# DIR/url holds the URL once the server accepts connections. initdb refuses to run as root, so as
# root the server runs as the `postgres` system user (created by Debian's postgresql package),
# which then owns DIR/data. Fails loudly (non-zero, one line on stderr) when anything is missing.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[[ -n $cmd && -n $dir ]] || { echo "usage: $0 start|stop|restart|kill DIR" >&2; exit 2; }
[[ -x $bin/initdb ]] || { echo "pg_test_cluster: $bin/initdb missing (apt install postgresql)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
  local port=$1
  # -w waits until the server accepts connections; the log stays in DIR for post-mortems.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket" \
    start >/dev/null || { echo "pg_test_cluster: start failed; log:" >&2; cat "$dir/server.log" >&2; exit 1; }
}

case $cmd in
  start)
    # A cluster left behind by an aborted run in the same folder goes first.
    if [[ -f $dir/data/postmaster.pid ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir/socket"
    [[ $(id -u) -ne 0 ]] || chown -R postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-locale -E UTF8 \
      --no-sync >"$dir/initdb.log" 2>&1 ||
      { echo "pg_test_cluster: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    # Tests need durability only across a server restart, not a power loss: fsync off keeps a
    # CREATE DATABASE per test cheap. max_connections covers two findme processes per test.
    cat >>"$dir/data/postgresql.conf" <<'EOF'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
    port=$(free_port)
    echo "$port" >"$dir/port"
    pg_start "$port"
    url="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    pg_start "$(cat "$dir/port")"
    ;;
  kill)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|restart|kill DIR" >&2
    exit 2
    ;;
esac
