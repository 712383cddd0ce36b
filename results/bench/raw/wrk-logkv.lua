-- wrk script of the logkv bench report; the report writes it next to its results and runs
--   wrk -s wrk-logkv.lua <url> -- <method> <path prefix> <keys> <value bytes> [statuses]
-- Request n goes to <path prefix>(n mod keys), so a run of any length touches a bounded key set
-- and the server's memory stays bounded. A PUT carries <value bytes> bytes. With "statuses",
-- every answer's status is counted (that makes wrk parse each answer's headers, so it is asked
-- only where the status matters, e.g. 200 "applied" against 202 "durable, not yet applied").
-- done() prints one line, "logkv-wrk {json}", with what wrk's own summary leaves out.

local method, prefix, keys, body
local n = 0
statuses = {}

local threads = {}

-- Requests are built once, in init, when they fit in 64 MiB (10,000 keys of 4 KiB do): wrk then
-- spends its time sending, not formatting, and a run measures the server, not the script.
local prebuilt

local function build(i)
  return wrk.format(method, prefix .. i, nil, body)
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- args[0] is the URL; ours follow it.
  method = args[1] or "GET"
  prefix = args[2] or "/"
  keys = tonumber(args[3] or "1")
  local size = tonumber(args[4] or "0")
  if size > 0 then
    body = string.rep("v", size)
  end
  if keys * (#(body or "") + #prefix + 128) <= 64 * 1024 * 1024 then
    prebuilt = {}
    for i = 0, keys - 1 do
      prebuilt[i + 1] = build(i)
    end
  end
  if args[5] == "statuses" then
    response = function(status, headers, answer)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
end

function request()
  local i = n % keys
  n = n + 1
  if prebuilt then
    return prebuilt[i + 1]
  end
  return build(i)
end

local function percentiles(latency)
  local levels = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 90, 95, 97, 99, 99.5, 99.9, 99.95, 99.99}
  local parts = {}
  for _, p in ipairs(levels) do
    table.insert(parts, string.format('"%s":%d', tostring(p), latency:percentile(p)))
  end
  table.insert(parts, string.format('"100":%d', latency.max))
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local counted = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, count in pairs(s) do
      counted[status] = (counted[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counted) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'logkv-wrk {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":%s,"latency_mean_us":%.1f,"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    percentiles(latency), latency.mean, table.concat(parts, ",")))
end
