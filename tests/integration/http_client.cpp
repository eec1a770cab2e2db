#include "tests/integration/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace leadsync::tests {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr std::size_t max_response_bytes = 8 * 1024 * 1024;

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

[[noreturn]] void fail(std::string_view what, const error_code& ec) {
  throw std::runtime_error("http_client: " + std::string(what) + ": " + ec.message());
}

}  // namespace

std::string http_response::header(std::string_view name) const {
  auto it = headers.find(to_lower(name));
  return it == headers.end() ? std::string() : it->second;
}

// Each operation is started asynchronously and the private io_context is run
// until it completes: tcp_stream's expiry then bounds every step, which a
// blocking socket call could not.
struct http_client::impl {
  asio::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  bool connected_ = false;
  int connections_opened_ = 0;

  impl(std::uint16_t port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {}

  void run() {
    ioc_.restart();
    ioc_.run();
  }

  void connect() {
    error_code result;
    tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), port_};
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoint, [&](const error_code& ec) { result = ec; });
    run();
    if (result) {
      fail("connect to 127.0.0.1:" + std::to_string(port_), result);
    }
    buffer_.clear();
    connected_ = true;
    ++connections_opened_;
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    connected_ = false;
  }

  http_response exchange(http::request<http::string_body>& req) {
    if (!connected_) {
      connect();
    }
    error_code result;
    stream_.expires_after(timeout_);
    http::async_write(stream_, req, [&](const error_code& ec, std::size_t) { result = ec; });
    run();
    if (result) {
      close();
      fail("write " + std::string(req.target()), result);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_response_bytes);
    parser.skip(req.method() == http::verb::head);
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser,
                     [&](const error_code& ec, std::size_t) { result = ec; });
    run();
    if (result) {
      close();
      fail("read response to " + std::string(req.target()), result);
    }
    auto res = parser.release();
    http_response out;
    out.status = res.result_int();
    for (const auto& field : res) {
      out.headers[to_lower(field.name_string())] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) {
      close();
    }
    return out;
  }
};

http_client::http_client(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(port, timeout)) {}

http_client::~http_client() {
  if (impl_->connected_) {
    impl_->close();
  }
}

http_response http_client::request(std::string_view method, std::string_view target,
                                   std::string body, const header_list& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port_));
  req.set(http::field::user_agent, "leadsync-integration-test");
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  req.keep_alive(true);
  req.body() = std::move(body);
  if (!req.body().empty() || method == "POST" || method == "PUT") {
    req.prepare_payload();
  }
  return impl_->exchange(req);
}

http_response http_client::get(std::string_view target, const header_list& headers) {
  return request("GET", target, {}, headers);
}

http_response http_client::post(std::string_view target, std::string body,
                                const header_list& headers) {
  header_list all = headers;
  const bool has_type = std::any_of(all.begin(), all.end(), [](const auto& h) {
    return to_lower(h.first) == "content-type";
  });
  if (!has_type) {
    all.emplace_back("Content-Type", "application/json");
  }
  return request("POST", target, std::move(body), all);
}

int http_client::connections_opened() const { return impl_->connections_opened_; }

http_response http_get(std::uint16_t port, std::string_view target) {
  http_client client(port);
  return client.get(target);
}

http_response http_post(std::uint16_t port, std::string_view target, std::string body,
                        const header_list& headers) {
  http_client client(port);
  return client.post(target, std::move(body), headers);
}

std::optional<http_response> try_http_get(std::uint16_t port, std::string_view target,
                                          std::chrono::milliseconds timeout) {
  try {
    http_client client(port, timeout);
    return client.get(target);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

}  // namespace leadsync::tests
