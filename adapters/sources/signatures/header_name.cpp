#include "adapters/sources/signatures/header_name.hpp"

namespace leadsync::adapters::signatures {

std::optional<std::string> config_header_name(std::string_view name) {
  constexpr std::string_view symbols = "!#$%&'*+-.^_`|~";
  if (name.empty() || name.size() > 256) {
    return std::nullopt;
  }
  std::string out;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && symbols.find(c) == std::string_view::npos) {
      return std::nullopt;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace leadsync::adapters::signatures
