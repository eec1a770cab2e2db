#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "config/config.hpp"
#include "core/adapter.hpp"
#include "daemon/metrics.hpp"
#include "daemon/writer.hpp"

namespace leadsync::daemon {

// A configured source: its format's parser and, when configured, the
// signature scheme that proves the sender, and the peers it accepts.
struct source_route {
  std::unique_ptr<core::source_adapter> parser;
  std::unique_ptr<core::signature_verifier> signature;
  std::vector<config::address_range> allow_from;  // empty: any peer
};
using source_table = std::map<std::string, source_route, std::less<>>;

// The webhook listener: HTTP/1.1 (over TLS when [server.tls] is set) with
// keep-alive on the io_context's threads. Routes POST /hooks/<source>
// through the source's allow-list (403), signature verifier (401) and parser
// (400/415/422) to the writer, and answers only after the events are
// committed; GET /healthz answers while the process is alive, GET /metrics in
// Prometheus text format. Errors are JSON objects
// {"error": code, "message": text} with the matching status.
// Against slow and flooding clients: the request header must arrive within
// header_timeout, the body within body_timeout, headers over
// max_header_bytes get 431, and beyond max_connections new connections are
// answered 503 (plain HTTP) or closed (TLS) at once.
class http_server {
 public:
  // `metrics` renders GET /metrics (Prometheus text); called on an HTTP thread.
  http_server(boost::asio::io_context& ioc, const config::server_config& options, source_table sources, writer& w,
              std::function<std::string()> metrics);

  // Loads the TLS identity (when configured), binds and starts accepting;
  // throws std::exception when the files are unusable or the address cannot
  // be bound.
  void start();
  // SIGHUP: reads [server.tls] cert_file and key_file again; new connections
  // use them, open ones keep theirs. On failure logs why, keeps the running
  // identity and returns false. True (nothing to do) without TLS.
  bool reload_tls();
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // The listener's own metrics (webhooks by source and status, latency,
  // connections) in Prometheus text; thread-safe.
  std::string webhook_metrics_text() const { return webhooks_.render(); }

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
  boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  template <typename Stream>
  boost::asio::awaitable<void> serve(Stream& stream, const boost::asio::ip::address& address,
                                     const std::string& peer);
  boost::asio::awaitable<boost::beast::http::response<boost::beast::http::string_body>> handle(
      const boost::beast::http::request<boost::beast::http::string_body>& req, const source_table& sources,
      const boost::asio::ip::address& address, const std::string& peer, const std::string& rid);

  boost::asio::io_context& ioc_;
  config::server_config options_;
  std::atomic<std::shared_ptr<const source_table>> sources_;  // swapped whole on reload
  writer& writer_;
  std::function<std::string()> metrics_;
  webhook_metrics webhooks_;
  std::atomic<std::shared_ptr<boost::asio::ssl::context>> tls_;  // null: plain HTTP
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace leadsync::daemon
