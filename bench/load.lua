-- wrk script for bench/run: every connection is its own signed-in person.
--
-- Run with as many threads as connections (-t N -c N): each thread has one connection
-- and its own Lua state, and takes the line of BENCH_USERS (tab-separated: user id,
-- Cookie header, CSRF token, answer version) numbered by its thread. BENCH_METHOD and
-- BENCH_PATH say what to request. A POST is an autosave as static/js/autosave.js sends
-- it: JSON {text, version}, each save based on the version the last reply returned.
--
-- Every reply that is not 2xx (a redirect to the sign-in page included) is counted;
-- done() prints one line, "BENCH_RESULT key=value ...", that bench/report.py reads.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH")
local users_file = os.getenv("BENCH_USERS")
local origin = os.getenv("BENCH_ORIGIN")

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function user_line(number)
  local n = 0
  for line in io.lines(users_file) do
    n = n + 1
    if n == number then
      local user, cookie, token, version = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
      return user, cookie, token, tonumber(version)
    end
  end
  error("no line " .. number .. " in " .. users_file)
end

local cookie, token, version, user
local fixed_request
local saves = 0

function init(args)
  user, cookie, token, version = user_line(id)
  non2xx = 0
  statuses = ""
  local headers = {
    ["Cookie"] = cookie,
    ["X-Forwarded-Proto"] = "https",
  }
  if method == "GET" then
    fixed_request = wrk.format("GET", path, headers)
  end
end

function request()
  if fixed_request then
    return fixed_request
  end
  saves = saves + 1
  local body = string.format(
    '{"text": "Autosaved text %d of person %s, as typed.", "version": %d}', saves, user, version
  )
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["X-Forwarded-Proto"] = "https",
    ["Origin"] = origin,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["X-CSRFToken"] = token,
  }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if #statuses < 200 then
      statuses = statuses .. status .. " "
    end
    return
  end
  if not fixed_request then
    local saved = body:match('"version":%s*(%d+)')
    if saved then
      version = tonumber(saved)
    end
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    seen = seen .. (thread:get("statuses") or "")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d non2xx=%d "
      .. "socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), bad,
    errors.connect + errors.read + errors.write + errors.timeout,
    seen == "" and "-" or seen:gsub(" $", ""):gsub(" ", ",")
  ))
end
