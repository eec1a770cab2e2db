#include "daemon/transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace leadsync::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_response_bytes = 8 * 1024 * 1024;

core::outbound_response failure(std::string what) {
  core::outbound_response r;
  r.transport_error = std::move(what);
  return r;
}

core::outbound_response append_to_file(const core::outbound_request& request) {
  const std::filesystem::path path = request.url.substr(std::string_view{"file:"}.size());
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return failure("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::string_view rest = request.body;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return failure("cannot write " + path.string() + ": " + why);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  const bool synced = ::fdatasync(fd) == 0;
  const std::string why = synced ? "" : std::strerror(errno);
  ::close(fd);
  if (!synced) {
    return failure("cannot sync " + path.string() + ": " + why);
  }
  core::outbound_response ok;
  ok.status = 200;
  return ok;
}

asio::awaitable<core::outbound_response> send_http(const core::outbound_request& request) {
  auto url = boost::urls::parse_uri(request.url);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    co_return failure("not an http:// URL: " + request.url);
  }
  const std::string host = url->host();
  const std::string port = url->has_port() ? std::string{url->port()} : "80";
  std::string target = url->encoded_path().empty() ? "/" : std::string{url->encoded_path()};
  if (url->has_query()) {
    target += "?" + std::string{url->encoded_query()};
  }

  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
  if (rec) {
    co_return failure("cannot resolve " + host + ": " + rec.message());
  }
  beast::tcp_stream stream(ex);
  stream.expires_after(request.timeout);
  auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
  if (cec) {
    co_return failure("cannot connect to " + host + ":" + port + ": " + cec.message());
  }

  http::request<http::string_body> req{http::string_to_verb(request.method), target, 11};
  req.set(http::field::host, url->has_port() ? host + ":" + port : host);
  req.set(http::field::user_agent, "leadsyncd/0.1");
  for (const auto& [name, value] : request.headers) {
    req.set(name, value);
  }
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();

  auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
  if (wec) {
    co_return failure("sending to " + host + ":" + port + " failed: " + wec.message());
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  auto [rdec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (rdec) {
    co_return failure("reading the answer from " + host + ":" + port + " failed: " +
                      (rdec == beast::error::timeout ? std::string{"timed out"} : rdec.message()));
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto& res = parser.get();
  core::outbound_response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name{field.name_string()};
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.headers.emplace_back(std::move(name), std::string{field.value()});
  }
  out.body = std::move(res.body());
  co_return out;
}

}  // namespace

asio::awaitable<core::outbound_response> send(const core::outbound_request& request) {
  if (request.url.starts_with("file:")) {
    co_return append_to_file(request);
  }
  co_return co_await send_http(request);
}

}  // namespace leadsync::daemon
