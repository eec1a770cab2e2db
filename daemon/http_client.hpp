#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/adapter.hpp"
#include "daemon/proxy.hpp"

namespace boost::asio::ssl {
class context;
}

namespace leadsync::daemon {

// The one HTTP(S) client every network connector uses: HTTP/1.1 over TCP or
// TLS (peer certificate and host name verified against the system store or
// the request's ca_file, SNI, TLS 1.2 at least), keep-alive connections
// reused per host, HTTPS_PROXY/HTTP_PROXY/NO_PROXY (a CONNECT tunnel for
// https), and the request's timeout covering connect, handshake, write and
// read. Failures are a response with status 0 and transport_error set, never
// an exception. Not thread-safe: use it from one io_context thread.
class http_client {
 public:
  explicit http_client(proxy_settings proxy = proxy_settings::from_environment());
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  boost::asio::awaitable<core::outbound_response> send(const core::outbound_request& request);

  // Closes the kept-alive connections; call before their io_context goes.
  void close_idle();

 private:
  struct connection;
  struct target;
  boost::asio::awaitable<core::outbound_response> attempt(const target& t, const core::outbound_request& request,
                                                          std::unique_ptr<connection>& conn, bool& reused_failed);
  boost::asio::awaitable<std::string> open(const target& t, std::chrono::steady_clock::time_point deadline,
                                           std::unique_ptr<connection>& conn);
  std::unique_ptr<connection> take_idle(const std::string& key);
  void put_idle(const std::string& key, std::unique_ptr<connection> conn);
  boost::asio::ssl::context& tls_context(const std::string& ca_file, std::string& problem);

  proxy_settings proxy_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::map<std::string, std::unique_ptr<boost::asio::ssl::context>> tls_contexts_;
};

}  // namespace leadsync::daemon
