#include "adapters/sources/signatures/secrets.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

#include "adapters/sources/signatures/codec.hpp"

namespace leadsync::adapters::signatures {
namespace {

constexpr std::int64_t default_tolerance_seconds = 300;
constexpr std::int64_t max_tolerance_seconds = 86'400;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Key bytes of one secret, or an error message about it (`where` names it:
// "secrets[0]" or "environment variable X").
std::optional<std::string> to_key(std::string_view secret, key_format format,
                                  const std::string& where, std::string& problem) {
  if (secret.empty()) {
    problem = where + " is empty";
    return std::nullopt;
  }
  // A pasted secret often drags a newline along; that would never match and
  // is hard to see, so say so instead of failing every request.
  if (is_space(secret.front()) || is_space(secret.back())) {
    problem = where + " has leading or trailing whitespace";
    return std::nullopt;
  }
  if (format == key_format::utf8) {
    return std::string{secret};
  }
  if (secret.starts_with("whpk_") || secret.starts_with("whsk_")) {
    problem = where + " is an Ed25519 (v1a) key; only v1 (HMAC, whsec_) secrets are supported";
    return std::nullopt;
  }
  std::string_view encoded = secret;
  if (encoded.starts_with("whsec_")) {
    encoded.remove_prefix(6);
  }
  auto key = base64_decode(encoded, base64_padding::optional);
  if (!key || key->empty()) {
    problem = where + " is not a whsec_ secret: expected base64 after the whsec_ prefix";
    return std::nullopt;
  }
  return key;
}

}  // namespace

std::vector<core::option_spec> secret_options() {
  return {
      {"secrets", core::option_type::string_list, false,
       "secrets written into the config; any one verifies (list the old and the new one while rotating)"},
      {"secrets_env", core::option_type::string_list, false,
       "names of environment variables holding secrets; any one verifies"},
      {"secrets_file", core::option_type::string_list, false,
       "files holding one secret each (e.g. ${CREDENTIALS_DIRECTORY}/stripe under systemd); any one verifies"},
  };
}

core::option_spec tolerance_option() {
  return {"tolerance_seconds", core::option_type::integer, false,
          "how far the request timestamp may be from now, either way (default 300)"};
}

std::vector<std::string> load_keys(const core::option_values& values, key_format format,
                                   std::vector<core::option_error>& errors) {
  std::vector<std::string> keys;
  std::string problem;
  const auto literal = values.list_or_empty("secrets");
  for (std::size_t i = 0; i < literal.size(); ++i) {
    const std::string where = "secrets[" + std::to_string(i) + "]";
    if (auto key = to_key(literal[i], format, where, problem)) {
      keys.push_back(std::move(*key));
    } else {
      errors.push_back({"secrets", problem});
    }
  }
  for (const std::string& name : values.list_or_empty("secrets_env")) {
    if (name.empty()) {
      errors.push_back({"secrets_env", "an environment variable name is empty"});
      continue;
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      errors.push_back({"secrets_env", "environment variable " + name + " is not set"});
      continue;
    }
    if (auto key = to_key(value, format, "environment variable " + name, problem)) {
      keys.push_back(std::move(*key));
    } else {
      errors.push_back({"secrets_env", problem});
    }
  }
  for (const std::string& path : values.list_or_empty("secrets_file")) {
    std::ifstream in(path, std::ios::binary);
    if (path.empty() || !in) {
      errors.push_back({"secrets_file", "cannot read " + (path.empty() ? std::string{"\"\""} : path)});
      continue;
    }
    std::string secret{std::istreambuf_iterator<char>(in), {}};
    if (secret.ends_with('\n')) {  // files written by echo or an editor end with one
      secret.pop_back();
      if (secret.ends_with('\r')) {
        secret.pop_back();
      }
    }
    if (auto key = to_key(secret, format, "file " + path, problem)) {
      keys.push_back(std::move(*key));
    } else {
      errors.push_back({"secrets_file", problem});
    }
  }
  if (keys.empty() && !values.has("secrets") && !values.has("secrets_env") && !values.has("secrets_file")) {
    errors.push_back({"secrets", "no secret configured: give `secrets`, `secrets_env` or `secrets_file`"});
  } else if (keys.empty() && errors.empty()) {
    errors.push_back({"secrets", "no secret configured: `secrets`, `secrets_env` and `secrets_file` are empty"});
  }
  return keys;
}

std::chrono::seconds load_tolerance(const core::option_values& values,
                                    std::vector<core::option_error>& errors) {
  const std::int64_t seconds = values.integer_or("tolerance_seconds", default_tolerance_seconds);
  if (seconds < 1 || seconds > max_tolerance_seconds) {
    errors.push_back({"tolerance_seconds", "must be between 1 and " +
                                               std::to_string(max_tolerance_seconds) +
                                               " (replay protection cannot be turned off)"});
    return std::chrono::seconds{default_tolerance_seconds};
  }
  return std::chrono::seconds{seconds};
}

}  // namespace leadsync::adapters::signatures
