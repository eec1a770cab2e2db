// The salesforce connector in the real daemon against the fake Salesforce
// org: every auth flow, TLS with a certificate made at test time, and each
// fault the org can throw. Each test ends with the org holding one record per
// person in the final stage, or the record parked with the org's reason.
#include <memory>
#include <string>
#include <thread>

#include "tests/fakes/connect_proxy.hpp"
#include "tests/fakes/fake_salesforce.hpp"
#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

namespace json = boost::json;

constexpr std::string_view engaged_label = "Working - Contacted";
constexpr std::string_view mql_label = "MQL";

class salesforce_test : public daemon_test {
 protected:
  // Starts the fake org (over TLS unless told otherwise) before the daemon.
  void start_org(fake_salesforce_options options = {}, bool tls = true, std::vector<std::string> extra_names = {}) {
    if (tls) {
      cert_ = std::make_unique<test_certificate>(dir_.path() / "tls", test_key_type::rsa_2048, extra_names);
      options.tls = *cert_;
    }
    sf_ = std::make_unique<fake_salesforce>(std::move(options));
  }

  // The [connectors.sfdc] table: client credentials from a file unless
  // `auth` says otherwise, the two stages mapped, a few fields.
  std::string connector(std::string_view auth_lines, std::string_view extra = "") const {
    std::ostringstream out;
    out << "[connectors.sfdc]\n"
        << "type = \"salesforce\"\n"
        << "login_url = \"" << sf_->base_url() << "\"\n"
        << auth_lines << "\n"
        << "timeout_ms = 1000\n"
        << "pause_minutes = 1\n";
    if (cert_) {
      out << "ca_file = \"" << cert_->cert_file().string() << "\"\n";
    }
    out << extra << "\n"
        << "[connectors.sfdc.stages]\n"
        << "engaged = \"" << engaged_label << "\"\n"
        << "mql = \"" << mql_label << "\"\n"
        << "[connectors.sfdc.fields]\n"
        << "Email = \"email\"\n"
        << "Company = \"company\"\n"
        << "FirstName = \"first_name\"\n"
        << "Lead_Score__c = \"score\"\n";
    return out.str();
  }

  std::string client_credentials() const {
    write_text_file(dir_.path() / "sf-secret", sf_->options().client_secret + "\n");
    return "auth = \"client_credentials\"\nclient_id = \"" + sf_->options().client_id + "\"\nclient_secret_file = \"" +
           (dir_.path() / "sf-secret").string() + "\"";
  }

  ::testing::AssertionResult start_with(const std::string& connectors) {
    daemon_options options;
    options.connectors_toml = connectors;
    write_config(options);
    return start_daemon();
  }

  std::string form(std::string_view id, std::string_view email, std::string_view kind = "") {
    std::string body = website_event(id, email, kind);
    return body;
  }

  // Waits until the record keyed by the lead's email carries stage label.
  bool wait_for_stage(std::string_view email, std::string_view label, std::chrono::milliseconds timeout = 15s) {
    return sf_->wait_for(
        [&] {
          auto r = sf_->find_by_email(email);
          return r && r->field("Status") == label;
        },
        timeout);
  }

  void TearDown() override {
    if (HasFailure() && sf_) {
      for (const auto& r : sf_->requests()) {
        std::cerr << "sf> " << r.method << " " << r.target << " -> " << r.answered_status << "\n    "
                  << r.body.substr(0, 600) << "\n";
      }
    }
    daemon_test::TearDown();
  }

  std::unique_ptr<test_certificate> cert_;
  std::unique_ptr<fake_salesforce> sf_;
};

TEST_F(salesforce_test, client_credentials_over_tls_upsert_one_record_per_person) {
  start_org();
  ASSERT_TRUE(start_with(connector(client_credentials())));

  ASSERT_EQ(post_hook(website_event("sf-1", "Ada@Example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", engaged_label));
  ASSERT_EQ(post_hook(website_event("sf-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql_label));

  ASSERT_EQ(sf_->records().size(), 1U);
  EXPECT_EQ(sf_->created_count(), 1U);
  const auto lead = *sf_->find_by_email("ada@example.com");
  EXPECT_EQ(lead.field("Lead_Key__c"), "ada@example.com");
  EXPECT_EQ(sf_->calls(sf_call::token), 1U) << "the token is kept between batches";
  EXPECT_GE(sf_->calls(sf_call::upsert), 2U);
  EXPECT_EQ(sf_->calls(sf_call::create), 0U);
  // Keep-alive: the token request and every write share one TLS connection.
  const auto seen = sf_->requests();
  ASSERT_FALSE(seen.empty());
  for (const auto& r : seen) {
    EXPECT_EQ(r.connection_id, seen.front().connection_id) << r.method << " " << r.target;
  }

  // Sforce-Limit-Info is read on every answer and exported.
  // (The daemon records it once the batch's answer is handled: poll briefly.)
  const auto expected_used = static_cast<long long>(sf_->api_usage());
  std::optional<long long> used;
  for (int i = 0; i < 50 && used != expected_used; ++i, std::this_thread::sleep_for(50ms)) {
    used = metric("leadsync_crm_api_used{connector=\"sfdc\"}");
  }
  EXPECT_EQ(used, expected_used) << metrics();
  EXPECT_EQ(metric("leadsync_crm_api_limit{connector=\"sfdc\"}"), 15000);
  EXPECT_EQ(metric("leadsync_crm_api_budget{connector=\"sfdc\"}"), 13500);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(salesforce_test, jwt_bearer_assertions_are_accepted_by_the_org) {
  const auto keys = make_rsa_key_pair(dir_.path() / "jwt" / "key.pem");
  fake_salesforce_options options;
  options.jwt_public_key_pem = keys.public_key_pem;
  start_org(options);
  const std::string auth = "auth = \"jwt\"\nclient_id = \"" + options.client_id + "\"\nusername = \"" +
                           options.username + "\"\naudience = \"" + options.audience + "\"\nprivate_key_file = \"" +
                           keys.private_key_file.string() + "\"";
  ASSERT_TRUE(start_with(connector(auth)));

  ASSERT_EQ(post_hook(website_event("jwt-1", "grace@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("grace@example.com", mql_label));
  EXPECT_EQ(sf_->calls(sf_call::token), 1U);
}

TEST_F(salesforce_test, an_expired_session_is_refreshed_once_and_the_write_retried) {
  start_org();
  const std::string auth = "auth = \"refresh_token\"\nclient_id = \"" + sf_->options().client_id +
                           "\"\nclient_secret = \"" + sf_->options().client_secret + "\"\nrefresh_token = \"" +
                           sf_->options().refresh_token + "\"";
  ASSERT_TRUE(start_with(connector(auth)));

  ASSERT_EQ(post_hook(website_event("rt-1", "linus@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("linus@example.com", engaged_label));
  sf_->expire_tokens();
  ASSERT_EQ(post_hook(website_event("rt-2", "linus@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("linus@example.com", mql_label));

  EXPECT_EQ(sf_->calls(sf_call::token), 2U);
  EXPECT_EQ(sf_->records().size(), 1U);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(salesforce_test, a_locked_row_is_retried_until_written) {
  start_org();
  sf_->row_lock({"ada@example.com"}, 2);
  ASSERT_TRUE(start_with(connector(client_credentials())));

  ASSERT_EQ(post_hook(website_event("lock-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql_label));
  EXPECT_GE(sf_->calls(sf_call::upsert), 3U);
  EXPECT_EQ(sf_->records().size(), 1U);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(salesforce_test, a_validation_rule_parks_only_its_record_with_the_orgs_message) {
  start_org();
  sf_->validation_error({"bad@example.com"}, "Leads from this domain need a phone number");
  ASSERT_TRUE(start_with(connector(client_credentials())));

  for (const char* email : {"good1@example.com", "bad@example.com", "good2@example.com"}) {
    ASSERT_EQ(post_hook(website_event(std::string{"v-"} + email, email, "demo_request")).status, 202U);
  }
  ASSERT_TRUE(wait_for_stage("good1@example.com", mql_label));
  ASSERT_TRUE(wait_for_stage("good2@example.com", mql_label));
  std::vector<std::string> parked;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (parked.empty() && std::chrono::steady_clock::now() < deadline) {
    parked = dead_letter_lines();
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(parked.size(), 1U);
  EXPECT_NE(parked[0].find("bad@example.com"), std::string::npos) << parked[0];
  EXPECT_NE(parked[0].find("FIELD_CUSTOM_VALIDATION_EXCEPTION"), std::string::npos) << parked[0];
  EXPECT_NE(parked[0].find("Leads from this domain need a phone number"), std::string::npos) << parked[0];
  EXPECT_FALSE(sf_->find_by_email("bad@example.com").has_value());
}

TEST_F(salesforce_test, duplicates_detected_attaches_to_the_existing_record) {
  start_org();
  json::object existing{{"Email", "dup@example.com"}, {"LastName", "Existing"}, {"Company", "Acme"},
                        {"Status", "Open - Not Contacted"}};
  const auto ids = sf_->preload({existing});
  sf_->duplicate_rule(true);
  ASSERT_TRUE(start_with(connector(client_credentials())));

  ASSERT_EQ(post_hook(website_event("dup-1", "dup@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("dup@example.com", mql_label));

  ASSERT_EQ(sf_->records().size(), 1U) << "no second record for the same person";
  EXPECT_EQ(sf_->created_count(), 0U);
  const auto record = *sf_->find_by_id(ids.at(0));
  EXPECT_EQ(record.field("Status"), mql_label);
  EXPECT_EQ(record.field("Lead_Key__c"), "dup@example.com") << "later upserts must find it by key";
  EXPECT_EQ(record.field("LastName"), "Existing") << "real data is not overwritten by placeholders";
}

TEST_F(salesforce_test, match_by_email_updates_the_existing_lead_and_creates_the_new_one) {
  start_org();
  json::object existing{{"Email", "known@example.com"}, {"LastName", "Known"}, {"Company", "Acme"}};
  const auto ids = sf_->preload({existing});
  ASSERT_TRUE(start_with(connector(client_credentials(), "match = \"email\"")));

  ASSERT_EQ(post_hook(website_event("m-1", "known@example.com", "demo_request")).status, 202U);
  ASSERT_EQ(post_hook(website_event("m-2", "new@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("known@example.com", mql_label));
  ASSERT_TRUE(wait_for_stage("new@example.com", mql_label));

  EXPECT_EQ(sf_->records().size(), 2U);
  EXPECT_EQ(sf_->created_count(), 1U);
  EXPECT_EQ(sf_->find_by_email("known@example.com")->id, ids.at(0));
  EXPECT_GE(sf_->calls(sf_call::query), 1U);
}

TEST_F(salesforce_test, request_limit_exceeded_pauses_the_connector_and_keeps_the_update) {
  start_org();
  sf_->limit_exceeded();
  ASSERT_TRUE(start_with(connector(client_credentials())));

  ASSERT_EQ(post_hook(website_event("lim-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(sf_->wait_for([&] { return sf_->calls(sf_call::upsert) >= 1; }, 10s));
  ASSERT_TRUE(wait_for_log("paused until", 10s)) << daemon_log();
  EXPECT_EQ(metric("leadsync_connector_paused{connector=\"sfdc\"}"), 1);

  // Paused means silent: more leads arrive, nothing is sent, nothing is lost.
  ASSERT_EQ(post_hook(website_event("lim-2", "bob@example.com", "demo_request")).status, 202U);
  const auto writes = sf_->calls(sf_call::upsert);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sf_->calls(sf_call::upsert), writes);
  EXPECT_TRUE(dead_letter_lines().empty());
}

TEST_F(salesforce_test, the_configured_share_of_the_daily_limit_is_never_exceeded) {
  fake_salesforce_options options;
  options.daily_api_limit = 100;
  start_org(options);
  sf_->set_api_usage(88);  // room for the upsert and its resend with LastName/Company placeholders
  ASSERT_TRUE(start_with(connector(client_credentials(), "api_budget_percent = 90")));

  ASSERT_EQ(post_hook(website_event("b-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql_label));
  ASSERT_TRUE(wait_for_log("paused until", 10s)) << daemon_log();
  ASSERT_EQ(post_hook(website_event("b-2", "bob@example.com", "demo_request")).status, 202U);
  std::this_thread::sleep_for(1500ms);
  EXPECT_LE(sf_->api_usage(), 90U);
  EXPECT_FALSE(sf_->find_by_email("bob@example.com").has_value());
  EXPECT_EQ(metric("leadsync_crm_api_budget{connector=\"sfdc\"}"), 90);
}

TEST_F(salesforce_test, dropped_and_slow_answers_are_retried_without_duplicate_records) {
  start_org();
  sf_->drop(1, sf_call::upsert);
  ASSERT_TRUE(start_with(connector(client_credentials())));

  ASSERT_EQ(post_hook(website_event("d-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", engaged_label));
  sf_->delay(2500ms, 1, sf_call::upsert);  // past the connector's 1 s timeout; the fake still writes it
  ASSERT_EQ(post_hook(website_event("d-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql_label));

  EXPECT_EQ(sf_->records().size(), 1U);
  EXPECT_EQ(sf_->created_count(), 1U);
  EXPECT_TRUE(dead_letter_lines().empty());
}

// The connector config with login_url naming `host` instead of 127.0.0.1: a
// name, not a loopback address, because loopback is never proxied. The proxy
// sends every tunnel to 127.0.0.1, so nothing leaves the machine.
std::string through_name(std::string connectors, std::string_view host) {
  const std::string loopback = "127.0.0.1:";
  connectors.replace(connectors.find(loopback), loopback.size(), std::string{host} + ":");
  return connectors;
}

TEST_F(salesforce_test, https_proxy_tunnels_through_connect) {
  start_org({}, true, {"crm.example.test"});
  connect_proxy proxy;
  daemon_env_["HTTPS_PROXY"] = "http://user:secret@127.0.0.1:" + std::to_string(proxy.port());
  daemon_env_["NO_PROXY"] = "internal.example.test";
  ASSERT_TRUE(start_with(through_name(connector(client_credentials()), "crm.example.test")));

  ASSERT_EQ(post_hook(website_event("p-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_stage("ada@example.com", mql_label));
  const auto tunnels = proxy.tunnels();
  ASSERT_EQ(tunnels.size(), 1U) << "the token request went through the proxy, on one kept-alive tunnel";
  EXPECT_EQ(tunnels[0], "crm.example.test:" + std::to_string(sf_->port()));
  EXPECT_EQ(proxy.authorizations()[0], "Basic dXNlcjpzZWNyZXQ=");
}

TEST_F(salesforce_test, a_certificate_for_another_name_is_refused_through_the_proxy) {
  start_org();  // the certificate names localhost and 127.0.0.1 only
  connect_proxy proxy;
  daemon_env_["HTTPS_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
  ASSERT_TRUE(start_with(through_name(connector(client_credentials()), "crm.example.test")));

  ASSERT_EQ(post_hook(website_event("p-1", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_log("TLS handshake with crm.example.test", 10s)) << daemon_log();
  EXPECT_FALSE(proxy.tunnels().empty());
  EXPECT_EQ(sf_->calls(sf_call::token), 0U);
  EXPECT_TRUE(dead_letter_lines().empty()) << "a transport failure is retried, never parked";
}

}  // namespace
}  // namespace leadsync::tests
