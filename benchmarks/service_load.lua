-- wrk script for benchmarks/service_load.py: a mantelzorger without an account practising a
-- ziektebeeld quiz, as a browser does it.
--
--   wrk -t 50 -c 50 -d 20s -s service_load.lua http://127.0.0.1:PORT -- MODE SLUG ANSWERS
--
-- Run with as many threads as connections: wrk's Lua state belongs to a thread, so one
-- connection per thread gives every connection its own cookie, CSRF token and attempt.
--
-- Every connection first opens the quiz's start page (its session cookie and CSRF token, once,
-- as a browser gets them) and presses "Start de toets". Then, by MODE:
--   page    reads the quiz page with the questions of that attempt, again and again;
--   submit  hands in the answers (ANSWERS, form-encoded), then starts the next attempt:
--           POST start (303) and POST answers (303) in turn, each submission a new attempt.
-- Anything but the expected status counts as `unexpected`; done() prints one line
-- "MZA-WRK {json}" that the Python side reads.

local mode, slug, answers
local start_path
local cookie, token, attempt_path
local step = "fetch"
local last = nil

-- Globals, so done() can read them per thread with thread:get().
fetched, started, submitted, viewed, unexpected = 0, 0, 0, 0, 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  mode, slug, answers = args[1], args[2], args[3] or ""
  start_path = "/academie/ziektebeelden/" .. slug .. "/toets"
end

local function header(headers, name)
  return headers[name] or headers[string.lower(name)]
end

local function path_of(location)
  return location:match("^https?://[^/]+(/.*)$") or location
end

function request()
  local headers = {}
  if cookie then
    headers["Cookie"] = "session=" .. cookie
  end
  if step == "fetch" then
    last = "fetch"
    return wrk.format("GET", start_path, headers)
  end
  if step == "start" then
    last = "start"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", start_path, headers, "csrf_token=" .. token)
  end
  if step == "submit" then
    last = "submit"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", attempt_path, headers, "csrf_token=" .. token .. "&" .. answers)
  end
  last = "view"
  return wrk.format("GET", attempt_path, headers)
end

function response(status, headers, body)
  local set_cookie = header(headers, "Set-Cookie")
  if set_cookie then
    local value = set_cookie:match("session=([^;]*)")
    if value and value ~= "" then
      cookie = value
    end
  end
  if last == "fetch" then
    token = body:match('name="csrf_token" type="hidden" value="([^"]+)"')
    if status == 200 and token then
      fetched = fetched + 1
      step = "start"
    else
      unexpected = unexpected + 1
    end
  elseif last == "start" then
    local location = header(headers, "Location")
    if status == 303 and location then
      started = started + 1
      attempt_path = path_of(location)
      step = (mode == "submit") and "submit" or "view"
    else
      unexpected = unexpected + 1
    end
  elseif last == "submit" then
    if status == 303 then
      submitted = submitted + 1
    else
      unexpected = unexpected + 1
    end
    step = "start"
  elseif last == "view" then
    if status == 200 then
      viewed = viewed + 1
    else
      unexpected = unexpected + 1
    end
  end
end

function done(summary, latency, requests)
  local total = { fetched = 0, started = 0, submitted = 0, viewed = 0, unexpected = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'MZA-WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"fetched": %d, "started": %d, "submitted": %d, "viewed": %d, "unexpected": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    total.fetched, total.started, total.submitted, total.viewed, total.unexpected
  ))
end
