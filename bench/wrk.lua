-- wrk script for bench/run.py and bench/load.py, configured by environment variables:
--   BENCH_MODE  plain (default): the URL given on the command line, over and over
--               cold: the same path with a unique ?bench=<nonce>-<thread>-<n> each time,
--                     so that every request misses the server-side page cache
--               etag: the same URL with an If-None-Match: $BENCH_ETAG header
--               mix:  cycles over the space-separated paths in $BENCH_PATHS, counting statuses
--               list: cycles over the paths in the file $BENCH_PATHS_FILE, one a line
--   BENCH_NONCE a run-unique string for cold mode (defaults to the time)
-- done() prints one "@bench key=value ..." line for the Python scripts to parse
-- (latencies in microseconds), and in mix mode an "@status code=count ..." line.

local mode = os.getenv("BENCH_MODE") or "plain"
local nonce = os.getenv("BENCH_NONCE") or tostring(os.time())
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

if mode == "etag" then
  wrk.headers["If-None-Match"] = os.getenv("BENCH_ETAG")
elseif mode == "cold" then
  local counter = 0
  request = function()
    counter = counter + 1
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    local path = string.format("%s%sbench=%s-%d-%d", wrk.path, sep, nonce, thread_id, counter)
    return wrk.format(nil, path)
  end
elseif mode == "mix" or mode == "list" then
  local paths = {}
  if mode == "mix" then
    for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
      table.insert(paths, path)
    end
  else
    for path in io.lines(os.getenv("BENCH_PATHS_FILE")) do
      table.insert(paths, path)
    end
  end
  local index = 0
  request = function()
    -- Threads start at different places so that they do not march in step.
    index = index % #paths + 1
    return wrk.format(nil, paths[(index + thread_id * 7919) % #paths + 1])
  end
  if mode == "mix" then
    -- Only here: a response() function makes wrk hand every response to Lua.
    statuses = {}
    response = function(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
elseif mode ~= "plain" then
  error("BENCH_MODE must be plain, cold, etag, mix or list, not " .. mode)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "@bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status
  ))
  if mode == "mix" then
    local total = {}
    for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
        total[status] = (total[status] or 0) + count
      end
    end
    local parts = {}
    for status, count in pairs(total) do
      table.insert(parts, string.format("%d=%d", status, count))
    end
    table.sort(parts)
    io.write("@status " .. table.concat(parts, " ") .. "\n")
  end
end
