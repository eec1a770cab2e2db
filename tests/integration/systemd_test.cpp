// leadsyncd under a service manager: the sd_notify datagrams (READY, STATUS,
// STOPPING, WATCHDOG) received on a socket the test binds, exit code 78 for
// an invalid config, ${VAR} resolved from the daemon's own environment
// (LoadCredential's $CREDENTIALS_DIRECTORY included), and the shipped unit
// checked by systemd-analyze when it is installed.
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_test.hpp"
#include "tests/integration/signers.hpp"

namespace leadsync::tests {
namespace {

const std::filesystem::path source_dir = LEADSYNC_SOURCE_DIR;

std::chrono::milliseconds time_left(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
}

// The service manager's end of NOTIFY_SOCKET: an AF_UNIX datagram socket
// bound to a path, or in the abstract namespace for a name starting with '@'.
class notify_socket {
 public:
  explicit notify_socket(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name_.size() >= sizeof address.sun_path) {
      throw std::runtime_error("notify socket name too long: " + name_);
    }
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (name_.front() == '@') {
      address.sun_path[0] = '\0';
    }
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
      const int err = errno;
      ::close(fd_);
      throw std::runtime_error("bind " + name_ + ": " + std::strerror(err));
    }
  }
  ~notify_socket() {
    ::close(fd_);
    if (name_.front() == '/') {
      ::unlink(name_.c_str());
    }
  }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }

  // The next datagram, or nullopt when none arrives within timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
      return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) {
      return std::nullopt;
    }
    std::string message(buffer, static_cast<std::size_t>(n));
    seen_.push_back(message);
    return message;
  }

  // Receives until a message with `assignment` as one of its lines arrives.
  std::optional<std::string> wait_for(std::string_view assignment, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = time_left(deadline);
      if (left.count() <= 0) {
        return std::nullopt;
      }
      auto message = receive(left);
      if (!message) {
        return std::nullopt;
      }
      if (has_line(*message, assignment)) {
        return message;
      }
    }
  }

  // Every message received so far, for failure output.
  [[nodiscard]] std::string history() const {
    std::string out;
    for (const auto& m : seen_) {
      std::string shown = m;
      std::replace(shown.begin(), shown.end(), '\n', '|');
      out += "  " + shown + "\n";
    }
    return out.empty() ? "  (nothing)\n" : out;
  }

  static bool has_line(std::string_view message, std::string_view line) {
    std::istringstream in{std::string{message}};
    for (std::string l; std::getline(in, l);) {
      if (l == line) {
        return true;
      }
    }
    return false;
  }

 private:
  std::string name_;
  int fd_ = -1;
  std::vector<std::string> seen_;
};

// The value of NAME= in a notify message, or "".
std::string assignment_value(std::string_view message, std::string_view name) {
  std::istringstream in{std::string{message}};
  const std::string prefix = std::string{name} + "=";
  for (std::string l; std::getline(in, l);) {
    if (l.starts_with(prefix)) {
      return l.substr(prefix.size());
    }
  }
  return "";
}

class systemd_test : public daemon_test {
 protected:
  // Starts the daemon without waiting for /healthz: the tests wait for READY=1 instead.
  void launch() {
    if (!std::filesystem::exists(config_path_)) {
      write_config();
    }
    std::vector<std::string> env;
    for (const auto& [name, value] : daemon_env_) {
      env.push_back(name + "=" + value);
    }
    daemon_.start({LEADSYNC_DAEMON_PATH, "--config", config_path_.string()}, dir_.path(), log_path_, env);
  }

  // Counts WATCHDOG=1 messages received during `window`.
  static int count_watchdog_pings(notify_socket& socket, std::chrono::milliseconds window) {
    int pings = 0;
    const auto until = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < until) {
      auto message = socket.receive(std::max(time_left(until), std::chrono::milliseconds{1}));
      if (message && notify_socket::has_line(*message, "WATCHDOG=1")) {
        ++pings;
      }
    }
    return pings;
  }

  // The config with its jsonl connector writing to `path` (a TOML string's content).
  [[nodiscard]] std::string config_with_jsonl(std::string_view path) const {
    daemon_options options;
    options.connectors_toml = "[connectors.log]\ntype = \"jsonl\"\npath = \"" + std::string{path} + "\"\n";
    return config_text(options);
  }
};

// "leadsync.toml:<line>:<column>: <key>: <message>" somewhere in output.
::testing::AssertionResult has_located(const std::string& output, int line, std::string_view key,
                                       std::string_view message) {
  const std::string expected_start = "leadsync.toml:" + std::to_string(line) + ":";
  const std::string expected_end = ": " + std::string{key} + ": " + std::string{message};
  std::istringstream in{output};
  for (std::string l; std::getline(in, l);) {
    const auto at = l.find(expected_start);
    if (at != std::string::npos && l.ends_with(expected_end)) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no \"" << expected_start << "<column>" << expected_end
                                       << "\" in output:\n" << output;
}

// 1-based number of the line of text holding needle (0 when none).
int line_of(const std::string& text, std::string_view needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) {
    return 0;
  }
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

TEST_F(systemd_test, ready_once_serving_then_stopping_on_sigterm) {
  notify_socket socket{(dir_.path() / "notify.sock").string()};
  daemon_env_["NOTIFY_SOCKET"] = socket.name();
  launch();
  const auto ready = socket.wait_for("READY=1", health_timeout);
  ASSERT_TRUE(ready) << "no READY=1; received:\n" << socket.history();
  // READY=1 is sent from the running event loop: the listener answers at once.
  const auto health = try_http_get(port_, "/healthz", 2s);
  ASSERT_TRUE(health) << "READY=1 sent before /healthz answers";
  EXPECT_EQ(health->status, 200U);
  EXPECT_EQ(assignment_value(*ready, "STATUS"), "listening on 127.0.0.1:" + std::to_string(port_) + ", 2 connector(s)")
      << *ready;
  ASSERT_EQ(post_hook(website_event("sd-1", "sd@example.com")).status, 202U);

  // No WatchdogSec, no pings.
  EXPECT_EQ(count_watchdog_pings(socket, 300ms), 0);

  const auto status = stop_daemon(SIGTERM, 15s);
  ASSERT_TRUE(status) << "still running 15 s after SIGTERM";
  EXPECT_TRUE(status->exited && status->code == 0) << status->describe();
  // Datagrams wait in the socket after the sender is gone.
  const auto stopping = socket.wait_for("STOPPING=1", 1s);
  ASSERT_TRUE(stopping) << "no STOPPING=1; received:\n" << socket.history();
  EXPECT_EQ(assignment_value(*stopping, "STATUS"), "shutting down");
}

TEST_F(systemd_test, abstract_namespace_socket) {
  const std::string name =
      "@leadsync-it-" + std::to_string(::getpid()) + "-" + std::to_string(port_);
  notify_socket socket{name};
  daemon_env_["NOTIFY_SOCKET"] = name;
  launch();
  ASSERT_TRUE(socket.wait_for("READY=1", health_timeout)) << "received:\n" << socket.history();
  ASSERT_TRUE(wait_healthy(health_timeout));
  const auto status = stop_daemon(SIGINT, 15s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(socket.wait_for("STOPPING=1", 1s)) << "received:\n" << socket.history();
}

TEST_F(systemd_test, watchdog_pings_every_half_interval) {
  notify_socket socket{(dir_.path() / "notify.sock").string()};
  daemon_env_["NOTIFY_SOCKET"] = socket.name();
  daemon_env_["WATCHDOG_USEC"] = "200000";  // pings every 100 ms
  launch();
  ASSERT_TRUE(socket.wait_for("READY=1", health_timeout)) << "received:\n" << socket.history();
  const int pings = count_watchdog_pings(socket, 1000ms);
  // About 10; a busy machine delays timers but never brings them early.
  EXPECT_GE(pings, 5) << socket.history();
  EXPECT_LE(pings, 12) << socket.history();
}

TEST_F(systemd_test, watchdog_meant_for_another_process_is_ignored) {
  notify_socket socket{(dir_.path() / "notify.sock").string()};
  daemon_env_["NOTIFY_SOCKET"] = socket.name();
  daemon_env_["WATCHDOG_USEC"] = "200000";
  daemon_env_["WATCHDOG_PID"] = "1";
  launch();
  ASSERT_TRUE(socket.wait_for("READY=1", health_timeout)) << "received:\n" << socket.history();
  EXPECT_EQ(count_watchdog_pings(socket, 500ms), 0) << socket.history();
}

TEST_F(systemd_test, without_notify_socket_runs_as_usual) {
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(start_daemon());
  EXPECT_EQ(post_hook(website_event("plain-1", "plain@example.com")).status, 202U);
  const auto status = stop_daemon(SIGTERM, 15s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited && status->code == 0) << status->describe();
}

TEST_F(systemd_test, check_exits_78_listing_every_error_with_its_location) {
  ::unsetenv("LEADSYNC_IT_UNSET");
  std::string text = config_with_jsonl("${LEADSYNC_IT_UNSET}/updates.jsonl");
  text.replace(text.find("io_threads ="), std::string_view{"io_threads"}.size(), "io_threadz");
  write_config_text(text);
  const auto r = run_check();
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 78) << r.status.describe() << "\n" << r.output;
  EXPECT_TRUE(has_located(r.output, line_of(text, "io_threadz"), "server.io_threadz",
                          "unknown key; did you mean `io_threads`?"));
  EXPECT_TRUE(has_located(r.output, line_of(text, "${LEADSYNC_IT_UNSET}"), "connectors.log.path",
                          "environment variable LEADSYNC_IT_UNSET is not set"));
}

TEST_F(systemd_test, invalid_config_at_start_exits_78_without_ready) {
  notify_socket socket{(dir_.path() / "notify.sock").string()};
  daemon_env_["NOTIFY_SOCKET"] = socket.name();
  ::unsetenv("LEADSYNC_IT_MISSING");
  const std::string text = config_with_jsonl("${LEADSYNC_IT_MISSING}/updates.jsonl");
  write_config_text(text);
  launch();
  const auto status = daemon_.wait_exit(15s);
  ASSERT_TRUE(status) << "still running with an invalid config";
  EXPECT_TRUE(status->exited && status->code == 78) << status->describe();
  EXPECT_TRUE(has_located(daemon_log(), line_of(text, "${LEADSYNC_IT_MISSING}"), "connectors.log.path",
                          "environment variable LEADSYNC_IT_MISSING is not set"));
  EXPECT_FALSE(socket.receive(100ms)) << "received:\n" << socket.history();
}

TEST_F(systemd_test, variables_resolve_from_the_daemons_environment) {
  ::unsetenv("LEADSYNC_IT_OUT_DIR");  // only the daemon has it
  ::unsetenv("LEADSYNC_IT_NOT_SET");
  const auto out_dir = dir_.path() / "from-env";
  daemon_env_["LEADSYNC_IT_OUT_DIR"] = out_dir.string();
  daemon_options options;
  options.connectors_toml =
      "[connectors.log]\ntype = \"jsonl\"\npath = \"${LEADSYNC_IT_OUT_DIR}/updates.jsonl\"\n"
      "[connectors.fallback]\ntype = \"jsonl\"\npath = \"${LEADSYNC_IT_NOT_SET:-data}/fallback-$$.jsonl\"\n";
  write_config(options);
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("env-1", "env@example.com")).status, 202U);
  const auto from_env = out_dir / "updates.jsonl";
  const auto from_default = dir_.path() / "data" / "fallback-$.jsonl";
  const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  while ((read_lines(from_env).empty() || read_lines(from_default).empty()) && time_left(deadline).count() > 0) {
    std::this_thread::sleep_for(50ms);
  }
  const auto lines = read_lines(from_env);
  ASSERT_EQ(lines.size(), 1U) << "nothing in " << from_env.string();
  EXPECT_NE(lines[0].find("env@example.com"), std::string::npos) << lines[0];
  EXPECT_EQ(read_lines(from_default).size(), 1U) << "nothing in " << from_default.string();
}

TEST_F(systemd_test, secret_file_from_credentials_directory) {
  // What LoadCredential=hook-secret:/etc/... gives the service.
  const auto credentials = dir_.path() / "credentials";
  std::filesystem::create_directories(credentials);
  const std::string secret = "a-credential-only-the-service-reads";
  write_text_file(credentials / "hook-secret", secret + "\n");
  ::chmod((credentials / "hook-secret").c_str(), 0400);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  daemon_env_["CREDENTIALS_DIRECTORY"] = credentials.string();
  daemon_options options;
  options.connectors_toml = "[connectors.hook]\ntype = \"http\"\nurl = \"" + crm_.url("/hook") +
                            "\"\ntimeout_ms = 1000\nsecret_file = \"${CREDENTIALS_DIRECTORY}/hook-secret\"\n";
  write_config(options);
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("cred-1", "cred@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_accepted("cred@example.com", "engaged"));

  const auto requests = crm_.requests();
  ASSERT_FALSE(requests.empty());
  const auto& r = requests.front();
  const std::string id = r.header("webhook-id");
  const std::string ts = r.header("webhook-timestamp");
  ASSERT_FALSE(id.empty());
  // Signed with the file's content, its trailing newline dropped.
  EXPECT_EQ(r.header("webhook-signature"),
            "v1," + signers::to_base64(signers::hmac(signers::digest::sha256, secret, id + "." + ts + "." + r.body)));
  EXPECT_EQ(daemon_log().find(secret), std::string::npos) << "the secret leaked into the log";
}

TEST_F(systemd_test, check_accepts_the_shipped_service_config) {
  config_path_ = source_dir / "systemd" / "leadsync.toml";
  const auto r = run_check();
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
  // The service's database is in its StateDirectory.
  EXPECT_NE(read_text_file(config_path_).find("path = \"/var/lib/leadsync/leadsync.db\""), std::string::npos);
}

// systemd-analyze on PATH, or "" when systemd is not installed.
std::string systemd_analyze() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs{path != nullptr ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path{dir} / "systemd-analyze";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
  }
  return "";
}

class unit_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    analyze_ = systemd_analyze();
    if (analyze_.empty()) {
      GTEST_SKIP() << "systemd-analyze is not installed: the unit file is not checked";
    }
    // The installed binary does not exist here: point the unit at the built one.
    std::string unit = read_text_file(source_dir / "systemd" / "leadsyncd.service");
    ASSERT_NE(unit.find("/usr/bin/leadsyncd"), std::string::npos);
    for (auto at = unit.find("/usr/bin/leadsyncd"); at != std::string::npos; at = unit.find("/usr/bin/leadsyncd", at)) {
      unit.replace(at, std::string_view{"/usr/bin/leadsyncd"}.size(), LEADSYNC_DAEMON_PATH);
      at += std::string_view{LEADSYNC_DAEMON_PATH}.size();
    }
    unit_ = dir_.path() / "leadsyncd.service";
    write_text_file(unit_, unit);
  }

  run_result analyze(std::vector<std::string> args) {
    args.insert(args.begin(), analyze_);
    return run_to_completion(args, dir_.path(), dir_.path() / "analyze.log", 60s);
  }

  temp_dir dir_;
  std::string analyze_;
  std::filesystem::path unit_;
};

TEST_F(unit_file_test, verifies) {
  const auto r = analyze({"verify", "--man=no", "--generators=no", unit_.string()});
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
  EXPECT_EQ(r.output, "") << "systemd-analyze verify has remarks";
}

TEST_F(unit_file_test, security_exposure_below_2) {
  const auto r = analyze({"security", "--offline=true", "--no-pager", unit_.string()});
  EXPECT_FALSE(r.timed_out);
  std::smatch m;
  const std::regex overall(R"(Overall exposure level for leadsyncd\.service: ([0-9]+\.[0-9]+))");
  ASSERT_TRUE(std::regex_search(r.output, m, overall)) << r.output;
  const double exposure = std::stod(m[1].str());
  RecordProperty("exposure", m[1].str());
  std::cout << "systemd-analyze security: overall exposure " << m[1].str() << "\n";
  EXPECT_LT(exposure, 2.0) << r.output;
}

}  // namespace
}  // namespace leadsync::tests
