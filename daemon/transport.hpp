#pragma once

#include <boost/asio/awaitable.hpp>

#include "core/adapter.hpp"
#include "daemon/http_client.hpp"

namespace leadsync::daemon {

// Carries out the requests CRM adapters ask for and reports what came back:
// http:// and https:// URLs through the shared http_client (keep-alive,
// TLS, proxy), file: URLs by appending the body to that file and
// fdatasync-ing it. Failures are a response with status 0 and
// transport_error set, never an exception. Use from one io_context thread.
class transport {
 public:
  explicit transport(proxy_settings proxy = proxy_settings::from_environment()) : http_(std::move(proxy)) {}

  boost::asio::awaitable<core::outbound_response> send(const core::outbound_request& request);

  const http_client& http() const { return http_; }
  // Closes kept-alive connections; call before the io_context they use goes.
  void close_idle() { http_.close_idle(); }

 private:
  http_client http_;
};

}  // namespace leadsync::daemon
