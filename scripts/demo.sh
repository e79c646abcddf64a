#!/usr/bin/env bash
# Runs the product: builds the web app, the server and the `rugzak` CLI, starts the server with its embedded
# sled store and the web app at its URL, plays the Annelies journey (inwoner, huisarts, welzijnscoach) with the
# CLI against it, and keeps the server running for the web app until Ctrl-C (RUGZAK_DEMO_KEEP=0: stop at once).
# Data stays in ./rugzak-data (override with RUGZAK_DATA_DIR), the server's log in ./rugzak-server.log; the
# demo's key homes go to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port="${RUGZAK_PORT:-8080}"
data_dir="${RUGZAK_DATA_DIR:-$PWD/rugzak-data}"
server="http://127.0.0.1:$port"
server_log="${RUGZAK_SERVER_LOG:-$PWD/rugzak-server.log}"

./scripts/build-web.sh
cargo build --locked -p vault-server -p rugzak-cli
bin="$CARGO_TARGET_DIR/debug"

"$bin/vault-server" serve --data-dir "$data_dir" --listen "127.0.0.1:$port" \
  --public-url "http://localhost:$port" --web-dir web/dist >"$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -fsS "$server/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$server/healthz" >/dev/null || { echo "server did not start on $server" >&2; exit 1; }

echo "Rugzak server: $server (data in $data_dir, server log in $server_log)"
"$bin/rugzak" demo --server "$server"

if [ "${RUGZAK_DEMO_KEEP:-1}" != "0" ]; then
  echo
  echo "Rugzak web app: http://localhost:$port/  (open it in Chromium or Firefox; Ctrl-C stops the server)"
  wait "$server_pid"
fi
