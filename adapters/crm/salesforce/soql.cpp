#include "adapters/crm/salesforce/soql.hpp"

#include <algorithm>
#include <map>

#include "adapters/crm/salesforce/url_encoding.hpp"

namespace leadsync::adapters::salesforce {
namespace {

// Salesforce refuses URIs over 16 384 bytes, and URI plus headers over the
// same; the instance URL and the bearer token need a share of it.
constexpr std::size_t max_query_path = 12'000;

}  // namespace

std::string soql_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '\'';
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::vector<email_query> email_queries(std::string_view api_version, std::string_view object,
                                       const std::vector<std::string>& emails) {
  const std::string prefix = "/services/data/v" + std::string{api_version} + "/query?q=" +
                             percent_encode("SELECT Id, Email FROM " + std::string{object} + " WHERE Email IN (");
  const std::string suffix = percent_encode(") ORDER BY LastModifiedDate DESC");
  const std::string comma = percent_encode(", ");

  std::vector<email_query> out;
  std::map<std::string, std::size_t> chunk_of;  // lower-cased email -> index in out
  std::string literals;                         // encoded literals of the chunk being filled
  std::vector<std::size_t> items;
  const auto close_chunk = [&] {
    if (!items.empty()) {
      out.push_back({prefix + literals + suffix, std::move(items)});
      items.clear();
      literals.clear();
    }
  };
  for (std::size_t i = 0; i < emails.size(); ++i) {
    const std::string key = lower_ascii(emails[i]);
    if (auto seen = chunk_of.find(key); seen != chunk_of.end()) {
      (seen->second < out.size() ? out[seen->second].items : items).push_back(i);
      continue;
    }
    const std::string literal = percent_encode(soql_literal(emails[i]));
    const std::size_t grown = prefix.size() + literals.size() + comma.size() + literal.size() + suffix.size();
    if (!items.empty() && grown > max_query_path) {
      close_chunk();
    }
    literals += (literals.empty() ? "" : comma) + literal;
    items.push_back(i);
    chunk_of[key] = out.size();
  }
  close_chunk();
  return out;
}

}  // namespace leadsync::adapters::salesforce
