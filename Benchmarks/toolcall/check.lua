-- wrk script: sends BODY (a file) with HEADERS, counts answers that are not 200 with EXPECT in
-- the body (a fast error is not a result), and prints one RESULT line.
local body_file = os.getenv("BODY_FILE")
local expect = os.getenv("EXPECT") or "Rex"
if body_file then
  local file = assert(io.open(body_file, "r"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
end
for pair in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

-- DELAY_MS: each connection waits between 0 and twice this long (uniformly at random, so the
-- connections do not fire together) after an answer before its next request, which holds the
-- offered rate near connections / DELAY_MS (wrk itself has no fixed-rate mode).
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then
  function delay() return math.random(0, 2 * delay_ms) end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; counter = 0 end

-- Each MCP request gets its own JSON-RPC id: a session refuses an id already in flight. A body
-- without `"id":1` (a model call) is sent as it is.
local before, after
if body_file then before, after = string.match(wrk.body, '^(.-"id":)1(,.*)$') end
if before then
  function request()
    counter = counter + 1
    return wrk.format(nil, nil, nil, before .. counter .. after)
  end
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, expect, 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50=%.3f p99=%.3f errors=%d wrong=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, wrong, summary.requests))
end
