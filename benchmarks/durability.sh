#!/usr/bin/env bash
# Durability under SIGKILL: concurrent writers POST Patients and log every id the server acknowledged
# (201); after a few seconds of sustained writes the server is killed with -9, restarted on the same
# database, and every acknowledged id must read back 200. Prints "acknowledged N, missing M" and
# exits non-zero when M > 0. See benchmarks/README.md.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

write_seconds=${DURABILITY_WRITE_SECONDS:-5}  # sustained writes before the kill
writers=${DURABILITY_WRITERS:-16}

build_release

start_run durability writers_pid server_pid

db=$run_dir/fhir.db
port=$(harness free-port)
start_server "$port" "$db" "$run_dir/server.log"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }

log "$writers writers for ${write_seconds}s, then kill -9"
timeout $((write_seconds + 60)) dotnet "$harness_dll" durability-writers --base "http://127.0.0.1:$port/fhir" --workers "$writers" \
  --patient "$benchmarks_dir/wrk/patient.json" --log "$run_dir/acknowledged.txt" --max-seconds $((write_seconds + 30)) &
writers_pid=$!
sleep "$write_seconds"
before_kill=$(wc -l <"$run_dir/acknowledged.txt")
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=''
wait "$writers_pid" || true   # writers stop at their first refused connection
writers_pid=''
if ((before_kill == 0)); then log "no write was acknowledged before the kill; nothing was tested"; exit 1; fi

log "restarting on the same database"
port=$(harness free-port)
start_server "$port" "$db" "$run_dir/server-restart.log"
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server-restart.log" >&2; exit 1; }
harness_within 300 check-ids --base "http://127.0.0.1:$port/fhir" --ids "$run_dir/acknowledged.txt"
