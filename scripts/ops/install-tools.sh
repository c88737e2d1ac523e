#!/usr/bin/env bash
# Installs the tools the operations and gRPC checks (test/ops, test/api) need on a fresh Debian machine:
#   helm     built from source with `go install` (Go must be on the machine)
#   buf      protobuf compiler and linter, `go install` (npm run proto, the buf lint test)
#   grpcurl  the Go gRPC client, `go install` (the end-to-end reflection test)
#   promtool from Debian's `prometheus` package
# Idempotent: a tool that is already there at the wanted version is left alone.
# Prints where each tool is, so CI can put the folder on PATH.
#
#   scripts/ops/install-tools.sh            # install all
#   HELM_VERSION=v3.22.0 BUF_VERSION=v1.75.0 GRPCURL_VERSION=v1.9.3 scripts/ops/install-tools.sh
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
BUF_VERSION="${BUF_VERSION:-v1.75.0}"
GRPCURL_VERSION="${GRPCURL_VERSION:-v1.9.3}"
RISKWIRE_BIN="${RISKWIRE_BIN:-${HOME:-/root}/.cache/riskwire/bin}"

log() { echo "[ops-tools] $*"; }
die() { echo "[ops-tools] $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# install_go_tool NAME MODULE_PATH VERSION: `go install MODULE_PATH@VERSION` into $RISKWIRE_BIN, once per version.
install_go_tool() {
  local name=$1 module=$2 version=$3
  mkdir -p "$RISKWIRE_BIN"
  local bin="$RISKWIRE_BIN/$name"
  local stamp="$RISKWIRE_BIN/.$name-version"
  # A source build does not stamp its full version into the binary (grpcurl says "dev build", helm a bare
  # major.minor): remember what we built.
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
    log "$name $version already at $bin"
    return
  fi
  command -v go >/dev/null 2>&1 || die "go is not on PATH: $name is built with 'go install'"
  log "building $name $version with go install (helm and buf take a few minutes on 2 cores)"
  local started=$SECONDS
  # -buildvcs=false: the module cache has no VCS data; CGO off gives a static binary.
  CGO_ENABLED=0 GOBIN="$RISKWIRE_BIN" go install -buildvcs=false "$module@$version"
  log "$name built in $((SECONDS - started)) s"
  "$bin" --version >/dev/null 2>&1 || "$bin" -version >/dev/null 2>&1 || "$bin" version >/dev/null 2>&1 || die "$name at $bin does not run"
  echo "$version" >"$stamp"
}

stop_debian_prometheus() {
  # The Debian package starts a prometheus server (and node exporter) where an init
  # system is running; the checks need only promtool, so do not leave servers behind.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
    as_root systemctl disable --now prometheus-node-exporter.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prometheus ]; then
    as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
}

install_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    log "promtool already at $(command -v promtool)"
    stop_debian_prometheus
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install promtool (prometheus) by hand"
  log "installing promtool from Debian's prometheus package"
  local started=$SECONDS
  as_root apt-get update -qq
  # policy-rc.d exit 101 keeps the package's init scripts from starting the server now.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  [ "$created_policy" -eq 1 ] && as_root rm -f "$policy"
  stop_debian_prometheus
  log "promtool installed in $((SECONDS - started)) s"
}

install_go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
install_go_tool buf github.com/bufbuild/buf/cmd/buf "$BUF_VERSION"
install_go_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
install_promtool

log "helm:     $RISKWIRE_BIN/helm ($("$RISKWIRE_BIN/helm" version --short 2>/dev/null || echo '?'))"
log "buf:      $RISKWIRE_BIN/buf ($("$RISKWIRE_BIN/buf" --version 2>/dev/null || echo '?'))"
log "grpcurl:  $RISKWIRE_BIN/grpcurl ($(cat "$RISKWIRE_BIN/.grpcurl-version" 2>/dev/null || echo '?'))"
log "promtool: $(command -v promtool) ($(promtool --version 2>&1 | head -1))"
log "add to PATH: export PATH=\"$RISKWIRE_BIN:\$PATH\" (the tests look there too)"
