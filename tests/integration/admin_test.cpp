// The operator surface of a running leadsyncd: `leadsyncctl forget` (no
// trace of the address left in the database files, later webhooks accepted
// but creating nothing), the processing metrics after a known sequence, and
// the admin listener on its Unix socket and on loopback TCP with a token.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_test.hpp"

#ifndef LEADSYNC_CTL_PATH
#error "LEADSYNC_CTL_PATH must name the leadsyncctl binary"
#endif

namespace leadsync::tests {
namespace {

namespace json = boost::json;

constexpr std::string_view email = "ada.lovelace@example.com";
constexpr std::string_view local_part = "ada.lovelace";

// One HTTP/1.1 request over a Unix socket; the raw answer ("" when the
// socket cannot be reached).
std::string unix_request(const std::filesystem::path& socket_path, std::string_view method, std::string_view target) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return "";
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = std::string{method} + " " + std::string{target} +
                            " HTTP/1.1\r\nHost: admin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      ssize_t n = 0;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        answer.append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return answer;
}

std::string body_of(const std::string& answer) {
  const auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

std::string raw_bytes(const std::filesystem::path& file) { return read_text_file(file); }

class admin_test : public daemon_test {
 protected:
  run_result ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LEADSYNC_CTL_PATH, "--config", config_path_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto out = dir_.path() / ("ctl-" + std::to_string(++runs_) + ".out");
    return run_to_completion(argv, dir_.path(), out, 30s);
  }
  [[nodiscard]] std::filesystem::path db_file() const { return dir_.path() / "data" / "leadsync.db"; }
  [[nodiscard]] std::filesystem::path admin_socket() const { return dir_.path() / "data" / "admin.sock"; }

  int runs_ = 0;
};

bool exited_with(const run_result& r, int code) { return !r.timed_out && r.status.exited && r.status.code == code; }

TEST_F(admin_test, forget_leaves_no_trace_in_the_database_files_and_later_webhooks_create_nothing) {
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("s1", email)).status, 202U);
  ASSERT_EQ(post_hook(website_event("s2", "grace@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  ASSERT_TRUE(wait_for_accepted("grace@example.com", "engaged"));
  const std::string before = raw_bytes(db_file()) + raw_bytes(db_file().string() + "-wal");
  ASSERT_NE(before.find(email), std::string::npos)
      << "the address must be visible in the files before forget, or the check below proves nothing";

  EXPECT_TRUE(exited_with(ctl({"forget", std::string{email}}), 2)) << "without --yes nothing is erased";
  const run_result r = ctl({"forget", std::string{email}, "--yes", "--json"});
  ASSERT_TRUE(exited_with(r, 0)) << r.status.describe() << ": " << r.output;
  const json::value out = parse_json(r.output);
  ASSERT_TRUE(out.is_object()) << r.output;
  EXPECT_EQ(out.at("removed").at("leads").to_number<int>(), 1);
  EXPECT_EQ(out.at("removed").at("events").to_number<int>(), 1);
  EXPECT_EQ(out.at("wal_checkpointed"), json::value(true));

  for (const auto& file : {db_file(), std::filesystem::path{db_file().string() + "-wal"}}) {
    const std::string bytes = raw_bytes(file);
    EXPECT_EQ(bytes.find(email), std::string::npos) << file;
    EXPECT_EQ(bytes.find(local_part), std::string::npos) << file;
  }
  EXPECT_NE(raw_bytes(db_file()).find("grace@example.com"), std::string::npos) << "others are kept";
  EXPECT_TRUE(exited_with(ctl({"leads", "show", std::string{email}}), 3));

  const std::size_t crm_requests = updates_for(crm_.requests(), email).size();
  EXPECT_EQ(post_hook(website_event("s3", email, "demo_request")).status, 202U);
  EXPECT_EQ(metric_reaching("leadsync_events_dropped_forgotten_total", 1), 1);
  EXPECT_TRUE(wait_for_log("event for a forgotten person dropped", 5s));
  EXPECT_TRUE(exited_with(ctl({"leads", "show", std::string{email}}), 3));
  std::this_thread::sleep_for(500ms);  // several delivery polls
  EXPECT_EQ(updates_for(crm_.requests(), email).size(), crm_requests);
  EXPECT_TRUE(exited_with(ctl({"forget", std::string{email}, "--yes"}), 3)) << "nothing left to match";
}

TEST_F(admin_test, processing_metrics_are_exact_after_a_form_then_a_demo) {
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("m1", "grace@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_accepted("grace@example.com", "engaged"));
  ASSERT_EQ(post_hook(website_event("m2", "grace@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_accepted("grace@example.com", "mql"));
  EXPECT_EQ(metric("leadsync_events_processed_total"), 2);
  EXPECT_EQ(metric("leadsync_stage_transitions_total{stage=\"engaged\"}"), 1);
  EXPECT_EQ(metric("leadsync_stage_transitions_total{stage=\"mql\"}"), 1);
  EXPECT_EQ(metric("leadsync_sla_breaches_total"), 0);
  EXPECT_EQ(metric("leadsync_events_dropped_forgotten_total"), 0);
}

TEST_F(admin_test, unix_socket_serves_status_metrics_and_reload) {
  ASSERT_TRUE(start_daemon());
  const std::string status = unix_request(admin_socket(), "GET", "/status");
  ASSERT_TRUE(status.starts_with("HTTP/1.1 200")) << status;
  const json::value v = parse_json(body_of(status));
  ASSERT_TRUE(v.is_object()) << status;
  const json::array& connectors = v.at("connectors").as_array();
  ASSERT_EQ(connectors.size(), 2U);
  EXPECT_EQ(connectors[0].at("circuit"), json::value("closed"));

  const std::string metrics_answer = unix_request(admin_socket(), "GET", "/metrics");
  EXPECT_NE(metrics_answer.find("leadsync_events_processed_total 0"), std::string::npos) << metrics_answer;
  EXPECT_NE(metrics_answer.find("# TYPE leadsync_webhooks_total counter"), std::string::npos)
      << "the admin listener shows the webhook listener's metrics too: " << metrics_answer;
  EXPECT_TRUE(unix_request(admin_socket(), "GET", "/nope").starts_with("HTTP/1.1 404"));
  EXPECT_TRUE(unix_request(admin_socket(), "GET", "/reload").starts_with("HTTP/1.1 405"));

  const std::string reload = unix_request(admin_socket(), "POST", "/reload");
  EXPECT_TRUE(reload.starts_with("HTTP/1.1 202")) << reload;
  EXPECT_TRUE(wait_for_log("configuration reloaded", 10s)) << daemon_log();
}

TEST_F(admin_test, tcp_listener_needs_the_right_bearer_token) {
  const std::uint16_t admin_port = pick_free_port();
  daemon_env_["LEADSYNC_TEST_ADMIN_TOKEN"] = "s3cret-admin-token";
  daemon_options options;
  options.extra_toml = "[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin_port) +
                       "\"\ntoken_env = \"LEADSYNC_TEST_ADMIN_TOKEN\"\n";
  write_config(options);
  ASSERT_TRUE(start_daemon());

  http_client client(admin_port);
  EXPECT_EQ(client.get("/status").status, 401U);
  http_client wrong(admin_port);
  EXPECT_EQ(wrong.get("/status", {{"Authorization", "Bearer s3cret-admin-tokeN"}}).status, 401U);
  http_client right(admin_port);
  const http_response ok = right.get("/status", {{"Authorization", "Bearer s3cret-admin-token"}});
  EXPECT_EQ(ok.status, 200U) << ok.body;
  EXPECT_TRUE(parse_object(ok.body).has_value()) << ok.body;
  EXPECT_FALSE(std::filesystem::exists(admin_socket())) << "TCP replaces the socket";
  EXPECT_EQ(daemon_log().find("s3cret-admin-token"), std::string::npos) << "the token is never logged";
}

}  // namespace
}  // namespace leadsync::tests
