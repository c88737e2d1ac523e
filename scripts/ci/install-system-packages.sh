#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, only those missing. Needs root (CI runs as root).
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v go >/dev/null 2>&1 || need+=(golang-go)
# kcat: the Kafka client our users have, driven by test/kcat.e2e-spec.ts; openssl: the secured broker's throwaway CA
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -eq 0 ]; then
  echo "[system] all present: java, mvn, redis-server, promtool, go, kcat, openssl"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[system] missing: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 2
fi
echo "[system] installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps Debian from starting redis/prometheus services: tests start their own.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${need[@]}"
