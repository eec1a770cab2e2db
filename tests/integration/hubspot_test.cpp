// The hubspot connector in the real daemon against the fake HubSpot account:
// upserts keyed by email, rate limits, per-contact errors, moving contacts
// back (recycling), the contact id alias fed back by HubSpot's webhooks,
// transport faults and unmapped stages. Each test ends asserting what the
// account holds for every contact and what the dead letters hold.
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "tests/fakes/fake_hubspot.hpp"
#include "tests/integration/daemon_test.hpp"

#ifndef LEADSYNC_CTL_PATH
#error "LEADSYNC_CTL_PATH must name the leadsyncctl binary"
#endif

namespace leadsync::tests {
namespace {

namespace json = boost::json;

constexpr std::string_view upsert_path = "/crm/v3/objects/contacts/batch/upsert";
constexpr std::string_view update_path = "/crm/v3/objects/contacts/batch/update";
constexpr std::string_view lead = "lead";
constexpr std::string_view mql = "marketingqualifiedlead";
constexpr std::string_view subscriber = "subscriber";

// engaged and mql, as a company would map the fixture's definition.
constexpr std::string_view forward_stages = R"(engaged = "lead", mql = "marketingqualifiedlead")";

using history = std::vector<std::string>;

bool is_2xx(unsigned status) { return status >= 200 && status < 300; }

// The lifecyclestage a batch request (upsert or update) sent for email, or
// nullopt when the request has no input for it.
std::optional<std::string> stage_sent(const recorded_request& r, std::string_view email) {
  const auto body = parse_object(r.body);
  const auto* inputs = body ? body->if_contains("inputs") : nullptr;
  if (inputs == nullptr || !inputs->is_array()) {
    return std::nullopt;
  }
  for (const auto& v : inputs->as_array()) {
    const auto* input = v.if_object();
    if (input == nullptr || string_field(*input, "id") != email) {
      continue;
    }
    const auto* props = input->if_contains("properties");
    if (props != nullptr && props->is_object()) {
      return string_field(props->as_object(), "lifecyclestage");
    }
    return std::string();
  }
  return std::nullopt;
}

bool is_call(const recorded_request& r, std::string_view path) { return r.method == "POST" && r.target == path; }

// How many requests to path carried an input for email (answered 2xx only when `answered`).
std::size_t writes_for(const std::vector<recorded_request>& all, std::string_view path, std::string_view email,
                       bool answered) {
  std::size_t n = 0;
  for (const auto& r : all) {
    if (is_call(r, path) && stage_sent(r, email) && (!answered || is_2xx(r.answered_status))) {
      ++n;
    }
  }
  return n;
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class hubspot_test : public daemon_test {
 protected:
  void start_account(fake_hubspot_options options = {}) { hs_ = std::make_unique<fake_hubspot>(std::move(options)); }

  // The [connectors.hubspot] table: the token from a file, `stages` as an
  // inline table's contents, three mapped properties, a 1 s timeout.
  std::string connector(std::string_view stages, std::string_view extra = "") const {
    const auto token_file = dir_.path() / "hubspot-token";
    write_text_file(token_file, hs_->options().access_token + "\n");
    std::ostringstream out;
    out << "[connectors.hubspot]\n"
        << "type = \"hubspot\"\n"
        << "base_url = \"" << hs_->base_url() << "\"\n"
        << "token_file = \"" << token_file.string() << "\"\n"
        << "timeout_ms = 1000\n"
        << "stages = { " << stages << " }\n"
        << "properties = { firstname = \"first_name\", company = \"company\", lead_score = \"score\" }\n"
        << extra << "\n";
    return out.str();
  }

  ::testing::AssertionResult start_with(const std::string& connectors, std::string extra_toml = "") {
    daemon_options options;
    options.connectors_toml = connectors;
    options.extra_toml = std::move(extra_toml);
    write_config(options);
    return start_daemon();
  }

  // Waits until the contact keyed by email has this lifecyclestage.
  bool wait_for_stage(std::string_view email, std::string_view value, std::chrono::milliseconds timeout = 15s) {
    return hs_->wait_for(
        [&] {
          const auto c = hs_->contact(email);
          return c && c->property("lifecyclestage") == value;
        },
        timeout);
  }

  bool wait_for_history(std::string_view email, const history& expected, std::chrono::milliseconds timeout = 15s) {
    return hs_->wait_for([&] { return hs_->stage_history(email) == expected; }, timeout);
  }

  std::vector<std::string> wait_for_dead_letters(std::size_t count, std::chrono::milliseconds timeout = 10s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> lines = dead_letter_lines();
    while (lines.size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      lines = dead_letter_lines();
    }
    return lines;
  }

  std::string explain(std::string_view key) const {
    const auto out = dir_.path() / "explain.out";
    std::filesystem::remove(out);
    return run_to_completion({LEADSYNC_CTL_PATH, "--config", config_path_.string(), "explain", std::string{key}},
                             dir_.path(), out, 20s)
        .output;
  }

  http_response crm_feedback(std::string_view id, std::string_view email, std::string_view stage) {
    return post_hook(json::serialize(json::object{{"id", id}, {"email", email}, {"stage", stage}}), "crm");
  }

  void TearDown() override {
    if (HasFailure() && hs_) {
      for (const auto& r : hs_->requests()) {
        std::cerr << "hs> " << r.method << " " << r.target << " -> " << r.answered_status << "\n    "
                  << r.body.substr(0, 600) << "\n";
      }
    }
    daemon_test::TearDown();
  }

  std::unique_ptr<fake_hubspot> hs_;
};

constexpr std::string_view crm_feedback_source = "[sources.crm]\nformat = \"crm-feedback\"\n";

TEST_F(hubspot_test, upsert_by_email_moves_one_contact_forward_and_reports_the_daily_budget) {
  fake_hubspot_options options;
  options.daily_limit = 5000;
  start_account(options);
  hs_->set_daily_remaining(4000);  // the used count must come from the headers, not from counting calls
  ASSERT_TRUE(start_with(connector(forward_stages)));

  ASSERT_EQ(post_hook(website_event("hs-1", "Ada@Example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  ASSERT_EQ(post_hook(website_event("hs-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));

  ASSERT_EQ(hs_->contacts().size(), 1U);
  const auto contact = *hs_->contact("ada@example.com");
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"lead", "marketingqualifiedlead"}));
  EXPECT_EQ(contact.property("email"), "ada@example.com");
  EXPECT_EQ(contact.property("firstname"), "Ada");
  EXPECT_EQ(contact.property("company"), "Example Ltd");
  EXPECT_EQ(contact.property("lead_score"), "60");

  const auto requests = hs_->requests();
  for (const auto& r : requests) {
    EXPECT_EQ(r.header("authorization"), "Bearer " + hs_->options().access_token) << r.target;
    EXPECT_TRUE(is_call(r, upsert_path)) << r.method << " " << r.target;
  }
  EXPECT_EQ(hs_->calls(hs_call::batch_update), 0U) << "nothing moved back: no clear";

  const auto calls = static_cast<long long>(requests.size());
  EXPECT_GE(calls, 2);
  EXPECT_EQ(metric_reaching("leadsync_crm_api_calls_total{connector=\"hubspot\"}", calls), calls) << metrics();
  const auto used = static_cast<long long>(options.daily_limit - hs_->daily_remaining());
  EXPECT_GE(used, 1002);
  EXPECT_EQ(metric_reaching("leadsync_crm_api_used{connector=\"hubspot\"}", used), used) << metrics();
  EXPECT_EQ(metric("leadsync_crm_api_limit{connector=\"hubspot\"}"), 5000);
  EXPECT_TRUE(dead_letter_lines().empty());
  EXPECT_EQ(daemon_log().find(hs_->options().access_token), std::string::npos) << "the token leaked into the log";
}

TEST_F(hubspot_test, a_ten_secondly_burst_pauses_the_connector_for_the_window_or_retry_after) {
  fake_hubspot_options options;
  options.rolling_interval = 1000ms;  // the window the 429's headers announce
  start_account(options);
  ASSERT_TRUE(start_with(connector(forward_stages)));

  // Without Retry-After: paused for X-HubSpot-RateLimit-Interval-Milliseconds.
  hs_->rate_limit_burst(1);
  ASSERT_EQ(post_hook(website_event("rl-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  EXPECT_TRUE(wait_for_log("paused until", 5s)) << daemon_log();
  // With Retry-After: 2 s, longer than the window, wins.
  hs_->rate_limit_burst(1, hs_rate_policy::ten_secondly_rolling, "2");
  ASSERT_EQ(post_hook(website_event("rl-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));

  // The request after each 429 comes no sooner than the pause allows.
  const auto requests = hs_->requests();
  std::vector<std::chrono::milliseconds> gaps;
  for (std::size_t i = 0; i + 1 < requests.size(); ++i) {
    if (requests[i].answered_status == 429) {
      gaps.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(requests[i + 1].received_at - requests[i].received_at));
    }
  }
  ASSERT_EQ(gaps.size(), 2U);
  EXPECT_GE(gaps[0], 950ms);
  EXPECT_GE(gaps[1], 1950ms);
  EXPECT_EQ(requests.size(), 4U) << "one 429 and one write per stage";

  EXPECT_EQ(hs_->contacts().size(), 1U);
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"lead", "marketingqualifiedlead"}));
  EXPECT_TRUE(dead_letter_lines().empty());
  EXPECT_EQ(metric("leadsync_deliveries_total{connector=\"hubspot\",result=\"dead_lettered\"}"), 0);
  EXPECT_EQ(metric("leadsync_deliveries_total{connector=\"hubspot\",result=\"retried\"}"), 2);
}

TEST_F(hubspot_test, a_validation_error_parks_only_its_contact_with_hubspots_message) {
  start_account();
  const std::string message = "Email address bad@example.com is invalid for this portal";
  hs_->validation_error({"bad@example.com"}, message);
  // A 429 first holds the connector for 2 s, so all three updates go out in
  // the same request afterwards.
  hs_->rate_limit_burst(1, hs_rate_policy::ten_secondly_rolling, "2");
  ASSERT_TRUE(start_with(connector(forward_stages)));

  const std::vector<std::string> emails{"good1@example.com", "bad@example.com", "good2@example.com"};
  for (const auto& email : emails) {
    ASSERT_EQ(post_hook(website_event("v-" + email, email, "demo_request")).status, 202U);
  }
  ASSERT_TRUE(wait_for_stage("good1@example.com", mql));
  ASSERT_TRUE(wait_for_stage("good2@example.com", mql));
  const auto parked = wait_for_dead_letters(1);
  ASSERT_EQ(parked.size(), 1U);
  EXPECT_NE(parked[0].find("bad@example.com"), std::string::npos) << parked[0];
  EXPECT_NE(parked[0].find("VALIDATION_ERROR"), std::string::npos) << parked[0];
  EXPECT_NE(parked[0].find(message), std::string::npos) << parked[0];

  const auto requests = hs_->requests();
  bool shared = false;
  for (const auto& r : requests) {
    shared = shared || (r.answered_status == 207 && stage_sent(r, "bad@example.com") &&
                        stage_sent(r, "good1@example.com") && stage_sent(r, "good2@example.com"));
  }
  EXPECT_TRUE(shared) << "the three contacts were not in one answered request";
  EXPECT_EQ(writes_for(requests, upsert_path, "bad@example.com", true), 1U) << "a rejected contact is not retried";

  const auto contacts = hs_->contacts();
  EXPECT_EQ(contacts.size(), 2U);
  EXPECT_EQ(contacts.count("bad@example.com"), 0U);
  EXPECT_EQ(hs_->stage_history("good1@example.com"), (history{"marketingqualifiedlead"}));
  EXPECT_EQ(hs_->stage_history("good2@example.com"), (history{"marketingqualifiedlead"}));
}

TEST_F(hubspot_test, allow_backwards_clears_lifecyclestage_before_recycling_the_contact) {
  start_account();
  const std::string stages = std::string{forward_stages} + R"(, nurture = "lead")";
  ASSERT_TRUE(start_with(connector(stages, "allow_backwards = true"), std::string{crm_feedback_source}));

  ASSERT_EQ(post_hook(website_event("bw-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  ASSERT_EQ(post_hook(website_event("bw-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));
  // Sales rejects the lead: the fixture's definition recycles it to nurture.
  ASSERT_EQ(crm_feedback("bw-crm-1", "ada@example.com", "rejected").status, 202U);
  ASSERT_TRUE(wait_for_history("ada@example.com", {"lead", "marketingqualifiedlead", "", "lead"}))
      << "history: " << json::serialize(json::value_from(hs_->stage_history("ada@example.com")));

  const auto requests = hs_->requests();
  std::optional<std::size_t> clear_at;
  std::optional<std::size_t> recycle_at;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto sent = stage_sent(requests[i], "ada@example.com");
    if (is_call(requests[i], update_path) && sent == "" && !clear_at) {
      clear_at = i;
    }
    if (is_call(requests[i], upsert_path) && sent == lead && clear_at && i > *clear_at) {
      recycle_at = i;
    }
  }
  ASSERT_TRUE(clear_at.has_value()) << "no batch/update clearing lifecyclestage";
  EXPECT_TRUE(recycle_at.has_value()) << "no upsert of \"lead\" after the clear";
  EXPECT_EQ(hs_->calls(hs_call::batch_update), 1U);
  EXPECT_EQ(hs_->contacts().size(), 1U);
  EXPECT_EQ(hs_->contact("ada@example.com")->property("lifecyclestage"), lead);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(hubspot_test, without_allow_backwards_hubspot_keeps_the_later_stage) {
  start_account();
  const std::string stages = std::string{forward_stages} + R"(, nurture = "lead")";
  ASSERT_TRUE(start_with(connector(stages), std::string{crm_feedback_source}));

  ASSERT_EQ(post_hook(website_event("fw-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  ASSERT_EQ(post_hook(website_event("fw-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));
  ASSERT_EQ(crm_feedback("fw-crm-1", "ada@example.com", "rejected").status, 202U);
  // The recycle is sent as a plain upsert of "lead" and reported delivered...
  ASSERT_TRUE(hs_->wait_for([&] { return writes_for(hs_->requests(), upsert_path, "ada@example.com", true) >= 3; },
                            15s));
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"hubspot\",result=\"delivered\"}", 3), 3);
  const auto requests = hs_->requests();
  EXPECT_EQ(stage_sent(requests.back(), "ada@example.com"), std::string{lead});

  // ...and HubSpot ignores the backward move.
  EXPECT_EQ(hs_->calls(hs_call::batch_update), 0U);
  EXPECT_EQ(hs_->contacts().size(), 1U);
  EXPECT_EQ(hs_->contact("ada@example.com")->property("lifecyclestage"), mql);
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"lead", "marketingqualifiedlead"}));
  EXPECT_TRUE(dead_letter_lines().empty());
}

// Found by this test: the outbox keeps one row per lead, and a row replaced
// before delivery must keep the previous_stage the CRM still holds (mql), not
// the undelivered one in between (nurture); otherwise subscriber -> lead
// looks like a forward move, no clear is sent and HubSpot ignores "lead".
TEST_F(hubspot_test, a_recycle_coalesced_with_new_activity_still_moves_the_contact_back) {
  fake_hubspot_options options;
  options.rolling_interval = 1000ms;
  start_account(options);
  // Recycled leads wait in "subscriber"; new activity brings them back to "lead".
  const std::string stages = std::string{forward_stages} + R"(, nurture = "subscriber")";
  ASSERT_TRUE(start_with(connector(stages, "allow_backwards = true"), std::string{crm_feedback_source}));

  ASSERT_EQ(post_hook(website_event("co-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));
  // While the connector is held off, sales rejects the lead and the person
  // fills in a form again: the outbox keeps only the latest state (engaged),
  // which HubSpot (still at MQL) must receive as a move back to "lead".
  hs_->rate_limit_burst(1, hs_rate_policy::ten_secondly_rolling, "3");
  ASSERT_EQ(crm_feedback("co-crm-1", "ada@example.com", "rejected").status, 202U);
  ASSERT_TRUE(hs_->wait_for(
      [&] {
        const auto all = hs_->requests();
        return !all.empty() && all.back().answered_status == 429;
      },
      10s));
  ASSERT_EQ(post_hook(website_event("co-2", "ada@example.com")).status, 202U);
  ASSERT_TRUE(hs_->wait_for([&] { return writes_for(hs_->requests(), upsert_path, "ada@example.com", true) >= 2; },
                            15s));
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"hubspot\",result=\"delivered\"}", 2), 2);

  EXPECT_EQ(hs_->contact("ada@example.com")->property("lifecyclestage"), lead)
      << "history: " << json::serialize(json::value_from(hs_->stage_history("ada@example.com")));
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(hubspot_test, a_feedback_webhook_naming_only_the_contact_id_reaches_the_lead) {
  start_account();
  const std::string stages = std::string{forward_stages} + R"(, nurture = "subscriber")";
  ASSERT_TRUE(start_with(connector(stages, "allow_backwards = true"), "[sources.hubspot]\nformat = \"hubspot-crm\"\n"));

  ASSERT_EQ(post_hook(website_event("al-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  // The alias is stored with the delivery's result, just after HubSpot answered.
  ASSERT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"hubspot\",result=\"delivered\"}", 1), 1);
  const std::string contact_id = hs_->contact("ada@example.com")->id;

  // Sales marks the contact unqualified in HubSpot; the webhook names only its id.
  json::array body{json::object{{"eventId", 4711},
                                {"subscriptionId", 12345},
                                {"portalId", 62515},
                                {"appId", 54321},
                                {"occurredAt", unix_now_ms()},
                                {"subscriptionType", "contact.propertyChange"},
                                {"attemptNumber", 0},
                                {"objectId", std::stoll(contact_id)},
                                {"changeSource", "CRM_UI"},
                                {"propertyName", "hs_lead_status"},
                                {"propertyValue", "UNQUALIFIED"}}};
  const auto res = post_hook(json::serialize(body), "hubspot");
  ASSERT_EQ(res.status, 202U) << res.body;

  // The lead behind the email is recycled, and the contact follows it back.
  ASSERT_TRUE(wait_for_stage("ada@example.com", subscriber));
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"lead", "", "subscriber"}));
  EXPECT_EQ(hs_->contacts().size(), 1U);
  const std::string why = explain("ada@example.com");
  EXPECT_NE(why.find("-> nurture"), std::string::npos) << why;
  EXPECT_NE(why.find("recycling"), std::string::npos) << why;
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(hubspot_test, dropped_and_slow_answers_are_retried_into_one_contact) {
  start_account();
  hs_->drop(1, hs_call::batch_upsert);
  ASSERT_TRUE(start_with(connector(forward_stages)));

  ASSERT_EQ(post_hook(website_event("dr-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", lead));
  EXPECT_EQ(hs_->calls(hs_call::batch_upsert), 2U) << "the dropped upsert and its retry";
  // Past the connector's 1 s timeout; the fake still writes it.
  hs_->delay(2500ms, 1, hs_call::batch_upsert);
  ASSERT_EQ(post_hook(website_event("dr-2", "ada@example.com", "demo_request")).status, 202U);
  // The fake applies a delayed write at once, so the stage alone proves
  // nothing: the daemon must give up on the answer and send the write again.
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));
  EXPECT_TRUE(wait_for_log("will retry lead_id=1 stage=mql", 10s)) << daemon_log();
  EXPECT_TRUE(hs_->wait_for([&] { return hs_->calls(hs_call::batch_upsert) >= 4; }, 10s))
      << "the timed-out upsert was not sent again";

  EXPECT_EQ(hs_->contacts().size(), 1U);
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"lead", "marketingqualifiedlead"}));
  EXPECT_GE(metric_reaching("leadsync_deliveries_total{connector=\"hubspot\",result=\"retried\"}", 2).value_or(0), 2);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(hubspot_test, an_unmapped_stage_is_not_sent_and_logged_once) {
  start_account();
  ASSERT_TRUE(start_with(connector(R"(mql = "marketingqualifiedlead")")));

  ASSERT_EQ(post_hook(website_event("um-1", "ada@example.com")).status, 202U);
  ASSERT_EQ(post_hook(website_event("um-2", "bob@example.com")).status, 202U);
  ASSERT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"hubspot\",result=\"skipped\"}", 2, 10s), 2);
  EXPECT_TRUE(hs_->requests().empty()) << "an engaged update reached HubSpot";

  ASSERT_EQ(post_hook(website_event("um-3", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql));

  const std::string log = daemon_log();
  const std::string notice = "stage \"engaged\" has no mapping";
  const auto first = log.find(notice);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(notice, first + 1), std::string::npos) << "logged more than once:\n" << log;

  EXPECT_EQ(hs_->requests().size(), 1U);
  const auto contacts = hs_->contacts();
  EXPECT_EQ(contacts.size(), 1U);
  EXPECT_EQ(contacts.count("bob@example.com"), 0U);
  EXPECT_EQ(hs_->stage_history("ada@example.com"), (history{"marketingqualifiedlead"}));
  EXPECT_TRUE(dead_letter_lines().empty());
}

}  // namespace
}  // namespace leadsync::tests
