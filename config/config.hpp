#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/definition/model.hpp"
#include "core/junk/rules.hpp"
#include "core/options.hpp"
#include "core/registry.hpp"

namespace leadsync::config {

// Where a value came from, for error messages ("file:line:column").
struct location {
  std::string file;
  int line = 0;
  int column = 0;
};

// [server.tls]: the webhook listener speaks HTTPS with this identity.
struct tls_config {
  std::filesystem::path cert_file;  // PEM chain, leaf first; resolved against the config file's directory
  std::filesystem::path key_file;   // PEM private key
  std::string min_version = "1.2";  // "1.2" | "1.3"
};

struct server_config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;  // 0 picks a free port (tests)
  int io_threads = 2;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;   // larger request headers get 431
  std::chrono::seconds header_timeout{10};    // the whole request header, from its first byte (or the accept)
  std::chrono::seconds body_timeout{30};      // the whole body, once the header is in
  std::chrono::seconds idle_timeout{60};      // keep-alive connection with no request
  std::chrono::seconds shutdown_timeout{10};  // SIGTERM: finish in-flight work within this
  int max_connections = 1024;                 // open connections; more are answered 503 and closed
  std::optional<tls_config> tls;              // none: plain HTTP
};

// [admin]: the operator listener (daemon/admin_server.hpp). A Unix socket
// by default; `listen` switches to loopback TCP, which needs a token.
struct admin_config {
  bool enabled = true;
  std::filesystem::path socket;  // "" in the file: <directory of storage.path>/admin.sock
  unsigned socket_mode = 0660;   // file mode of the socket
  std::string listen;            // "127.0.0.1:9091": TCP instead of the socket
  std::string token;             // from token, token_env or token_file; required with listen
};

struct storage_config {
  std::filesystem::path path = "var/leadsync.db";  // relative to the working directory
  // What an acknowledged webhook survives. process: a crash or kill -9 of
  // leadsyncd (WAL, synchronous=NORMAL); power: also a power cut or kernel
  // crash (synchronous=FULL: every commit waits for fsync).
  enum class durability_level { process, power };
  durability_level durability = durability_level::process;

  [[nodiscard]] bool power_safe() const { return durability == durability_level::power; }
};

struct log_config {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  std::string format = "plain";  // plain | json (one object per line)
  bool mask_emails = true;       // email addresses in log lines become a***@example.com
};

// [delivery], and per connector [connectors.<name>.delivery] on top of it
// (docs/configuration.md).
struct delivery_config {
  std::chrono::milliseconds retry_initial{1000};  // first backoff step
  std::chrono::milliseconds retry_max{300'000};   // backoff never grows past this
  std::chrono::milliseconds poll_interval{1000};  // outbox check when nothing woke us
  std::chrono::milliseconds linger{50};           // wait this long for a fuller batch
  int max_attempts = 25;                          // failures before an update is dead-lettered
  std::chrono::hours max_age{72};                 // a stage change this old is dead-lettered at its next failure
  int workers = 1;                                // concurrent batches per connector
  double requests_per_second = 0;                 // 0 = unlimited
  std::optional<double> burst;                    // unset: max(1, requests_per_second)
  std::int64_t daily_request_budget = 0;          // requests per rolling 24 h; 0 = unlimited
  int circuit_failures = 5;                       // consecutive failed batches that open the circuit
  std::chrono::seconds circuit_open{30};          // first open period of the circuit
};

// [lead_definition], compiled (docs/lead-definition.md). The model is
// immutable once shared; to change it (the shipped disposable-domain list,
// see use_shipped_disposable_list) build a new one from a copy and replace
// the pointer before handing it to other threads.
struct definition_config {
  // Null when the config has no [lead_definition] table: the daemon then uses
  // its built-in default definition.
  std::shared_ptr<const core::definition::lead_definition_model> model;
  std::filesystem::path file;  // the file the definition was read from
  // [lead_definition.junk] as written, disposable_domains_file resolved
  // against the directory of the file it is written in. model->junk was
  // built from it (with that file's list when one is named).
  core::junk::rules_config junk;
  // True when the definition names no disposable_domains_file: model->junk
  // then has no disposable list, and the daemon supplies the shipped one.
  bool disposable_default = true;
  // Where [sla] notify_connector was written (checked against the connectors).
  location notify_connector_at;
  std::string notify_connector_key;
};

// [sources.<name>.signature]: how the sender proves itself.
struct signature_config {
  std::string scheme;  // a registered signature scheme
  core::option_values options;
  location where;
};

// One allow_from entry: an address block. IPv4 blocks are kept as
// IPv4-mapped IPv6 (::ffff:a.b.c.d, prefix + 96), so one comparison serves
// both families and an IPv4-mapped peer matches its IPv4 block.
struct address_range {
  std::array<unsigned char, 16> network{};  // host bits zero
  int prefix_bits = 128;
  std::string text;  // as written, for messages

  bool contains(const std::array<unsigned char, 16>& address) const {
    int bits = prefix_bits;
    for (std::size_t i = 0; i < network.size() && bits > 0; ++i, bits -= 8) {
      const auto mask = static_cast<unsigned char>(bits >= 8 ? 0xff : 0xff << (8 - bits));
      if ((address[i] & mask) != network[i]) {
        return false;
      }
    }
    return true;
  }
};

struct source_config {
  std::string name;    // the <source> in POST /hooks/<source>
  std::string format;  // a registered source format
  core::option_values options;
  std::optional<signature_config> signature;  // none: the source accepts unsigned requests
  std::vector<address_range> allow_from;      // empty: any peer
  location where;
};

struct connector_config {
  std::string name;
  std::string type;  // a registered CRM connector type
  core::option_values options;
  delivery_config delivery;  // [delivery] with [connectors.<name>.delivery] applied
  location where;
};

struct config {
  std::string file;  // the file it was read from
  server_config server;
  storage_config storage;
  log_config log;
  admin_config admin;
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
// How much of a config to bring to life. `daemon` checks everything, adapter
// factories included (they read secrets). `inspect` is for tools that only
// need the storage path, names and the lead definition (leadsyncctl): adapter
// options are type-checked but no adapter is built, and an unset ${VAR} is
// left as written instead of being an error, so an operator's shell without
// the service's secrets can still use it.
enum class load_mode { daemon, inspect };

load_result load_file(const std::filesystem::path& file, const core::registry& adapters,
                      load_mode mode = load_mode::daemon);
load_result load_string(std::string_view toml, std::string_view file_name,
                        const core::registry& adapters, load_mode mode = load_mode::daemon);

// Either a valid definition or every error found (never both, never neither).
struct definition_load_result {
  std::optional<definition_config> value;
  std::vector<diagnostic> errors;
};

// Reads a standalone lead definition file: what [lead_definition] holds, at
// the top level (stages, scoring, fit, junk, recycling, sla,
// max_activities), with the same checks and diagnostics as load_file. Key
// paths in diagnostics are relative to that file ("stages[0].name"). The
// built-in default definition is such a file; so is a `file =` target.
definition_load_result load_definition_file(const std::filesystem::path& file);
definition_load_result load_definition_string(std::string_view toml, std::string_view file_name);

// When `definition` names no disposable-domain list of its own
// (disposable_default) and has a model, rebuilds the model's junk rules with
// the list at `shipped` and replaces `definition.model` by the new model
// (sets junk.disposable_domains_file to `shipped`). Otherwise does nothing.
// Returns the problem when the list cannot be read or parsed, leaving
// `definition` unchanged. Not thread-safe: call before sharing the model.
std::optional<diagnostic> use_shipped_disposable_list(definition_config& definition,
                                                      const std::filesystem::path& shipped);

}  // namespace leadsync::config
