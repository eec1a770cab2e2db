#pragma once

// application/x-www-form-urlencoded bodies (what an HTML <form> posts).
// Sans-I/O; decoding is done by Boost.URL.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace leadsync::adapters::forms {

using form_pairs = std::vector<std::pair<std::string, std::string>>;

// The name/value pairs of the body, decoded ('+' is a space), in order;
// repeated names stay repeated, pairs without a name are dropped. Raw bytes
// that should have been percent-encoded (spaces, UTF-8) are taken as they
// are, like browsers and curl --data do; a '%' without two hex digits after
// it is a malformed error saying at which byte.
core::result<form_pairs> parse_urlencoded(std::string_view body);

}  // namespace leadsync::adapters::forms
