# Helpers of ./scripts/demo: processes, ports, configs and traffic. Expects DEMO (the state directory).
# shellcheck shell=bash

say() { printf '\n==> %s\n' "$*"; }

# A free loopback port below the kernel's ephemeral range, not used by this demo yet.
declare -A DEMO_PORTS_TAKEN=()
free_port() {
  local port tries=0
  while [ "$tries" -lt 500 ]; do
    port=$(( 20000 + RANDOM % 12000 ))
    tries=$((tries + 1))
    [ -n "${DEMO_PORTS_TAKEN[$port]:-}" ] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      DEMO_PORTS_TAKEN[$port]=1
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# start_process NAME COMMAND... : runs in the background, output in .demo/logs/NAME.log.
start_process() {
  local name="$1"
  shift
  "$@" >"$DEMO/logs/$name.log" 2>&1 &
  echo "$!" >"$DEMO/$name.pid"
}

stop_process() {
  local pidfile="$DEMO/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

wait_for_port() {
  local port="$1" name="$2" timeout="$3" waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ "$waited" -ge "$((timeout * 10))" ]; then
      echo "$name did not listen on port $port within ${timeout}s; its log:" >&2
      tail -n 30 "$DEMO/logs/$name.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# wait_until SECONDS DESCRIPTION COMMAND... : polls COMMAND every 0.2 s.
wait_until() {
  local timeout="$1" what="$2" started=$SECONDS
  shift 2
  until "$@"; do
    if [ $((SECONDS - started)) -ge "$timeout" ]; then
      echo "Timed out after ${timeout}s waiting until $what. Logs are in $DEMO/logs." >&2
      exit 1
    fi
    sleep 0.2
  done
  printf '    (%s after %ss)\n' "$what" "$((SECONDS - started))"
}

service_port() { cat "$DEMO/web-$1.port"; }
nerve_admin() { cat "$DEMO/nerve-$1.admin"; }

# Who answered each of N requests: "web-1" for "hello from web-1 (...)".
responders() {
  local n="$1" i
  for i in $(seq 1 "$n"); do
    curl -s --max-time 2 "http://127.0.0.1:$WEB_PORT/" | sed -n 's/^hello from \([^ ]*\).*/\1/p' || true
  done
}

show_spread() {
  responders "$1" | sort | uniq -c | awk '{ printf "    %-6s %3d requests %s\n", $2, $1, substr("##############################", 1, $1) }'
}

spread_has() {
  local seen instance
  seen=$(responders 12 | sort -u)
  for instance in "$@"; do
    grep -qx "$instance" <<<"$seen" || return 1
  done
}

spread_lacks() {
  ! responders 12 | grep -qx "$1"
}

start_nerve() {
  local n="$1"
  start_process "nerve-$n" bin/nerve --config "$DEMO/nerve-$n.yaml"
  wait_for_port "$(nerve_admin "$n")" "nerve-$n" 60
}

# start_instance N : demo service web-N and its Nerve.
start_instance() {
  local n="$1" port admin
  port=$(free_port)
  admin=$(free_port)
  echo "$port" >"$DEMO/web-$n.port"
  echo "$admin" >"$DEMO/nerve-$n.admin"
  start_process "web-$n" bin/demo-service --port "$port" --name "web-$n"
  cat >"$DEMO/nerve-$n.yaml" <<YAML
# Nerve beside web-$n: registers it in ZooKeeper while GET /health answers 200.
instance_id: web-$n
admin: {bind: 127.0.0.1, port: $admin}
services:
  web:
    host: 127.0.0.1
    port: $port
    zk_hosts: [127.0.0.1:$ZK_PORT]
    zk_path: /nerve/services/web/services
    zk_session_timeout: 10s
    check_interval: 0.5
    checks:
      - {type: http, uri: /health, timeout: 0.5, rise: 1, fall: 2}
YAML
  wait_for_port "$port" "web-$n" 60
  start_nerve "$n"
}

write_synapse_config() {
  cat >"$DEMO/synapse.yaml" <<YAML
# Synapse for the demo: HAProxy on 127.0.0.1:$WEB_PORT routes to whatever Nerve registered.
admin: {bind: 127.0.0.1, port: $SYNAPSE_ADMIN}
services:
  web:
    discovery:
      method: zookeeper
      hosts: [127.0.0.1:$ZK_PORT]
      path: /nerve/services/web/services
    haproxy:
      port: $WEB_PORT
      bind_address: 127.0.0.1
      listen:
        - mode http
        - option httpchk GET /health
      server_options: check inter 1s rise 1 fall 2
haproxy:
  manage: true
  config_file_path: $DEMO/haproxy/haproxy.cfg
  stats_port: $STATS_PORT
  global:
    - maxconn 512
  defaults:
    - mode http
    - timeout connect 1s
    - timeout client 10s
    - timeout server 10s
    - retries 2
    - option redispatch
    - balance roundrobin
YAML
}

synapse_status() { curl -s --max-time 2 "http://127.0.0.1:$SYNAPSE_ADMIN/status"; }

synapse_reloads() {
  synapse_status | grep -o '"reloads" *: *[0-9]*' | head -1 | grep -o '[0-9]*$' || echo 0
}

haproxy_worker_pid() {
  local master
  master=$(cat "$DEMO/haproxy/haproxy.pid" 2>/dev/null | head -1) || true
  [ -n "$master" ] && pgrep -P "$master" | head -1 || echo "?"
}

# Stops what a previous run left behind (after a kill -9 of the demo, say), so a second run works.
demo_stop_previous_run() {
  local pidfile pid
  [ -d "$DEMO" ] || return 0
  for pidfile in "$DEMO"/*.pid "$DEMO"/haproxy/haproxy.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -1 "$pidfile")
    if [ -n "$pid" ] && grep -qa "$DEMO\|smartstack\|demo-service\|haproxy" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  sleep 1
  rm -rf "$DEMO"
}

demo_cleanup() {
  local name
  trap - EXIT INT TERM
  say "Stopping everything the demo started"
  for name in nerve-1 nerve-2 nerve-3 nerve-4 synapse web-1 web-2 web-3 web-4 zookeeper; do
    stop_process "$name"
  done
  # Synapse leaves HAProxy running on purpose (it outlives Synapse); the demo owns it, so stop it.
  if [ -f "$DEMO/haproxy/haproxy.pid" ]; then
    kill -TERM "$(head -1 "$DEMO/haproxy/haproxy.pid")" 2>/dev/null || true
  fi
  echo "Stopped. Logs are in $DEMO/logs."
}
