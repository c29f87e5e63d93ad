-- wrk script: cycle through the request paths listed in a file (one per line), count the answers by status code,
-- and print totals as one JSON line. Each thread counts in its own `statuses` table; `done` adds them up.
local threads = {}
local paths = {}
local counter = 0
statuses = {}

setup = function(thread)
  threads[#threads + 1] = thread
end

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  counter = math.random(1, #paths)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local errors = summary.errors
  io.write(string.format(
    'RELIABILITY_JSON {"requests": %d, "duration_us": %d, "statuses": {%s}, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "), errors.connect, errors.read, errors.write,
    errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
