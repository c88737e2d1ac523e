#!/usr/bin/env bash
# Compiles the protos the gRPC server serves into one FileDescriptorSet with buf (a real protobuf
# compiler), for server reflection: protobufjs re-synthesises descriptors that Go's protobuf rejects
# (wrong map entry names), so the server sends these compiled bytes instead.
#
#   proto/riskwire/v1/*.proto                                   our API (module root proto/, see proto/buf.yaml)
#   grpc/health/v1/health.proto          from grpc-health-check the health service the server runs
#   grpc/reflection/{v1,v1alpha}/reflection.proto from @grpc/reflection   the reflection service itself
#
# The third-party files are compiled under their canonical import paths (grpc/health/v1/health.proto),
# the names Go clients know them by. Source info is kept, so grpcurl `describe` shows the comments.
#
#   scripts/proto/build-descriptor-set.sh                 # regenerate proto/riskwire-descriptor-set.binpb (npm run proto)
#   scripts/proto/build-descriptor-set.sh /tmp/out.binpb  # compile elsewhere (the freshness test compares)
#
# Needs buf (scripts/ops/install-tools.sh installs the pinned version) and node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT="${1:-proto/riskwire-descriptor-set.binpb}"
RISKWIRE_BIN="${RISKWIRE_BIN:-${HOME:-/root}/.cache/riskwire/bin}"
BUF="$(command -v buf || true)"
[ -n "$BUF" ] || BUF="$RISKWIRE_BIN/buf"
[ -x "$BUF" ] || { echo "buf not found on PATH nor in $RISKWIRE_BIN: run scripts/ops/install-tools.sh" >&2; exit 1; }

HEALTH_PROTO=node_modules/grpc-health-check/proto/health/v1/health.proto
REFLECTION_PROTOS=node_modules/@grpc/reflection/build/proto/grpc/reflection
for f in "$HEALTH_PROTO" "$REFLECTION_PROTOS/v1/reflection.proto" "$REFLECTION_PROTOS/v1alpha/reflection.proto"; do
  [ -f "$f" ] || { echo "$f missing: run npm ci first" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One source tree, so one compilation: our files as they are, the others under their canonical paths.
mkdir -p "$work/src/grpc/health/v1" "$work/src/grpc/reflection/v1" "$work/src/grpc/reflection/v1alpha"
(cd proto && find . -name '*.proto' -exec cp --parents {} "$work/src/" \;)
cp "$HEALTH_PROTO" "$work/src/grpc/health/v1/health.proto"
cp "$REFLECTION_PROTOS/v1/reflection.proto" "$work/src/grpc/reflection/v1/reflection.proto"
cp "$REFLECTION_PROTOS/v1alpha/reflection.proto" "$work/src/grpc/reflection/v1alpha/reflection.proto"

"$BUF" build "$work/src" --as-file-descriptor-set -o "$work/set.binpb"
mkdir -p "$(dirname "$OUT")"
cp "$work/set.binpb" "$OUT"
echo "[proto] $("$BUF" --version) compiled $(cd "$work/src" && find . -name '*.proto' | sort | sed 's|^\./||' | paste -sd' ') into $OUT ($(wc -c <"$OUT") bytes)"
