-- wrk script for `make bench`: POST the bench act's body, then print the run as one JSON line
-- (BENCH_LABEL, BENCH_COMMAND, BENCH_CONNECTIONS and BENCH_THREADS come from the environment).
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Content-Type"] = "application/json"

local function quoted(text)
  return '"' .. (text or ""):gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"kind":"wrk","label":%s,"command":%s,"connections":%d,"threads":%d,"seconds":%.3f,'
      .. '"requests":%d,"errors":%d,"requestsPerSecond":%.1f,"latencyMicroseconds":'
      .. '{"p50":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f,"max":%.1f,"mean":%.1f}}\n',
    quoted(os.getenv("BENCH_LABEL")), quoted(os.getenv("BENCH_COMMAND")),
    tonumber(os.getenv("BENCH_CONNECTIONS")), tonumber(os.getenv("BENCH_THREADS")), seconds,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
