-- wrk script: the mixed workload of issue #10 through the gateway, with requests/s, p50, p99
-- and error rate per route. Run by bench/load/load.sh, which sets the environment:
--   LOAD_TOKENS_FILE  access tokens of logged-in seeded doctors, one a line
--   LOAD_FEATURES     "profiles,search" or a subset: what this build serves
--   LOAD_DOCTORS, LOAD_CASES, LOAD_REPLIES_EVERY, LOAD_PASSWORD: the seed's parameters
--
-- Latency per route: wrk gives the script no per-request timing, so request() puts the
-- route and the send time (CLOCK_MONOTONIC, microseconds, read just before wrk writes the
-- request) in X-Request-Id, which the gateway echoes; response() reads it back. The ids stay
-- unique (a per-thread counter) and plain, as the gateway requires.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } load_timespec;
  int clock_gettime(int clk_id, load_timespec *tp);
]]
local ts = ffi.new("load_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

-- Latency histogram: logarithmic buckets 2.5 % wide (bucket = floor(ln(us) * 40)).
local SCALE = 40

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local function load_id(prefix, n)
  return string.format("%s-0000-4000-8000-%012x", prefix, n)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

-- Vocabulary of the seed (bench/load/seed/*.sql): what doctors would type.
local DOCTOR_QUERIES = {
  "cardiologie", "gynécologie obstétrique", "pédiatre", "dermatologue", "Martin", "Dubois",
  "neurologie", "psychiatre", "rhumatologue", "médecine générale", "Claire Moreau", "pneumologie",
  "endocrinologie", "ophtalmologie", "gastro-entérologie", "Lefèvre", "néphrologie", "oncologie",
}
local CASE_QUERIES = {
  "infertilité", "hypertension résistante", "épilepsie", "diabète metformine", "toux nocturne",
  "dépression résistante", "psoriasis", "polyarthrite", "transaminases", "BPCO exacerbations",
  "cancer du sein", "nodule thyroïdien", "FIV", "spironolactone", "biothérapie",
}
local PREFIXES = { "car", "gyn", "Mar", "pédi", "derm", "dia", "pne", "onc", "neu", "Dub", "rhu", "psy" }
local SPECIALTY_SPACES = { "20", "04", "32", "54", "40", "42", "15", "48", "24", "41", "35", "16" }
local REPLIES = {
  "Dans une situation comparable, nous avons obtenu une bonne réponse en suivant les recommandations de la société savante.",
  "Je proposerais d'abord de compléter le bilan, puis d'en discuter en réunion de concertation pluridisciplinaire.",
  "Attention aux interactions médicamenteuses dans ce contexte, je vérifierais la fonction rénale avant de modifier le traitement.",
  "Notre équipe aurait plutôt temporisé, avec une surveillance clinique et biologique rapprochée.",
}
local NEW_CASES = {
  { "SM04", "hta", "Hypertension résistante sous trithérapie chez un homme de 58 ans",
    "Hypertension artérielle connue depuis dix ans, observance déclarée bonne, trithérapie à doses maximales.",
    "Quel bilan d'hyperaldostéronisme faire avant d'ajouter la spironolactone ?" },
  { "SM54", "diabete", "Diabète de type 2 déséquilibré malgré la metformine chez une femme de 71 ans",
    "Diabète de type 2 connu depuis six ans, metformine à 2 g par jour bien tolérée.",
    "Analogue du GLP-1 ou inhibiteur de SGLT2 en deuxième intention ?" },
}

-- Routes: name, share of the mix (%), feature needed, request builder.
-- 60 % profile and case reads, 20 % searches, 10 % suggest, 8 % replies and cases, 2 % logins.
local doctors, cases, replies_every, password
local function random_doctor() return load_id("10ad0001", math.random(1, doctors)) end
local function random_case() return load_id("10ad0002", math.random(1, cases)) end
local function case_with_replies()
  if replies_every == 0 then return random_case() end
  local k = math.floor(cases / replies_every)
  if k < 1 then return random_case() end
  return load_id("10ad0002", replies_every * math.random(1, k))
end

local ROUTES = {
  { name = "GET /v1/profiles/{id}", share = 30, feature = "profiles", kind = "read",
    build = function() return "GET", "/v1/profiles/" .. random_doctor() end },
  { name = "GET /v1/cases/{id}", share = 15, kind = "caseread",
    build = function() return "GET", "/v1/cases/" .. random_case() end },
  { name = "GET /v1/cases (ListCases)", share = 10, kind = "caseread",
    build = function()
      local space = "00000000-0000-4000-8000-000000000001"
      if math.random() < 0.5 then
        space = "00000000-0000-4000-8001-0000000000" .. SPECIALTY_SPACES[math.random(#SPECIALTY_SPACES)]
      end
      return "GET", "/v1/cases?spaceId=" .. space .. "&pageSize=20"
    end },
  { name = "GET /v1/cases/{id}/replies", share = 5, kind = "caseread",
    build = function() return "GET", "/v1/cases/" .. case_with_replies() .. "/replies" end },
  { name = "GET /v1/search/doctors", share = 10, feature = "search",
    build = function()
      return "GET", "/v1/search/doctors?query=" .. urlencode(DOCTOR_QUERIES[math.random(#DOCTOR_QUERIES)])
    end },
  { name = "GET /v1/search/cases", share = 10, feature = "search",
    build = function()
      return "GET", "/v1/search/cases?query=" .. urlencode(CASE_QUERIES[math.random(#CASE_QUERIES)])
    end },
  { name = "GET /v1/search/suggestions", share = 10, feature = "search",
    build = function() return "GET", "/v1/search/suggestions?prefix=" .. urlencode(PREFIXES[math.random(#PREFIXES)]) end },
  { name = "POST /v1/cases/{id}/replies", share = 5,
    build = function()
      return "POST", "/v1/cases/" .. random_case() .. "/replies",
          '{"text":' .. json_string(REPLIES[math.random(#REPLIES)]) .. '}'
    end },
  { name = "POST /v1/cases", share = 3,
    build = function()
      local c = NEW_CASES[math.random(#NEW_CASES)]
      return "POST", "/v1/cases", string.format(
        '{"spaceId":"00000000-0000-4000-8000-000000000001","title":%s,"body":{"context":%s,"question":%s},' ..
        '"specialtyCodes":["%s"],"competenceTags":["%s"]}',
        json_string(c[3]), json_string(c[4]), json_string(c[5]), c[1], c[2])
    end },
  { name = "POST /v1/sessions:login", share = 2, anonymous = true,
    build = function()
      return "POST", "/v1/sessions:login", string.format('{"email":"doctor%d@load.meltingdoc.test","password":%s}',
        math.random(1, doctors), json_string(password))
    end },
}

-- The mix this build can serve: without profiles, the profile reads' share goes to the case
-- reads (60 % reads either way); without search, searches and suggest are left out and the
-- other shares scaled up. Returns the routes with an effective share (%), in ROUTES order.
local function effective_mix(features)
  local has = {}
  for f in features:gmatch("[^,]+") do has[f] = true end
  local moved, caseread_share = 0, 0
  for _, r in ipairs(ROUTES) do
    if r.kind == "caseread" then caseread_share = caseread_share + r.share end
    if r.feature == "profiles" and not has.profiles then moved = moved + r.share end
  end
  local mix, total = {}, 0
  for i, r in ipairs(ROUTES) do
    if not r.feature or has[r.feature] then
      local share = r.share
      if r.kind == "caseread" then share = share + moved * r.share / caseread_share end
      mix[#mix + 1] = { index = i, share = share }
      total = total + share
    end
  end
  for _, m in ipairs(mix) do m.share = m.share * 100 / total end
  return mix
end

-- ---- per thread ----
local tokens = {}
local cumulative = {}  -- cumulative share thresholds over `mix`
local mix
local counter = 0
-- Per-thread counts live in scalar globals, read by done() through thread:get: "n<route>",
-- "h<route>_<bucket>" (latency histogram) and "s<route>_<status>" (non-2xx answers). Only
-- scalars: wrk 4.1's thread:get copies tables with a stack bug (nested ones crash at once, flat
-- ones now and then).
local MAX_BUCKET = math.floor(math.log(60e6) * SCALE)  -- 60 s

function init(args)
  doctors = tonumber(env("LOAD_DOCTORS", "20000"))
  cases = tonumber(env("LOAD_CASES", "100000"))
  replies_every = tonumber(env("LOAD_REPLIES_EVERY", "4"))
  password = env("LOAD_PASSWORD", "")
  for line in io.lines(env("LOAD_TOKENS_FILE", "tokens.txt")) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  assert(#tokens > 0, "no tokens in LOAD_TOKENS_FILE")
  mix = effective_mix(env("LOAD_FEATURES", ""))
  local acc = 0
  for i, m in ipairs(mix) do
    acc = acc + m.share
    cumulative[i] = acc
  end
  math.randomseed(now_us() + (thread_id or 0) * 7919)
  for i = 1, #ROUTES do _G["n" .. i] = 0 end
end

function request()
  local x = math.random() * cumulative[#cumulative]
  local pick = #mix
  for i = 1, #mix do
    if x <= cumulative[i] then pick = i break end
  end
  local route_index = mix[pick].index
  local route = ROUTES[route_index]
  local method, path, body = route.build()
  counter = counter + 1
  local headers = {
    ["X-Request-Id"] = string.format("L%d-%d-%d", route_index, now_us(), counter),
  }
  if not route.anonymous then headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] end
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local id = headers["X-Request-Id"] or headers["x-request-id"]
  if not id then return end
  local route_index, start = id:match("^L(%d+)-(%d+)-")
  if not route_index then return end
  local i = tonumber(route_index)
  local us = now_us() - tonumber(start)
  if us < 1 then us = 1 end
  local b = math.floor(math.log(us) * SCALE)
  if b > MAX_BUCKET then b = MAX_BUCKET end
  _G["n" .. i] = _G["n" .. i] + 1
  local h = "h" .. i .. "_" .. b
  _G[h] = (_G[h] or 0) + 1
  if status < 200 or status > 299 then
    local c = "s" .. i .. "_" .. status
    _G[c] = (_G[c] or 0) + 1
  end
end

-- ---- main state ----
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  threads[#threads + 1] = thread
end

local function percentile(hist, n, p)
  local keys = {}
  for k in pairs(hist) do keys[#keys + 1] = k end
  table.sort(keys)
  local want, seen = math.ceil(n * p), 0
  for _, k in ipairs(keys) do
    seen = seen + hist[k]
    if seen >= want then return math.exp((k + 0.5) / SCALE) / 1000 end
  end
  return 0
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local per_route, all = {}, { n = 0, codes = {}, hist = {} }
  for i = 1, #ROUTES do per_route[i] = { n = 0, codes = {}, hist = {} } end
  for _, t in ipairs(threads) do
    for i = 1, #ROUTES do
      local s = { n = t:get("n" .. i) or 0, hist = {}, codes = {} }
      if s.n > 0 then
        for b = 0, MAX_BUCKET do
          local v = t:get("h" .. i .. "_" .. b)
          if v then s.hist[b] = v end
        end
        for status = 100, 599 do
          local v = t:get("s" .. i .. "_" .. status)
          if v then s.codes[status] = v end
        end
      end
      local r = per_route[i]
      r.n = r.n + s.n
      all.n = all.n + s.n
      for k, v in pairs(s.hist) do
        r.hist[k] = (r.hist[k] or 0) + v
        all.hist[k] = (all.hist[k] or 0) + v
      end
      for k, v in pairs(s.codes) do
        r.codes[k] = (r.codes[k] or 0) + v
        all.codes[k] = (all.codes[k] or 0) + v
      end
    end
  end
  -- Effective shares, as the threads computed them.
  mix = effective_mix(env("LOAD_FEATURES", ""))
  local share = {}
  for _, m in ipairs(mix) do share[m.index] = m.share end

  local function row(name, sh, r)
    local errors = 0
    local codes = {}
    for k, v in pairs(r.codes) do
      errors = errors + v
      codes[#codes + 1] = string.format("%d=%d", k, v)
    end
    table.sort(codes)
    io.write(string.format("| %-30s | %5s | %8d | %8.1f | %8.2f | %8.2f | %6.2f | %s |\n", name, sh, r.n,
      r.n / seconds, percentile(r.hist, r.n, 0.5), percentile(r.hist, r.n, 0.99),
      r.n > 0 and 100 * errors / r.n or 0, table.concat(codes, " ")))
  end
  io.write("\n| route                          | share |     reqs |    req/s |   p50 ms |   p99 ms | err %  | non-2xx |\n")
  io.write("|--------------------------------|------:|---------:|---------:|---------:|---------:|-------:|---------|\n")
  for i, r in ipairs(ROUTES) do
    if share[i] then row(r.name, string.format("%.1f", share[i]), per_route[i]) end
  end
  row("**all**", "100", all)
  local e = summary.errors
  io.write(string.format("\nwrk: %d responses in %.1f s; socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.requests, seconds, e.connect, e.read, e.write, e.timeout))
end
