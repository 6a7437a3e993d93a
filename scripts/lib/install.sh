# The one install helper behind ./scripts/test, ./scripts/demo and the Vagrant provisioning.
# It installs only what is missing, says what it installs, and fails clearly where apt-get is absent.
# shellcheck shell=bash

# Which Debian/Ubuntu package provides each command we need.
declare -A SMARTSTACK_PACKAGE_FOR=(
  [java]=openjdk-17-jdk-headless
  [mvn]=maven
  [haproxy]=haproxy
  [redis-server]=redis-server
  [rabbitmq-server]=rabbitmq-server
  [chromium]=chromium
  [ruby]=ruby
  [curl]=curl
  [dig]=dnsutils
  [wrk]=wrk
  [flock]=util-linux
  [systemd-analyze]=systemd
)

# What each purpose needs.
SMARTSTACK_NEEDS_DEMO="java mvn haproxy curl flock"
SMARTSTACK_NEEDS_TEST="java mvn haproxy redis-server rabbitmq-server chromium ruby curl dig flock systemd-analyze wrk"

smartstack_has_jdk17() {
  command -v javac >/dev/null 2>&1 || return 1
  local version
  version="$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')"
  [ -n "$version" ] && [ "$version" -ge 17 ]
}

smartstack_missing_packages() {
  local tool missing=()
  for tool in "$@"; do
    case "$tool" in
      java) smartstack_has_jdk17 || missing+=("${SMARTSTACK_PACKAGE_FOR[java]}") ;;
      haproxy|rabbitmq-server|redis-server)
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${SMARTSTACK_PACKAGE_FOR[$tool]}") ;;
      *) command -v "$tool" >/dev/null 2>&1 || missing+=("${SMARTSTACK_PACKAGE_FOR[$tool]}") ;;
    esac
  done
  printf '%s\n' "${missing[@]}"
}

# smartstack_install demo|test : installs whatever that purpose needs and is missing.
smartstack_install() {
  local needs
  case "$1" in
    demo) needs="$SMARTSTACK_NEEDS_DEMO" ;;
    test) needs="$SMARTSTACK_NEEDS_TEST" ;;
    *) echo "smartstack_install: unknown purpose '$1' (demo or test)" >&2; return 2 ;;
  esac
  # shellcheck disable=SC2086
  mapfile -t packages < <(smartstack_missing_packages $needs | sed '/^$/d')
  if [ "${#packages[@]}" -eq 0 ]; then
    echo "All prerequisites are installed (${needs// /, })."
  else
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "Missing: ${packages[*]}" >&2
      echo "This machine has no apt-get: install the packages above (or their equivalents) by hand," >&2
      echo "then run this command again. Debian 12 and Ubuntu 22.04+ are supported out of the box." >&2
      return 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || { echo "Installing ${packages[*]} needs root or sudo." >&2; return 1; }
      sudo="sudo"
    fi
    echo "Installing with apt-get: ${packages[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # Package scripts must not start the system services: tests and the demo start their own on
    # private ports, and a stray system instance would only hold memory and well-known ports.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" || {
      [ "$created_policy" = 1 ] && $sudo rm -f "$policy"
      echo "apt-get could not install: ${packages[*]}" >&2
      return 1
    }
    [ "$created_policy" = 1 ] && $sudo rm -f "$policy"
  fi
  # Make the sbin tools visible to the tests when run by an ordinary user.
  case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac
  export PATH
  if ! smartstack_has_jdk17; then
    echo "A JDK 17 or newer is required (javac -version says: $(javac -version 2>&1))." >&2
    return 1
  fi
}
