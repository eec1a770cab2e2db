#include "daemon/admin_server.hpp"

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

namespace leadsync::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using generic = asio::generic::stream_protocol;
using response = http::response<http::string_body>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_header_bytes = 8 * 1024;
constexpr std::size_t max_body_bytes = 4 * 1024;
constexpr auto request_timeout = std::chrono::seconds{10};

response reply(http::status status, std::string body, std::string_view type = "application/json") {
  response res{status, 11};
  res.set(http::field::content_type, type);
  res.set(http::field::server, "leadsyncd-admin");
  res.body() = std::move(body);
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

response error(http::status status, std::string_view code, std::string_view message) {
  return reply(status, json::serialize(json::object{{"error", code}, {"message", message}}) + "\n");
}

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

// Hashing first makes the comparison take the same time whatever the
// lengths; CRYPTO_memcmp does not stop at the first difference.
bool same_secret(std::string_view given, std::string_view expected) {
  const auto a = sha256(given);
  const auto b = sha256(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0 && !expected.empty();
}

bool authorised(const http::request<http::string_body>& req, const std::string& token) {
  constexpr std::string_view scheme = "Bearer ";
  const std::string_view value = req[http::field::authorization];
  if (!value.starts_with(scheme)) {
    return false;
  }
  return same_secret(value.substr(scheme.size()), token);
}

// "127.0.0.1:9091" / "[::1]:9091" (checked by the config reader).
asio::ip::tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {asio::ip::make_address(host), static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

json::value time_or_null(const std::optional<core::timestamp>& t) {
  if (!t) {
    return nullptr;
  }
  return json::value(core::format_rfc3339(*t));
}

std::string_view circuit_name(core::delivery::circuit_state c) {
  switch (c) {
    case core::delivery::circuit_state::closed:
      return "closed";
    case core::delivery::circuit_state::half_open:
      return "half_open";
    case core::delivery::circuit_state::open:
      return "open";
  }
  return "closed";
}

}  // namespace

std::string render_status_json(const std::vector<connector_state>& connectors, core::timestamp now) {
  json::array out;
  for (const connector_state& c : connectors) {
    const bool paused = c.paused_until && *c.paused_until > now;
    out.emplace_back(json::object{
        {"name", c.name},
        {"circuit", circuit_name(c.circuit)},
        {"circuit_open_until", time_or_null(c.circuit_open_until)},
        {"paused_until", paused ? time_or_null(c.paused_until) : json::value(nullptr)},
        {"pause_reason", paused ? json::value(c.pause_reason) : json::value(nullptr)},
        {"outbox_depth", c.outbox_depth},
        {"oldest_pending_at", time_or_null(c.oldest_pending)},
        {"delivered", c.delivered},
        {"retried", c.retried},
        {"dead_lettered", c.dead_lettered},
        {"skipped", c.skipped}});
  }
  return json::serialize(json::object{{"status", "running"}, {"now", core::format_rfc3339(now)},
                                      {"connectors", std::move(out)}});
}

admin_server::admin_server(asio::io_context& ioc, config::admin_config options, handlers h)
    : ioc_(ioc), options_(std::move(options)), handlers_(std::move(h)), acceptor_(ioc) {}

admin_server::~admin_server() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  if (options_.listen.empty()) {
    std::filesystem::remove(options_.socket, ignored);
  }
}

void admin_server::start() {
  if (!options_.listen.empty()) {
    const auto ep = parse_listen(options_.listen);
    const generic::endpoint gep(ep.data(), ep.size(), IPPROTO_TCP);
    acceptor_.open(gep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(gep);
  } else {
    // A socket file left by a crash would make bind fail; nothing else
    // listens there (the directory is the daemon's own).
    std::error_code ec;
    std::filesystem::remove(options_.socket, ec);
    const asio::local::stream_protocol::endpoint lep(options_.socket.string());
    const generic::endpoint gep(lep.data(), lep.size(), 0);
    acceptor_.open(gep.protocol());
    acceptor_.bind(gep);
    if (::chmod(options_.socket.c_str(), static_cast<mode_t>(options_.socket_mode)) != 0) {
      throw std::runtime_error("cannot set the mode of the admin socket " + options_.socket.string());
    }
  }
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

std::string admin_server::where() const {
  if (!options_.listen.empty()) {
    return options_.listen;
  }
  return options_.socket.string();
}

void admin_server::stop() {
  stopping_ = true;
  asio::post(ioc_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> admin_server::accept_loop() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) {
        break;
      }
      spdlog::get("admin")->warn("accept failed error=\"{}\"", ec.message());
      continue;
    }
    asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
  }
}

// One request per connection: admin calls are rare, and it keeps the
// timeout handling to one timer.
asio::awaitable<void> admin_server::session(generic::socket socket) {
  auto log = spdlog::get("admin");
  beast::basic_stream<generic> stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.header_limit(max_header_bytes);
  parser.body_limit(max_body_bytes);
  stream.expires_after(request_timeout);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (rec) {
    co_return;
  }
  const http::request<http::string_body> req = parser.release();
  std::string_view path = req.target();
  path = path.substr(0, path.find('?'));

  response res;
  const bool tcp = !options_.listen.empty();
  if (tcp && !authorised(req, options_.token)) {
    log->warn("admin request refused path={} status=401", path);
    res = error(http::status::unauthorized, "unauthorized", "send Authorization: Bearer <the admin token>");
    res.set(http::field::www_authenticate, "Bearer");
  } else if (path == "/status" || path == "/metrics") {
    if (req.method() != http::verb::get) {
      res = error(http::status::method_not_allowed, "method_not_allowed", "use GET");
      res.set(http::field::allow, "GET");
    } else if (path == "/status") {
      res = reply(http::status::ok, handlers_.status() + "\n");
    } else {
      res = reply(http::status::ok, handlers_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    }
  } else if (path == "/reload") {
    if (req.method() != http::verb::post) {
      res = error(http::status::method_not_allowed, "method_not_allowed", "use POST");
      res.set(http::field::allow, "POST");
    } else if (handlers_.reload()) {
      log->info("reload requested through the admin listener");
      res = reply(http::status::accepted, json::serialize(json::object{{"status", "reloading"}}) + "\n");
    } else {
      res = error(http::status::conflict, "reload_in_progress", "a reload is already running");
    }
  } else {
    res = error(http::status::not_found, "not_found", "admin paths: GET /status, GET /metrics, POST /reload");
  }
  stream.expires_after(request_timeout);
  co_await http::async_write(stream, res, use_tuple);
  beast::error_code ignored;
  stream.socket().shutdown(generic::socket::shutdown_send, ignored);
}

}  // namespace leadsync::daemon
