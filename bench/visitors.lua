-- wrk script for `python -m bench aftersync`: visitors cycling through the paths listed in a file (one per line),
-- each response logged as "<epoch ms> <status> <X-Page-Cache> <path>" to <log prefix>.<thread>, one file per thread.
-- Run with as many threads as connections (-t N -c N): a thread then has one connection, so each response answers
-- the request the thread sent last, and the path it logs is the right one.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local now = ffi.new("bench_timespec")

local function epoch_ms()
  ffi.C.clock_gettime(0, now) -- CLOCK_REALTIME: the same clock as Python's time.time()
  return tonumber(now.tv_sec) * 1000 + math.floor(tonumber(now.tv_nsec) / 1000000)
end

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local paths = {}
local counter = 0
local sent = ""
local log = nil

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  -- Threads start spread over the list (every thread's math.random would give the same start).
  counter = (id or 0) * 7919
  log = assert(io.open(args[2] .. "." .. (id or 0), "w"))
end

function request()
  counter = counter + 1
  sent = paths[(counter % #paths) + 1]
  -- As browsers do (bench/load.py HEADERS).
  return wrk.format("GET", sent, {["Accept-Encoding"] = "gzip"})
end

function response(status, headers, body)
  log:write(epoch_ms(), " ", status, " ", headers["X-Page-Cache"] or "-", " ", sent, "\n")
end
