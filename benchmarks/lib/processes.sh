# shellcheck shell=bash disable=SC2034  # server_pid is read by the scripts that source this
# Sourced by run-load.sh and durability.sh: build, start, wait for and stop the processes a run owns.
# Everything listens on and is driven at 127.0.0.1 only.

benchmarks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo_dir=$(dirname "$benchmarks_dir")
server_dll=${FHIRPRACTICE_SERVER_DLL:-$repo_dir/src/FhirPractice.Server/bin/Release/net10.0/FhirPractice.Server.dll}
harness_dll=$benchmarks_dir/FhirPractice.LoadHarness/bin/Release/net10.0/FhirPractice.LoadHarness.dll

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

build_release() {
  if [[ ${LOAD_SKIP_BUILD:-0} == 1 ]]; then log "skipping build (LOAD_SKIP_BUILD=1)"; return; fi
  log "building Release"
  dotnet build -c Release -nologo -v quiet "$repo_dir/src/FhirPractice.Server" >&2
  dotnet build -c Release -nologo -v quiet "$benchmarks_dir/FhirPractice.LoadHarness" >&2
}

harness() { dotnet "$harness_dll" "$@"; }
# harness_within SECONDS MODE ... — the same, but killed if it overruns (every client step is bounded).
harness_within() { local limit=$1; shift; timeout "$limit" dotnet "$harness_dll" "$@"; }

# start_server PORT DB_PATH LOG_FILE [SETTING...] — sets server_pid; SETTINGs are extra --key=value arguments. Open mode
# (no tokens): the load clients measure the server, not the authorization server, and it is bound to loopback only. Runs from the build output folder, as a
# deployment would: the content root is the working directory, and from anywhere else the server's
# appsettings.json (log levels, SQLite settings) is silently not loaded. `exec` and `dotnet app.dll`
# keep one process, so the pid is the server's own and kill -9 hits it directly.
start_server() {
  local port=$1 db=$2 log_file=$3
  shift 3
  (cd "$(dirname "$server_dll")" &&
    exec dotnet "$server_dll" --urls "http://127.0.0.1:$port" --FhirPractice:Sqlite:Path="$db" --FhirPractice:Security:OpenMode=true "$@") >>"$log_file" 2>&1 &
  server_pid=$!
}

# wait_ready URL PID SECONDS — 200 from URL, or fail early if the process died.
wait_ready() {
  local url=$1 pid=$2 deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then log "process $pid exited before $url answered"; return 1; fi
    if ((SECONDS >= deadline)); then log "$url not ready after $3 s"; return 1; fi
    sleep 0.2
  done
}

# stop_pid PID — polite SIGTERM, then SIGKILL after 10 s; only ever a pid this run started.
stop_pid() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# cpu_seconds PID — user+system CPU the process has used so far (to spot a server busy in the background).
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}

# wait_idle PID [SECONDS] — until the process uses under 5% of a core for two seconds running (at most
# SECONDS, default 60): a server still warming up in the background would otherwise lower the ceiling.
wait_idle() {
  local pid=$1 deadline=$((SECONDS + ${2:-60})) quiet=0 last now
  last=$(cpu_seconds "$pid")
  while ((quiet < 2 && SECONDS < deadline)); do
    sleep 1
    now=$(cpu_seconds "$pid")
    if awk -v a="$last" -v b="$now" 'BEGIN { exit !(b - a < 0.05) }'; then quiet=$((quiet + 1)); else quiet=0; fi
    last=$now
  done
  ((quiet >= 2)) || log "process $pid still busy after ${2:-60} s; measuring anyway"
}

ensure_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk from Debian's packages"
  apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
}

# start_run NAME PID_VAR... — a fresh temp folder ($run_dir) for this run; on exit the processes whose pids
# the named variables hold then are stopped, and the folder is removed (kept with LOAD_KEEP=1).
start_run() {
  run_dir=$(mktemp -d "/tmp/fhirpractice-$1.XXXXXX")
  shift
  run_pid_vars=("$@")
  local var
  for var in "${run_pid_vars[@]}"; do printf -v "$var" '%s' ''; done
  trap end_run EXIT
  trap 'exit 130' INT TERM
}

end_run() {
  local var
  for var in "${run_pid_vars[@]}"; do stop_pid "${!var}"; done
  if [[ ${LOAD_KEEP:-0} == 1 ]]; then log "kept $run_dir"; else rm -rf "$run_dir"; fi
}
