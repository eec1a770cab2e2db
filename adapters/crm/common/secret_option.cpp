#include "adapters/crm/common/secret_option.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace leadsync::adapters {

std::vector<core::option_spec> secret_option_specs(std::string_view name, std::string_view help) {
  const std::string n{name};
  return {
      {n, core::option_type::string, false, std::string{help} + " (prefer " + n + "_env or " + n + "_file)"},
      {n + "_env", core::option_type::string, false, "environment variable holding " + n},
      {n + "_file", core::option_type::string, false,
       "file holding " + n + " (e.g. $CREDENTIALS_DIRECTORY/<name> under systemd)"},
  };
}

std::optional<std::string> read_secret(const core::option_values& values, std::string_view name, bool required,
                                       std::vector<core::option_error>& errors) {
  const std::string literal{name};
  const std::string env = literal + "_env";
  const std::string file = literal + "_file";
  const int given = int{values.has(literal)} + int{values.has(env)} + int{values.has(file)};
  if (given == 0) {
    if (required) {
      errors.push_back({literal, "missing: give " + literal + ", " + env + " or " + file});
    }
    return std::nullopt;
  }
  if (given > 1) {
    errors.push_back({literal, "give only one of " + literal + ", " + env + " and " + file});
    return std::nullopt;
  }
  std::string secret;
  std::string key = literal;
  if (values.has(literal)) {
    secret = values.string_or(literal, "");
  } else if (values.has(env)) {
    key = env;
    const std::string var = values.string_or(env, "");
    const char* value = var.empty() ? nullptr : std::getenv(var.c_str());
    if (value == nullptr) {
      errors.push_back({env, "environment variable " + (var.empty() ? std::string{"\"\""} : var) + " is not set"});
      return std::nullopt;
    }
    secret = value;
  } else {
    key = file;
    const std::string path = values.string_or(file, "");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      errors.push_back({file, "cannot read " + path});
      return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    secret = text.str();
    if (secret.ends_with('\n')) {
      secret.pop_back();
      if (secret.ends_with('\r')) {
        secret.pop_back();
      }
    }
  }
  if (secret.empty()) {
    errors.push_back({key, "the secret is empty"});
    return std::nullopt;
  }
  return secret;
}

}  // namespace leadsync::adapters
