#!/usr/bin/env bash
# Scheduling load against a fresh Release server: sustained Appointment/$book of free times over the next SCHED_BOOK_DAYS
# (default 365) days, SCHED_RACE_PERCENT (default 10) of the requests racing another client for its time (bookings/s,
# 409s, latency), then
# Appointment/$find over SCHED_DAYS (default 30) days for one of SCHED_PROVIDERS (default 20) providers and for all of
# them at once through a HealthcareService (p50/p99 each), then a check that no provider is double-booked (every booked
# Appointment read back). SCHED_SECONDS (default 20) per phase, each after SCHED_WARMUP (default 5) seconds of its
# requests that are not measured (the server's JIT warms up meanwhile), SCHED_WORKERS (default 16) clients; SCHED_PHASES
# (default book,find,service-find) picks the phases (the $find phases without book run over empty calendars).
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

build_release
start_run scheduling-load server_pid

port=$(harness free-port)
start_server "$port" "$run_dir/fhir.db" "$run_dir/server.log" --FhirPractice:Practice:TimeZone=America/New_York
wait_ready "http://127.0.0.1:$port/fhir/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }
wait_idle "$server_pid"
harness_within $((4 * ${SCHED_SECONDS:-20} + 4 * ${SCHED_WARMUP:-5} + 300)) scheduling-load --base "http://127.0.0.1:$port/fhir" \
  --providers "${SCHED_PROVIDERS:-20}" --days "${SCHED_DAYS:-30}" --book-days "${SCHED_BOOK_DAYS:-365}" --race-percent "${SCHED_RACE_PERCENT:-10}" --workers "${SCHED_WORKERS:-16}" --seconds "${SCHED_SECONDS:-20}" --warmup "${SCHED_WARMUP:-5}" \
  --phases "${SCHED_PHASES:-book,find,service-find}" \
  --server-pid "$server_pid"
