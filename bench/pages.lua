-- Visitors reading pages or API lists: GET each of PATHS in turn (space-separated), each time in
-- the next of LANGUAGES (Accept-Language), so that every language's page is asked for.
dofile("bench/summary.lua")

local paths, languages = {}, {}
for path in string.gmatch(os.getenv("PATHS") or "/", "%S+") do table.insert(paths, path) end
for code in string.gmatch(os.getenv("LANGUAGES") or "en", "%S+") do table.insert(languages, code) end
local thread_id = 0
local counter = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  track(thread)
end

function init(args)
  counter = id * 7
end

function request()
  counter = counter + 1
  local path = paths[counter % #paths + 1]
  local language = languages[math.floor(counter / #paths) % #languages + 1]
  return wrk.format("GET", path, {["Accept-Language"] = language})
end

function done(summary, latency, requests)
  report(summary, latency)
end
