-- wrk script for `make bench`: POST the bench act's body, then print the run as one JSON line
-- (BENCH_LABEL, BENCH_COMMAND, BENCH_CONNECTIONS and BENCH_THREADS come from the environment).
-- With BENCH_RATE set, the run is paced to that many requests per second in all.
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Content-Type"] = "application/json"

local rate = tonumber(os.getenv("BENCH_RATE") or "")

-- Pacing as `gtcp-gateway bench --rate` does it: each thread's share of the rate on a fixed
-- schedule, the next slot going to whichever connection is free. wrk calls delay() before
-- every request on a connection and waits the milliseconds it returns (truncated to a whole
-- number). A fixed wait after each reply instead fell 10-15% short of its rate here (the
-- reply's own time adds to every wait) and about doubled the p99, likely from waits lining up
-- on the same millisecond ticks.
-- wrk 4.1 has no clock of its own; LuaJIT's FFI reads the monotonic one.
if rate then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *time);
  ]]
  local monotonic = 1 -- CLOCK_MONOTONIC on Linux
  local time = ffi.new("bench_timespec")
  local function milliseconds()
    ffi.C.clock_gettime(monotonic, time)
    return tonumber(time.tv_sec) * 1000 + tonumber(time.tv_nsec) / 1e6
  end
  local interval = 1000 * tonumber(os.getenv("BENCH_THREADS")) / rate
  local nextSlot
  function delay()
    local now = milliseconds()
    nextSlot = nextSlot and nextSlot + interval or now
    -- A slot already past goes at once, so a late thread catches up as the bench client does.
    return math.max(0, math.ceil(nextSlot - now))
  end
end

local function quoted(text)
  return '"' .. (text or ""):gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"kind":"wrk","label":%s,"command":%s,"connections":%d,"threads":%d,%s"seconds":%.3f,'
      .. '"requests":%d,"errors":%d,"requestsPerSecond":%.1f,"latencyMicroseconds":'
      .. '{"p50":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f,"max":%.1f,"mean":%.1f}}\n',
    quoted(os.getenv("BENCH_LABEL")), quoted(os.getenv("BENCH_COMMAND")),
    tonumber(os.getenv("BENCH_CONNECTIONS")), tonumber(os.getenv("BENCH_THREADS")),
    rate and string.format('"rate":%.1f,', rate) or "", seconds,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
