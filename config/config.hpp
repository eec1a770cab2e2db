#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.hpp"
#include "core/registry.hpp"

namespace leadsync::config {

// Where a value came from, for error messages ("file:line:column").
struct location {
  std::string file;
  int line = 0;
  int column = 0;
};

struct server_config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;  // 0 picks a free port (tests)
  int io_threads = 2;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds idle_timeout{60};      // keep-alive connection with no request
  std::chrono::seconds shutdown_timeout{10};  // SIGTERM: finish in-flight work within this
};

struct storage_config {
  std::filesystem::path path = "var/leadsync.db";  // relative to the working directory
};

struct log_config {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
};

struct delivery_config {
  std::chrono::milliseconds retry_initial{1000};  // first backoff step
  std::chrono::milliseconds retry_max{300'000};   // backoff never grows past this
  std::chrono::milliseconds poll_interval{1000};  // outbox check when nothing woke us
};

// Placeholder definition until the real engine lands: points per event kind
// and one MQL threshold (identified -> engaged -> mql).
struct definition_config {
  std::int64_t mql_score = 50;
  std::map<std::string, std::int64_t, std::less<>> points;  // event kind -> points
};

// [sources.<name>.signature]: how the sender proves itself.
struct signature_config {
  std::string scheme;  // a registered signature scheme
  core::option_values options;
  location where;
};

struct source_config {
  std::string name;    // the <source> in POST /hooks/<source>
  std::string format;  // a registered source format
  core::option_values options;
  std::optional<signature_config> signature;  // none: the source accepts unsigned requests
  location where;
};

struct connector_config {
  std::string name;
  std::string type;  // a registered CRM connector type
  core::option_values options;
  location where;
};

struct config {
  std::string file;  // the file it was read from
  server_config server;
  storage_config storage;
  log_config log;
  delivery_config delivery;
  definition_config definition;
  std::vector<source_config> sources;
  std::vector<connector_config> connectors;
};

// One problem in a config file. `key` is the dotted path ("server.listen_port").
struct diagnostic {
  location where;
  std::string key;
  std::string message;
};

// "file:line:column: key: message" (line/column omitted when unknown).
std::string format(const diagnostic& d);

// Either a valid config or every error found (never both, never neither).
struct load_result {
  std::optional<config> value;
  std::vector<diagnostic> errors;
};

// Reads and validates a TOML config. Unknown keys are errors; adapter options
// are checked against the declarations and factories in `adapters`.
load_result load_file(const std::filesystem::path& file, const core::registry& adapters);
load_result load_string(std::string_view toml, std::string_view file_name,
                        const core::registry& adapters);

}  // namespace leadsync::config
