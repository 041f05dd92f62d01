#!/usr/bin/env bash
# HL7 v2 load: ADT^A08 over 8 MLLP connections against a fresh Release server; prints messages/s (framed,
# parsed, mapped, committed, ACKed AA), the ACK latency p50/p99 and the server's CPU per message. MLLP_SECONDS (default
# 20), MLLP_WARMUP (default 10) and MLLP_CONNECTIONS (default 8) change the run. Needs a server that registers an IMessageMapper for ADT^A08.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

build_release
start_run mllp-load server_pid

port=$(harness free-port)
mllp=$(harness free-port)
start_server "$port" "$run_dir/fhir.db" "$run_dir/server.log" --FhirPractice:Hl7v2:Mllp:Port="$mllp"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }
wait_idle "$server_pid"
# The first MLLP_WARMUP seconds (default 10) are sent but not measured (the server's JIT warms up meanwhile); the
# server's CPU per message, measured over the same window, travels better than messages/s on a shared machine.
harness_within $((${MLLP_WARMUP:-10} + ${MLLP_SECONDS:-20} + 120)) mllp-load --port "$mllp" --connections "${MLLP_CONNECTIONS:-8}" \
  --seconds "${MLLP_SECONDS:-20}" --warmup "${MLLP_WARMUP:-10}" --server-pid "$server_pid"
