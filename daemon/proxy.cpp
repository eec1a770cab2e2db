#include "daemon/proxy.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <boost/url/parse.hpp>

namespace leadsync::daemon {
namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string env(const char* upper, const char* lower_name) {
  if (const char* v = std::getenv(upper); v != nullptr && *v != '\0') {
    return v;
  }
  if (const char* v = std::getenv(lower_name); v != nullptr && *v != '\0') {
    return v;
  }
  return {};
}

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

// "http://user:pw@proxy:3128", or "proxy:3128" (scheme optional, as curl allows).
std::optional<proxy_endpoint> parse_proxy(std::string_view text, std::string_view variable,
                                          std::vector<std::string>& problems) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string with_scheme{text};
  if (with_scheme.find("://") == std::string::npos) {
    with_scheme = "http://" + with_scheme;
  }
  auto url = boost::urls::parse_uri(with_scheme);
  if (!url || url->host().empty() || url->scheme() != "http") {
    problems.push_back(std::string{variable} + " is not an http:// proxy URL; going direct");
    return std::nullopt;
  }
  proxy_endpoint p;
  p.host = url->host();
  if (p.host.size() > 2 && p.host.front() == '[' && p.host.back() == ']') {
    p.host = p.host.substr(1, p.host.size() - 2);
  }
  p.port = url->has_port() ? std::string{url->port()} : "80";
  if (url->has_userinfo()) {
    p.authorization = "Basic " + base64(std::string{url->user()} + ":" + std::string{url->password()});
  }
  return p;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "::1" ||
         host == "[::1]";
}

}  // namespace

proxy_settings proxy_settings::from_environment() {
  return proxy_settings{env("HTTPS_PROXY", "https_proxy"), env("HTTP_PROXY", "http_proxy"),
                        env("NO_PROXY", "no_proxy")};
}

proxy_settings::proxy_settings(std::string https_proxy, std::string http_proxy, std::string no_proxy) {
  https_ = parse_proxy(https_proxy, "HTTPS_PROXY", problems_);
  http_ = parse_proxy(http_proxy, "HTTP_PROXY", problems_);
  std::string_view rest = no_proxy;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string entry = lower(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    entry.erase(std::remove_if(entry.begin(), entry.end(), [](unsigned char c) { return std::isspace(c); }),
                entry.end());
    if (const auto colon = entry.rfind(':'); colon != std::string::npos && entry.find(':') == colon) {
      entry.resize(colon);  // host:port: the port does not matter
    }
    if (entry.starts_with("*.")) {
      entry.erase(0, 1);
    }
    if (!entry.empty()) {
      no_proxy_.push_back(std::move(entry));
    }
  }
}

std::optional<proxy_endpoint> proxy_settings::for_target(std::string_view scheme, std::string_view host) const {
  const std::optional<proxy_endpoint>& proxy = scheme == "https" ? https_ : http_;
  if (!proxy) {
    return std::nullopt;
  }
  const std::string h = lower(host);
  if (is_loopback(h)) {
    return std::nullopt;
  }
  for (const std::string& entry : no_proxy_) {
    if (entry == "*") {
      return std::nullopt;
    }
    // "example.com" and ".example.com" both match example.com and its subdomains.
    const std::string_view bare = entry.starts_with('.') ? std::string_view{entry}.substr(1) : std::string_view{entry};
    if (h == bare || (h.size() > bare.size() && h.ends_with(bare) && h[h.size() - bare.size() - 1] == '.')) {
      return std::nullopt;
    }
  }
  return proxy;
}

}  // namespace leadsync::daemon
