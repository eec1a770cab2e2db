#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "tests/fakes/fake_http_crm.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/sandbox.hpp"

namespace leadsync::tests {

using namespace std::chrono_literals;

inline constexpr auto health_timeout = 10s;
inline constexpr auto delivery_timeout = 15s;

// The knobs tests turn; everything else is the config from the brief.
struct daemon_options {
  int max_body_bytes = 4096;
  int crm_timeout_ms = 1000;
  int shutdown_timeout_seconds = 5;
  // When set, replaces the default [connectors.*] tables (the http fake CRM
  // and the jsonl file) with this TOML.
  std::string connectors_toml;
  // Appended to the config as it is (e.g. more [sources.*] tables).
  std::string extra_toml;
};

// The JSON value in text, or null if text is not JSON.
boost::json::value parse_json(std::string_view text);
// The JSON object in text, or nullopt if text is not one.
std::optional<boost::json::object> parse_object(std::string_view text);
// obj[key] as a string, or "" when missing or not a string.
std::string string_field(const boost::json::object& obj, std::string_view key);

// A body for POST /hooks/website; kind "" leaves /type out (default kind).
std::string website_event(std::string_view submission_id, std::string_view email,
                          std::string_view kind = "");

// CRM requests whose JSON body has this email, in arrival order.
std::vector<recorded_request> updates_for(const std::vector<recorded_request>& all,
                                          std::string_view email);
// Parsed bodies of the requests the fake answered 2xx, in arrival order.
std::vector<boost::json::object> accepted_bodies(const std::vector<recorded_request>& all);
// Whether the fake accepted (2xx) an update for email with this stage.
bool has_accepted(const std::vector<recorded_request>& all, std::string_view email,
                  std::string_view stage);

// Fixture: a temp dir, a free port, a fake CRM and the real leadsyncd
// configured against them. The daemon runs with the temp dir as working
// directory and logs to <dir>/leadsyncd.log, printed with the requests the
// fake CRM saw when a test fails (or always with LEADSYNC_IT_VERBOSE set).
class daemon_test : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  [[nodiscard]] std::string config_text(const daemon_options& options = {}) const;
  void write_config(const daemon_options& options = {});
  void write_config_text(std::string_view text);

  // Starts the daemon (writing the default config first if none was
  // written) and waits for GET /healthz to answer 200.
  ::testing::AssertionResult start_daemon();
  // start_daemon() with another readiness check (e.g. /healthz over HTTPS).
  ::testing::AssertionResult start_daemon_until(const std::function<::testing::AssertionResult()>& wait_ready);
  ::testing::AssertionResult wait_healthy(std::chrono::milliseconds timeout);
  // Moves the daemon's listen_port in the config file to a newly picked port.
  void move_to_free_port();
  // Sends sig and waits for the exit; nullopt if still running at timeout.
  std::optional<exit_status> stop_daemon(int sig, std::chrono::milliseconds timeout);
  exit_status kill_daemon();
  // leadsyncd --config <config> --check, output captured.
  run_result run_check();

  http_response post_hook(std::string body, std::string_view source = "website");
  // Waits until the fake accepted an update for email with stage.
  bool wait_for_accepted(std::string_view email, std::string_view stage,
                         std::chrono::milliseconds timeout = delivery_timeout);
  // Complete lines of the jsonl connector's file.
  [[nodiscard]] std::vector<std::string> jsonl_lines() const;
  bool wait_for_jsonl_lines(std::size_t count, std::chrono::milliseconds timeout = delivery_timeout);

  [[nodiscard]] std::string daemon_log() const { return read_text_file(log_path_); }
  // Waits until the daemon's log contains text.
  bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout) const;
  // `leadsyncctl dlq` lines: id, connector, email, stage, failed_at, code, message.
  [[nodiscard]] std::vector<std::string> dead_letter_lines() const;
  // GET /metrics, the sample lines only.
  [[nodiscard]] std::string metrics() const;
  // The value of one metric sample line ("name{labels}"), or nullopt when absent.
  [[nodiscard]] std::optional<long long> metric(std::string_view sample) const;
  // Polls metric(sample) until it equals expected (metrics change only once a
  // batch's answer has been handled) or timeout; returns the last value seen.
  [[nodiscard]] std::optional<long long> metric_reaching(std::string_view sample, long long expected,
                                                         std::chrono::milliseconds timeout = 5s) const;

  temp_dir dir_;
  std::uint16_t port_ = 0;
  fake_http_crm crm_;
  child_process daemon_;
  std::filesystem::path config_path_;
  std::map<std::string, std::string> daemon_env_;  // added to the daemon's environment at start
  std::filesystem::path log_path_;
};

}  // namespace leadsync::tests
