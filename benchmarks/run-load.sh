#!/usr/bin/env bash
# The load harness: builds Release, starts FhirPractice.Server on a fresh database, drives it over
# loopback and prints req/s, p50, p99 per scenario, each also as a ratio to a bare-Kestrel ceiling
# serving the same bytes. See benchmarks/README.md. Every setting is an env var or a flag.
set -euo pipefail
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

duration=${LOAD_DURATION:-15}        # seconds per wrk scenario
warmup=${LOAD_WARMUP:-3}             # seconds of unmeasured load before each wrk scenario (JIT, caches)
connections=${LOAD_CONNECTIONS:-64}
threads=${LOAD_THREADS:-2}
seed_count=${LOAD_PATIENTS:-1000}    # Patients pre-created for read and update
resources=${LOAD_RESOURCES:-100000}  # minimum resources in the Synthea ingest
ingest_workers=${LOAD_INGEST_WORKERS:-4}
ingest_max_seconds=${LOAD_INGEST_MAX_SECONDS:-300}
prefer=${LOAD_PREFER-return=minimal} # Prefer header on create, update and ingest ("" to omit)
scenarios=${LOAD_SCENARIOS:-read,update,create,ingest}
corpus=${FHIRPRACTICE_CORPUS:-$repo_dir/../shared/data}

while (($#)); do
  case $1 in
    --duration) duration=$2 ;; --warmup) warmup=$2 ;; --connections) connections=$2 ;;
    --threads) threads=$2 ;; --patients) seed_count=$2 ;; --resources) resources=$2 ;;
    --ingest-workers) ingest_workers=$2 ;; --scenarios) scenarios=$2 ;; --corpus) corpus=$2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown flag $1 (see benchmarks/README.md)" >&2; exit 2 ;;
  esac
  shift 2
done

ensure_wrk
build_release

start_run load bare_pid server_pid

port=$(harness free-port)
base=http://127.0.0.1:$port/fhir
log "server on $base, database $run_dir/fhir.db"
start_server "$port" "$run_dir/fhir.db" "$run_dir/server.log"
wait_ready "$base/metadata" "$server_pid" 120 || { tail -20 "$run_dir/server.log" >&2; exit 1; }

log "seeding $seed_count Patients"
harness_within 300 seed-patients --base "$base" --count "$seed_count" --patient "$benchmarks_dir/wrk/patient.json" \
  --ids-out "$run_dir/ids.txt" --sample-out "$run_dir/patient-read.json" --content-type-out "$run_dir/content-type.txt"

results=$run_dir/results.tsv   # scenario, rate, unit, p50 ms, p99 ms, non-2xx, errors, extra
: >"$results"

# run_wrk NAME SCRIPT URL [TABLE] — warm-up, then the measured run; appends its RESULT line to
# TABLE ($results unless given).
run_wrk() {
  local name=$1 script=$benchmarks_dir/wrk/$2 url=$3 table=${4:-$results} out=$run_dir/$2.out
  export LOAD_WRK_DIR=$benchmarks_dir/wrk LOAD_IDS_FILE=$run_dir/ids.txt LOAD_PREFER=$prefer
  if ((warmup > 0)); then
    timeout $((warmup + 60)) wrk -t"$threads" -c"$connections" -d"${warmup}s" --timeout 10s -s "$script" "$url" >/dev/null
  fi
  log "$name: ${duration}s, $connections connections, $threads threads"
  timeout $((duration + 60)) wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "$script" "$url" >"$out"
  grep '^RESULT' "$out" | awk -v name="$name" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%s\t%s\treq/s\t%s\t%s\t%s\t%s\t-\n", name, v["requests_per_s"], v["p50_ms"], v["p99_ms"], v["non2xx"], v["errors"]
  }' >>"$table"
}

# The ceiling: the same bytes a read returns, from Kestrel with nothing behind it. Measured just
# before and just after read by id, and averaged, because a shared machine drifts. The server must be
# idle first (its background warm-up took 5 CPU s in a 15 s run and halved the ceiling); its CPU use
# during each run is still noted.
bare_port=$(harness free-port)
# dotnet itself, not the harness function: $! must be the server's pid for stop_pid to reach it.
dotnet "$harness_dll" bare-kestrel --port "$bare_port" --file "$run_dir/patient-read.json" \
  --content-type "$(cat "$run_dir/content-type.txt")" >"$run_dir/bare.log" 2>&1 &
bare_pid=$!
wait_ready "http://127.0.0.1:$bare_port/fhir/metadata" "$bare_pid" 60
: >"$run_dir/ceiling.tsv"
for round in before after; do
  [[ $round == after && ,$scenarios, != *,read,* ]] && break
  wait_idle "$server_pid"
  cpu_before=$(cpu_seconds "$server_pid")
  run_wrk "bare Kestrel (ceiling)" read-by-id.lua "http://127.0.0.1:$bare_port/fhir" "$run_dir/ceiling.tsv"
  echo "$cpu_before $(cpu_seconds "$server_pid")" >>"$run_dir/ceiling-server-cpu.txt"
  if [[ $round == before && ,$scenarios, == *,read,* ]]; then
    wait_idle "$server_pid"
    run_wrk "read by id" read-by-id.lua "$base" "$run_dir/read.tsv"
  fi
done
stop_pid "$bare_pid"; bare_pid=''
# The table starts with one ceiling row (the mean), then read by id; the other scenarios follow.
paste "$run_dir/ceiling.tsv" "$run_dir/ceiling-server-cpu.txt" | awk -F'\t' -v OFS='\t' '
  { n++; for (i = 2; i <= 7; i++) sum[i] += $i; split($9, cpu, " ")
    notes = notes (n > 1 ? "; " : "") sprintf("%.0f req/s while the server used %.1f CPU s", $2, cpu[2] - cpu[1]) }
  END { print $1, sum[2] / n, $3, sum[4] / n, sum[5] / n, sum[6], sum[7], "mean of " notes }' >"$results"
if [[ -f $run_dir/read.tsv ]]; then cat "$run_dir/read.tsv" >>"$results"; fi

[[ ,$scenarios, == *,update,* ]] && run_wrk "update Patient" update-patient.lua "$base"
[[ ,$scenarios, == *,create,* ]] && run_wrk "create Patient" create-patient.lua "$base"

if [[ ,$scenarios, == *,ingest,* ]]; then
  log "Synthea ingest: >= $resources resources, $ingest_workers workers"
  harness_within $((ingest_max_seconds + 300)) ingest --base "$base" --corpus "$corpus" --resources "$resources" \
    --workers "$ingest_workers" --max-seconds "$ingest_max_seconds" --prefer "$prefer" >"$run_dir/ingest.out" || true
  grep -v '^RESULT' "$run_dir/ingest.out" >&2 || true
  grep -q '^RESULT' "$run_dir/ingest.out" ||
    printf 'Synthea ingest\t0\tresources/s\t0\t0\t0\t1\tno result: the ingest client failed\n' >>"$results"
  grep '^RESULT' "$run_dir/ingest.out" | awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "Synthea ingest\t%s\tresources/s\t%s\t%s\t%s\t%s\t%s bundles/s, %s resources in %s s%s\n", v["resources_per_s"],
      v["p50_ms"], v["p99_ms"], v["non2xx"], v["errors"], v["bundles_per_s"], v["resources"], v["seconds"],
      v["stopped_early"] == 1 ? ", STOPPED EARLY" : ""
  }' >>"$results"
fi

if ! kill -0 "$server_pid" 2>/dev/null; then
  log "the server exited during the run; its log ends:"; tail -20 "$run_dir/server.log" >&2
fi

# The table. Ratios divide by the ceiling's req/s; targets are the project's acceptance bars.
echo
awk -F'\t' '
  NR == 1 { ceiling = $2 }
  { target = "-"
    if ($1 == "read by id") target = ($2 / ceiling >= 0.35) ? "met (>=35%)" : "MISSED (>=35%)"
    if ($1 == "create Patient") target = ($2 >= 5000) ? "met (>=5000/s)" : "MISSED (>=5000/s)"
    if ($1 == "Synthea ingest") target = ($2 >= 4000) ? "met (>=4000/s)" : "MISSED (>=4000/s)"
    rows[NR] = sprintf("%-24s %10.1f %-12s %9.2f %9.2f %7.1f%% %8s %7s  %-18s %s",
      $1, $2, $3, $4, $5, 100 * $2 / ceiling, $6, $7, target, $8 == "-" ? "" : $8) }
  END {
    printf "%-24s %10s %-12s %9s %9s %8s %8s %7s  %-18s %s\n", "scenario", "rate", "unit", "p50 ms", "p99 ms",
      "ceiling", "non-2xx", "errors", "target", "notes"
    for (i = 1; i <= NR; i++) print rows[i]
  }' "$results"
echo "($connections connections, $threads wrk threads, ${duration}s per scenario after ${warmup}s warm-up; Prefer: ${prefer:-none}; $(nproc) cores)"

# Non-zero when any request failed, so a run with errors is never mistaken for a clean one.
awk -F'\t' '$6 != 0 || $7 != 0 { bad = 1 } END { exit bad }' "$results" || { log "some requests failed"; exit 1; }
