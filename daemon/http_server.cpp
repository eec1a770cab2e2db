#include "daemon/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <random>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

namespace leadsync::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using response = http::response<http::string_body>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

response json_response(http::status status, const json::object& body, bool keep_alive) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::server, "leadsyncd");
  res.body() = json::serialize(body);
  res.body() += '\n';
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

response error_response(http::status status, std::string_view code, std::string_view message, bool keep_alive) {
  return json_response(status, json::object{{"error", code}, {"message", message}}, keep_alive);
}

http::status status_of(core::error_kind kind) {
  switch (kind) {
    case core::error_kind::malformed:
      return http::status::bad_request;
    case core::error_kind::unmappable:
      return http::status::unprocessable_entity;
    case core::error_kind::unauthorized:
      return http::status::unauthorized;
    case core::error_kind::unsupported_media:
      return http::status::unsupported_media_type;
    case core::error_kind::too_large:
      return http::status::payload_too_large;
    case core::error_kind::internal:
      break;
  }
  return http::status::service_unavailable;
}

// Hands events to the writer and resumes the coroutine on its own executor
// once they are committed.
template <typename Token>
auto async_submit(writer& w, std::vector<core::event> events, Token&& token) {
  return asio::async_initiate<Token, void(writer::append_result)>(
      [&w](auto handler, std::vector<core::event> evs) {
        auto ex = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        w.submit(std::move(evs), [h, ex](writer::append_result r) {
          asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        });
      },
      token, std::move(events));
}

core::inbound_request to_inbound(const http::request<http::string_body>& req, const std::string& peer) {
  core::inbound_request in;
  in.method = std::string{req.method_string()};
  in.target = std::string{req.target()};
  for (const auto& field : req) {
    std::string name{field.name_string()};
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    in.headers.emplace_back(std::move(name), std::string{field.value()});
  }
  in.body = req.body();
  in.peer = peer;
  return in;
}

// The caller's X-Request-Id when it is a sane token, else a fresh one: it
// goes back in the answer and into every log line about the request, so an
// operator can find a sender's complaint in the journal.
std::string request_id(const http::request<http::string_body>& req) {
  const auto given = req["x-request-id"];
  const bool usable = !given.empty() && given.size() <= 64 &&
                      std::all_of(given.begin(), given.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
                      });
  if (usable) {
    return std::string{given};
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// The label a request counts under in leadsync_webhooks_total: the source's
// configured name (a view of the table's key), "" for /hooks/<unknown>, and
// nullopt for paths that are not webhooks.
std::optional<std::string_view> hook_label(std::string_view target, const source_table& sources) {
  constexpr std::string_view hooks = "/hooks/";
  const std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with(hooks)) {
    return std::nullopt;
  }
  const auto it = sources.find(path.substr(hooks.size()));
  return it == sources.end() ? std::string_view{} : std::string_view{it->first};
}

// Peers are compared as IPv6: IPv4 (and IPv4-mapped IPv6) as ::ffff:a.b.c.d,
// the form allow_from's IPv4 blocks are kept in.
bool allowed(const std::vector<config::address_range>& ranges, const asio::ip::address& address) {
  const asio::ip::address_v6 v6 =
      address.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()) : address.to_v6();
  const asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
  std::array<unsigned char, 16> raw{};
  std::copy(bytes.begin(), bytes.end(), raw.begin());
  return std::any_of(ranges.begin(), ranges.end(), [&](const config::address_range& r) { return r.contains(raw); });
}

std::shared_ptr<asio::ssl::context> make_tls_context(const config::tls_config& tls) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), tls.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  beast::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file.string(), ec);
  if (ec) {
    throw std::runtime_error("[server.tls] cert_file " + tls.cert_file.string() + " is not a usable PEM certificate: " +
                             ec.message());
  }
  ctx->use_private_key_file(tls.key_file.string(), asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("[server.tls] key_file " + tls.key_file.string() + " is not a usable PEM private key: " +
                             ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw std::runtime_error("[server.tls] key_file " + tls.key_file.string() +
                             " does not belong to the certificate in " + tls.cert_file.string());
  }
  return ctx;
}

}  // namespace

http_server::http_server(asio::io_context& ioc, const config::server_config& options, source_table sources,
                         writer& w, std::function<std::string()> metrics)
    : ioc_(ioc),
      options_(options),
      sources_(std::make_shared<const source_table>(std::move(sources))),
      writer_(w),
      metrics_(std::move(metrics)),
      acceptor_(ioc) {}

void http_server::replace_sources(source_table sources) {
  sources_.store(std::make_shared<const source_table>(std::move(sources)));
}

void http_server::start() {
  if (options_.tls) {
    tls_.store(make_tls_context(*options_.tls));
  }
  const tcp::endpoint ep{asio::ip::make_address(options_.listen_address), options_.listen_port};
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

bool http_server::reload_tls() {
  if (!options_.tls) {
    return true;
  }
  auto log = spdlog::get("http");
  try {
    tls_.store(make_tls_context(*options_.tls));
  } catch (const std::exception& e) {
    log->error("TLS reload failed, the previous certificate stays error=\"{}\"", e.what());
    return false;
  }
  log->info("TLS certificate reloaded cert_file={}", options_.tls->cert_file.string());
  return true;
}

tcp::endpoint http_server::local_endpoint() const { return acceptor_.local_endpoint(); }

void http_server::stop_accepting() {
  stopping_ = true;
  asio::post(ioc_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> http_server::accept_loop() {
  bool refusing = false;  // log the start of a flood once, not every refused connection
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), use_tuple);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) {
        break;
      }
      spdlog::get("http")->warn("accept failed error=\"{}\"", ec.message());
      continue;
    }
    auto ex = socket.get_executor();
    if (webhooks_.connections() >= options_.max_connections) {
      if (!refusing) {
        spdlog::get("http")->warn("max_connections ({}) reached; refusing new connections until some close",
                                  options_.max_connections);
        refusing = true;
      }
      asio::co_spawn(ex, refuse(std::move(socket)), asio::detached);
      continue;
    }
    refusing = false;
    // Counted here, not in the session, so the next accept already sees it.
    webhooks_.connection_opened();
    asio::co_spawn(ex, session(std::move(socket)), asio::detached);
  }
}

// Over the limit, a plain-HTTP client gets a clear 503 it can retry on
// (rather than hanging in the listen backlog); a TLS client cannot be
// answered without a handshake, so its connection is just closed.
asio::awaitable<void> http_server::refuse(tcp::socket socket) {
  webhooks_.connection_refused();
  beast::error_code ignored;
  if (tls_.load() != nullptr) {
    socket.close(ignored);
    co_return;
  }
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds{1});
  auto res = error_response(http::status::service_unavailable, "too_many_connections",
                            "leadsyncd has max_connections (" + std::to_string(options_.max_connections) +
                                ") connections open; retry shortly",
                            false);
  res.set(http::field::retry_after, "1");
  auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  // Closing with the request still unread would reset the connection and
  // could destroy the answer before the client reads it: drain briefly.
  char sink[1024];
  while (!wec) {
    auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (rec) {
      break;
    }
  }
}

asio::awaitable<void> http_server::session(tcp::socket socket) {
  struct counted {
    webhook_metrics& metrics;
    ~counted() { metrics.connection_closed(); }
  } guard{webhooks_};
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const asio::ip::address address = ec ? asio::ip::address{} : remote.address();
  const std::string peer = ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ignored;

  const std::shared_ptr<asio::ssl::context> tls = tls_.load();  // kept for the connection's life
  if (tls == nullptr) {
    co_await serve(stream, address, peer);
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // After an early answer (413, 431) the rest of the request is unread;
    // closing now would reset the connection and could destroy the answer
    // before the client reads it. Drain briefly and boundedly instead.
    stream.expires_after(std::chrono::seconds{1});
    char sink[4096];
    for (std::size_t drained = 0; drained < 256 * 1024;) {
      auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
      if (rec) {
        break;
      }
      drained += rn;
    }
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
  secure.next_layer().expires_after(options_.header_timeout);
  auto [hec] = co_await secure.async_handshake(asio::ssl::stream_base::server, use_tuple);
  if (hec) {
    spdlog::get("http")->debug("TLS handshake failed peer={} error=\"{}\"", peer, hec.message());
    co_return;
  }
  co_await serve(secure, address, peer);
  secure.next_layer().expires_after(std::chrono::seconds{1});
  co_await secure.async_shutdown(use_tuple);
}

template <typename Stream>
asio::awaitable<void> http_server::serve(Stream& stream, const asio::ip::address& address, const std::string& peer) {
  auto& transport = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  bool first = true;

  for (;;) {
    if (first) {
      // A new connection must deliver its whole first header within
      // header_timeout of the accept (or handshake): a slowloris client
      // trickling bytes cannot hold it.
      transport.expires_after(options_.header_timeout);
    } else if (buffer.size() == 0) {
      // Kept alive: wait up to idle_timeout for the next request to start,
      // then it gets header_timeout like the first.
      transport.expires_after(options_.idle_timeout);
      auto [iec, in] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (iec) {
        break;
      }
      buffer.commit(in);
      transport.expires_after(options_.header_timeout);
    } else {
      transport.expires_after(options_.header_timeout);
    }
    first = false;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (hec == http::error::header_limit) {
      auto res = error_response(http::status::request_header_fields_too_large, "header_too_large",
                                "the request header is larger than max_header_bytes (" +
                                    std::to_string(options_.max_header_bytes) + " bytes)",
                                false);
      transport.expires_after(options_.body_timeout);
      co_await http::async_write(stream, res, use_tuple);
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    const std::shared_ptr<const source_table> sources = sources_.load();
    const std::optional<std::string_view> label =
        hec ? std::nullopt : hook_label(parser.get().target(), *sources);
    if (!hec && parser.get()[http::field::expect] == "100-continue") {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream, cont, use_tuple);
    }
    beast::error_code rec = hec;
    if (!rec) {
      transport.expires_after(options_.body_timeout);
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
      rec = bec;
    }
    if (rec == http::error::body_limit) {
      auto res = error_response(http::status::payload_too_large, "body_too_large",
                                "the body is larger than max_body_bytes (" +
                                    std::to_string(options_.max_body_bytes) + " bytes)",
                                false);
      if (label) {
        webhooks_.record(*label, res.result_int(), std::chrono::steady_clock::now() - started);
      }
      transport.expires_after(options_.body_timeout);
      co_await http::async_write(stream, res, use_tuple);
      break;
    }
    if (rec) {
      if (rec != http::error::end_of_stream && rec != beast::error::timeout &&
          rec != asio::error::connection_reset && rec != asio::ssl::error::stream_truncated) {
        auto res = error_response(http::status::bad_request, "bad_request",
                                  "the request is not valid HTTP/1.1: " + rec.message(), false);
        transport.expires_after(options_.body_timeout);
        co_await http::async_write(stream, res, use_tuple);
      }
      break;
    }

    ++in_flight_;
    http::request<http::string_body> req = parser.release();
    const std::string rid = request_id(req);
    transport.expires_never();  // the commit may take a while; the client's patience is its own
    response res = co_await handle(req, *sources, address, peer, rid);
    if (label) {
      webhooks_.record(*label, res.result_int(), std::chrono::steady_clock::now() - started);
    }
    res.set("x-request-id", rid);
    res.keep_alive(req.keep_alive() && !stopping_);
    transport.expires_after(options_.body_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
    --in_flight_;
    if (wec || !res.keep_alive()) {
      break;
    }
  }
}

asio::awaitable<response> http_server::handle(const http::request<http::string_body>& req,
                                              const source_table& sources, const asio::ip::address& address,
                                              const std::string& peer, const std::string& rid) {
  const bool keep = req.keep_alive();
  std::string_view path = req.target();
  path = path.substr(0, path.find('?'));

  if (path == "/healthz") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      auto res = error_response(http::status::method_not_allowed, "method_not_allowed", "use GET", keep);
      res.set(http::field::allow, "GET, HEAD");
      co_return res;
    }
    co_return json_response(http::status::ok, json::object{{"status", "ok"}}, keep);
  }

  if (path == "/readyz") {
    // Ready = worth sending webhooks to: not shutting down, and the last
    // commit worked (a full disk or a locked database makes us answer 503).
    if (stopping_) {
      co_return error_response(http::status::service_unavailable, "shutting_down", "leadsyncd is stopping", keep);
    }
    if (!writer_.storage_ok()) {
      co_return error_response(http::status::service_unavailable, "storage_unavailable",
                               "the last commit to the database failed", keep);
    }
    co_return json_response(http::status::ok, json::object{{"status", "ready"}}, keep);
  }

  if (path == "/metrics") {
    if (req.method() != http::verb::get) {
      auto res = error_response(http::status::method_not_allowed, "method_not_allowed", "use GET", keep);
      res.set(http::field::allow, "GET");
      co_return res;
    }
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metrics_() + webhook_metrics_text();
    res.keep_alive(keep);
    res.prepare_payload();
    co_return res;
  }

  constexpr std::string_view hooks = "/hooks/";
  if (!path.starts_with(hooks)) {
    co_return error_response(http::status::not_found, "not_found", "no such path; webhooks go to /hooks/<source>",
                             keep);
  }
  const std::string_view name = path.substr(hooks.size());
  if (req.method() != http::verb::post) {
    auto res = error_response(http::status::method_not_allowed, "method_not_allowed", "webhooks must be POSTed",
                              keep);
    res.set(http::field::allow, "POST");
    co_return res;
  }
  auto it = sources.find(name);
  if (it == sources.end()) {
    co_return error_response(http::status::not_found, "unknown_source",
                             "no source named '" + std::string{name} + "' is configured", keep);
  }

  auto log = spdlog::get("http");
  // Before the signature: a peer outside the list learns nothing about it.
  if (const auto& ranges = it->second.allow_from; !ranges.empty() && !allowed(ranges, address)) {
    log->warn("webhook refused request_id={} source={} peer={} status=403 error=forbidden", rid, name, peer);
    co_return error_response(http::status::forbidden, "forbidden",
                             "requests from " + address.to_string() + " are not allowed for source " +
                                 std::string{name},
                             keep);
  }
  const core::inbound_request in = to_inbound(req, peer);
  const auto now = core::now_utc();
  if (const auto& sig = it->second.signature; sig != nullptr) {
    if (auto bad = sig->verify(in, now)) {
      log->warn("webhook refused request_id={} source={} peer={} status=401 error={}", rid, name, peer, bad->code);
      co_return error_response(http::status::unauthorized, bad->code, bad->message, keep);
    }
  }
  auto parsed = it->second.parser->parse(in, now);
  if (!parsed) {
    const auto& err = parsed.failure();
    log->info("webhook refused request_id={} source={} peer={} status={} error={}", rid, name, peer,
              static_cast<int>(status_of(err.kind)), err.code);
    co_return error_response(status_of(err.kind), err.code, err.message, keep);
  }
  std::vector<core::event> events = std::move(parsed.value());
  for (auto& e : events) {
    e.source = std::string{name};
    e.received_at = now;
  }
  const std::size_t count = events.size();
  if (count == 0) {
    // A well-formed delivery this source has nothing to take from (e.g. a
    // Stripe event type leadsyncd does not use): acknowledge it, store nothing.
    log->debug("webhook ignored request_id={} source={} peer={}", rid, name, peer);
    co_return json_response(http::status::ok, json::object{{"status", "ignored"}}, keep);
  }
  auto committed = co_await async_submit(writer_, std::move(events), asio::use_awaitable);
  if (!committed) {
    auto res = error_response(http::status::service_unavailable, committed.failure().code,
                              committed.failure().message, keep);
    res.set(http::field::retry_after, "5");
    co_return res;
  }
  const auto inserted = static_cast<std::int64_t>(
      std::count(committed->begin(), committed->end(), core::append_status::inserted));
  log->debug("webhook accepted request_id={} source={} peer={} events={} new={}", rid, name, peer, count, inserted);
  if (inserted == 0) {
    co_return json_response(http::status::ok, json::object{{"status", "duplicate"}}, keep);
  }
  json::object body{{"status", "accepted"}, {"events", inserted}};
  if (static_cast<std::size_t>(inserted) < count) {
    body["duplicates"] = static_cast<std::int64_t>(count) - inserted;
  }
  co_return json_response(http::status::accepted, body, keep);
}

}  // namespace leadsync::daemon
