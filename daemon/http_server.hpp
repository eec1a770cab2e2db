#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "config/config.hpp"
#include "core/adapter.hpp"
#include "daemon/writer.hpp"

namespace leadsync::daemon {

// A configured source: its format's parser and, when configured, the
// signature scheme that proves the sender.
struct source_route {
  std::unique_ptr<core::source_adapter> parser;
  std::unique_ptr<core::signature_verifier> signature;
};
using source_table = std::map<std::string, source_route, std::less<>>;

// The webhook listener: HTTP/1.1 with keep-alive on the io_context's
// threads. Routes POST /hooks/<source> through the source's signature
// verifier (401) and parser (400/415/422) to the writer, and answers only after the events are committed;
// GET /healthz answers while the process is alive, GET /metrics in
// Prometheus text format. Errors are JSON objects
// {"error": code, "message": text} with the matching status.
class http_server {
 public:
  // `metrics` renders GET /metrics (Prometheus text); called on an HTTP thread.
  http_server(boost::asio::io_context& ioc, const config::server_config& options, source_table sources, writer& w,
              std::function<std::string()> metrics);

  // Binds and starts accepting; throws boost::system::system_error when the
  // address cannot be bound.
  void start();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Thread-safe (a config reload): requests read from now on use these
  // sources; requests in flight finish with the table they started with.
  void replace_sources(source_table sources);

  // Stops accepting; requests in flight still get their answers, and
  // keep-alive connections close after their current request.
  void stop_accepting();
  // Requests read but not yet answered.
  int in_flight() const { return in_flight_.load(); }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<boost::beast::http::response<boost::beast::http::string_body>> handle(
      const boost::beast::http::request<boost::beast::http::string_body>& req, const std::string& peer,
      const std::string& rid);

  boost::asio::io_context& ioc_;
  config::server_config options_;
  std::atomic<std::shared_ptr<const source_table>> sources_;  // swapped whole on reload
  writer& writer_;
  std::function<std::string()> metrics_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace leadsync::daemon
