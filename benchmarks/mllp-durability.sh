#!/usr/bin/env bash
# HL7 v2 durability under SIGKILL: connections stream ADT^A08 messages over MLLP and log every control id
# acknowledged AA; after a few seconds the server is killed with -9, restarted on the same files, and every
# logged message must be in the message store as mapped with its Patient readable. Prints
# "acknowledged N, missing M" and exits non-zero when M > 0.
# Needs a server that registers an IMessageMapper mapping ADT^A08 to a Patient by PID-3.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

write_seconds=${DURABILITY_WRITE_SECONDS:-5}
connections=${DURABILITY_CONNECTIONS:-8}

build_release
start_run mllp-durability stream_pid server_pid

db=$run_dir/fhir.db
port=$(harness free-port)
mllp=$(harness free-port)
start_server "$port" "$db" "$run_dir/server.log" --FhirPractice:Hl7v2:Mllp:Port="$mllp"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }

log "$connections MLLP connections for ${write_seconds}s, then kill -9"
timeout $((write_seconds + 60)) dotnet "$harness_dll" mllp-stream --port "$mllp" --connections "$connections" \
  --log "$run_dir/acknowledged.txt" --max-seconds $((write_seconds + 30)) &
stream_pid=$!
sleep "$write_seconds"
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=''
wait "$stream_pid" || true   # connections stop at their first failure
stream_pid=''
if [[ ! -s $run_dir/acknowledged.txt ]]; then log "no message was acknowledged AA before the kill; nothing was tested"; exit 1; fi

log "restarting on the same files (messages left received are processed at start)"
port=$(harness free-port)
start_server "$port" "$db" "$run_dir/server-restart.log" --FhirPractice:Hl7v2:Mllp:Port="$(harness free-port)"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server-restart.log" >&2; exit 1; }
harness_within 600 check-mllp --base "http://127.0.0.1:$port/fhir" --log "$run_dir/acknowledged.txt"
