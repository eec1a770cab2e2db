// [lead_definition]: the written agreement between marketing and sales, read
// and compiled into core::definition::lead_definition_model (schema:
// docs/lead-definition.md). This file holds the entry points: the table of
// the main config (the definition itself, or `file =` naming it) and
// standalone definition files. definition_reader.cpp reads a definition;
// definition_parts.cpp its scoring, fit and junk tables.
#include <algorithm>
#include <memory>
#include <utility>

#include "config/definition_reader.hpp"

namespace leadsync::config {

namespace {

// The loaders report in file order, as load_string does.
std::vector<diagnostic> sorted(std::vector<diagnostic> errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::pair{a.where.line, a.where.column} < std::pair{b.where.line, b.where.column};
  });
  return errors;
}

}  // namespace

namespace detail {

location table_location(const checker& check, const toml::table& table) {
  if (table.source().begin.line != 0) {
    return check.where(table.source());
  }
  // Only implied by its sub-tables ([lead_definition.scoring] alone): its first key.
  location best{check.file(), 0, 0};
  for (auto&& [key, value] : table) {
    const location here = check.where(key.source());
    if (best.line == 0 || std::pair{here.line, here.column} < std::pair{best.line, best.column}) {
      best = here;
    }
  }
  return best;
}

void read_definition(const toml::table& table, checker& check, definition_config& out) {
  const std::filesystem::path dir = std::filesystem::path{check.file()}.parent_path();
  const toml::node* file_node = table.get("file");
  if (file_node == nullptr) {
    definition_reader reader{check, "lead_definition", dir, table_location(check, table)};
    reader.read(table);
    if (auto definition = reader.finish(check.file())) {
      out = std::move(*definition);
    }
    return;
  }

  // `file = "..."`: the definition is all in that file.
  std::vector<std::string_view> known{"file"};
  known.insert(known.end(), std::begin(definition_reader::keys), std::end(definition_reader::keys));
  for (auto&& [key, value] : table) {
    const std::string path = join_key("lead_definition", key.str());
    if (key.str() == "file") {
      continue;
    }
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) {
      check.error(key.source(), path,
                  "not allowed together with `file` (the definition is read from that file)");
    } else {
      check.unknown_key(key, path, known);
    }
  }
  auto name = check.string(*file_node, "lead_definition.file");
  if (name && name->empty()) {
    check.error(file_node->source(), "lead_definition.file",
                "expected a non-empty path, got an empty string");
  }
  if (!name || name->empty()) {
    return;
  }
  const std::filesystem::path file = dir / *name;
  std::string text;
  if (auto reason = read_text_file(file, text)) {
    check.error(file_node->source(), "lead_definition.file",
                "cannot read definition file `" + printable(file.string()) + "`: " + *reason);
    return;
  }
  definition_load_result loaded = load_definition_string(text, file.string());
  for (diagnostic& d : loaded.errors) {
    check.error(std::move(d.where), std::move(d.key), std::move(d.message));
  }
  if (loaded.value) {
    out = std::move(*loaded.value);
  }
}

}  // namespace detail

definition_load_result load_definition_file(const std::filesystem::path& file) {
  std::string text;
  if (auto reason = detail::read_text_file(file, text)) {
    return definition_load_result{
        std::nullopt,
        {diagnostic{location{file.string(), 0, 0}, "", "cannot read definition file: " + *reason}}};
  }
  return load_definition_string(text, file.string());
}

definition_load_result load_definition_string(std::string_view toml_text,
                                              std::string_view file_name) {
  detail::checker check{std::string{file_name}};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string{file_name});
  } catch (const toml::parse_error& err) {
    check.error(err.source(), "", std::string{err.description()});
    return definition_load_result{std::nullopt, check.take()};
  }
  const std::filesystem::path file{file_name};
  detail::definition_reader reader{check, "", file.parent_path(),
                                   location{std::string{file_name}, 0, 0}};
  reader.read(root);
  if (auto definition = reader.finish(file)) {
    return definition_load_result{std::move(*definition), {}};
  }
  return definition_load_result{std::nullopt, sorted(check.take())};
}

std::optional<diagnostic> use_shipped_disposable_list(definition_config& definition,
                                                      const std::filesystem::path& shipped) {
  if (!definition.disposable_default || !definition.model) {
    return std::nullopt;
  }
  core::junk::rules_config junk = definition.junk;
  junk.disposable_domains_file = shipped.string();
  auto rules = core::junk::rules::load(junk);
  if (!rules) {
    return diagnostic{location{shipped.string(), 0, 0}, "",
                      "cannot load the disposable-domain list: " + rules.failure().message};
  }
  auto model = std::make_shared<core::definition::lead_definition_model>(*definition.model);
  model->junk = std::move(rules).value();
  definition.model = std::move(model);
  definition.junk = std::move(junk);
  return std::nullopt;
}

}  // namespace leadsync::config
