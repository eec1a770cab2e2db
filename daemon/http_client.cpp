#include "daemon/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace leadsync::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_response_bytes = 8 * 1024 * 1024;
constexpr std::size_t max_idle_per_host = 8;
// Servers close idle keep-alive connections after a while (nginx: 75 s);
// reusing one they are about to close wastes the request.
constexpr auto max_idle_age = std::chrono::seconds{30};

core::outbound_response failure(std::string what) {
  core::outbound_response r;
  r.transport_error = std::move(what);
  return r;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Errors that mean a reused keep-alive connection had been closed by the
// server before our request reached it: worth one try on a new connection.
bool is_stale_connection(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

struct http_client::target {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string host_header;  // host[:port] as the URL has it
  std::string authority;    // host:port, for CONNECT
  std::string request_target;  // origin-form, or absolute-form through an http proxy
  std::optional<proxy_endpoint> proxy;
  std::string ca_file;
  std::string key;  // pool key: where the connection goes and how it is secured
};

struct http_client::connection {
  explicit connection(const asio::any_io_executor& ex) { plain.emplace(ex); }
  std::optional<beast::tcp_stream> plain;                      // until (unless) TLS takes the socket over
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;  // set for https
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

http_client::http_client(proxy_settings proxy) : proxy_(std::move(proxy)) {}
http_client::~http_client() = default;

void http_client::close_idle() { idle_.clear(); }

ssl::context& http_client::tls_context(const std::string& ca_file, std::string& problem) {
  auto& slot = tls_contexts_[ca_file];
  if (!slot) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(ca_file, ec);
    }
    if (ec) {
      problem = (ca_file.empty() ? std::string{"cannot load the system CA store"} : "cannot load ca_file " + ca_file) +
                ": " + ec.message();
      tls_contexts_.erase(ca_file);
      static ssl::context unusable{ssl::context::tls_client};
      return unusable;
    }
    slot = std::move(ctx);
  }
  return *slot;
}

std::unique_ptr<http_client::connection> http_client::take_idle(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) {
    return nullptr;
  }
  auto& pool = it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!pool.empty()) {
    std::unique_ptr<connection> c = std::move(pool.back());
    pool.pop_back();
    if (now - c->idle_since < max_idle_age && c->lowest().socket().is_open()) {
      return c;
    }
  }
  return nullptr;
}

void http_client::put_idle(const std::string& key, std::unique_ptr<connection> conn) {
  auto& pool = idle_[key];
  if (pool.size() >= max_idle_per_host) {
    return;  // enough spares; this one closes
  }
  conn->idle_since = std::chrono::steady_clock::now();
  pool.push_back(std::move(conn));
}

// Connects (through the proxy when there is one) and, for https, tunnels and
// handshakes. Returns "" on success, else what went wrong.
asio::awaitable<std::string> http_client::open(const target& t, std::chrono::steady_clock::time_point deadline,
                                               std::unique_ptr<connection>& conn) {
  auto ex = co_await asio::this_coro::executor;
  conn = std::make_unique<connection>(ex);
  const std::string& host = t.proxy ? t.proxy->host : t.host;
  const std::string& port = t.proxy ? t.proxy->port : t.port;
  const std::string where = t.proxy ? "proxy " + host + ":" + port : host + ":" + port;

  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
  if (rec) {
    co_return "cannot resolve " + host + ": " + rec.message();
  }
  conn->plain->expires_at(deadline);
  auto [cec, ep] = co_await conn->plain->async_connect(endpoints, use_tuple);
  if (cec) {
    co_return "cannot connect to " + where + ": " + (cec == beast::error::timeout ? "timed out" : cec.message());
  }
  conn->plain->socket().set_option(tcp::no_delay(true));

  if (!t.tls) {
    co_return "";
  }
  if (t.proxy) {
    // CONNECT host:port opens a tunnel; TLS then runs end to end through it.
    http::request<http::empty_body> req{http::verb::connect, t.authority, 11};
    req.set(http::field::host, t.authority);
    if (!t.proxy->authorization.empty()) {
      req.set(http::field::proxy_authorization, t.proxy->authorization);
    }
    auto [wec, wn] = co_await http::async_write(*conn->plain, req, use_tuple);
    if (wec) {
      co_return "sending CONNECT to " + where + " failed: " + wec.message();
    }
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body: the tunnel starts right after the header
    auto [rec2, rn] = co_await http::async_read_header(*conn->plain, conn->buffer, parser, use_tuple);
    if (rec2) {
      co_return "reading the CONNECT answer from " + where + " failed: " + rec2.message();
    }
    if (parser.get().result_int() != 200) {
      co_return where + " refused the tunnel to " + t.authority + ": HTTP " +
          std::to_string(parser.get().result_int());
    }
  }

  std::string problem;
  ssl::context& ctx = tls_context(t.ca_file, problem);
  if (!problem.empty()) {
    co_return problem;
  }
  conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*conn->plain), ctx);
  conn->plain.reset();
  SSL* ssl_handle = conn->tls->native_handle();
  if (!is_ip_address(t.host)) {
    SSL_set_tlsext_host_name(ssl_handle, t.host.c_str());  // SNI carries names, never addresses (RFC 6066)
  }
  conn->tls->set_verify_callback(ssl::host_name_verification(t.host));
  beast::get_lowest_layer(*conn->tls).expires_at(deadline);
  auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) {
    std::string why = hec == beast::error::timeout ? "timed out" : hec.message();
    const long verify = SSL_get_verify_result(ssl_handle);
    if (verify != X509_V_OK) {
      why += std::string{" ("} + X509_verify_cert_error_string(verify) + ")";
    }
    co_return "TLS handshake with " + t.host + ":" + t.port + " failed: " + why;
  }
  co_return "";
}

asio::awaitable<core::outbound_response> http_client::attempt(const target& t, const core::outbound_request& request,
                                                              std::unique_ptr<connection>& conn, bool& reused_failed) {
  const bool reused = conn != nullptr;
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  if (!conn) {
    const std::string problem = co_await open(t, deadline, conn);
    if (!problem.empty()) {
      conn.reset();
      co_return failure(problem);
    }
  }
  conn->lowest().expires_at(deadline);

  http::request<http::string_body> req{http::string_to_verb(request.method), t.request_target, 11};
  if (req.method() == http::verb::unknown) {
    req.method_string(request.method);
  }
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, "leadsyncd/0.1");
  if (t.proxy && !t.tls && !t.proxy->authorization.empty()) {
    req.set(http::field::proxy_authorization, t.proxy->authorization);
  }
  for (const auto& [name, value] : request.headers) {
    req.set(name, value);
  }
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();

  const std::string where = t.host + ":" + t.port;
  boost::system::error_code wec;
  if (conn->tls) {
    std::tie(wec, std::ignore) = co_await http::async_write(*conn->tls, req, use_tuple);
  } else {
    std::tie(wec, std::ignore) = co_await http::async_write(*conn->plain, req, use_tuple);
  }
  if (wec) {
    reused_failed = reused && is_stale_connection(wec);
    conn.reset();
    co_return failure("sending to " + where + " failed: " + (wec == beast::error::timeout ? "timed out" : wec.message()));
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  if (req.method() == http::verb::head) {
    parser.skip(true);
  }
  boost::system::error_code rec;
  if (conn->tls) {
    std::tie(rec, std::ignore) = co_await http::async_read(*conn->tls, conn->buffer, parser, use_tuple);
  } else {
    std::tie(rec, std::ignore) = co_await http::async_read(*conn->plain, conn->buffer, parser, use_tuple);
  }
  if (rec) {
    reused_failed = reused && !parser.got_some() && is_stale_connection(rec);
    conn.reset();
    co_return failure("reading the answer from " + where + " failed: " +
                      (rec == beast::error::timeout ? std::string{"timed out"} : rec.message()));
  }

  auto& res = parser.get();
  core::outbound_response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(lower(field.name_string()), std::string{field.value()});
  }
  out.body = std::move(res.body());
  if (!res.keep_alive()) {
    conn.reset();
  }
  co_return out;
}

asio::awaitable<core::outbound_response> http_client::send(const core::outbound_request& request) {
  auto url = boost::urls::parse_uri(request.url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
    co_return failure("not an http:// or https:// URL: " + request.url);
  }
  target t;
  t.tls = url->scheme() == "https";
  t.host = url->host();
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  const std::string default_port = t.tls ? "443" : "80";
  t.port = url->has_port() ? std::string{url->port()} : default_port;
  t.host_header = std::string{url->encoded_host_and_port()};
  t.ca_file = request.ca_file;
  std::string origin_target = url->encoded_path().empty() ? "/" : std::string{url->encoded_path()};
  if (url->has_query()) {
    origin_target += "?" + std::string{url->encoded_query()};
  }
  t.proxy = proxy_.for_target(url->scheme(), t.host);
  t.authority = std::string{url->encoded_host()} + ":" + t.port;
  // Through a plain-http proxy the request line carries the absolute URL.
  t.request_target =
      t.proxy && !t.tls ? std::string{url->scheme()} + "://" + t.host_header + origin_target : origin_target;
  t.key = std::string{url->scheme()} + "://" + t.host + ":" + t.port + "|" + t.ca_file + "|" +
          (t.proxy ? t.proxy->host + ":" + t.proxy->port : "");

  std::unique_ptr<connection> conn = take_idle(t.key);
  bool reused_failed = false;
  core::outbound_response out = co_await attempt(t, request, conn, reused_failed);
  if (reused_failed) {
    conn.reset();
    reused_failed = false;
    out = co_await attempt(t, request, conn, reused_failed);
  }
  if (conn) {
    put_idle(t.key, std::move(conn));
  }
  co_return out;
}

}  // namespace leadsync::daemon
