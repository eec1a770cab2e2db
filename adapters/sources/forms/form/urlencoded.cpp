#include "adapters/sources/forms/form/urlencoded.hpp"

#include <cctype>
#include <string_view>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>

namespace leadsync::adapters::forms {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Characters RFC 3986 allows in a query as they are: unreserved, sub-delims,
// ':', '@', '/', '?', and '%' (escapes are checked separately).
bool allowed_in_query(unsigned char c) {
  constexpr std::string_view others = "-._~!$&'()*+,;=:@/?%";
  return std::isalnum(c) != 0 || others.find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

core::result<form_pairs> parse_urlencoded(std::string_view body) {
  // Boost.URL parses strict RFC 3986 queries; senders are laxer. Percent-
  // encode what they left raw so only genuinely broken escapes fail.
  std::string query;
  query.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (c == '%' && (i + 2 >= body.size() || !is_hex(body[i + 1]) || !is_hex(body[i + 2]))) {
      return core::error{core::error_kind::malformed, "malformed_form",
                         "body is not valid form data: '%' at byte " + std::to_string(i) +
                             " is not followed by two hex digits (write a literal % as %25)"};
    }
    if (allowed_in_query(c)) {
      query.push_back(static_cast<char>(c));
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      query += '%';
      query += hex[c >> 4];
      query += hex[c & 0xf];
    }
  }
  auto params = boost::urls::parse_query(query);
  if (!params) {
    return core::error{core::error_kind::malformed, "malformed_form",
                       "body is not valid form data: " + params.error().message()};
  }
  boost::urls::encoding_opts plus_is_space;
  plus_is_space.space_as_plus = true;
  form_pairs out;
  for (const auto& p : *params) {
    std::string name = p.key.decode(plus_is_space);
    if (name.empty()) {
      continue;
    }
    out.emplace_back(std::move(name), p.has_value ? p.value.decode(plus_is_space) : std::string{});
  }
  return out;
}

}  // namespace leadsync::adapters::forms
