#pragma once

#include <atomic>
#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "daemon/delivery.hpp"

namespace leadsync::daemon {

// GET /status's body: per connector its circuit, pause (and why), outbox
// depth and oldest pending change, and delivery counts, from delivery's
// states() (never the database).
std::string render_status_json(const std::vector<connector_state>& connectors, core::timestamp now);

// The admin listener: HTTP/1.1 on a Unix socket (default; file mode
// options.socket_mode, access is whoever may open it) or on loopback TCP,
// where every request needs "Authorization: Bearer <token>" (compared in
// constant time, never logged; 401 otherwise). Separate from the webhook
// listener so the public port never exposes operator actions.
//   GET  /status   JSON: each connector's delivery state
//   GET  /metrics  the Prometheus text of the public /metrics
//   POST /reload   the same reload as SIGHUP (202; 409 while one runs)
// Anything else is 404 (405 for a known path with the wrong method).
class admin_server {
 public:
  struct handlers {
    std::function<std::string()> status;   // a JSON document; called on an io thread
    std::function<std::string()> metrics;  // Prometheus text
    std::function<bool()> reload;          // starts a reload; false when one is already running
  };

  admin_server(boost::asio::io_context& ioc, config::admin_config options, handlers h);
  ~admin_server();

  // Binds (replacing a stale socket file) and starts accepting; throws
  // boost::system::system_error or std::runtime_error when it cannot.
  void start();
  // Where it listens, for the log: the socket path or address:port.
  std::string where() const;
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::generic::stream_protocol::socket socket);

  boost::asio::io_context& ioc_;
  config::admin_config options_;
  handlers handlers_;
  boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol> acceptor_;
  std::atomic<bool> stopping_{false};
};

}  // namespace leadsync::daemon
