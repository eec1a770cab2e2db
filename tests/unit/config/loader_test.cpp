// The loader as a whole: the example config, defaults, diagnostics format,
// files, syntax errors and reporting several errors at once.
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
using testing::shared_registry;
using lines = std::vector<std::string>;

const std::string source_dir = LEADSYNC_SOURCE_DIR;

TEST(ConfigLoader, ExampleConfigLoads) {
  const std::string file = source_dir + "/config/leadsync.example.toml";
  const load_result r = load_file(file, shared_registry());
  ASSERT_TRUE(r.value) << (r.errors.empty() ? "" : format(r.errors.front()));
  EXPECT_TRUE(r.errors.empty());
  const config& c = *r.value;
  EXPECT_EQ(c.file, file);

  EXPECT_EQ(c.server.listen_address, "127.0.0.1");
  EXPECT_EQ(c.server.listen_port, 8080);
  EXPECT_EQ(c.server.io_threads, 2);
  EXPECT_EQ(c.server.max_body_bytes, 1048576U);
  EXPECT_EQ(c.server.idle_timeout, std::chrono::seconds{60});
  EXPECT_EQ(c.server.shutdown_timeout, std::chrono::seconds{10});
  EXPECT_EQ(c.storage.path, "var/leadsync.db");
  EXPECT_EQ(c.storage.durability, storage_config::durability_level::process);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.delivery.retry_initial, std::chrono::milliseconds{1000});
  EXPECT_EQ(c.delivery.retry_max, std::chrono::milliseconds{300000});
  EXPECT_EQ(c.delivery.poll_interval, std::chrono::milliseconds{1000});

  ASSERT_EQ(c.sources.size(), 1U);
  const source_config& s = c.sources[0];
  EXPECT_EQ(s.name, "website");
  EXPECT_EQ(s.format, "generic");
  EXPECT_EQ(s.where.file, file);
  EXPECT_EQ(s.where.line, 33);
  EXPECT_EQ(s.where.column, 1);
  const core::string_map map{
      {"company", "/company"},       {"email", "/email"}, {"event_id", "/submission_id"},
      {"first_name", "/first_name"}, {"kind", "/type"},   {"last_name", "/last_name"},
      {"title", "/job_title"}};
  EXPECT_EQ(s.options.map_or_empty("map"), map);
  EXPECT_EQ(s.options.map_or_empty("defaults"), (core::string_map{{"kind", "form_submit"}}));
  EXPECT_EQ(s.options.map_or_empty("attributes"),
            (core::string_map{{"country", "/country"}, {"employees", "/company_size"}, {"form", "/form"},
                              {"naics", "/naics"}, {"page", "/page"}}));
  EXPECT_FALSE(s.options.has("format"));

  ASSERT_EQ(c.connectors.size(), 1U);
  const connector_config& k = c.connectors[0];
  EXPECT_EQ(k.name, "stage_log");
  EXPECT_EQ(k.type, "jsonl");
  EXPECT_EQ(k.options.string_or("path", ""), "var/stage-updates.jsonl");
  EXPECT_EQ(k.where.line, 56);
  EXPECT_FALSE(k.options.has("type"));
}

TEST(ConfigLoader, EmptyFileGivesDefaults) {
  const load_result r = load_string("", "empty.toml", shared_registry());
  ASSERT_TRUE(r.value);
  EXPECT_TRUE(r.errors.empty());
  const config& c = *r.value;
  const config defaults;
  EXPECT_EQ(c.file, "empty.toml");
  EXPECT_EQ(c.server.listen_address, defaults.server.listen_address);
  EXPECT_EQ(c.server.listen_port, defaults.server.listen_port);
  EXPECT_EQ(c.server.io_threads, defaults.server.io_threads);
  EXPECT_EQ(c.server.max_body_bytes, defaults.server.max_body_bytes);
  EXPECT_EQ(c.server.idle_timeout, defaults.server.idle_timeout);
  EXPECT_EQ(c.server.shutdown_timeout, defaults.server.shutdown_timeout);
  EXPECT_EQ(c.storage.path, defaults.storage.path);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.delivery.retry_initial, defaults.delivery.retry_initial);
  EXPECT_EQ(c.delivery.retry_max, defaults.delivery.retry_max);
  EXPECT_EQ(c.delivery.poll_interval, defaults.delivery.poll_interval);
  EXPECT_EQ(c.definition.model, nullptr);  // the daemon's built-in definition
  EXPECT_TRUE(c.sources.empty());
  EXPECT_TRUE(c.connectors.empty());
}

TEST(ConfigLoader, PartialTablesKeepTheOtherDefaults) {
  const load_result r = load("[server]\nlisten_port = 0\n[delivery]\nretry_max_ms = 5000\n");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->server.listen_port, 0);
  EXPECT_EQ(r.value->server.listen_address, "127.0.0.1");
  EXPECT_EQ(r.value->server.io_threads, 2);
  EXPECT_EQ(r.value->delivery.retry_max, std::chrono::milliseconds{5000});
  EXPECT_EQ(r.value->delivery.retry_initial, std::chrono::milliseconds{1000});
}

// Builds the diagnostic in a named variable: GCC 12 at -O3 warns (wrongly)
// about a maybe-uninitialized string in a braced temporary.
std::string formatted(std::string file, int line, int column, std::string key, std::string message) {
  diagnostic d;
  d.where = location{std::move(file), line, column};
  d.key = std::move(key);
  d.message = std::move(message);
  return format(d);
}

TEST(ConfigLoader, FormatsDiagnostics) {
  EXPECT_EQ(formatted("a.toml", 3, 7, "server.listen_port", "bad"), "a.toml:3:7: server.listen_port: bad");
  EXPECT_EQ(formatted("a.toml", 0, 0, "server", "bad"), "a.toml: server: bad");
  EXPECT_EQ(formatted("a.toml", 3, 7, "", "bad"), "a.toml:3:7: bad");
  EXPECT_EQ(formatted("a.toml", 0, 0, "", "bad"), "a.toml: bad");
}

TEST(ConfigLoader, UnknownTopLevelKey) {
  const load_result r = load("colour = 1\n[servr]\n");
  EXPECT_FALSE(r.value);
  EXPECT_EQ(messages(r),
            (lines{"t.toml:1:1: colour: unknown key (known keys: server, storage, log, admin, delivery, "
                   "lead_definition, sources, connectors)",
                   "t.toml:2:2: servr: unknown key; did you mean `server`?"}));
}

TEST(ConfigLoader, SectionMustBeATable) {
  EXPECT_EQ(messages(load("server = 8080\n")),
            (lines{"t.toml:1:10: server: expected a table, got integer"}));
  EXPECT_EQ(messages(load("[[sources]]\nformat = \"generic\"\n")),
            (lines{"t.toml:1:1: sources: expected a table, got array"}));
}

TEST(ConfigLoader, SyntaxErrorIsOneLocatedDiagnostic) {
  const load_result r = load("[server]\nlisten_port = = 80\nio_threads = \"x\"\n");
  EXPECT_FALSE(r.value);
  EXPECT_EQ(messages(r),
            (lines{"t.toml:2:15: Error while parsing value: could not determine value type"}));
  EXPECT_EQ(messages(load("a = 1\na = 2\n")),
            (lines{"t.toml:2:5: Error while parsing key-value pair: cannot redefine existing "
                   "integer 'a'"}));
}

TEST(ConfigLoader, ReportsSeveralErrorsInFileOrder) {
  const std::string file = source_dir + "/tests/fixtures/config/several_errors.toml";
  const load_result r = load_file(file, shared_registry());
  EXPECT_FALSE(r.value);
  EXPECT_EQ(
      messages(r),
      (lines{file + ":3:15: server.listen_port: expected an integer from 0 to 65535, got 70000",
             file + ":4:14: server.io_threads: expected an integer from 1 to 64, got string",
             file + ":5:1: server.listen_adress: unknown key; did you mean `listen_address`?",
             file + ":8:9: log.level: unknown level `verbose` (known levels: trace, debug, info, "
                    "warn, error, critical, off)",
             file + ":10:10: sources.Website: invalid source name: use only lowercase letters, "
                    "digits, `_` and `-` (it is the <name> in /hooks/<name>)",
             file + ":17:1: sources.website.map.email: expected a JSON pointer starting with `/`, "
                    "got `email`",
             file + ":19:1: connectors.out: missing required option `path` (a string)"}));
}

TEST(ConfigLoader, MissingFileNamesTheFileAndTheReason) {
  const std::string file = source_dir + "/tests/fixtures/config/does-not-exist.toml";
  const load_result r = load_file(file, shared_registry());
  EXPECT_FALSE(r.value);
  EXPECT_EQ(messages(r), (lines{file + ": cannot read config file: No such file or directory"}));
}

TEST(ConfigLoader, DirectoryIsNotAConfigFile) {
  const std::string dir = source_dir + "/tests/fixtures/config";
  EXPECT_EQ(messages(load_file(dir, shared_registry())),
            (lines{dir + ": cannot read config file: Is a directory"}));
}

}  // namespace
}  // namespace leadsync::config
