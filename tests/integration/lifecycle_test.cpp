// The daemon as a process: --check, signals, and a crash (SIGKILL) right
// after an event was acknowledged.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <string>

#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

using lifecycle_test = daemon_test;

// text with the line holding `needle` replaced by `line`; reports its number.
std::string replace_line(const std::string& text, std::string_view needle, std::string_view line,
                         int& line_number) {
  const auto at = text.find(needle);
  if (at == std::string::npos) {
    ADD_FAILURE() << "config has no " << needle;
    return text;
  }
  const auto begin = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  const auto end = text.find('\n', at);
  line_number = 1 + static_cast<int>(std::count(text.begin(), text.begin() + begin, '\n'));
  return text.substr(0, begin) + std::string(line) + text.substr(end);
}

// "file:line:column: key: message", the key possibly qualified by its table.
::testing::AssertionResult has_diagnostic(const std::string& output, int line,
                                          std::string_view key) {
  const std::regex pattern("leadsync\\.toml:" + std::to_string(line) +
                           ":[0-9]+: ([A-Za-z0-9_]+\\.)*" + std::string(key) + ": \\S");
  if (std::regex_search(output, pattern)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no \"leadsync.toml:" << line << ":<column>: " << key
                                       << ": <message>\" in output:\n" << output;
}

TEST_F(lifecycle_test, check_accepts_valid_config) {
  write_config();
  const auto r = run_check();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
}

TEST_F(lifecycle_test, check_accepts_the_example_config) {
  config_path_ = std::filesystem::path(LEADSYNC_SOURCE_DIR) / "config" / "leadsync.example.toml";
  const auto r = run_check();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
}

TEST_F(lifecycle_test, check_accepts_the_crm_connectors_example_with_its_secrets_in_the_environment) {
  config_path_ = std::filesystem::path(LEADSYNC_SOURCE_DIR) / "config" / "examples" / "crm-connectors.toml";
  const auto r_without = run_check();
  EXPECT_TRUE(r_without.status.exited && r_without.status.code != 0) << r_without.output;
  EXPECT_NE(r_without.output.find("LEADSYNC_HUBSPOT_TOKEN is not set"), std::string::npos) << r_without.output;

  ::setenv("LEADSYNC_SF_CLIENT_SECRET", "sf-secret-value", 1);
  ::setenv("LEADSYNC_HUBSPOT_TOKEN", "pat-na1-token-value", 1);
  ::setenv("LEADSYNC_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  const auto r = run_check();
  ::unsetenv("LEADSYNC_SF_CLIENT_SECRET");
  ::unsetenv("LEADSYNC_HUBSPOT_TOKEN");
  ::unsetenv("LEADSYNC_WEBHOOK_SECRET");
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
  EXPECT_EQ(r.output.find("sf-secret-value"), std::string::npos);
}

TEST_F(lifecycle_test, check_rejects_wrong_type_with_location) {
  int line = 0;
  const std::string text =
      replace_line(config_text(), "listen_port =", "listen_port = \"eighty\"", line);
  write_config_text(text);
  const auto r = run_check();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 78) << r.status.describe() << "\n" << r.output;
  EXPECT_TRUE(has_diagnostic(r.output, line, "listen_port"));
}

TEST_F(lifecycle_test, check_rejects_unknown_key_with_location) {
  int line = 0;
  const std::string text =
      replace_line(config_text(), "io_threads =", "io_threadz = 2", line);
  write_config_text(text);
  const auto r = run_check();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 78) << r.status.describe() << "\n" << r.output;
  EXPECT_TRUE(has_diagnostic(r.output, line, "io_threadz"));
}

class signal_test : public daemon_test, public ::testing::WithParamInterface<int> {};

TEST_P(signal_test, stops_with_exit_status_0) {
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("sig-1", "sig@example.com")).status, 202U);
  // shutdown_timeout_seconds = 5, so 15 s is plenty.
  const auto status = stop_daemon(GetParam(), 15s);
  ASSERT_TRUE(status) << "still running 15 s after signal " << GetParam();
  EXPECT_TRUE(status->exited && status->code == 0) << status->describe();
  EXPECT_FALSE(try_http_get(port_, "/healthz", 1s)) << "still answering after exit";
}

INSTANTIATE_TEST_SUITE_P(lifecycle, signal_test, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGTERM ? "sigterm" : "sigint");
                         });

TEST_F(lifecycle_test, acknowledged_event_survives_sigkill) {
  crm_.fail_with_status(503);  // nothing can be delivered before the crash
  ASSERT_TRUE(start_daemon());
  const std::string email = "crash@example.com";
  const std::string event = website_event("crash-1", "Crash@Example.com ");
  const auto res = post_hook(event);
  ASSERT_EQ(res.status, 202U) << res.body;
  const auto killed = kill_daemon();
  ASSERT_FALSE(killed.exited) << "daemon had already " << killed.describe();
  EXPECT_FALSE(has_accepted(crm_.requests(), email, "engaged"));

  crm_.heal();
  ASSERT_TRUE(start_daemon());  // same data dir, same config
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  for (const auto& body : accepted_bodies(crm_.requests())) {
    EXPECT_EQ(string_field(body, "email"), email);
    EXPECT_EQ(string_field(body, "stage"), "engaged");
    EXPECT_EQ(body.at("score"), boost::json::value(10));
  }
  // The event itself is in the log: the same id is still a duplicate.
  const auto again = post_hook(event);
  EXPECT_EQ(again.status, 200U) << again.body;
  EXPECT_EQ(parse_json(again.body), parse_json(R"({"status":"duplicate"})")) << again.body;
}

// The harness, not the daemon: when another process takes the picked port
// before leadsyncd binds it, start_daemon moves to a fresh one.
TEST_F(lifecycle_test, a_port_taken_before_the_daemon_binds_it_is_replaced) {
  const int squatter = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(squatter, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  ASSERT_EQ(::bind(squatter, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(squatter, 1), 0);
  const std::uint16_t taken = port_;

  write_config();
  const auto started = start_daemon();
  ::close(squatter);
  ASSERT_TRUE(started);
  EXPECT_NE(port_, taken);
  EXPECT_NE(daemon_log().find("Address already in use"), std::string::npos);
  EXPECT_EQ(post_hook(website_event("port-1", "port@example.com")).status, 202U);
}

}  // namespace
}  // namespace leadsync::tests
