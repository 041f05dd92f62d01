-- Shared by the wrk scenarios: id list, request headers, and one machine-readable RESULT line.
local common = {}

function common.read_lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in file:lines() do
    if #line > 0 then lines[#lines + 1] = line end
  end
  file:close()
  assert(#lines > 0, path .. " is empty")
  return lines
end

function common.read_file(path)
  local file = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  local text = file:read("*a")
  file:close()
  return text
end

function common.write_headers()
  local headers = { ["Content-Type"] = "application/fhir+json" }
  local prefer = os.getenv("LOAD_PREFER") or ""
  if #prefer > 0 then headers["Prefer"] = prefer end
  return headers
end

-- Each thread numbers itself so round-robin and random sequences differ per thread.
local thread_count = 0
function common.setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

-- summary.errors.status counts non-2xx/3xx; the others are socket-level failures.
function common.done(summary, latency)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f requests_per_s=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end

return common
