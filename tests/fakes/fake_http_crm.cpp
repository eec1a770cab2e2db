#include "tests/fakes/fake_http_crm.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace leadsync::tests {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_body_bytes = 1024 * 1024;
constexpr auto read_timeout = std::chrono::seconds(30);
constexpr auto write_timeout = std::chrono::seconds(10);

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

recorded_request make_record(const http::request<http::string_body>& req,
                             std::uint64_t connection_id) {
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

http::response<http::string_body> make_response(const fault& f, unsigned version,
                                                bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(f.status), version};
  res.set(http::field::server, "leadsync-fake-crm");
  res.set(http::field::content_type, "application/json");
  if (f.retry_after) {
    res.set(http::field::retry_after, *f.retry_after);
  }
  res.body() = f.body ? *f.body
                     : (f.status >= 200 && f.status < 300) ? R"({"status":"ok"})"
                                                           : R"({"error":"fake_fault"})";
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace

std::string recorded_request::header(std::string_view name) const {
  auto it = headers.find(to_lower(name));
  return it == headers.end() ? std::string() : it->second;
}

struct fake_http_crm::impl {
  // Declared first so it is destroyed last: pending coroutine frames (and
  // the sockets inside them) die with it, after the thread has stopped.
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::uint64_t next_connection_id_ = 1;  // io thread only

  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<recorded_request> requests_;
  fault fault_;
  bool fault_active_ = false;
  std::optional<std::size_t> fault_remaining_;  // nullopt = until heal()

  impl() {
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

  // Records the request and picks the fault for it, in one critical section
  // so "the next K requests" is exact even with concurrent connections.
  fault admit(recorded_request r) {
    fault chosen;
    {
      std::lock_guard lock(mutex_);
      if (fault_active_) {
        chosen = fault_;
        if (fault_remaining_ && --*fault_remaining_ == 0) {
          fault_active_ = false;
        }
      }
      r.answered_status = chosen.close_without_answer ? 0 : chosen.status;
      requests_.push_back(std::move(r));
    }
    arrived_.notify_all();
    return chosen;
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
      asio::co_spawn(ioc_, serve(std::move(socket), next_connection_id_++), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket, std::uint64_t connection_id) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(max_body_bytes);
      stream.expires_after(read_timeout);
      auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (read_ec) {
        break;
      }
      http::request<http::string_body> req = parser.release();
      const fault f = admit(make_record(req, connection_id));
      if (f.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(f.delay);
        co_await timer.async_wait(use_tuple);
      }
      if (f.close_without_answer) {
        break;
      }
      auto res = make_response(f, req.version(), req.keep_alive());
      stream.expires_after(write_timeout);
      auto [write_ec, write_n] = co_await http::async_write(stream, res, use_tuple);
      if (write_ec || !res.keep_alive()) {
        break;
      }
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }
};

fake_http_crm::fake_http_crm() : impl_(std::make_unique<impl>()) {}

fake_http_crm::~fake_http_crm() = default;

std::uint16_t fake_http_crm::port() const { return impl_->port_; }

std::string fake_http_crm::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

void fake_http_crm::set_fault(const fault& f, std::optional<std::size_t> count) {
  std::lock_guard lock(impl_->mutex_);
  impl_->fault_ = f;
  impl_->fault_remaining_ = count;
  impl_->fault_active_ = !count || *count > 0;
}

void fake_http_crm::fail_with_status(unsigned status, std::optional<std::size_t> count,
                                     std::optional<std::string> retry_after) {
  fault f;
  f.status = status;
  f.retry_after = std::move(retry_after);
  set_fault(f, count);
}

void fake_http_crm::delay_responses(std::chrono::milliseconds delay,
                                    std::optional<std::size_t> count) {
  fault f;
  f.delay = delay;
  set_fault(f, count);
}

void fake_http_crm::close_connections(std::optional<std::size_t> count) {
  fault f;
  f.close_without_answer = true;
  set_fault(f, count);
}

void fake_http_crm::heal() { set_fault(fault{}, 0); }

std::vector<recorded_request> fake_http_crm::requests() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->requests_;
}

std::size_t fake_http_crm::request_count() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->requests_.size();
}

void fake_http_crm::clear_requests() {
  std::lock_guard lock(impl_->mutex_);
  impl_->requests_.clear();
}

bool fake_http_crm::wait_for(const request_predicate& pred,
                             std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(impl_->mutex_);
  for (;;) {
    if (pred(impl_->requests_)) {
      return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }
    impl_->arrived_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(
                                       deadline - now, std::chrono::milliseconds(50)));
  }
}

}  // namespace leadsync::tests
