-- wrk script for the ingest benchmark (bench/README.md, "Ingest").
--
-- Sends signed webhooks to the three sources of bench/ingest/bench.toml, each
-- with the body shape and the signature its real tool sends:
--
--   60%  /hooks/typeform   Typeform form_response     Typeform-Signature: sha256=<base64 HMAC-SHA256(body)>
--   25%  /hooks/intercom   Intercom notification      X-Hub-Signature: sha1=<hex HMAC-SHA1(body)>
--   15%  /hooks/stripe     Stripe subscription event  Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>")>
--
-- Secrets come from the environment (the same variables leadsyncd reads,
-- set by bench/ingest/run): LEADSYNC_BENCH_TYPEFORM_SECRET,
-- LEADSYNC_BENCH_INTERCOM_SECRET, LEADSYNC_BENCH_STRIPE_SECRET. HMAC and
-- base64 are OpenSSL's libcrypto, called through LuaJIT's FFI.
--
-- Every request carries a unique event id (wrk thread number + per-thread
-- counter), so leadsyncd's dedup never short-cuts one. The person of each
-- request is drawn uniformly from LEADS people (env LEADS, default 200000):
-- early in a run nearly every request is a new person, later more of them
-- come back (a launch spike: the same people fill a form, chat, start a
-- trial). With N requests, about LEADS * (1 - exp(-N / LEADS)) distinct
-- leads are seen. A person's name, company, title and firmographics follow
-- from their number, so repeated events agree; bench/seed/seed.cpp uses the
-- same lists for the leads it puts in the database beforehand (with
-- ".s<n>" in the email, so the two never meet).
--
-- Non-2xx answers are counted in response(); done() prints one line
-- "ingest: ..." that bench/ingest/run parses.

local ffi = require("ffi")

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
const EVP_MD *EVP_sha1(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
                    const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]]

local crypto
do
  local ok, lib = pcall(ffi.load, "crypto")
  crypto = ok and lib or ffi.load("libcrypto.so.3")
end

local digest = ffi.new("unsigned char[64]")
local digest_len = ffi.new("unsigned int[1]")
local b64 = ffi.new("unsigned char[100]")
local hex_byte = {}
for i = 0, 255 do
  hex_byte[i] = string.format("%02x", i)
end

local function hmac(md, key, data)
  if crypto.HMAC(md, key, #key, data, #data, digest, digest_len) == nil then
    error("HMAC failed")
  end
  return digest_len[0]
end

local function hex(n)
  local t = {}
  for i = 0, n - 1 do
    t[i + 1] = hex_byte[digest[i]]
  end
  return table.concat(t)
end

local function base64(n)
  return ffi.string(b64, crypto.EVP_EncodeBlock(b64, digest, n))
end

local function secret(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    error(name .. " is not set; run bench/ingest/run, which sets the secrets")
  end
  return v
end

local typeform_secret = secret("LEADSYNC_BENCH_TYPEFORM_SECRET")
local intercom_secret = secret("LEADSYNC_BENCH_INTERCOM_SECRET")
local stripe_secret = secret("LEADSYNC_BENCH_STRIPE_SECRET")
local leads = tonumber(os.getenv("LEADS") or "") or 200000
if leads < 1 then
  error("LEADS must be at least 1")
end

-- ---- people: the same lists and rules as bench/seed/seed.cpp ----
local FIRST = { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Dennis", "Frances", "Ken",
  "Radia", "Niklaus", "Katherine", "John", "Hedy", "Tim", "Shafi", "Leslie", "Sophie", "Linus", "Anita",
  "Guido", "Jean", "Bjarne", "Karen", "Vint", "Fran", "Claude", "Mary", "Yukihiro", "Annie", "Robin" }
local LAST = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Ritchie", "Allen",
  "Thompson", "Perlman", "Wirth", "Johnson", "McCarthy", "Lamarr", "Lee", "Goldwasser", "Lamport", "Wilson",
  "Torvalds", "Borg", "Rossum", "Sammet", "Stroustrup", "Jones", "Cerf", "Bilas", "Shannon", "Keller",
  "Matsumoto", "Easley", "Milner" }
local CO_A = { "Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Acme", "Hooli",
  "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp" }
local CO_B = { "Analytics", "Systems", "Labs", "Software", "Logistics", "Health", "Robotics", "Media",
  "Energy", "Foods", "Capital", "Networks", "Games", "Studios", "Security", "Cloud" }
local TITLES = { "Head of Engineering", "VP Marketing", "Software Engineer", "Director of Operations",
  "Chief Technology Officer", "Marketing Manager", "Data Analyst", "Product Manager", "Student", "Founder" }
local EMPLOYEES = { 8, 35, 120, 250, 800, 2400, 7000, 25000 }
local COUNTRIES = { "US", "GB", "DE", "FR", "CA", "IN", "BR", "AU", "NL", "ES" }
local NAICS = { "511210", "518210", "541511", "522110", "611310" }
local COMPANIES = 40009 -- companies people work for (a prime, so people spread over them)

local floor = math.floor

-- Person n: returns first, last, email, company, title, employees, country, naics.
local function person(n)
  local first = FIRST[n % 32 + 1]
  local last = LAST[floor(n / 32) % 32 + 1]
  local c = n % COMPANIES
  local a, b = CO_A[c % 16 + 1], CO_B[floor(c / 16) % 16 + 1]
  local domain = string.lower(a .. b) .. c .. ".example"
  local email = string.lower(first) .. "." .. string.lower(last) .. "." .. n .. "@" .. domain
  return first, last, email, a .. " " .. b, TITLES[n % 10 + 1], EMPLOYEES[c % 8 + 1],
    COUNTRIES[floor(c / 8) % 10 + 1], NAICS[floor(c / 80) % 5 + 1]
end

-- ---- per-thread state ----
local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  thread:set("non2xx_count", 0)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(tid * 7919)
end

local counter = 0

-- ---- Typeform form_response ----
local FORMS = { -- hidden field "form": what the form is for (demo forms score as demo requests)
  { "ebook", "Bk7ebook", "Download the launch e-book" },
  { "newsletter", "Nw3lettr", "Launch newsletter" },
  { "webinar", "Wb5nr001", "Launch webinar sign-up" },
  { "demo", "Dm0book1", "Book a demo" },
}
local UTM = { "launch-ads", "newsletter", "producthunt", "linkedin" }
local typeform_headers = { ["Content-Type"] = "application/json", ["User-Agent"] = "Typeform Webhooks" }
local typeform_fields =
  '"fields":[{"id":"fn01","title":"First name","type":"short_text","ref":"first_name"},' ..
  '{"id":"ln01","title":"Last name","type":"short_text","ref":"last_name"},' ..
  '{"id":"em01","title":"Work email","type":"email","ref":"email"},' ..
  '{"id":"co01","title":"Company","type":"short_text","ref":"company"},' ..
  '{"id":"jt01","title":"Job title","type":"short_text","ref":"job_title"},' ..
  '{"id":"cs01","title":"Company size","type":"number","ref":"company_size"},' ..
  '{"id":"ct01","title":"Country","type":"dropdown","ref":"country"}]'

local function typeform(id, n, now)
  local first, last, email, company, title, employees, country = person(n)
  local r = math.random()
  local form = FORMS[r < 0.15 and 4 or (r < 0.35 and 3 or (r < 0.65 and 2 or 1))]
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ", now)
  local body = string.format(
    '{"event_id":"TF%s","event_type":"form_response","form_response":{"form_id":"%s","token":"bench%s",' ..
    '"landed_at":"%s","submitted_at":"%s","hidden":{"utm_source":"%s","utm_campaign":"launch","form":"%s"},' ..
    '"definition":{"id":"%s","title":"%s",%s},"answers":[' ..
    '{"type":"text","text":"%s","field":{"id":"fn01","type":"short_text","ref":"first_name"}},' ..
    '{"type":"text","text":"%s","field":{"id":"ln01","type":"short_text","ref":"last_name"}},' ..
    '{"type":"email","email":"%s","field":{"id":"em01","type":"email","ref":"email"}},' ..
    '{"type":"text","text":"%s","field":{"id":"co01","type":"short_text","ref":"company"}},' ..
    '{"type":"text","text":"%s","field":{"id":"jt01","type":"short_text","ref":"job_title"}},' ..
    '{"type":"number","number":%d,"field":{"id":"cs01","type":"number","ref":"company_size"}},' ..
    '{"type":"choice","choice":{"label":"%s"},"field":{"id":"ct01","type":"dropdown","ref":"country"}}]}}',
    id, form[2], id, at, at, UTM[n % 4 + 1], form[1], form[2], form[3], typeform_fields,
    first, last, email, company, title, employees, country)
  typeform_headers["Typeform-Signature"] = "sha256=" .. base64(hmac(crypto.EVP_sha256(), typeform_secret, body))
  return wrk.format("POST", "/hooks/typeform", typeform_headers, body)
end

-- ---- Intercom notification ----
local intercom_headers = { ["Content-Type"] = "application/json", ["User-Agent"] = "Intercom-Webhook-Client/1.0" }

local function intercom(id, n, now)
  local first, last, email, company, title = person(n)
  local contact = string.format("65%022x", n) -- 24 hex digits like Intercom's ids, fixed per person
  local r = math.random()
  local body
  if r < 0.4 then
    body = string.format(
      '{"type":"notification_event","app_id":"bench0app","id":"notif_bench-%s","topic":"contact.lead.created",' ..
      '"created_at":%d,"delivery_attempts":1,"first_sent_at":%d,"data":{"type":"notification_event_data",' ..
      '"item":{"type":"contact","id":"%s","role":"lead","email":"%s","name":"%s %s","phone":null,' ..
      '"external_id":null,"custom_attributes":{"company_name":"%s","job_title":"%s"},' ..
      '"companies":{"type":"list","data":[]}}}}',
      id, now, now, contact, email, first, last, company, title)
  else
    -- A visitor's chat message; one in four answers the bot's budget and
    -- timeline questions (conversation attributes), which makes it a CQL.
    local topic, custom, parts = "conversation.user.created", "{}", ""
    if r >= 0.8 then
      topic = "conversation.user.replied"
      custom = '{"budget":"50k-100k","timeline":"this quarter"}'
      parts = string.format(
        '{"type":"conversation_part","id":"%s-1","part_type":"comment","body":"<p>What budget and timeline?</p>",' ..
        '"created_at":%d,"author":{"type":"bot","id":"5678","name":"Fin","email":""}},' ..
        '{"type":"conversation_part","id":"%s-2","part_type":"comment","body":"<p>50-100k, this quarter</p>",' ..
        '"created_at":%d,"author":{"type":"lead","id":"%s","name":"%s %s","email":"%s"}}',
        id, now, id, now, contact, first, last, email)
    end
    body = string.format(
      '{"type":"notification_event","app_id":"bench0app","id":"notif_bench-%s","topic":"%s","created_at":%d,' ..
      '"delivery_attempts":1,"first_sent_at":%d,"data":{"type":"notification_event_data","item":{' ..
      '"type":"conversation","id":"c%s","created_at":%d,"source":{"type":"conversation","id":"m%s",' ..
      '"delivered_as":"customer_initiated","body":"<p>Hi, does this work with our CRM?</p>",' ..
      '"author":{"type":"lead","id":"%s","name":"%s %s","email":"%s"}},' ..
      '"contacts":{"type":"contact.list","contacts":[{"type":"contact","id":"%s","external_id":null}]},' ..
      '"custom_attributes":%s,"conversation_parts":{"type":"conversation_part.list","total_count":%d,' ..
      '"conversation_parts":[%s]}}}}',
      id, topic, now, now, id, now, id, contact, first, last, email, contact, custom,
      parts == "" and 0 or 2, parts)
  end
  intercom_headers["X-Hub-Signature"] = "sha1=" .. hex(hmac(crypto.EVP_sha1(), intercom_secret, body))
  return wrk.format("POST", "/hooks/intercom", intercom_headers, body)
end

-- ---- Stripe subscription event ----
local stripe_headers = { ["Content-Type"] = "application/json; charset=utf-8", ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)" }

local function stripe(id, n, now)
  local _, _, email = person(n)
  local created = math.random() < 0.8
  local status, previous, type = "trialing", "", "customer.subscription.created"
  if not created then
    -- the trial converted: status trialing -> active
    status, type = "active", "customer.subscription.updated"
    previous = ',"previous_attributes":{"status":"trialing"}'
  end
  local body = string.format(
    '{"id":"evt_bench%s","object":"event","api_version":"2024-06-20","created":%d,"livemode":false,' ..
    '"pending_webhooks":1,"request":{"id":"req_bench%s","idempotency_key":null},"type":"%s",' ..
    '"data":{"object":{"id":"sub_bench%d","object":"subscription","customer":"cus_bench%d","status":"%s",' ..
    '"trial_start":%d,"trial_end":%d,"start_date":%d,"created":%d,"cancel_at_period_end":false,' ..
    '"items":{"object":"list","data":[{"id":"si_bench%d","price":{"id":"price_pro_monthly","product":"prod_pro"}}]},' ..
    '"metadata":{"email":"%s"}}%s}}',
    id, now, id, type, n, n, status, now, now + 14 * 86400, now, now, n, email, previous)
  local signed = now .. "." .. body
  stripe_headers["Stripe-Signature"] = "t=" .. now .. ",v1=" .. hex(hmac(crypto.EVP_sha256(), stripe_secret, signed))
  return wrk.format("POST", "/hooks/stripe", stripe_headers, body)
end

function request()
  counter = counter + 1
  local id = tid .. "-" .. counter
  local n = floor(math.random() * leads)
  local now = os.time()
  local r = math.random()
  if r < 0.60 then
    return typeform(id, n, now)
  elseif r < 0.85 then
    return intercom(id, n, now)
  end
  return stripe(id, n, now)
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
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d leads=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors,
    e.connect, e.read, e.write, e.timeout, leads))
end
