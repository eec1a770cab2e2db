// TOML -> config. Parsing is toml++'s; everything after is ours: every key is
// checked (unknown keys are errors), every problem is reported with the file,
// line, column and dotted key, and all of them are reported at once.
#include <algorithm>
#include <cstddef>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "config/checker.hpp"
#include "config/config.hpp"
#include "config/interpolation.hpp"

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
      {"admin", section([&](const toml::table& t) { detail::read_admin(t, check, out.admin); })},
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
  // Tables are visited in key order (connectors before delivery): per-connector
  // delivery settings can only be merged once [delivery] is known.
  detail::read_connector_delivery(root, check, out);
  if (out.admin.socket.empty()) {
    out.admin.socket = out.storage.path.parent_path() / "admin.sock";
  }
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

// ${VAR} in string values, replaced in place before any section reads them.
// Expanding parsed strings rather than the raw text means a value can never
// change the TOML around it (quotes, newlines) and keys and comments are left
// alone. The key paths of values that could not be expanded go to `unresolved`.
void expand_strings(toml::node& node, const std::string& path, const environment& env, detail::checker& check,
                    std::vector<std::string>& unresolved) {
  if (toml::table* table = node.as_table()) {
    for (auto&& [key, value] : *table) {
      expand_strings(value, detail::join_key(path, key.str()), env, check, unresolved);
    }
  } else if (toml::array* array = node.as_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      expand_strings((*array)[i], path + "[" + std::to_string(i) + "]", env, check, unresolved);
    }
  } else if (toml::value<std::string>* text = node.as_string()) {
    if (text->get().find('$') == std::string::npos) {
      return;
    }
    expansion expanded = expand_variables(text->get(), env);
    if (expanded.error) {
      check.error(text->source(), path, *expanded.error);
      unresolved.push_back(path);
    } else {
      text->get() = std::move(expanded.value);
    }
  }
}

// Drops the diagnostics after the first `keep` that are about a value that
// could not be expanded: they judge text the operator never meant ("${X}/key"
// is not a readable file), and the real problem is already reported.
void drop_followups(std::vector<diagnostic>& errors, std::size_t keep, const std::vector<std::string>& unresolved) {
  const auto about_unresolved = [&](const diagnostic& d) {
    return std::any_of(unresolved.begin(), unresolved.end(), [&](const std::string& path) {
      return d.key.starts_with(path) &&
             (d.key.size() == path.size() || d.key[path.size()] == '.' || d.key[path.size()] == '[');
    });
  };
  errors.erase(std::remove_if(errors.begin() + static_cast<std::ptrdiff_t>(keep), errors.end(), about_unresolved),
               errors.end());
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

load_result load_file(const std::filesystem::path& file, const core::registry& adapters, load_mode mode) {
  std::string text;
  if (auto reason = detail::read_text_file(file, text)) {
    return load_result{
        std::nullopt,
        {diagnostic{location{file.string(), 0, 0}, "", "cannot read config file: " + *reason}}};
  }
  return load_string(text, file.string(), adapters, mode);
}

load_result load_string(std::string_view toml_text, std::string_view file_name,
                        const core::registry& adapters, load_mode mode) {
  detail::checker check{std::string{file_name}, mode == load_mode::daemon};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string{file_name});
  } catch (const toml::parse_error& err) {
    // toml++ stops at the first syntax error; there is nothing sound to check after it.
    check.error(err.source(), "", std::string{err.description()});
    return load_result{std::nullopt, check.take()};
  }

  std::vector<std::string> unresolved;
  if (mode == load_mode::daemon) {
    expand_strings(root, "", process_environment(), check, unresolved);
  } else {
    detail::checker ignored{std::string{file_name}};  // an unset variable stays as written
    expand_strings(root, "", process_environment(), ignored, unresolved);
  }
  const std::size_t expansion_errors = check.count();

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
  drop_followups(errors, expansion_errors, unresolved);
  std::stable_sort(errors.begin(), errors.end(), [&](const diagnostic& a, const diagnostic& b) {
    return std::tuple{a.where.file != main_file, a.where.file, a.where.line, a.where.column} <
           std::tuple{b.where.file != main_file, b.where.file, b.where.line, b.where.column};
  });
  return load_result{std::nullopt, std::move(errors)};
}

}  // namespace leadsync::config
