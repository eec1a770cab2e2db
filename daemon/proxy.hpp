#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::daemon {

// Where an outbound request goes first, from the usual environment variables:
// HTTPS_PROXY / https_proxy for https:// URLs, HTTP_PROXY / http_proxy for
// http:// URLs, NO_PROXY / no_proxy for the exceptions. Loopback hosts
// (localhost, 127.0.0.0/8, ::1) never go through a proxy, as in Go's
// net/http: a proxy cannot reach the daemon's own machine.
struct proxy_endpoint {
  std::string host;
  std::string port;
  std::string authorization;  // "Basic ..." from user:password in the proxy URL; "" when none
};

class proxy_settings {
 public:
  static proxy_settings from_environment();
  // Explicit values, for tests.
  proxy_settings(std::string https_proxy, std::string http_proxy, std::string no_proxy);
  proxy_settings() = default;

  // The proxy for a request to scheme://host:port, or nullopt to go direct.
  std::optional<proxy_endpoint> for_target(std::string_view scheme, std::string_view host) const;

  // Problems found reading the variables (an unparsable proxy URL), for a startup warning.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::optional<proxy_endpoint> https_;
  std::optional<proxy_endpoint> http_;
  std::vector<std::string> no_proxy_;  // lower-case host suffixes; "*" bypasses all
  std::vector<std::string> problems_;
};

}  // namespace leadsync::daemon
