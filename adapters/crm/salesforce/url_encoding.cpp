#include "adapters/crm/salesforce/url_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace leadsync::adapters::salesforce {

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(boost::urls::string_view{text.data(), text.size()}, boost::urls::unreserved_chars);
}

std::string form_body(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) {
      body += '&';
    }
    body += percent_encode(name);
    body += '=';
    body += percent_encode(value);
  }
  return body;
}

bool is_acceptable_base_url(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(boost::urls::string_view{text.data(), text.size()});
  if (!url || url->encoded_host().empty() || url->has_userinfo() || url->has_query() || url->has_fragment()) {
    return false;
  }
  if (url->scheme() == "https") {
    return true;
  }
  const auto host = url->encoded_host();
  return url->scheme() == "http" && (host == "127.0.0.1" || host == "localhost" || host == "[::1]");
}

}  // namespace leadsync::adapters::salesforce
