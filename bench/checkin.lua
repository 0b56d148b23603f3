-- Scanners at the door: each request checks one signed ticket in (POST /api/v1/checkins/) as
-- the event's organiser. Threads take turns through the tickets in TOKENS_FILE (one a line).
-- With REPEAT=2 every ticket is sent twice in a row, on two connections at once: two scanners
-- reading the same ticket, of which exactly one may be green.
dofile("bench/summary.lua")

local tokens = {}
local event = os.getenv("EVENT")
local repeats = tonumber(os.getenv("REPEAT") or "1")
local threads = tonumber(os.getenv("WRK_THREADS") or "1")
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Token " .. os.getenv("API_TOKEN"),
}
local thread_id = 0
local counter = 0
valid, already, invalid = 0, 0, 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  track(thread)
end

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do table.insert(tokens, line) end
end

function request()
  local n = math.floor(counter / repeats) * threads + id
  counter = counter + 1
  local token = tokens[n % #tokens + 1]
  local body = string.format('{"event": "%s", "token": "%s", "gate": "Gate %d"}', event, token, id)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if string.find(body, '"result":"valid"', 1, true) then
    valid = valid + 1
  elseif string.find(body, '"result":"already"', 1, true) then
    already = already + 1
  else
    invalid = invalid + 1
  end
end

function done(summary, latency, requests)
  report(summary, latency, {"valid", "already", "invalid"})
end
