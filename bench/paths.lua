-- wrk script: cycle through the request paths listed in a file (one per line), then print the results as JSON.
local paths = {}
local counter = 0

local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  -- Threads start spread over the list: each thread's math.random is seeded alike and would give them one start.
  counter = (id or 0) * 7919
end

request = function()
  counter = counter + 1
  -- As browsers do (bench/load.py HEADERS).
  return wrk.format("GET", paths[(counter % #paths) + 1], {["Accept-Encoding"] = "gzip"})
end

done = function(summary, latency, requests)
  local other = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status, other,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
