#include "bench/soak/http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace leadsync::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct keep_alive_client::impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  int opened = 0;

  impl(std::uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t) {}

  bool ensure_open() {
    if (stream) {
      return true;
    }
    stream.emplace(ioc);
    stream->expires_after(timeout);
    beast::error_code ec;
    stream->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) {
      stream.reset();
      return false;
    }
    buffer.clear();
    ++opened;
    return true;
  }

  std::optional<http_answer> send(http::request<http::string_body> req) {
    // A keep-alive connection the server closed meanwhile fails the first
    // write or read: one fresh connection is worth a second try.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!ensure_open()) {
        return std::nullopt;
      }
      beast::error_code ec;
      stream->expires_after(timeout);
      http::write(*stream, req, ec);
      http::response<http::string_body> res;
      if (!ec) {
        http::read(*stream, buffer, res, ec);
      }
      if (ec) {
        stream.reset();
        continue;
      }
      if (!res.keep_alive()) {
        stream.reset();
      }
      return http_answer{res.result_int(), std::move(res.body())};
    }
    return std::nullopt;
  }
};

keep_alive_client::keep_alive_client(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(port, timeout)) {}

keep_alive_client::~keep_alive_client() = default;

std::optional<http_answer> keep_alive_client::get(std::string_view target) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  return impl_->send(std::move(req));
}

std::optional<http_answer> keep_alive_client::post_json(std::string_view target, std::string body) {
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  return impl_->send(std::move(req));
}

int keep_alive_client::connections_opened() const { return impl_->opened; }

}  // namespace leadsync::bench
