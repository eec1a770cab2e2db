#include "tests/fakes/connect_proxy.hpp"

#include <charconv>
#include <mutex>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace leadsync::tests {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Copies bytes one way until either side closes, then closes both.
asio::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  std::array<char, 16 * 1024> buf{};
  for (;;) {
    auto [rec, n] = co_await from->async_read_some(asio::buffer(buf), use_tuple);
    if (rec) {
      break;
    }
    auto [wec, w] = co_await asio::async_write(*to, asio::buffer(buf.data(), n), use_tuple);
    if (wec) {
      break;
    }
  }
  boost::system::error_code ignored;
  from->close(ignored);
  to->close(ignored);
}

}  // namespace

struct connect_proxy::impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  mutable std::mutex mutex;
  std::vector<std::string> tunnels;
  std::vector<std::string> authorizations;
  std::thread thread;

  asio::awaitable<void> serve(tcp::socket client_socket) {
    auto client = std::make_shared<tcp::socket>(std::move(client_socket));
    boost::beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    auto [rec, n] = co_await http::async_read_header(*client, buffer, parser, use_tuple);
    if (rec) {
      co_return;
    }
    const auto& req = parser.get();
    const std::string target{req.target()};
    {
      std::lock_guard lock(mutex);
      tunnels.push_back(target);
      authorizations.emplace_back(req[http::field::proxy_authorization]);
    }
    std::uint16_t port = 0;
    const auto colon = target.rfind(':');
    const bool ok = req.method() == http::verb::connect && colon != std::string::npos &&
                    std::from_chars(target.data() + colon + 1, target.data() + target.size(), port).ec == std::errc{};
    if (!ok) {
      const std::string refusal = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(refusal), use_tuple);
      co_return;
    }
    auto upstream = std::make_shared<tcp::socket>(ioc);
    auto [cec] = co_await upstream->async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, use_tuple);
    if (cec) {
      const std::string refusal = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(refusal), use_tuple);
      co_return;
    }
    const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await asio::async_write(*client, asio::buffer(established), use_tuple);
    if (buffer.size() > 0) {  // bytes the client sent early belong to the tunnel
      co_await asio::async_write(*upstream, buffer.data(), use_tuple);
    }
    asio::co_spawn(ioc, pump(client, upstream), asio::detached);
    asio::co_spawn(ioc, pump(upstream, client), asio::detached);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) {
        co_return;
      }
      asio::co_spawn(ioc, serve(std::move(socket)), asio::detached);
    }
  }
};

connect_proxy::connect_proxy() : impl_(std::make_unique<impl>()) {
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

connect_proxy::~connect_proxy() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::uint16_t connect_proxy::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<std::string> connect_proxy::tunnels() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tunnels;
}

std::vector<std::string> connect_proxy::authorizations() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->authorizations;
}

}  // namespace leadsync::tests
