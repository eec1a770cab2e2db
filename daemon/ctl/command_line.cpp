#include "daemon/ctl/command_line.hpp"

#include <array>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace leadsync::ctl {
namespace {

// Every option any command takes. Which command takes which is checked once
// the command is known; here it is only about how many words one takes.
constexpr std::array<std::string_view, 5> value_options{"connector", "code", "limit", "stage", "email"};
constexpr std::array<std::string_view, 2> switches{"all", "yes"};

bool one_of(std::string_view name, std::span<const std::string_view> names) {
  for (std::string_view n : names) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

std::filesystem::path default_config_file() {
  const char* env = std::getenv("LEADSYNC_CONFIG");
  return env != nullptr && *env != '\0' ? std::filesystem::path{env} : "/etc/leadsync/leadsync.toml";
}

}  // namespace

command_line parse_command_line(std::span<const std::string> args) {
  command_line out;
  bool config_given = false;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_ended || a.empty() || a[0] != '-' || a == "-") {
      out.words.push_back(a);
      continue;
    }
    if (a == "--") {
      options_ended = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    if (a == "--json") {
      out.json = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      throw usage_error("unknown option " + a);
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const bool is_config = name == "config";
    if (!is_config && !one_of(name, value_options) && !one_of(name, switches)) {
      throw usage_error("unknown option --" + name);
    }
    if (one_of(name, switches)) {
      if (value) {
        throw usage_error("--" + name + " takes no value");
      }
      value = "";
    } else if (!value) {
      if (i + 1 >= args.size()) {
        throw usage_error("--" + name + " needs a value");
      }
      value = args[++i];
    }
    if (is_config) {
      if (config_given) {
        throw usage_error("--config given twice");
      }
      config_given = true;
      out.config_file = *value;
    } else if (!out.options.emplace(name, *value).second) {
      throw usage_error("--" + name + " given twice");
    }
  }
  if (!config_given) {
    out.config_file = default_config_file();
  }
  return out;
}

}  // namespace leadsync::ctl
