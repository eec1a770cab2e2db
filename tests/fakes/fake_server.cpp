#include "tests/fakes/fake_server.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace leadsync::tests::fakes {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Collections requests carry up to 200 records; a few MiB is generous.
constexpr std::size_t max_body_bytes = 4 * 1024 * 1024;
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr auto read_timeout = std::chrono::seconds(30);
constexpr auto write_timeout = std::chrono::seconds(10);

recorded_request make_record(const http::request<http::string_body>& req, std::uint64_t connection_id) {
  recorded_request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& field : req) {
    r.headers[to_lower(field.name_string())] = std::string(field.value());
  }
  r.body = req.body();
  r.received_at = std::chrono::steady_clock::now();
  r.connection_id = connection_id;
  return r;
}

http::response<http::string_body> make_response(const fake_reply& reply, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::server, "leadsync-fake");
  bool has_type = false;
  for (const auto& [name, value] : reply.headers) {
    res.insert(name, value);
    has_type = has_type || iequals(name, "content-type");
  }
  if (!has_type && !reply.body.empty()) {
    res.set(http::field::content_type, "application/json;charset=UTF-8");
  }
  res.body() = reply.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace

struct fake_server::impl {
  // The TLS context outlives the io_context, whose destruction frees the
  // pending coroutine frames and the TLS streams in them.
  std::optional<ssl::context> tls_;
  // Destroyed after everything below: pending coroutine frames (and the
  // streams inside them) die with it, after the thread has stopped.
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  fake_handler handler_;
  std::thread thread_;
  std::uint64_t next_connection_id_ = 1;  // io thread only

  mutable std::mutex mutex_;
  mutable std::condition_variable handled_cv_;
  std::vector<recorded_request> requests_;
  std::uint64_t handled_ = 0;

  impl(fake_handler handler, const std::optional<test_certificate>& tls) : handler_(std::move(handler)) {
    if (tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      tls_->use_certificate_chain(asio::buffer(tls->cert_pem()));
      tls_->use_private_key(asio::buffer(tls->key_pem()), ssl::context::pem);
    }
    tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), 0};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~impl() {
    ioc_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  fake_reply handle(recorded_request r) {
    fake_reply reply;
    try {
      reply = handler_(r);
    } catch (...) {
      // A bug in the fake itself: answer like a broken server rather than
      // taking the whole test binary down from the io thread.
      reply = fake_reply{};
      reply.status = 500;
      reply.body = R"({"fake_error":"the fake's handler threw"})";
    }
    r.answered_status = reply.drop ? 0 : reply.status;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(r));
      ++handled_;
    }
    handled_cv_.notify_all();
    return reply;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) {
        if (!acceptor_.is_open() || ec == asio::error::operation_aborted) {
          co_return;
        }
        continue;
      }
      const std::uint64_t id = next_connection_id_++;
      if (tls_) {
        asio::co_spawn(ioc_, serve_tls(std::move(socket), id), asio::detached);
      } else {
        asio::co_spawn(ioc_, serve_plain(std::move(socket), id), asio::detached);
      }
    }
  }

  asio::awaitable<void> serve_plain(tcp::socket socket, std::uint64_t connection_id) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_http(stream, connection_id);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }

  asio::awaitable<void> serve_tls(tcp::socket socket, std::uint64_t connection_id) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls_);
    beast::get_lowest_layer(stream).expires_after(handshake_timeout);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (!hec) {
      co_await serve_http(stream, connection_id);
    }
    // No TLS close_notify exchange: a fake that drops or times out must not
    // wait on the peer, and clients treat a plain close as end of stream.
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream).socket().close(ignored);
  }

  template <class Stream>
  asio::awaitable<void> serve_http(Stream& stream, std::uint64_t connection_id) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(max_body_bytes);
      beast::get_lowest_layer(stream).expires_after(read_timeout);
      auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (read_ec) {
        co_return;
      }
      http::request<http::string_body> req = parser.release();
      const fake_reply reply = handle(make_record(req, connection_id));
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(reply.delay);
        co_await timer.async_wait(use_tuple);
      }
      if (reply.drop) {
        co_return;
      }
      auto res = make_response(reply, req.version(), req.keep_alive());
      beast::get_lowest_layer(stream).expires_after(write_timeout);
      auto [write_ec, write_n] = co_await http::async_write(stream, res, use_tuple);
      if (write_ec || !res.keep_alive()) {
        co_return;
      }
    }
  }
};

fake_server::fake_server(fake_handler handler, const std::optional<test_certificate>& tls)
    : impl_(std::make_unique<impl>(std::move(handler), tls)) {}

fake_server::~fake_server() = default;

std::uint16_t fake_server::port() const { return impl_->port_; }

std::string fake_server::base_url() const {
  return std::string(impl_->tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::vector<recorded_request> fake_server::requests() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->requests_;
}

std::size_t fake_server::request_count() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->requests_.size();
}

void fake_server::clear_requests() {
  std::lock_guard lock(impl_->mutex_);
  impl_->requests_.clear();
}

bool fake_server::wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(impl_->mutex_);
      seen = impl_->handled_;
    }
    if (pred()) {
      return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }
    std::unique_lock lock(impl_->mutex_);
    impl_->handled_cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                                   std::chrono::milliseconds(50)),
                                [&] { return impl_->handled_ != seen; });
  }
}

// ---- helpers -------------------------------------------------------------------

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4U];
    out += digits[b & 0x0fU];
  }
  return out;
}

std::string iso8601_utc(std::chrono::system_clock::time_point t, bool use_z) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%03d%s", static_cast<int>(ms % 1000), use_z ? "Z" : "+0000");
  return std::string(buf, n) + frac;
}

std::string bearer_token(const recorded_request& r) {
  const std::string value = r.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!starts_with_ci(value, scheme)) {
    return {};
  }
  return value.substr(scheme.size());
}

std::pair<std::string, std::string> split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) {
    return {std::string(target), {}};
  }
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

}  // namespace leadsync::tests::fakes
