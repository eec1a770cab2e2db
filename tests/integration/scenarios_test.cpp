// The seed articles' scenarios through the real daemon and its built-in
// default lead definition: webhooks in from a generic JSON form source, a
// chat source with qualifiers and a crm-feedback source; stages out to the
// fake CRM over the http connector; the why read back with
// `leadsyncctl explain`. Each scenario is a table: the events in order and
// the stage (and the rule and reason of the transition) expected after each.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "tests/integration/daemon_test.hpp"

#ifndef LEADSYNC_CTL_PATH
#error "LEADSYNC_CTL_PATH must name the leadsyncctl binary"
#endif

namespace leadsync::tests {
namespace {

namespace json = boost::json;

constexpr auto step_timeout = 10s;

// ---- what the scenarios send ------------------------------------------------

// Who sends the events: contact details and firmographics, sent as a form's
// hidden fields with every website event.
struct person {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string title;
  std::string employees;
  std::string country;
  std::string naics;
};

person icp(std::string email, std::string first, std::string last) {
  return {std::move(email), std::move(first), std::move(last), "Analytical Engines Ltd", "Director of Engineering",
          "250", "GB", "511210"};
}

using clock_ms = std::int64_t;  // Unix milliseconds; events may happen in the past

clock_ms unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
constexpr clock_ms day_ms = 86'400'000;

enum class via { website, chat, crm };

std::string_view source_name(via v) {
  switch (v) {
    case via::website:
      return "website";
    case via::chat:
      return "chat";
    case via::crm:
      return "crm";
  }
  return "";
}

struct step {
  via source = via::website;
  std::string body;
  std::string stage;   // the lead's stage after the event
  std::string rule;    // a fragment of the transition's rule, when the stage changes
  std::string reason;  // a fragment of its reason
};

struct scenario {
  std::string name;
  std::string email;
  std::vector<step> steps;
  std::vector<std::string> explain_has;  // fragments of the final `leadsyncctl explain`
  std::vector<std::string> never;        // stages the CRM must never receive
  bool crm_silent = false;               // junk: recorded here, never sent to sales
};

json::object contact(const person& p) {
  json::object o{{"email", p.email}, {"first_name", p.first_name}, {"last_name", p.last_name}};
  auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) {
      o[key] = value;
    }
  };
  put("company", p.company);
  put("title", p.title);
  put("employees", p.employees);
  put("country", p.country);
  put("naics", p.naics);
  return o;
}

// POST /hooks/website: a form or product event of `kind`.
step web(const person& p, std::string id, std::string kind, json::object extra, std::optional<clock_ms> at,
         std::string stage, std::string rule = "", std::string reason = "") {
  json::object o = contact(p);
  o["id"] = id;
  o["kind"] = kind;
  for (auto& [k, v] : extra) {
    o[k] = v;
  }
  if (at) {
    o["occurred_at"] = *at;
  }
  return {via::website, json::serialize(o), std::move(stage), std::move(rule), std::move(reason)};
}

// POST /hooks/chat: a chat message, with the qualifier answers given.
step chat(const person& p, std::string id, json::object answers, std::string stage, std::string rule = "",
          std::string reason = "") {
  json::object o{{"id", id}, {"visitor", json::object{{"email", p.email}, {"name", p.first_name}}},
                 {"answers", std::move(answers)}, {"text", "Can you help us?"}};
  return {via::chat, json::serialize(o), std::move(stage), std::move(rule), std::move(reason)};
}

// POST /hooks/crm: sales changed the lead's status in the CRM.
step crm(const person& p, std::string id, std::string status, std::optional<clock_ms> at, std::string stage,
         std::string rule = "", std::string reason = "") {
  json::object o{{"id", id}, {"email", p.email}, {"stage", status}};
  if (at) {
    o["occurred_at"] = *at;
  }
  if (status == "rejected" || status == "lost") {
    o["reason"] = "No budget this year";
  }
  return {via::crm, json::serialize(o), std::move(stage), std::move(rule), std::move(reason)};
}

// ---- the scenarios ----------------------------------------------------------

std::vector<scenario> seed_scenarios(clock_ms now) {
  std::vector<scenario> all;
  {
    const person p{"wendy@webinars.example", "Wendy", "Webb", "Webinars Inc", "Engineer", "", "", ""};
    all.push_back({"webinar_attendee_is_engaged",
                   p.email,
                   {web(p, "wb-1", "webinar_attended", {{"webinar", "lead-scoring-101"}}, {}, "engaged",
                        "engaged.activity", "score >= 10")},
                   {"webinar_or_event"},
                   {"mql"}});
  }
  {
    const person p = icp("ada@analytical.example", "Ada", "Lovelace");
    all.push_back({"demo_request_from_an_icp_company_is_mql",
                   p.email,
                   {web(p, "ada-1", "form_submit", {{"form", "newsletter"}}, {}, "engaged", "engaged.activity"),
                    web(p, "ada-2", "demo_request", {{"form", "book-a-demo"}}, {}, "mql", "mql.demo_request",
                        "count(\"demo_request\", 30d) >= 1")},
                   {"grade A", "software_and_it", "mid_market", "served_country", "decision_maker"},
                   {}});
  }
  {
    // A "book-a-demo" form is scored by the demo_request rule, so it counts
    // as a demo request for MQL too.
    const person p = icp("blaise@analytical.example", "Blaise", "Pascal");
    all.push_back({"demo_form_from_an_icp_company_is_mql",
                   p.email,
                   {web(p, "blaise-1", "form_submit", {{"form", "book-a-demo"}}, {}, "mql", "mql.demo_request")},
                   {"demo_request"},
                   {}});
  }
  {
    person p = icp("mickey@mailinator.com", "Mickey", "Mouse");
    p.title = "CEO";
    all.push_back(
        {"mickey_mouse_at_a_disposable_domain_is_junk",
         p.email,
         {web(p, "mm-1", "demo_request", {}, {}, "identified", "junk",
              "junk leads never advance past identified: disposable_domain, placeholder_name"),
          web(p, "mm-2", "webinar_attended", {}, {}, "identified"),
          web(p, "mm-3", "demo_request", {}, {}, "identified")},
         {"junk:", "disposable_domain: ", "placeholder_name: ", "now:     identified  rule junk"},
         {"engaged", "mql", "pql", "cql"},
         true});
  }
  {
    const person p = icp("tess@trials.example", "Tess", "Trial");
    all.push_back({"trial_with_activation_within_14_days_and_fit_is_pql",
                   p.email,
                   {web(p, "tt-1", "trial_started", {{"plan", "team"}}, now - 3 * day_ms, "engaged",
                        "engaged.activity"),
                    web(p, "tt-2", "key_action", {}, now - 2 * day_ms, "engaged"),
                    web(p, "tt-3", "teammate_invited", {}, {}, "pql", "pql.activated_trial",
                        "count(\"trial_started\", 14d) >= 1")},
                   {"(track product)", "trial", "product_usage"},
                   {}});
  }
  {
    const person p = icp("lars@late.example", "Lars", "Late");
    all.push_back({"activation_after_the_trial_window_is_not_pql",
                   p.email,
                   {web(p, "ll-1", "trial_started", {}, now - 20 * day_ms, "engaged", "engaged.activity"),
                    web(p, "ll-2", "teammate_invited", {}, {}, "engaged")},
                   {},
                   {"pql"}});
  }
  {
    const person p = icp("chet@chatty.example", "Chet", "Baker");
    all.push_back({"chat_with_budget_and_timeline_is_cql",
                   p.email,
                   {chat(p, "ch-1", {}, "identified", "base"),
                    chat(p, "ch-2", {{"budget", "about 40k"}}, "engaged", "engaged.activity"),
                    chat(p, "ch-3", {{"timeline", "this quarter"}}, "cql", "cql.budget_and_timeline",
                         "has(qualifiers.budget) && has(qualifiers.timeline)")},
                   {"(track chat)", "chat"},
                   {}});
  }
  {
    // Passed back to marketing, a lead "re-enters as identified/engaged"
    // (docs/domain.md): the demo request sales just rejected no longer counts.
    const person p = icp("rita@rejected.example", "Rita", "Reject");
    all.push_back({"rejected_sal_is_recycled_then_new_activity_brings_it_back",
                   p.email,
                   {web(p, "rr-1", "demo_request", {}, {}, "mql", "mql.demo_request"),
                    crm(p, "rr-crm-1", "accepted", {}, "sal", "crm", "set by sales in the CRM"),
                    crm(p, "rr-crm-2", "rejected", {}, "nurture", "recycling", "passed back to marketing"),
                    web(p, "rr-2", "webinar_attended", {}, {}, "engaged", "engaged.activity"),
                    web(p, "rr-3", "demo_request", {}, {}, "mql", "mql.demo_request")},
                   {"-> nurture", "rule recycling"},
                   {}});
  }
  {
    // Qualified long ago, lost, quiet since; now back on the website.
    const person p = icp("olga@oldsql.example", "Olga", "Oldham");
    all.push_back({"an_old_sql_re_engages",
                   p.email,
                   {web(p, "os-1", "demo_request", {}, now - 200 * day_ms, "identified", "base"),
                    crm(p, "os-crm-1", "qualified", now - 190 * day_ms, "sql", "crm", "set by sales in the CRM"),
                    crm(p, "os-crm-2", "lost", now - 120 * day_ms, "nurture", "recycling"),
                    web(p, "os-2", "webinar_attended", {}, {}, "engaged", "engaged.activity"),
                    web(p, "os-3", "demo_request", {}, {}, "mql", "mql.demo_request")},
                   {"identified -> sql", "sql -> nurture"},
                   {}});
  }
  {
    // An SQL sales still works: new marketing activity never downgrades it.
    const person p = icp("sam@stillsql.example", "Sam", "Still");
    all.push_back({"an_sql_that_re_engages_stays_sql",
                   p.email,
                   {web(p, "ss-1", "demo_request", {}, now - 120 * day_ms, "identified", "base"),
                    crm(p, "ss-crm-1", "qualified", now - 115 * day_ms, "sql", "crm"),
                    web(p, "ss-2", "webinar_attended", {}, {}, "sql"),
                    web(p, "ss-3", "demo_request", {}, {}, "sql")},
                   {"sales set: sql", "now:     sql  rule crm"},
                   {"mql", "engaged", "nurture"}});
  }
  return all;
}

// ---- the daemon, configured for the scenarios -----------------------------------

struct explained {
  bool found = false;
  std::string stage;
  int activities = -1;
  std::vector<std::string> history;  // "from -> to  score N  rule R: reason", times and dates masked
  std::string text;
};

std::string masked(std::string line) {
  static const std::regex time(R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?)");
  return std::regex_replace(line, time, "<time>");
}

explained parse_explain(const std::string& text) {
  explained out;
  out.text = text;
  std::istringstream in(text);
  std::string line;
  bool in_history = false;
  while (std::getline(in, line)) {
    if (line.starts_with("lead ")) {
      out.found = true;
    } else if (line.starts_with("  stage:")) {
      std::istringstream words(line.substr(8));
      words >> out.stage;
    } else if (line.starts_with("  activities: ")) {
      out.activities = std::atoi(line.c_str() + 14);
    } else if (line == "  history:") {
      in_history = true;
    } else if (in_history && line.starts_with("    ")) {
      // "    <time>  from -> to ...": drop the time.
      const auto two = line.find("  ", 4);
      out.history.push_back(masked(two == std::string::npos ? line : line.substr(two + 2)));
    }
  }
  return out;
}

class scenario_daemon : public daemon_test {
 protected:
  // No [lead_definition]: the built-in default. `extra` is appended.
  std::string scenario_config(std::string_view extra = "") const {
    std::ostringstream out;
    out << "[server]\nlisten_address = \"127.0.0.1\"\nlisten_port = " << port_
        << "\nio_threads = 2\nmax_body_bytes = 65536\nshutdown_timeout_seconds = 5\n"
        << "\n[storage]\npath = \"data/leadsync.db\"\n"
        << "\n[delivery]\nretry_initial_ms = 100\nretry_max_ms = 500\npoll_interval_ms = 200\n"
        << R"(
[sources.website]
format = "generic"

[sources.website.map]
event_id = "/id"
email = "/email"
first_name = "/first_name"
last_name = "/last_name"
company = "/company"
title = "/title"
kind = "/kind"
occurred_at = "/occurred_at"

[sources.website.defaults]
kind = "form_submit"

[sources.website.attributes]
employees = "/employees"
country = "/country"
naics = "/naics"
page = "/page"
form = "/form"

[sources.chat]
format = "chat"
map = { event_id = "/id", email = "/visitor/email", first_name = "/visitor/name" }

[sources.chat.qualifiers]
budget = "/answers/budget"
timeline = "/answers/timeline"
authority = "/answers/authority"
need = "/answers/need"

[sources.crm]
format = "crm-feedback"

[connectors.crm]
type = "http"
)" << "url = \"" << crm_.url("/stage") << "\"\ntimeout_ms = 1000\n"
        << extra;
    return out.str();
  }

  explained explain(const std::string& email) {
    const auto log = dir_.path() / "explain.out";
    std::filesystem::remove(log);
    const auto r = run_to_completion({LEADSYNC_CTL_PATH, "--config", config_path_.string(), "explain", email},
                                     dir_.path(), log, 20s);
    return parse_explain(r.output);
  }

  // Polls explain until pred holds for it (true) or the timeout passes.
  template <class Pred>
  explained explain_until(const std::string& email, Pred pred, std::chrono::milliseconds timeout = step_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      explained e = explain(email);
      if (pred(e) || std::chrono::steady_clock::now() >= deadline) {
        return e;
      }
      std::this_thread::sleep_for(100ms);
    }
  }

  // The stage updates the fake CRM accepted for email, in order.
  std::vector<json::object> crm_updates(std::string_view email) const {
    std::vector<json::object> out;
    for (auto& b : accepted_bodies(crm_.requests())) {
      if (string_field(b, "email") == email) {
        out.push_back(std::move(b));
      }
    }
    return out;
  }

  bool wait_for_updates(std::string_view email, std::size_t n,
                        std::chrono::milliseconds timeout = delivery_timeout) {
    return crm_.wait_for(
        [&](const std::vector<recorded_request>& all) {
          std::size_t count = 0;
          for (const auto& b : accepted_bodies(all)) {
            count += string_field(b, "email") == email ? 1 : 0;
          }
          return count >= n;
        },
        timeout);
  }

  // Posts every step and waits until the daemon has processed it. With
  // `check`, asserts the expected stage after each step, the transition's
  // rule and reason as the CRM received them, and the final explain output.
  // Returns the masked history explain shows at the end.
  std::vector<std::string> play(const scenario& s, bool check) {
    int activities = 0;
    std::size_t transitions = 0;
    std::string stage;
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
      const step& st = s.steps[i];
      SCOPED_TRACE(s.name + " step " + std::to_string(i) + " (" + std::string(source_name(st.source)) + " " +
                   st.body + ")");
      const auto res = post_hook(st.body, source_name(st.source));
      EXPECT_EQ(res.status, 202U) << res.body;
      explained now;
      if (st.source == via::crm) {
        // Sales' changes are not activities: wait for the stage to move.
        now = explain_until(s.email, [&](const explained& e) { return e.history.size() > transitions; });
      } else {
        ++activities;
        now = explain_until(s.email, [&](const explained& e) { return e.activities >= activities; });
        EXPECT_EQ(now.activities, activities) << now.text;
      }
      const bool changed = now.stage != stage;
      if (check) {
        EXPECT_EQ(now.stage, st.stage) << now.text;
        if (changed && now.stage == st.stage && !s.crm_silent) {
          EXPECT_TRUE(wait_for_updates(s.email, transitions + 1)) << "the CRM never got " << st.stage;
          const auto updates = crm_updates(s.email);
          if (updates.size() > transitions) {
            const auto& u = updates[transitions];
            EXPECT_EQ(string_field(u, "stage"), st.stage);
            EXPECT_EQ(string_field(u, "previous_stage"), stage);
            EXPECT_NE(string_field(u, "rule").find(st.rule), std::string::npos)
                << "rule \"" << string_field(u, "rule") << "\" lacks \"" << st.rule << "\"";
            EXPECT_NE(string_field(u, "reason").find(st.reason), std::string::npos)
                << "reason \"" << string_field(u, "reason") << "\" lacks \"" << st.reason << "\"";
          }
        }
      }
      if (changed) {
        ++transitions;
        stage = now.stage;
      }
    }
    const explained last = explain(s.email);
    if (check) {
      for (const auto& fragment : s.explain_has) {
        EXPECT_NE(last.text.find(fragment), std::string::npos) << "explain lacks \"" << fragment << "\":\n"
                                                               << last.text;
      }
      // The CRM got every transition, in order, and none it must never see
      // (junk: none at all).
      const std::size_t expected = s.crm_silent ? 0 : last.history.size();
      EXPECT_TRUE(wait_for_updates(s.email, expected));
      std::this_thread::sleep_for(300ms);  // an extra update would show up now
      const auto updates = crm_updates(s.email);
      EXPECT_EQ(updates.size(), expected) << last.text;
      for (std::size_t i = 0; i < updates.size() && i < last.history.size(); ++i) {
        EXPECT_NE(last.history[i].find("-> " + string_field(updates[i], "stage") + " "), std::string::npos)
            << "update " << i << " is " << string_field(updates[i], "stage") << "; explain: " << last.history[i];
      }
      for (const auto& u : updates) {
        for (const auto& bad : s.never) {
          EXPECT_NE(string_field(u, "stage"), bad) << s.name << ": the CRM got " << json::serialize(u);
        }
      }
    }
    return last.history;
  }
};

// ---- one test per scenario ------------------------------------------------------

class seed_scenario : public scenario_daemon, public ::testing::WithParamInterface<std::string> {};

TEST_P(seed_scenario, runs_through_the_daemon) {
  write_config_text(scenario_config());
  ASSERT_TRUE(start_daemon());
  for (const auto& s : seed_scenarios(unix_now_ms())) {
    if (s.name == GetParam()) {
      play(s, true);
      return;
    }
  }
  FAIL() << "no scenario " << GetParam();
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& s : seed_scenarios(0)) {
    names.push_back(s.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(scenarios, seed_scenario, ::testing::ValuesIn(scenario_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---- replay -------------------------------------------------------------------------

// The same events in the same order into a fresh daemon give the same
// transitions, rules and reasons.
using scenario_replay = scenario_daemon;

TEST_F(scenario_replay, replaying_the_same_events_gives_the_same_transitions) {
  write_config_text(scenario_config());
  const auto scenarios = seed_scenarios(unix_now_ms());
  std::vector<std::vector<std::string>> first;
  ASSERT_TRUE(start_daemon());
  for (const auto& s : scenarios) {
    first.push_back(play(s, false));
    EXPECT_FALSE(first.back().empty()) << s.name;
  }
  ASSERT_TRUE(stop_daemon(SIGTERM, 10s).has_value());
  std::filesystem::remove_all(dir_.path() / "data");
  std::filesystem::create_directories(dir_.path() / "data");
  crm_.clear_requests();

  ASSERT_TRUE(start_daemon());
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    EXPECT_EQ(play(scenarios[i], false), first[i]) << scenarios[i].name;
  }
}

// ---- time passing: the default definition with its clock sped up -----------------

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the default definition no longer contains: " << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The default definition with a half-life of 8.64 s instead of 45 days and
// an SLA of 14.4 s instead of 48 h, moving breached hand-offs to nurture so
// the CRM sees it. The daemon re-checks due leads about once a second.
TEST_F(scenario_daemon, decay_drops_an_mql_and_a_stalled_handoff_breaches_the_sla) {
  std::string definition = read_file(std::filesystem::path{LEADSYNC_SOURCE_DIR} / "config" /
                                     "lead-definition.default.toml");
  definition = replaced(definition, "half_life_days = 45", "half_life_days = 0.0001");
  definition = replaced(definition, "handoff_hours = 48", "handoff_hours = 0.004\nbreach_stage = \"nurture\"");
  write_text_file(dir_.path() / "lead-definition.toml", definition);
  write_config_text(scenario_config("\n[lead_definition]\nfile = \"lead-definition.toml\"\n"));
  ASSERT_TRUE(start_daemon());

  // Score and fit (three webinars, three downloads: 75 points, grade A): an
  // MQL that decays under 50 points about 5 s later.
  const person d = icp("dora@decay.example", "Dora", "Decay");
  for (int i = 0; i < 6; ++i) {
    const auto s = web(d, "dd-" + std::to_string(i), i < 3 ? "webinar_attended" : "content_download", {}, {}, "");
    ASSERT_EQ(post_hook(s.body, "website").status, 202U);
  }
  // A demo request: an MQL for 30 (real) days whatever the score, so only
  // the SLA moves it.
  const person s = icp("sid@sla.example", "Sid", "Slow");
  ASSERT_EQ(post_hook(web(s, "sid-1", "demo_request", {}, {}, "").body, "website").status, 202U);
  const auto start = std::chrono::steady_clock::now();

  // mql (the first download; the engaged before it may never be sent, as the
  // latest state wins), then engaged again once decay takes the score under 50.
  const auto decay_sent = [&] {
    for (const auto& u : crm_updates(d.email)) {
      if (string_field(u, "stage") == "engaged" && string_field(u, "previous_stage") == "mql") {
        return true;
      }
    }
    return false;
  };
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!decay_sent() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(decay_sent()) << explain(d.email).text;
  const auto decayed = std::chrono::steady_clock::now() - start;
  const auto dora = crm_updates(d.email);
  const auto mql = std::find_if(dora.begin(), dora.end(),
                                [](const auto& u) { return string_field(u, "stage") == "mql"; });
  ASSERT_NE(mql, dora.end());
  ASSERT_NE(mql + 1, dora.end());
  EXPECT_EQ(string_field(*mql, "rule"), "mql.score_and_fit");
  EXPECT_EQ(string_field(*(mql + 1), "stage"), "engaged");
  EXPECT_EQ(string_field(*(mql + 1), "previous_stage"), "mql");
  EXPECT_EQ(string_field(*(mql + 1), "rule"), "engaged.activity");
  EXPECT_LT((mql + 1)->at("score").as_int64(), 50);
  EXPECT_GE(decayed, 4s) << "75 points take 5 s to decay under 50";

  ASSERT_TRUE(wait_for_accepted(s.email, "nurture", 40s)) << explain(s.email).text;
  const auto breached = std::chrono::steady_clock::now() - start;
  EXPECT_GE(breached, 14s) << "the SLA is 14.4 s";
  const auto sid = crm_updates(s.email);
  ASSERT_EQ(sid.size(), 2U);
  EXPECT_EQ(string_field(sid[0], "stage"), "mql");
  EXPECT_EQ(string_field(sid[1], "rule"), "sla.breached");
  EXPECT_NE(string_field(sid[1], "reason").find("no answer from sales within the SLA"), std::string::npos);
  const auto why = explain(s.email);
  EXPECT_NE(why.text.find("SLA:     breached"), std::string::npos) << why.text;
  EXPECT_NE(why.text.find("mql -> nurture"), std::string::npos) << why.text;
  EXPECT_NE(why.text.find("rule sla.breached"), std::string::npos) << why.text;
}

}  // namespace
}  // namespace leadsync::tests
