# Docker for the container tests: the engine (installed and started when missing, without NAT) and the
# base image every test image is built FROM. Nothing is pulled from a registry: the base is made here
# from Debian packages with debootstrap and `docker import`.
#
#   smartstack_docker_up    installs docker.io/debootstrap if missing, starts dockerd if none answers
#                           (remembers that it did), makes the base images if missing
#   smartstack_docker_down  stops dockerd again if smartstack_docker_up started it
#   smartstack_base_image   makes the base images if they are missing (needs a running engine)
#
# Can also be run directly: scripts/lib/docker.sh up|base|down|clean
# shellcheck shell=bash

# The base image: Debian bookworm (minbase), with CMD ["true"] so that Testcontainers can use it as
# its "tiny image" for its start-up checks (testcontainers.properties names it).
SMARTSTACK_BASE_IMAGE="${SMARTSTACK_BASE_IMAGE:-smartstack/base:bookworm}"
# Every container, network and image our tests make carries this label; stale ones are removed by it.
SMARTSTACK_DOCKER_LABEL="io.smartstack.test=true"
SMARTSTACK_DOCKERD_LOG="${SMARTSTACK_DOCKERD_LOG:-/tmp/smartstack-dockerd.log}"
SMARTSTACK_STARTED_DOCKERD=0

smartstack_sudo() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "'$*' needs root or sudo." >&2
    return 1
  fi
}

smartstack_docker_answers() {
  docker info >/dev/null 2>&1
}

# Installs docker.io and debootstrap when missing (Debian/Ubuntu).
smartstack_docker_install() {
  local packages=()
  command -v docker >/dev/null 2>&1 || packages+=(docker.io)
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || packages+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || packages+=(debootstrap)
  [ "${#packages[@]}" -eq 0 ] && return 0
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${packages[*]} (no apt-get here: install Docker and debootstrap by hand)." >&2
    return 1
  fi
  echo "Installing with apt-get: ${packages[*]}"
  smartstack_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # policy-rc.d: the package must not start a system dockerd (with NAT); we start our own below.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | smartstack_sudo tee "$policy" >/dev/null && smartstack_sudo chmod +x "$policy" && created_policy=1
  fi
  local status=0
  smartstack_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" || status=$?
  [ "$created_policy" = 1 ] && smartstack_sudo rm -f "$policy"
  [ "$status" -eq 0 ] || { echo "apt-get could not install: ${packages[*]}" >&2; return 1; }
}

# Starts dockerd in the background when no engine answers. --iptables=false: no NAT, so containers
# reach nothing outside this machine (the tests never need the outside).
smartstack_dockerd_start() {
  smartstack_docker_answers && return 0
  local dockerd
  dockerd="$(command -v dockerd || echo /usr/sbin/dockerd)"
  echo "Starting dockerd (--iptables=false, log in $SMARTSTACK_DOCKERD_LOG)..."
  smartstack_sudo sh -c "nohup '$dockerd' --iptables=false >'$SMARTSTACK_DOCKERD_LOG' 2>&1 & echo \$! >/tmp/smartstack-dockerd.pid"
  local waited=0
  until smartstack_docker_answers; do
    if [ "$waited" -ge 600 ]; then
      echo "dockerd did not answer within 60 s; its log:" >&2
      tail -n 30 "$SMARTSTACK_DOCKERD_LOG" >&2 || true
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  SMARTSTACK_STARTED_DOCKERD=1
  if [ "$(id -u)" -ne 0 ] && ! docker info >/dev/null 2>&1; then
    echo "dockerd runs, but this user may not use it: add yourself to the docker group." >&2
    return 1
  fi
}

smartstack_dockerd_stop() {
  [ "$SMARTSTACK_STARTED_DOCKERD" = 1 ] || return 0
  local pid
  pid="$(cat /tmp/smartstack-dockerd.pid 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  echo "Stopping the dockerd this run started (pid $pid)..."
  smartstack_sudo kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    smartstack_sudo kill -0 "$pid" 2>/dev/null || { SMARTSTACK_STARTED_DOCKERD=0; return 0; }
    sleep 0.2
  done
  echo "dockerd (pid $pid) did not stop within 30 s." >&2
}

# The apt mirror this machine uses (the base image uses the same one).
smartstack_debian_mirror() {
  local mirror files=()
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  mirror="$( { [ "${#files[@]}" -eq 0 ] || grep -h -v '^[[:space:]]*#' "${files[@]}"; } |
    grep -o -E 'https?://[^ ]+/debian/?( |$)' | grep -v -- '-security' | head -n 1 | tr -d ' ')"
  printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

# Makes $SMARTSTACK_BASE_IMAGE when it is missing: debootstrap bookworm, apt lists emptied, imported.
smartstack_base_image() {
  if docker image inspect "$SMARTSTACK_BASE_IMAGE" >/dev/null 2>&1; then
    echo "Base image $SMARTSTACK_BASE_IMAGE is present."
    return 0
  fi
  local root mirror started=$SECONDS
  mirror="$(smartstack_debian_mirror)"
  root="$(mktemp -d /tmp/smartstack-base.XXXXXX)"
  echo "Making base image $SMARTSTACK_BASE_IMAGE (debootstrap bookworm from $mirror, about a minute)..."
  if ! smartstack_sudo debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1; then
    echo "debootstrap failed; the end of its log ($root.log):" >&2
    tail -n 30 "$root.log" >&2
    smartstack_sudo rm -rf "$root"
    return 1
  fi
  smartstack_sudo sh -c "rm -rf '$root'/var/lib/apt/lists/* '$root'/var/cache/apt/*"
  smartstack_sudo tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["true"]' \
    - "$SMARTSTACK_BASE_IMAGE" >/dev/null
  smartstack_sudo rm -rf "$root" "$root.log"
  echo "Made $SMARTSTACK_BASE_IMAGE in $((SECONDS - started)) s."
}

# Removes what an earlier, killed test run left behind (containers and networks with our label).
smartstack_docker_clean() {
  local containers networks
  containers="$(docker ps -aq --filter "label=$SMARTSTACK_DOCKER_LABEL")"
  # shellcheck disable=SC2086
  [ -z "$containers" ] || docker rm -f $containers >/dev/null
  networks="$(docker network ls -q --filter "label=$SMARTSTACK_DOCKER_LABEL")"
  # shellcheck disable=SC2086
  [ -z "$networks" ] || docker network rm $networks >/dev/null
}

smartstack_docker_up() {
  smartstack_docker_install || return 1
  case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin"; export PATH ;; esac
  smartstack_dockerd_start || return 1
  smartstack_base_image || return 1
}

smartstack_docker_down() {
  smartstack_dockerd_stop
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    up) smartstack_docker_up ;;
    base) smartstack_base_image ;;
    clean) smartstack_docker_clean ;;
    down) SMARTSTACK_STARTED_DOCKERD=1 smartstack_docker_down ;;
    *) echo "usage: $0 up|base|clean|down" >&2; exit 2 ;;
  esac
fi
