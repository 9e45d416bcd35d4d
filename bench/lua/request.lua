-- wrk script for bench/load.py: the request comes from environment variables, so one script serves
-- every route (WRK_METHOD, WRK_BODY as JSON, WRK_HEADERS as "Name: value" lines, WRK_ROTATE_IPS=1).
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
for line in (os.getenv("WRK_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

if os.getenv("WRK_ROTATE_IPS") == "1" then
  -- Client addresses for per-IP rate limits: each thread cycles through its own 2048 (a busy server's worth
  -- of clients, and a bounded limiter table), so no address comes back more than ~1.5 times a second below
  -- 6,000 requests/s. Only a header value: the traffic itself goes to 127.0.0.1. 198.18.0.0/15 is the range
  -- RFC 2544 reserves for benchmarks.
  local POOL = 2048
  local threads = 0
  function setup(thread)
    thread:set("thread_index", threads)
    threads = threads + 1
  end

  local sent = 0
  function request()
    sent = sent + 1
    local n = (thread_index or 0) * POOL + sent % POOL
    wrk.headers["X-Forwarded-For"] = string.format("198.%d.%d.%d", 18 + math.floor(n / 65536) % 2,
      math.floor(n / 256) % 256, n % 256)
    return wrk.format()
  end
end
