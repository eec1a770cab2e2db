// The fixed sections: [server], [storage], [log], [delivery]. [lead_definition]
// is definition_test.cpp's.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tests/unit/config/test_registry.hpp"

namespace leadsync::config {
namespace {

using testing::load;
using testing::messages;
using lines = std::vector<std::string>;

TEST(ConfigSections, ReadsEveryServerKey) {
  const load_result r = load(
      "[server]\nlisten_address = \"0.0.0.0\"\nlisten_port = 65535\nio_threads = 64\n"
      "max_body_bytes = 4096\nidle_timeout_seconds = 5\nshutdown_timeout_seconds = 0\n");
  ASSERT_TRUE(r.value) << messages(r).front();
  const server_config& s = r.value->server;
  EXPECT_EQ(s.listen_address, "0.0.0.0");
  EXPECT_EQ(s.listen_port, 65535);
  EXPECT_EQ(s.io_threads, 64);
  EXPECT_EQ(s.max_body_bytes, 4096U);
  EXPECT_EQ(s.idle_timeout, std::chrono::seconds{5});
  EXPECT_EQ(s.shutdown_timeout, std::chrono::seconds{0});
}

TEST(ConfigSections, UnknownKeySuggestsTheNearestKnownOne) {
  EXPECT_EQ(messages(load("[server]\nlisten_prot = 80\n")),
            (lines{"t.toml:2:1: server.listen_prot: unknown key; did you mean `listen_port`?"}));
  EXPECT_EQ(messages(load("[storage]\nPath = \"x.db\"\n")),
            (lines{"t.toml:2:1: storage.Path: unknown key; did you mean `path`?"}));
  EXPECT_EQ(messages(load("[delivery]\nretries = 3\n")),
            (lines{"t.toml:2:1: delivery.retries: unknown key (known keys: retry_initial_ms, "
                   "retry_max_ms, poll_interval_ms, linger_ms, max_attempts, max_age_hours, workers, "
                   "requests_per_second, burst, daily_request_budget, circuit_failures, circuit_open_seconds)"}));
}

TEST(ConfigSections, WrongTypeSaysWhatIsExpected) {
  EXPECT_EQ(
      messages(load("[server]\nlisten_port = \"8080\"\n")),
      (lines{"t.toml:2:15: server.listen_port: expected an integer from 0 to 65535, got string"}));
  EXPECT_EQ(messages(load("[server]\nlisten_address = 127\n")),
            (lines{"t.toml:2:18: server.listen_address: expected a string, got integer"}));
  EXPECT_EQ(
      messages(load("[server]\nidle_timeout_seconds = 1.5\n")),
      (lines{"t.toml:2:24: server.idle_timeout_seconds: expected an integer of at least 1, got "
             "float"}));
  EXPECT_EQ(messages(load("[log]\nlevel = [\"info\"]\n")),
            (lines{"t.toml:2:9: log.level: expected a string, got array"}));
}

TEST(ConfigSections, OutOfRangeValues) {
  EXPECT_EQ(
      messages(load("[server]\nlisten_port = 70000\n")),
      (lines{"t.toml:2:15: server.listen_port: expected an integer from 0 to 65535, got 70000"}));
  EXPECT_EQ(
      messages(load("[server]\nlisten_port = -1\nio_threads = 0\nmax_body_bytes = 0\n"
                    "idle_timeout_seconds = 0\nshutdown_timeout_seconds = -1\n")),
      (lines{"t.toml:2:15: server.listen_port: expected an integer from 0 to 65535, got -1",
             "t.toml:3:14: server.io_threads: expected an integer from 1 to 64, got 0",
             "t.toml:4:18: server.max_body_bytes: expected an integer of at least 1, got 0",
             "t.toml:5:24: server.idle_timeout_seconds: expected an integer of at least 1, got 0",
             "t.toml:6:28: server.shutdown_timeout_seconds: expected an integer of at least 0, "
             "got -1"}));
}

TEST(ConfigSections, StoragePathMustNotBeEmpty) {
  EXPECT_EQ(messages(load("[storage]\npath = \"\"\n")),
            (lines{"t.toml:2:8: storage.path: expected a non-empty path, got an empty string"}));
  const load_result r = load("[storage]\npath = \"/var/lib/leadsync/db\"\n");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->storage.path, "/var/lib/leadsync/db");
}

TEST(ConfigSections, StorageDurability) {
  using level = storage_config::durability_level;
  const load_result by_default = load("[storage]\npath = \"x.db\"\n");
  ASSERT_TRUE(by_default.value) << messages(by_default).front();
  EXPECT_EQ(by_default.value->storage.durability, level::process);
  EXPECT_FALSE(by_default.value->storage.power_safe());

  const load_result power = load("[storage]\ndurability = \"power\"\n");
  ASSERT_TRUE(power.value) << messages(power).front();
  EXPECT_TRUE(power.value->storage.power_safe());
  const load_result process = load("[storage]\ndurability = \"process\"\n");
  ASSERT_TRUE(process.value) << messages(process).front();
  EXPECT_EQ(process.value->storage.durability, level::process);

  EXPECT_EQ(messages(load("[storage]\ndurability = \"disk\"\n")),
            (lines{"t.toml:2:14: storage.durability: unknown durability `disk` (process or power)"}));
}

TEST(ConfigSections, LogLevel) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    const load_result r = load(std::string{"[log]\nlevel = \""} + level + "\"\n");
    ASSERT_TRUE(r.value) << level;
    EXPECT_EQ(r.value->log.level, level);
  }
  EXPECT_EQ(messages(load("[log]\nlevel = \"INFO\"\n")),
            (lines{"t.toml:2:9: log.level: unknown level `INFO`; did you mean `info`?"}));
  EXPECT_EQ(messages(load("[log]\nlevel = \"loud\\u0007\"\n")),
            (lines{"t.toml:2:9: log.level: unknown level `loud\\x07` (known levels: trace, debug, "
                   "info, warn, error, critical, off)"}));
}

TEST(ConfigSections, DeliveryBackoffBounds) {
  const load_result ok =
      load("[delivery]\nretry_initial_ms = 50\nretry_max_ms = 50\npoll_interval_ms = 5\n");
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->delivery.retry_initial, std::chrono::milliseconds{50});
  EXPECT_EQ(ok.value->delivery.retry_max, std::chrono::milliseconds{50});
  EXPECT_EQ(ok.value->delivery.poll_interval, std::chrono::milliseconds{5});

  EXPECT_EQ(messages(load("[delivery]\nretry_initial_ms = 2000\nretry_max_ms = 1000\n")),
            (lines{"t.toml:3:16: delivery.retry_max_ms: expected an integer of at least "
                   "retry_initial_ms (2000), got 1000"}));
  EXPECT_EQ(messages(load("[delivery]\nretry_initial_ms = 400000\n")),
            (lines{"t.toml:2:20: delivery.retry_initial_ms: expected an integer of at most "
                   "retry_max_ms (300000, the default), got 400000"}));
  // A value that is already wrong is not compared as well.
  EXPECT_EQ(
      messages(load("[delivery]\nretry_initial_ms = 0\nretry_max_ms = 1\npoll_interval_ms = 0\n")),
      (lines{"t.toml:2:20: delivery.retry_initial_ms: expected an integer of at least 1, got 0",
             "t.toml:4:20: delivery.poll_interval_ms: expected an integer of at least 1, got 0"}));
}

TEST(ConfigSections, DeliveryPolicyDefaults) {
  const load_result r = load("");
  ASSERT_TRUE(r.value) << messages(r).front();
  const delivery_config& d = r.value->delivery;
  EXPECT_EQ(d.linger, std::chrono::milliseconds{50});
  EXPECT_EQ(d.max_attempts, 25);
  EXPECT_EQ(d.max_age, std::chrono::hours{72});
  EXPECT_EQ(d.workers, 1);
  EXPECT_EQ(d.requests_per_second, 0.0);
  EXPECT_FALSE(d.burst.has_value());
  EXPECT_EQ(d.daily_request_budget, 0);
  EXPECT_EQ(d.circuit_failures, 5);
  EXPECT_EQ(d.circuit_open, std::chrono::seconds{30});
}

TEST(ConfigSections, ReadsEveryDeliveryPolicyKey) {
  const load_result r = load(
      "[delivery]\nlinger_ms = 0\nmax_attempts = 1000\nmax_age_hours = 8760\nworkers = 16\n"
      "requests_per_second = 2.5\nburst = 10\ndaily_request_budget = 100000\ncircuit_failures = 1\n"
      "circuit_open_seconds = 3600\n");
  ASSERT_TRUE(r.value) << messages(r).front();
  const delivery_config& d = r.value->delivery;
  EXPECT_EQ(d.linger, std::chrono::milliseconds{0});
  EXPECT_EQ(d.max_attempts, 1000);
  EXPECT_EQ(d.max_age, std::chrono::hours{8760});
  EXPECT_EQ(d.workers, 16);
  EXPECT_EQ(d.requests_per_second, 2.5);
  EXPECT_EQ(d.burst, 10.0);
  EXPECT_EQ(d.daily_request_budget, 100000);
  EXPECT_EQ(d.circuit_failures, 1);
  EXPECT_EQ(d.circuit_open, std::chrono::seconds{3600});
  // A whole number of requests per second may be written as an integer, a burst as a float.
  const load_result ints = load("[delivery]\nrequests_per_second = 5\nburst = 1.5\n");
  ASSERT_TRUE(ints.value) << messages(ints).front();
  EXPECT_EQ(ints.value->delivery.requests_per_second, 5.0);
  EXPECT_EQ(ints.value->delivery.burst, 1.5);
}

TEST(ConfigSections, DeliveryPolicyRangesAreCheckedWithKeyAndLine) {
  EXPECT_EQ(
      messages(load("[delivery]\nlinger_ms = 1001\nmax_attempts = 0\nmax_age_hours = 8761\nworkers = 17\n"
                    "requests_per_second = -1\nburst = 0.5\ndaily_request_budget = -1\ncircuit_failures = 1001\n"
                    "circuit_open_seconds = 0\n")),
      (lines{"t.toml:2:13: delivery.linger_ms: expected an integer from 0 to 1000, got 1001",
             "t.toml:3:16: delivery.max_attempts: expected an integer from 1 to 1000, got 0",
             "t.toml:4:17: delivery.max_age_hours: expected an integer from 1 to 8760, got 8761",
             "t.toml:5:11: delivery.workers: expected an integer from 1 to 16, got 17",
             "t.toml:6:23: delivery.requests_per_second: expected a number from 0 to 100000, got -1",
             "t.toml:7:9: delivery.burst: expected a number from 1 to 100000, got 0.5",
             "t.toml:8:24: delivery.daily_request_budget: expected an integer of at least 0, got -1",
             "t.toml:9:20: delivery.circuit_failures: expected an integer from 1 to 1000, got 1001",
             "t.toml:10:24: delivery.circuit_open_seconds: expected an integer from 1 to 3600, got 0"}));
  EXPECT_EQ(messages(load("[delivery]\nrequests_per_second = \"5/s\"\nworkers = 2.0\n")),
            (lines{"t.toml:2:23: delivery.requests_per_second: expected a number, got string",
                   "t.toml:3:11: delivery.workers: expected an integer from 1 to 16, got float"}));
}

TEST(ConfigSections, ReadsTheListenerLimitsAndTls) {
  const load_result defaults = load("");
  ASSERT_TRUE(defaults.value) << messages(defaults).front();
  const server_config& d = defaults.value->server;
  EXPECT_EQ(d.header_timeout, std::chrono::seconds{10});
  EXPECT_EQ(d.body_timeout, std::chrono::seconds{30});
  EXPECT_EQ(d.max_connections, 1024);
  EXPECT_EQ(d.max_header_bytes, 16384U);
  EXPECT_FALSE(d.tls);

  const load_result r = load(
      "[server]\nheader_timeout_seconds = 3\nbody_timeout_seconds = 4\nmax_connections = 20\n"
      "max_header_bytes = 2048\n[server.tls]\ncert_file = \"tls/cert.pem\"\nkey_file = \"/etc/k.pem\"\n"
      "min_version = \"1.3\"\n");
  ASSERT_TRUE(r.value) << messages(r).front();
  const server_config& s = r.value->server;
  EXPECT_EQ(s.header_timeout, std::chrono::seconds{3});
  EXPECT_EQ(s.body_timeout, std::chrono::seconds{4});
  EXPECT_EQ(s.max_connections, 20);
  EXPECT_EQ(s.max_header_bytes, 2048U);
  ASSERT_TRUE(s.tls);
  EXPECT_EQ(s.tls->cert_file, "tls/cert.pem");  // beside t.toml, which has no directory
  EXPECT_EQ(s.tls->key_file, "/etc/k.pem");
  EXPECT_EQ(s.tls->min_version, "1.3");
}

TEST(ConfigSections, TlsPathsAreRelativeToTheConfigFile) {
  const load_result r = load_string("[server.tls]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n",
                                    "/etc/leadsync/leadsync.toml", testing::shared_registry());
  ASSERT_TRUE(r.value) << messages(r).front();
  EXPECT_EQ(r.value->server.tls->cert_file, "/etc/leadsync/c.pem");
  EXPECT_EQ(r.value->server.tls->key_file, "/etc/leadsync/k.pem");
  EXPECT_EQ(r.value->server.tls->min_version, "1.2");
}

TEST(ConfigSections, ListenerLimitAndTlsErrors) {
  EXPECT_EQ(messages(load("[server]\nmax_connections = 0\nmax_header_bytes = 100\nheader_timeout_seconds = 0\n")),
            (lines{"t.toml:2:19: server.max_connections: expected an integer from 1 to 1000000, got 0",
                   "t.toml:3:20: server.max_header_bytes: expected an integer from 1024 to 1048576, got 100",
                   "t.toml:4:26: server.header_timeout_seconds: expected an integer from 1 to 3600, got 0"}));
  EXPECT_EQ(messages(load("[server.tls]\ncert_file = \"c.pem\"\nmin_version = \"1.1\"\n")),
            (lines{"t.toml:1:1: server.tls: missing `key_file` (a PEM file)",
                   "t.toml:3:15: server.tls.min_version: unknown TLS version `1.1` (\"1.2\" or \"1.3\")"}));
  EXPECT_EQ(messages(load("[server.tls]\ncert_file = \"\"\nkey_file = \"k.pem\"\ncert = 1\n")),
            (lines{"t.toml:2:13: server.tls.cert_file: expected a non-empty path, got an empty string",
                   "t.toml:4:1: server.tls.cert: unknown key (known keys: cert_file, key_file, min_version)"}));
  EXPECT_EQ(messages(load("[server]\ntls = true\n")),
            (lines{"t.toml:2:7: server.tls: expected a table, got boolean"}));
}

}  // namespace
}  // namespace leadsync::config
