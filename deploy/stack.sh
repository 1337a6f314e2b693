#!/usr/bin/env bash
# Make sure the local test stack is reachable; start whatever is down.
#   the project's own PostgreSQL cluster on 127.0.0.1:${OMS_PG_PORT:-5433} (initdb into .run/postgres from the
#   machine's PostgreSQL binaries, settings deploy/postgresql/oms.conf, docs/postgresql.md), RabbitMQ
#   127.0.0.1:5672, FerretDB 1.24.2 (on that PostgreSQL) on 127.0.0.1:${OMS_MONGO_PORT:-27017},
#   the project's own Redis on 127.0.0.1:${OMS_REDIS_PORT:-6380} (docs/redis.md): a redis-server of its own, never
#   the machine's Redis on 6379, so its memory limit and the tests that fill it concern nobody else.
# Idempotent: a second run only probes (about a second).
#
# Usage: bash deploy/stack.sh                 # ensure everything is up
#        bash deploy/stack.sh --stop-ferretdb # stop the FerretDB this script started
#        bash deploy/stack.sh --stop-redis    # stop the Redis this script started (it keeps nothing)
#        bash deploy/stack.sh --stop-postgres # stop the project's PostgreSQL (its data stays in .run/postgres)
#
# Environment:
#   OMS_CACHE_DIR            cache dir (FerretDB binary, state, logs, pids) default ~/.cache/oms
#   OMS_MONGO_PORT           FerretDB listen port                            default 27017
#   OMS_REDIS_PORT           the project's Redis port                        default 6380
#   OMS_REDIS_MAXMEMORY      its maxmemory (policy noeviction)               default 128mb
#   OMS_FERRETDB_DEBUG_ADDR  FerretDB debug/metrics HTTP address             default 127.0.0.1:8088 (a free port if taken)
#   OMS_PG_PORT              the project's PostgreSQL port                   default 5433
#   OMS_PG_DIR               its data directory                              default <repo>/.run/postgres
#   OMS_STACK_TIMEOUT        seconds to wait for each component              default 60
#   OMS_FERRETDB_POOL        FerretDB's PostgreSQL connections               default 120
set -euo pipefail

FERRETDB_VERSION=v1.24.2
# FerretDB 1.24 deadlocks when as many updates run at once as it has PostgreSQL connections: each update
# holds one connection for its query and waits for a second to write (docs/consistency.md). Its default is
# 50; ours is larger, and every service process keeps at most MONGO_POOL_SIZE (10) operations in flight, so
# the ten processes of `npm start` (nine services, the gateway twice) together stay below it. The project's
# PostgreSQL allows 200 connections (deploy/postgresql/oms.conf).
FERRET_POOL="${OMS_FERRETDB_POOL:-120}"
FERRETDB_MODULE=github.com/FerretDB/FerretDB
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${OMS_CACHE_DIR:-$HOME/.cache/oms}"
MONGO_PORT="${OMS_MONGO_PORT:-27017}"
TIMEOUT="${OMS_STACK_TIMEOUT:-60}"
FERRET_BIN="$CACHE_DIR/bin/ferretdb"
FERRET_PID="$CACHE_DIR/ferretdb.pid"
FERRET_LOG="$CACHE_DIR/ferretdb.log"
FERRET_STATE="$CACHE_DIR/ferretdb-state"
REDIS_PORT="${OMS_REDIS_PORT:-6380}"
PG_PORT="${OMS_PG_PORT:-5433}"
PG_DIR="${OMS_PG_DIR:-$ROOT_DIR/.run/postgres}"
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb?pool_max_conns=$FERRET_POOL"
REDIS_MAXMEMORY="${OMS_REDIS_MAXMEMORY:-128mb}"
REDIS_PID="$CACHE_DIR/redis-$REDIS_PORT.pid"
REDIS_LOG="$CACHE_DIR/redis-$REDIS_PORT.log"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="$PATH:/usr/local/go/bin"
fi

say() { echo "stack: $*"; }
die() { echo "stack: ERROR: $*" >&2; exit 1; }

# probe PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT
probe() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# wait_port NAME PORT [SECONDS]
wait_port() {
  local name=$1 port=$2 secs=${3:-$TIMEOUT} deadline=$((SECONDS + ${3:-$TIMEOUT}))
  until probe "$port"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$name is not reachable on 127.0.0.1:$port after ${secs}s"
    sleep 0.3
  done
}

# ---------------------------------------------------------------- PostgreSQL
# A cluster of the project's own, so that its settings are ours (docs/postgresql.md): the machine's server
# only lends its binaries. initdb as the `postgres` user when this runs as root (PostgreSQL refuses root).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_sql() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -XAtq -v ON_ERROR_STOP=1 "$@"; }

ensure_postgres() {
  local bin dir
  bin=$(pg_bin)
  [ -n "$bin" ] || die "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"
  if probe "$PG_PORT"; then
    # Running (maybe from another checkout): it gets this checkout's settings and reloads them (those that
    # need a restart, such as shared_buffers, apply at its next start).
    dir=$(pg_sql -d postgres -c 'show data_directory' 2>/dev/null) \
      || die "127.0.0.1:$PG_PORT answers but is not the project's PostgreSQL (set OMS_PG_PORT)"
    install_pg_settings "$dir"
    pg_sql -d postgres -c 'select pg_reload_conf()' >/dev/null
    say "postgresql ok (already running on 127.0.0.1:$PG_PORT, data $dir)"
    return
  fi
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    chmod 700 "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
    as_pg_owner "$bin/initdb" -D "$PG_DIR" -A trust -U postgres -E UTF8 --no-instructions >"$CACHE_DIR/postgres-initdb.log" 2>&1 \
      || die "initdb into $PG_DIR failed (log $CACHE_DIR/postgres-initdb.log)"
    printf "\n# deploy/stack.sh\nport = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\ninclude 'oms.conf'\n" \
      "$PG_PORT" "$PG_DIR" >>"$PG_DIR/postgresql.conf"
  fi
  install_pg_settings "$PG_DIR"
  as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t "$TIMEOUT" start >/dev/null \
    || { tail -n 20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start (log $PG_DIR/server.log)"; }
  wait_port postgresql "$PG_PORT"
  say "postgresql ok (started on 127.0.0.1:$PG_PORT, data $PG_DIR)"
}

# The settings as this checkout has them (deploy/postgresql/oms.conf), into a data directory.
install_pg_settings() {
  install -m 600 "$ROOT_DIR/deploy/postgresql/oms.conf" "$1/oms.conf"
  if [ "$(id -u)" = 0 ]; then chown postgres "$1/oms.conf"; fi
}

stop_postgres() {
  local bin
  bin=$(pg_bin)
  if [ ! -f "$PG_DIR/postmaster.pid" ]; then say "postgresql not stopped: not running from $PG_DIR"; return; fi
  as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
  say "postgresql stopped (data kept in $PG_DIR)"
}

# ---------------------------------------------------------------- Redis
# Short-lived state only (docs/redis.md), so nothing to keep: no RDB snapshots, no AOF. maxmemory with
# noeviction as in k8s/base/redis.yaml: a full Redis refuses writes (intake answers 503) instead of evicting
# a lock or a stock counter.
redis_running_pid() {
  local pid
  [ -f "$REDIS_PID" ] || return 1
  pid=$(cat "$REDIS_PID" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *redis-server* ]] || return 1
  echo "$pid"
}

ensure_redis() {
  if probe "$REDIS_PORT"; then
    # A Redis a previous run started keeps its settings; anything else on the port is the caller's choice.
    local pong
    pong=$(timeout 5 redis-cli -p "$REDIS_PORT" ping 2>/dev/null) || true
    [ "$pong" = PONG ] || die "127.0.0.1:$REDIS_PORT is taken but does not answer a Redis PING; set OMS_REDIS_PORT"
    say "redis ok (already running on 127.0.0.1:$REDIS_PORT)"
    return
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found on PATH"
  rm -f "$REDIS_PID"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$CACHE_DIR" \
    --maxmemory "$REDIS_MAXMEMORY" --maxmemory-policy noeviction \
    --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" >/dev/null \
    || die "redis-server failed to start on 127.0.0.1:$REDIS_PORT (log $REDIS_LOG)"
  wait_port redis "$REDIS_PORT"
  say "redis ok (started on 127.0.0.1:$REDIS_PORT, maxmemory $REDIS_MAXMEMORY noeviction)"
}

stop_redis() {
  local pid
  if ! pid=$(redis_running_pid); then
    rm -f "$REDIS_PID"
    say "redis not stopped: no Redis started by this script is running on 127.0.0.1:$REDIS_PORT"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$REDIS_PID"
  say "redis stopped (pid $pid)"
}

# ---------------------------------------------------------------- RabbitMQ
ensure_rabbitmq() {
  local how="already running"
  if ! probe 5672; then
    how="started"
    # -detached returns at once; a second start while one is booting fails harmlessly
    rabbitmq-server -detached >/dev/null 2>&1 || true
    timeout "$TIMEOUT" rabbitmqctl -q await_startup --timeout "$TIMEOUT" >/dev/null 2>&1 \
      || die "rabbitmq did not finish booting within ${TIMEOUT}s (see /var/log/rabbitmq/)"
    wait_port rabbitmq 5672
  fi
  timeout 30 rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || die "rabbitmq port 5672 is open but 'rabbitmq-diagnostics check_running' fails"
  say "rabbitmq ok ($how)"
}

# ---------------------------------------------------------------- FerretDB
ferret_version_ok() {
  # (capture first: `| grep -q` under pipefail can fail with SIGPIPE on the writer)
  local out
  [ -x "$FERRET_BIN" ] || return 1
  out=$(timeout 10 "$FERRET_BIN" --version 2>/dev/null) || return 1
  grep -qx "version: $FERRETDB_VERSION" <<<"$out"
}

# A plain `go install .../cmd/ferretdb@v1.24.2` produces a binary that panics at start:
# the module zip lacks the generated build/version/version.txt ("Invalid build/version/version.txt").
# So: download the module, copy it, write version.txt, and `go build` from the copy.
build_ferretdb() {
  command -v go >/dev/null 2>&1 || die "go not found (looked on PATH and /usr/local/go/bin)"
  mkdir -p "$CACHE_DIR/bin" "$CACHE_DIR/src"
  exec 9>"$CACHE_DIR/build.lock"
  flock 9   # one build at a time; another run may have finished it meanwhile
  if ferret_version_ok; then exec 9>&-; return; fi
  say "building FerretDB $FERRETDB_VERSION (log $CACHE_DIR/ferretdb-build.log)"
  local moddir src="$CACHE_DIR/src/ferretdb-$FERRETDB_VERSION"
  # (errexit does not apply inside a `|| die` list: every step is chained explicitly)
  (
    moddir=$(cd "$CACHE_DIR" && go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') &&
    if [ -z "$moddir" ] || [ ! -d "$moddir" ]; then echo "go mod download gave no module directory"; exit 1; fi &&
    rm -rf "$src" && cp -r "$moddir" "$src" && chmod -R u+w "$src" &&
    echo "$FERRETDB_VERSION" >"$src/build/version/version.txt" &&
    cd "$src" && go build -buildvcs=false -tags ferretdb_no_sqlite -o "$FERRET_BIN.tmp" ./cmd/ferretdb &&
    mv -f "$FERRET_BIN.tmp" "$FERRET_BIN"
  ) >"$CACHE_DIR/ferretdb-build.log" 2>&1 || die "FerretDB build failed, see $CACHE_DIR/ferretdb-build.log"
  exec 9>&-
  ferret_version_ok || die "built $FERRET_BIN but '--version' does not report $FERRETDB_VERSION"
}

ensure_ferret_database() {
  if [ "$(pg_sql -d postgres -c "select 1 from pg_database where datname = 'ferretdb'")" != 1 ]; then
    # a concurrent run may win the race: only fail if the database is still missing afterwards
    pg_sql -d postgres -c 'create database ferretdb' >/dev/null 2>&1 || true
    [ "$(pg_sql -d postgres -c "select 1 from pg_database where datname = 'ferretdb'")" = 1 ] \
      || die "could not create PostgreSQL database 'ferretdb' on 127.0.0.1:$PG_PORT"
  fi
  # Index `_id` the way FerretDB queries it (deploy/ferretdb-indexes.sql; an event trigger, so as the cluster's
  # superuser).
  pg_sql -d ferretdb -f "$ROOT_DIR/deploy/ferretdb-indexes.sql" >/dev/null || die "could not install deploy/ferretdb-indexes.sql"
  # Make PostgreSQL use those indexes. FerretDB runs each query as a cached prepared statement,
  # `_jsonb->$1 @> $2`: once PostgreSQL switches it to a generic plan, the field is a parameter and no
  # expression index matches, so every lookup scans the table. And a table analyzed while it was small (or
  # never, where autovacuum is off) looks small to the planner, which then prefers the scan even in a custom
  # plan. Measured: a lookup by _id in 31,000 orders took 3 s instead
  # of under 1 ms. Both settings apply to FerretDB's database only, from its next connection on.
  pg_sql -d postgres \
    -c 'alter database ferretdb set plan_cache_mode = force_custom_plan' \
    -c 'alter database ferretdb set enable_seqscan = off' >/dev/null || die "could not set the planner settings of database ferretdb"
}

# mongo_ping SECONDS -> 0 when a MongoDB 'ping' succeeds (node + mongodb driver from the repo),
# 2 when the driver is not installed, 1 otherwise
mongo_ping() {
  command -v node >/dev/null 2>&1 || return 2
  OMS_PING_ROOT="$ROOT_DIR" OMS_PING_PORT="$MONGO_PORT" OMS_PING_SECS="$1" node -e '
    let mongodb;
    try { mongodb = require(require.resolve("mongodb", { paths: [process.env.OMS_PING_ROOT] })); } catch { process.exit(2); }
    const deadline = Date.now() + Number(process.env.OMS_PING_SECS) * 1000;
    const url = `mongodb://127.0.0.1:${process.env.OMS_PING_PORT}/?directConnection=true&serverSelectionTimeoutMS=1000`;
    (async () => {
      for (;;) {
        const c = new mongodb.MongoClient(url);
        try { await c.db("admin").command({ ping: 1 }); process.exit(0); }
        catch (e) { if (Date.now() > deadline) { console.error(String(e && e.message || e)); process.exit(1); } }
        finally { await c.close().catch(() => {}); }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();'
}

ferret_running_pid() {
  local pid
  [ -f "$FERRET_PID" ] || return 1
  pid=$(cat "$FERRET_PID" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *ferretdb* ]] || return 1
  echo "$pid"
}

debug_addr() {
  if [ -n "${OMS_FERRETDB_DEBUG_ADDR:-}" ]; then echo "$OMS_FERRETDB_DEBUG_ADDR"; return; fi
  if probe 8088; then echo "127.0.0.1:0"; else echo "127.0.0.1:8088"; fi
}

ensure_ferretdb() {
  local how="already running" rc=0 pid
  # A FerretDB this script started on another PostgreSQL (the machine's, before the project had its own):
  # restart it on the project's.
  if pid=$(ferret_running_pid) && [ "$(cat "$FERRET_PID.backend" 2>/dev/null)" != "$PG_URL" ]; then
    say "ferretdb: restarting it on the project's PostgreSQL (127.0.0.1:$PG_PORT)"
    stop_ferretdb
  fi
  if probe "$MONGO_PORT" && ! ferret_running_pid >/dev/null; then
    say "warning: 127.0.0.1:$MONGO_PORT is a FerretDB or MongoDB this script did not start; its store and settings are not the project's" >&2
  fi
  if ! probe "$MONGO_PORT"; then
    how="started"
    ferret_version_ok || build_ferretdb
    ensure_ferret_database
    mkdir -p "$FERRET_STATE"
    # a dead FerretDB that left a pid file behind
    rm -f "$FERRET_PID"
    setsid nohup "$FERRET_BIN" \
      --handler=postgresql \
      --postgresql-url="$PG_URL" \
      --listen-addr="127.0.0.1:$MONGO_PORT" \
      --state-dir="$FERRET_STATE" \
      --debug-addr="$(debug_addr)" \
      --telemetry=disable \
      --log-level=warn \
      </dev/null >>"$FERRET_LOG" 2>&1 &
    local pid=$!
    echo "$pid" >"$FERRET_PID"
    echo "$PG_URL" >"$FERRET_PID.backend"
    local deadline=$((SECONDS + TIMEOUT))
    until probe "$MONGO_PORT"; do
      kill -0 "$pid" 2>/dev/null || { tail -n 20 "$FERRET_LOG" >&2; die "FerretDB exited at start (log $FERRET_LOG)"; }
      [ "$SECONDS" -lt "$deadline" ] || die "FerretDB is not listening on 127.0.0.1:$MONGO_PORT after ${TIMEOUT}s (log $FERRET_LOG)"
      sleep 0.2
    done
  fi
  mongo_ping "$TIMEOUT" || rc=$?
  case $rc in
    0) say "ferretdb ok ($how, ping on 127.0.0.1:$MONGO_PORT)" ;;
    2) sleep 1; probe "$MONGO_PORT" || die "FerretDB stopped listening on 127.0.0.1:$MONGO_PORT (log $FERRET_LOG)"
       say "ferretdb ok ($how, TCP probe only: mongodb driver not installed in $ROOT_DIR)" ;;
    *) die "127.0.0.1:$MONGO_PORT is listening but a MongoDB ping fails (log $FERRET_LOG)" ;;
  esac
}

stop_ferretdb() {
  local pid
  if ! pid=$(ferret_running_pid); then
    rm -f "$FERRET_PID"
    say "ferretdb not stopped: no FerretDB started by this script is running"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$FERRET_PID"
  say "ferretdb stopped (pid $pid)"
}

mkdir -p "$CACHE_DIR"
case "${1:-}" in
  --stop-ferretdb) stop_ferretdb; exit 0 ;;
  --stop-redis) stop_redis; exit 0 ;;
  --stop-postgres) stop_ferretdb; stop_postgres; exit 0 ;;
  "") ;;
  -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
  *) die "unknown option: $1 (use --stop-ferretdb, --stop-redis, --stop-postgres or nothing)" ;;
esac

ensure_postgres
ensure_redis
ensure_rabbitmq
ensure_ferretdb
