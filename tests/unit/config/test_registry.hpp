#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/registry.hpp"

namespace leadsync::config::testing {

// A registry of fake factories, so the loader tests do not depend on the real
// adapters. Declared options:
//   source "generic": map, defaults, attributes (string_map)
//   source "form":    secret (string, required), tolerance_seconds (integer),
//                     strict (boolean), allowed_ips (string_list), map (string_map)
//   crm "jsonl":      path (string, required)
//   crm "http":       url (string, required), headers (string_map), batch_size (integer)
//   signature "hmac": secrets (string_list, required), tolerance_seconds (integer);
//                     an empty secret is an error (key "secrets")
// Semantic checks in create(): every `map` value must start with '/'
// (error key "map.<field>"); strict = true needs map.email (error key
// "map.email" even when there is no map); tolerance_seconds must be at most
// 3600; a `url` of "throw" makes create() throw.
core::registry make_registry();

// The registry above, built once.
const core::registry& shared_registry();

// load_string(text, "t.toml", shared_registry()).
load_result load(std::string_view text);

// Every diagnostic of `r`, formatted.
std::vector<std::string> messages(const load_result& r);

}  // namespace leadsync::config::testing
