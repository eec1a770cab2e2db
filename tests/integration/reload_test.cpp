// SIGHUP reloads the configuration under traffic: a valid file replaces the
// sources, definition and connectors without losing an accepted webhook; an
// invalid one is refused with its errors and the running config stays.
#include <atomic>
#include <csignal>
#include <set>
#include <string>
#include <thread>

#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

using reload_test = daemon_test;

constexpr std::string_view partner_source =
    "[sources.partner]\nformat = \"generic\"\n[sources.partner.map]\nevent_id = \"/submission_id\"\n"
    "email = \"/email\"\n[sources.partner.defaults]\nkind = \"form_submit\"\n";

// Posts webhooks one after another until stopped, counting the answers.
class traffic {
 public:
  explicit traffic(std::uint16_t port)
      : thread_([this, port] {
          for (int i = 0; !stop_; ++i) {
            const std::string email = "steady" + std::to_string(i) + "@example.com";
            try {
              const auto r = http_post(port, "/hooks/website", website_event("steady-" + std::to_string(i), email));
              if (r.status == 202U) {
                std::lock_guard lock(mutex_);
                accepted_.insert(email);
              } else {
                ++failed_;
              }
            } catch (const std::exception&) {  // a reset connection is a failure to report, not a crash
              ++failed_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
          }
        }) {}
  ~traffic() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::set<std::string> accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  int failed() const { return failed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_{0};
  mutable std::mutex mutex_;
  std::set<std::string> accepted_;
  std::thread thread_;
};

TEST_F(reload_test, a_valid_config_replaces_sources_and_connectors_without_losing_a_webhook) {
  ASSERT_TRUE(start_daemon());
  EXPECT_EQ(post_hook(website_event("p-0", "before@example.com"), "partner").status, 404U);

  traffic steady(port_);
  std::this_thread::sleep_for(300ms);
  daemon_options options;
  options.extra_toml = partner_source;
  write_config(options);
  daemon_.send_signal(SIGHUP);
  ASSERT_TRUE(wait_for_log("configuration reloaded", 10s)) << daemon_log();
  std::this_thread::sleep_for(300ms);
  steady.stop();

  EXPECT_EQ(steady.failed(), 0) << "every webhook during the reload was accepted";
  ASSERT_FALSE(steady.accepted().empty());
  const auto partner = post_hook(website_event("p-1", "partner@example.com"), "partner");
  EXPECT_EQ(partner.status, 202U) << partner.body;

  // Everything accepted before, during and after the reload reaches the CRM.
  auto expected = steady.accepted();
  expected.insert("partner@example.com");
  const bool all = crm_.wait_for(
      [&](const std::vector<recorded_request>& seen) {
        for (const auto& email : expected) {
          if (!has_accepted(seen, email, "engaged")) {
            return false;
          }
        }
        return true;
      },
      20s);
  EXPECT_TRUE(all);
  EXPECT_TRUE(daemon_.running());
}

TEST_F(reload_test, an_invalid_config_is_refused_and_the_running_one_stays) {
  ASSERT_TRUE(start_daemon());
  std::string broken = config_text() + "\n[sources.partner]\nformat = \"no-such-format\"\n";
  write_config_text(broken);
  daemon_.send_signal(SIGHUP);
  ASSERT_TRUE(wait_for_log("reload rejected", 10s)) << daemon_log();
  EXPECT_NE(daemon_log().find("sources.partner"), std::string::npos) << daemon_log();
  EXPECT_NE(daemon_log().find(config_path_.filename().string() + ":"), std::string::npos)
      << "the error names the file and line: " << daemon_log();

  EXPECT_TRUE(daemon_.running());
  EXPECT_EQ(post_hook(website_event("r-1", "still@example.com")).status, 202U);
  EXPECT_TRUE(wait_for_accepted("still@example.com", "engaged"));
  EXPECT_EQ(post_hook(website_event("r-2", "partner@example.com"), "partner").status, 404U);
}

}  // namespace
}  // namespace leadsync::tests
