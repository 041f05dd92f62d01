#!/usr/bin/env bash
# The search benchmark: builds Release, loads a fresh database with >= 1,000,000 resources (Synthea clones
# with distinct family names, plus booked Appointments), then measures each query kind and their mix at 8
# concurrent clients, a bare-Kestrel floor serving one search response, and create Patient on the loaded
# database. See benchmarks/README.md. Settings are env vars.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

duration=${LOAD_DURATION:-15}
warmup=${LOAD_WARMUP:-3}
threads=${LOAD_THREADS:-2}
resources=${LOAD_RESOURCES:-1000000}
appointments=${LOAD_APPOINTMENTS:-20000}
ingest_workers=${LOAD_INGEST_WORKERS:-4}
ingest_max_seconds=${LOAD_INGEST_MAX_SECONDS:-3600}
corpus=${FHIRPRACTICE_CORPUS:-$repo_dir/../shared/data}
kinds=(patient-family-birthdate observation-patient-code-date appointment-practitioner-date
  encounter-patient-revinclude observation-chain-name observation-sort-date-paging)

ensure_wrk
build_release
start_run search bare_pid server_pid
# LOAD_REUSE=DIR measures again on the database and queries a kept run (LOAD_KEEP=1) left in DIR, without loading.
reuse=${LOAD_REUSE:-}
data_dir=${reuse:-$run_dir}

port=$(harness free-port)
base=http://127.0.0.1:$port/fhir
log "server on $base, database $data_dir/fhir.db"
start_server "$port" "$data_dir/fhir.db" "$run_dir/server.log"
wait_ready "$base/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }

if [[ -z $reuse ]]; then
  log "loading >= $resources Synthea resources ($ingest_workers workers)"
  harness_within $((ingest_max_seconds + 600)) ingest --base "$base" --corpus "$corpus" --resources "$resources" \
    --workers "$ingest_workers" --max-seconds "$ingest_max_seconds" --prefer return=minimal --distinct-names true | tee "$run_dir/ingest.out" >&2
  log "booking $appointments Appointments"
  harness_within 1200 seed-appointments --base "$base" --count "$appointments" --queries-out "$run_dir/appointment-practitioner-date.txt" >&2
  harness_within 600 search-queries --base "$base" --out "$run_dir" >&2
fi
total=$(curl -fsS "$base?_summary=count&_total=accurate" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
log "the database holds ${total:-?} resources"

results=$run_dir/results.tsv
: >"$results"
export LOAD_WRK_DIR=$benchmarks_dir/wrk LOAD_PREFER=return=minimal
# run_wrk NAME SCRIPT URL CONNECTIONS — warm-up, then the measured run; appends a row to $results.
run_wrk() {
  local name=$1 script=$benchmarks_dir/wrk/$2 url=$3 connections=$4 out=$run_dir/wrk.out
  ((warmup > 0)) && timeout $((warmup + 60)) wrk -t"$threads" -c"$connections" -d"${warmup}s" --timeout 10s -s "$script" "$url" >/dev/null
  log "$name: ${duration}s, $connections connections"
  timeout $((duration + 60)) wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "$script" "$url" >"$out"
  grep '^RESULT' "$out" | awk -v name="$name" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%s\t%s\t%s\t%s\t%s\t%s\n", name, v["requests_per_s"], v["p50_ms"], v["p99_ms"], v["non2xx"], v["errors"]
  }' >>"$results"
}

# The floor: one search response (a first page of the sorted Observation search) served by bare Kestrel.
sample=$(head -1 "$data_dir/observation-sort-date-paging.txt")
curl -fsS -H 'Accept: application/fhir+json' "http://127.0.0.1:$port$sample" >"$run_dir/search-response.json"
bare_port=$(harness free-port)
dotnet "$harness_dll" bare-kestrel --port "$bare_port" --file "$run_dir/search-response.json" \
  --content-type "application/fhir+json; charset=utf-8" >"$run_dir/bare.log" 2>&1 &
bare_pid=$!
wait_ready "http://127.0.0.1:$bare_port/fhir/metadata" "$bare_pid" 60
wait_idle "$server_pid" 120
LOAD_PATHS_FILE=$data_dir/observation-sort-date-paging.txt run_wrk "bare Kestrel (floor)" search.lua "http://127.0.0.1:$bare_port" 8
stop_pid "$bare_pid"; bare_pid=''

for kind in "${kinds[@]}"; do
  LOAD_PATHS_FILE=$data_dir/$kind.txt run_wrk "$kind" search.lua "http://127.0.0.1:$port" 8
done
for kind in "${kinds[@]}"; do cat "$data_dir/$kind.txt"; done | shuf --random-source=<(yes) >"$run_dir/mix.txt"
LOAD_PATHS_FILE=$run_dir/mix.txt run_wrk "query mix" search.lua "http://127.0.0.1:$port" 8

# Writes on the loaded database, every search parameter indexed: the same create as run-load.sh.
LOAD_IDS_FILE=/dev/null run_wrk "create Patient (64 conn.)" create-patient.lua "$base" 64

echo
awk -F'\t' '
  { target = "-"
    if ($1 != "bare Kestrel (floor)" && $1 !~ /^create/) target = ($3 <= 5 && $4 <= 25) ? "met (p50<=5, p99<=25)" : "MISSED (p50<=5, p99<=25)"
    printf "%-32s %10.1f %9.2f %9.2f %8s %7s  %s\n", $1, $2, $3, $4, $5, $6, target }
  BEGIN { printf "%-32s %10s %9s %9s %8s %7s  %s\n", "scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "target" }' "$results"
echo "(${total:-?} resources; searches at 8 connections, $threads wrk threads, ${duration}s each after ${warmup}s warm-up; $(nproc) cores)"
awk -F'\t' '$5 != 0 || $6 != 0 { bad = 1 } END { exit bad }' "$results" || { log "some requests failed"; exit 1; }
