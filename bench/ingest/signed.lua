-- wrk script for the ingest benchmark (bench/README.md, "Ingest").
--
-- POSTs a JSON web-form webhook to /hooks/website, the `generic` source of
-- bench/ingest/bench.toml. Every request carries a unique submission_id
-- (wrk thread number + per-thread counter), so leadsyncd's dedup never
-- short-cuts one. Emails cycle over 1,000 leads per wrk thread, so leads
-- gather a history as the run goes on.
--
-- First version: the source is unsigned. Signed sources (an HMAC over the body
-- per request, as Typeform/HubSpot/... send) come next; the name of this file
-- anticipates that.
--
-- Non-2xx answers are counted in response(); done() prints one line
-- "ingest: ..." that bench/ingest/run parses.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  thread:set("non2xx_count", 0)
  threads[#threads + 1] = thread
end

local counter = 0
local headers = { ["Content-Type"] = "application/json" }

function request()
  counter = counter + 1
  local lead = counter % 1000
  local body = string.format(
    '{"submission_id":"bench-%d-%d","email":"lead%d.%d@bench.example",' ..
    '"first_name":"Ada","last_name":"Lovelace","company":"Analytical Engines %d",' ..
    '"job_title":"Head of Engineering","form":"demo","page":"/pricing",' ..
    '"company_size":250,"country":"GB"}',
    tid, counter, tid, lead, lead)
  return wrk.format("POST", "/hooks/website", headers, body)
end

function response(status, hdrs, body)
  -- a global of this thread's Lua state: done() reads it with thread:get()
  if status < 200 or status > 299 then
    non2xx_count = non2xx_count + 1
  end
end

function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do
    errors = errors + (t:get("non2xx_count") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "ingest: requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors,
    e.connect, e.read, e.write, e.timeout))
end
