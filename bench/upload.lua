-- wrk script for bench/run.sh. BENCH_MODE=multipart: POST the same multipart body (target_mode + file)
-- to the URL given to wrk. BENCH_MODE=put: PUT the raw body to a new path under the URL per request.
-- BENCH_TOKEN, when set, is sent as "Authorization: Bearer <token>" (a storage element's upload).
-- BENCH_LIMIT, when set, stops each thread after that many answers (a fixed number of uploads, not a duration)
-- and leaves a file named after the thread in BENCH_DONE_DIR.
-- Counts answers other than 201 per thread and prints one "BENCH key=value ..." line at the end.

local mode = os.getenv("BENCH_MODE")
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()

wrk.body = body
local token = os.getenv("BENCH_TOKEN")
if token ~= nil and token ~= "" then
   wrk.headers["Authorization"] = "Bearer " .. token
end
if mode == "multipart" then
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. os.getenv("BENCH_BOUNDARY")
else
   wrk.method = "PUT"
   wrk.headers["Content-Type"] = "application/octet-stream"
end

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local counter = 0
local answers = 0
local limit = tonumber(os.getenv("BENCH_LIMIT") or "") or 0
-- BENCH_PUT_SLOTS, when set, makes each thread PUT to that many paths in turn, replacing what is there (nginx then
-- answers 204, counted as success): a warm-up at ~900 req/s would otherwise write ~54 GB a minute.
local slots = tonumber(os.getenv("BENCH_PUT_SLOTS") or "") or 0
non201 = 0

function request()
   if mode == "multipart" then
      return wrk.format()
   end
   counter = counter + 1
   local name = counter
   if slots > 0 then
      name = counter % slots
   end
   return wrk.format(nil, wrk.path .. "w/" .. id .. "/" .. name .. ".bin")
end

function response(status, headers, body)
   if status ~= 201 and not (slots > 0 and status == 204) then
      non201 = non201 + 1
   end
   answers = answers + 1
   if limit > 0 and answers == limit then
      -- wrk itself runs until its duration; the marker tells bench/run.sh to stop it (SIGINT) once all are done
      local marker = io.open(os.getenv("BENCH_DONE_DIR") .. "/thread-" .. id, "w")
      marker:close()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, t in ipairs(threads) do
      bad = bad + t:get("non201")
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f non2xx=%d non201=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
      summary.requests, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, bad, e.connect, e.read, e.write, e.timeout))
   if e.status > 0 or bad > 0 then
      io.write(string.format("BENCH WARNING: %d answers were not 2xx/3xx and %d were not 201 — these requests measure nothing\n",
         e.status, bad))
   end
end
