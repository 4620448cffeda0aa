#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the suite needs on a fresh Debian machine, then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip DEBIAN_FRONTEND=noninteractive

# Real parts the integration tests start on 127.0.0.1: an OCI registry, Prometheus/promtool, htpasswd.
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v promtool >/dev/null || need+=(prometheus)
command -v htpasswd >/dev/null || need+=(apache2-utils)
# test/helpers/registry.ts makes throw-away TLS and token-signing certificates with openssl.
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

npm ci
npm run typecheck
npm test
