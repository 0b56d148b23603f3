-- What every wrk script of bench/ reports: one line "JSON {...}" that bench/harness.py reads.
-- A script calls track(thread) from its setup() and report(...) from its done(); counters a
-- script keeps per thread (globals named in `counters`) are summed over the threads.
local threads = {}

function track(thread)
  table.insert(threads, thread)
end

function report(summary, latency, counters)
  local extra = ""
  for _, name in ipairs(counters or {}) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + (thread:get(name) or 0)
    end
    extra = extra .. string.format(", \"%s\": %d", name, total)
  end
  io.write(string.format("JSON {\"requests\": %d, \"errors_connect\": %d, \"errors_read\": %d, " ..
    "\"errors_timeout\": %d, \"non_2xx\": %d, \"duration_s\": %.3f, " ..
    "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f%s}\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    extra))
end
