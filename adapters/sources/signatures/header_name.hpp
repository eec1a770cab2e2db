#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leadsync::adapters::signatures {

// A header name from config, lower-cased to match inbound_request::headers;
// nullopt unless it is a non-empty HTTP token (RFC 9110 tchar).
std::optional<std::string> config_header_name(std::string_view name);

}  // namespace leadsync::adapters::signatures
