#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb into a temporary folder,
# listen on 127.0.0.1 on a free port (the Unix socket stays in that folder), trust authentication.
#   tools/pg_test_cluster.sh start DIR    # prints the URL (postgresql://postgres@127.0.0.1:PORT/postgres)
#   tools/pg_test_cluster.sh stop DIR     # stops the server and removes everything
#   tools/pg_test_cluster.sh restart DIR  # fast stop + start on the same data and port
#   tools/pg_test_cluster.sh kill DIR     # stops immediately (like a crash), keeps the data
#   tools/pg_test_cluster.sh resume DIR   # starts a killed cluster again on its port
# DIR/url holds the URL once the server accepts connections. The cluster itself lives in a
# mktemp folder under /tmp (DIR/cluster links to it): initdb refuses to run as root, so as root
# the server runs as the `postgres` system user (created by Debian's postgresql package), which
# must be able to reach its folder even when DIR is under a private home. Fails loudly (non-zero,
# the reason on stderr) when anything is missing.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
usage="usage: $0 start|stop|restart|kill|resume DIR"
[[ -n $cmd && -n $dir ]] || { echo "$usage" >&2; exit 2; }
[[ -x $bin/initdb ]] || { echo "pg_test_cluster: $bin/initdb missing (apt install postgresql)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A port nothing listens on (bash only: the CI image need not have Python). Another process may
# take it before the server does; start retries with another port then.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

pg_try_start() {
  local work=$1 port=$2
  # -w waits until the server accepts connections; the log stays for post-mortems.
  as_owner "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work" \
    start >/dev/null
}

pg_start() {
  pg_try_start "$@" || { echo "pg_test_cluster: start failed; log:" >&2; cat "$1/server.log" >&2; exit 1; }
}

pg_stop() {  # mode: fast | immediate
  local work=$1 mode=$2
  if [[ -f $work/data/postmaster.pid ]]; then
    as_owner "$bin/pg_ctl" -D "$work/data" -m "$mode" -w stop >/dev/null
  fi
}

work=""
[[ -L $dir/cluster ]] && work=$(readlink "$dir/cluster")

case $cmd in
  start)
    # A cluster left behind by an aborted run in the same folder goes first.
    if [[ -n $work ]]; then
      pg_stop "$work" immediate || true
      rm -rf "$work"
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    work=$(mktemp -d /tmp/findme-pg-XXXXXX)
    ln -s "$work" "$dir/cluster"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$work"
    as_owner "$bin/initdb" -D "$work/data" -U postgres --auth=trust --no-locale -E UTF8 \
      --no-sync >"$work/initdb.log" 2>&1 ||
      { echo "pg_test_cluster: initdb failed:" >&2; cat "$work/initdb.log" >&2; exit 1; }
    # Tests need durability across a server crash (kill: WAL written before a commit returns, so
    # synchronous_commit stays on), not across a power loss: without fsync a CREATE DATABASE per
    # test is cheap. max_connections covers several findme processes.
    cat >>"$work/data/postgresql.conf" <<'CONF'
fsync = off
full_page_writes = off
max_connections = 300
CONF
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      pg_try_start "$work" "$port" && break
      [[ $attempt -lt 5 ]] || { echo "pg_test_cluster: start failed; log:" >&2; cat "$work/server.log" >&2; exit 1; }
    done
    echo "$port" >"$dir/port"
    url="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  restart | kill | resume)
    [[ -n $work ]] || { echo "pg_test_cluster: no cluster in $dir" >&2; exit 1; }
    [[ $cmd == resume ]] || pg_stop "$work" "$([[ $cmd == kill ]] && echo immediate || echo fast)"
    [[ $cmd == kill ]] || pg_start "$work" "$(cat "$dir/port")"
    ;;
  stop)
    if [[ -n $work ]]; then
      pg_stop "$work" immediate || true
      rm -rf "$work"
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
