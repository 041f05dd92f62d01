#!/usr/bin/env bash
# HL7 v2 load: ADT^A08 over 8 MLLP connections against a fresh Release server; prints messages/s (framed,
# parsed, mapped, committed, ACKed AA), the ACK latency p50/p99 and the server's CPU per message — first the same load
# against a bare MLLP listener that parses and answers AA and stores nothing (the machine's ceiling for this load, in
# the same run), and the bridge's rate as a fraction of it. MLLP_SECONDS (default 20), MLLP_WARMUP (default 10) and
# MLLP_CONNECTIONS (default 8) change the run. Needs a server that registers an IMessageMapper for ADT^A08.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

build_release
start_run mllp-load bare_pid server_pid

# The first MLLP_WARMUP seconds (default 10) are sent but not measured (the server's JIT warms up meanwhile); the
# server's CPU per message, measured over the same window, travels better than messages/s on a shared machine.
load() { # load PORT PID — the measured load, bounded
  harness_within $((${MLLP_WARMUP:-10} + ${MLLP_SECONDS:-20} + 120)) mllp-load --port "$1" --connections "${MLLP_CONNECTIONS:-8}" \
    --seconds "${MLLP_SECONDS:-20}" --warmup "${MLLP_WARMUP:-10}" --server-pid "$2"
}
rate() { sed -nE 's/.*: ([0-9]+) messages\/s AA.*/\1/p' <<<"$1"; }

bare=$(harness free-port)
dotnet "$harness_dll" mllp-bare --port "$bare" >"$run_dir/bare.log" 2>&1 &
bare_pid=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$bare") 2>/dev/null; do
  kill -0 "$bare_pid" 2>/dev/null || { log "the bare MLLP listener exited"; cat "$run_dir/bare.log" >&2; exit 1; }
  sleep 0.2
done
ceiling=$(load "$bare" "$bare_pid")
echo "bare listener (parsed, ACKed AA, nothing stored): $ceiling"
stop_pid "$bare_pid"; bare_pid=''

port=$(harness free-port)
mllp=$(harness free-port)
start_server "$port" "$run_dir/fhir.db" "$run_dir/server.log" --FhirPractice:Hl7v2:Mllp:Port="$mllp"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }
wait_idle "$server_pid"
result=$(load "$mllp" "$server_pid") || { echo "$result"; exit 1; }
echo "$result"
awk -v a="$(rate "$result")" -v b="$(rate "$ceiling")" 'BEGIN { if (b > 0) printf "bridge / bare listener: %.2f\n", a / b }'
