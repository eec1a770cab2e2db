#pragma once

// Internal to leadsync_config: the pieces the loader's section readers share.
// Not installed and not included outside config/ (it pulls in toml++).

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace leadsync::config::detail {

// Collects diagnostics for one file. Readers never stop at the first problem:
// they report, skip the bad value and go on, so the operator sees everything.
class checker {
 public:
  explicit checker(std::string file, bool build_adapters = true)
      : file_(std::move(file)), build_adapters_(build_adapters) {}

  const std::string& file() const { return file_; }
  // False when reading for inspection (leadsyncctl): adapter options are
  // type-checked but no adapter is built, so no secret is read.
  bool build_adapters() const { return build_adapters_; }
  location where(const toml::source_region& region) const;
  bool ok() const { return errors_.empty(); }
  std::size_t count() const { return errors_.size(); }

  void error(const toml::source_region& region, std::string key, std::string message);
  void error(location where, std::string key, std::string message);

  // "unknown key<context>; did you mean `x`?" or "unknown key<context> (known
  // keys: a, b)", at the key itself.
  void unknown_key(const toml::key& key, std::string path, std::span<const std::string_view> known,
                   std::string_view context = {});

  // Typed reads: the value, or nullopt after reporting what was expected.
  std::optional<std::string> string(const toml::node& node, const std::string& path);
  std::optional<std::int64_t> integer(const toml::node& node, const std::string& path,
                                      std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
  std::optional<bool> boolean(const toml::node& node, const std::string& path);
  // A finite number written as an integer or a float.
  std::optional<double> number(const toml::node& node, const std::string& path);
  // A finite number greater than 0 and at most `max`.
  std::optional<double> positive_number(const toml::node& node, const std::string& path,
                                        double max = std::numeric_limits<double>::max());
  const toml::table* table(const toml::node& node, const std::string& path);

  std::vector<diagnostic> take() { return std::move(errors_); }

 private:
  std::string file_;
  bool build_adapters_ = true;
  std::vector<diagnostic> errors_;
};

// Reads a whole file into `out`: nullopt, or the OS's reason it cannot be read.
std::optional<std::string> read_text_file(const std::filesystem::path& file, std::string& out);

// A table's own location: its [header] when it has one, else where its key
// first appeared (implicit tables such as `sources` in [sources.x]).
toml::source_region table_region(const toml::key& key, const toml::node& node);

// "server.listen_port"; keys that are not bare TOML keys are quoted.
std::string join_key(std::string_view parent, std::string_view key);

// "string", "integer", "float", "table", ...: for "got <type>" messages.
std::string_view type_name(const toml::node& node);

// A user-supplied string made safe and short enough to echo in a message.
std::string printable(std::string_view text);

// A number as messages show it: "3", "0.5", "1e+300", "inf", "nan".
std::string number_text(double v);

// The closest of `known` within edit distance 2 (case-insensitive), if any.
std::optional<std::string_view> suggest(std::string_view unknown,
                                        std::span<const std::string_view> known);
std::optional<std::string_view> suggest(std::string_view unknown,
                                        const std::vector<std::string>& known);

// "a, b, c"
std::string join(std::span<const std::string_view> items);
std::string join(const std::vector<std::string>& items);

// One known key of a table and what to do with its value.
struct field {
  std::string_view name;
  std::function<void(const toml::node& value, const std::string& path)> read;
};

// Reads every key of `table` through `fields`; anything else is an unknown key.
void read_fields(const toml::table& table, std::string_view path, std::span<const field> fields,
                 checker& check);

// The section readers (sections.cpp, adapter_sections.cpp).
void read_server(const toml::table& table, checker& check, server_config& out);
void read_storage(const toml::table& table, checker& check, storage_config& out);
void read_log(const toml::table& table, checker& check, log_config& out);
void read_admin(const toml::table& table, checker& check, admin_config& out);
void read_delivery(const toml::table& table, checker& check, delivery_config& out);
// After every section is read: each connector's delivery settings are
// [delivery] with its [connectors.<name>.delivery] table (read here) applied.
void read_connector_delivery(const toml::table& root, checker& check, config& out);
// [lead_definition] (definition_section.cpp): the table of the main config,
// which is either the definition itself or `file = "..."` naming it.
void read_definition(const toml::table& table, checker& check, definition_config& out);
void read_sources(const toml::table& table, const core::registry& adapters, checker& check,
                  std::vector<source_config>& out);
void read_connectors(const toml::table& table, const core::registry& adapters, checker& check,
                     std::vector<connector_config>& out);

}  // namespace leadsync::config::detail
