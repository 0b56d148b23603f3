-- Many people register for one event at once: each request a new person, JSON body.
-- Set by the runner: wrk.path, and the ticket type id through the environment. RUSH_PREFIX
-- keeps the addresses of several wrk processes started in the same second apart (each would
-- otherwise draw the same random numbers) and tells their registrations apart afterwards.
local counter = 0
local thread_id = 0
local ticket_type = os.getenv("TICKET_TYPE")
local waitlist = os.getenv("WAITLIST") or "true"
local prefix = os.getenv("RUSH_PREFIX") or "rush"

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  math.randomseed(os.time() + id)
end

function request()
  counter = counter + 1
  local email = string.format("%s-%d-%d-%d@bench.example.org", prefix, id, counter,
    math.random(1, 1e9))
  local body = string.format(
    '{"ticket_type": %s, "name": "Rush %d", "email": "%s", "language": "en", ' ..
    '"accept_terms": true, "join_waiting_list": %s, "participants": ' ..
    '[{"name": "Rush %d", "country": "PT", "year_of_birth": 1990}]}',
    ticket_type, counter, email, waitlist, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"errors_connect\": %d, \"errors_read\": %d, " ..
    "\"errors_timeout\": %d, \"non_2xx\": %d, \"duration_s\": %.3f, " ..
    "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f}\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
