// TOML -> config. Parsing is toml++'s; everything after is ours: every key is
// checked (unknown keys are errors), every problem is reported with the file,
// line, column and dotted key, and all of them are reported at once.
#include <algorithm>
#include <system_error>
#include <tuple>
#include <utility>

#include "config/checker.hpp"
#include "config/config.hpp"

namespace leadsync::config {

namespace {

void read_root(const toml::table& root, const core::registry& adapters, detail::checker& check,
               config& out) {
  // Each section is optional; present ones must be tables.
  const auto section = [&](auto read) {
    return [&check, read](const toml::node& value, const std::string& path) {
      if (const toml::table* table = check.table(value, path)) {
        read(*table);
      }
    };
  };
  const detail::field fields[] = {
      {"server", section([&](const toml::table& t) { detail::read_server(t, check, out.server); })},
      {"storage",
       section([&](const toml::table& t) { detail::read_storage(t, check, out.storage); })},
      {"log", section([&](const toml::table& t) { detail::read_log(t, check, out.log); })},
      {"delivery",
       section([&](const toml::table& t) { detail::read_delivery(t, check, out.delivery); })},
      {"lead_definition",
       section([&](const toml::table& t) { detail::read_definition(t, check, out.definition); })},
      {"sources", section([&](const toml::table& t) {
         detail::read_sources(t, adapters, check, out.sources);
       })},
      {"connectors", section([&](const toml::table& t) {
         detail::read_connectors(t, adapters, check, out.connectors);
       })},
  };
  detail::read_fields(root, "", fields, check);
}

// The SLA notification goes through a configured connector.
void check_notify_connector(const config& out, detail::checker& check) {
  if (!out.definition.model || out.definition.model->handoff_sla.notify_connector.empty()) {
    return;
  }
  const std::string& name = out.definition.model->handoff_sla.notify_connector;
  std::vector<std::string> names;
  for (const auto& c : out.connectors) {
    if (c.name == name) {
      return;
    }
    names.push_back(c.name);
  }
  std::string message = "no connector named `" + detail::printable(name) + "`";
  if (auto near = detail::suggest(name, names)) {
    message += "; did you mean `" + std::string{*near} + "`?";
  }
  message += names.empty() ? " (no connectors are configured)" : " (connectors: " + detail::join(names) + ")";
  check.error(out.definition.notify_connector_at, out.definition.notify_connector_key, message);
}

}  // namespace

std::string format(const diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0) {
    if (!out.empty()) {
      out += ':';
    }
    out += std::to_string(d.where.line) + ':' + std::to_string(d.where.column);
  }
  if (!out.empty()) {
    out += ": ";
  }
  if (!d.key.empty()) {
    out += d.key + ": ";
  }
  out += d.message;
  return out;
}

load_result load_file(const std::filesystem::path& file, const core::registry& adapters) {
  std::string text;
  if (auto reason = detail::read_text_file(file, text)) {
    return load_result{
        std::nullopt,
        {diagnostic{location{file.string(), 0, 0}, "", "cannot read config file: " + *reason}}};
  }
  return load_string(text, file.string(), adapters);
}

load_result load_string(std::string_view toml_text, std::string_view file_name,
                        const core::registry& adapters) {
  detail::checker check{std::string{file_name}};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string{file_name});
  } catch (const toml::parse_error& err) {
    // toml++ stops at the first syntax error; there is nothing sound to check after it.
    check.error(err.source(), "", std::string{err.description()});
    return load_result{std::nullopt, check.take()};
  }

  config out;
  out.file = std::string{file_name};
  read_root(root, adapters, check, out);
  check_notify_connector(out, check);
  if (check.ok()) {
    return load_result{std::move(out), {}};
  }
  // Readers walk tables in key order; report in the order of the files: the
  // config first, then a definition file it names.
  std::vector<diagnostic> errors = check.take();
  const std::string main_file{file_name};
  std::stable_sort(errors.begin(), errors.end(), [&](const diagnostic& a, const diagnostic& b) {
    return std::tuple{a.where.file != main_file, a.where.file, a.where.line, a.where.column} <
           std::tuple{b.where.file != main_file, b.where.file, b.where.line, b.where.column};
  });
  return load_result{std::nullopt, std::move(errors)};
}

}  // namespace leadsync::config
