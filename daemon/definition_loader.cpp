#include "daemon/definition_loader.hpp"

#include <stdexcept>
#include <string>

#include "config/default_definition.hpp"

#ifndef LEADSYNC_SOURCE_DATA_DIR
#define LEADSYNC_SOURCE_DATA_DIR ""
#endif

namespace leadsync::daemon {
namespace {

constexpr const char* list_name = "disposable-domains.txt";

std::string joined(const std::vector<config::diagnostic>& errors) {
  std::string out;
  for (const auto& d : errors) {
    out += (out.empty() ? "" : "\n") + config::format(d);
  }
  return out;
}

}  // namespace

std::filesystem::path shipped_disposable_list(const std::filesystem::path& executable) {
  std::error_code ec;
  const auto installed = executable.parent_path().parent_path() / "share" / "leadsyncd" / list_name;
  if (std::filesystem::exists(installed, ec)) {
    return installed;
  }
  const auto source_tree = std::filesystem::path{LEADSYNC_SOURCE_DATA_DIR} / list_name;
  if (!std::string_view{LEADSYNC_SOURCE_DATA_DIR}.empty() && std::filesystem::exists(source_tree, ec)) {
    return source_tree;
  }
  return {};
}

std::unique_ptr<core::definition::engine> load_engine(const config::config& cfg,
                                                      const std::filesystem::path& executable) {
  config::definition_config definition = cfg.definition;
  if (!definition.model) {
    auto builtin = config::load_definition_string(config::default_definition_toml(), config::default_definition_name);
    if (!builtin.value) {
      throw std::runtime_error("the built-in lead definition is invalid:\n" + joined(builtin.errors));
    }
    definition = std::move(*builtin.value);
  }
  if (definition.disposable_default) {
    const auto list = shipped_disposable_list(executable);
    if (!list.empty()) {
      if (auto problem = config::use_shipped_disposable_list(definition, list)) {
        throw std::runtime_error(config::format(*problem));
      }
    }
  }
  return std::make_unique<core::definition::engine>(definition.model);
}

}  // namespace leadsync::daemon
