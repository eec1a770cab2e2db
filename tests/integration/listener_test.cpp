// The webhook listener against hostile or unusual clients: slow and
// flooding clients, oversized headers, TLS (and its reload on SIGHUP),
// per-source allow-lists, and the webhook metrics.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests/fakes/test_certificate.hpp"
#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady = std::chrono::steady_clock;

// A raw TCP connection to the daemon, for clients no HTTP library would be:
// half a header, nothing at all, one byte at a time.
class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) {
      throw std::runtime_error("socket() failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect() failed");
    }
  }
  ~raw_connection() { ::close(fd_); }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // False once the daemon has closed the connection.
  bool send(std::string_view data) const {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }

  // What arrives within `wait`; closed() tells whether the peer closed.
  std::string receive(std::chrono::milliseconds wait) {
    std::string out;
    const auto deadline = steady::now() + wait;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
      if (left.count() <= 0) {
        break;
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        break;
      }
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;  // EOF or reset: either way the daemon let go
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

// SHA-256 of a certificate (DER), as hex.
std::string fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &len) != 1) {
    return {};
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xf];
  }
  return out;
}

std::string fingerprint_of_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  std::string out = fingerprint(cert);
  X509_free(cert);
  return out;
}

struct tls_answer {
  unsigned status = 0;
  std::string body;
  std::string peer_fingerprint;  // of the certificate the daemon presented
};

// One HTTPS request to 127.0.0.1:port, the server verified against ca_file
// (hostname "localhost"). Throws on any failure, including a timeout.
tls_answer tls_request(std::uint16_t port, const std::filesystem::path& ca_file, http::verb method,
                       std::string target, std::string body = {}) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca_file.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  std::optional<tls_answer> answer;
  std::exception_ptr failure;
  auto run = [&]() -> asio::awaitable<void> {
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    co_await beast::get_lowest_layer(stream).async_connect(
        asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, asio::use_awaitable);
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    tls_answer a;
    X509* cert = SSL_get1_peer_certificate(stream.native_handle());
    a.peer_fingerprint = fingerprint(cert);
    X509_free(cert);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    a.status = res.result_int();
    a.body = res.body();
    answer = std::move(a);
  };
  asio::co_spawn(ioc, run(), [&](std::exception_ptr e) { failure = e; });
  ioc.run_for(std::chrono::seconds{10});
  if (failure) {
    std::rethrow_exception(failure);
  }
  if (!answer) {
    throw std::runtime_error("HTTPS request timed out");
  }
  return *answer;
}

// The default config with `keys` added to its [server] table.
std::string with_server_keys(std::string config, std::string_view keys) {
  const std::string table = "[server]\n";
  config.insert(config.find(table) + table.size(), std::string{keys});
  return config;
}

double seconds_since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

class ListenerTest : public daemon_test {
 protected:
  // start_daemon() for a TLS listener: waits for GET /healthz over HTTPS.
  ::testing::AssertionResult start_tls_daemon(const std::filesystem::path& ca_file) {
    return start_daemon_until([&] { return wait_https_healthy(ca_file); });
  }

  ::testing::AssertionResult wait_https_healthy(const std::filesystem::path& ca_file) {
    const auto deadline = steady::now() + health_timeout;
    std::string last = "no answer";
    while (steady::now() < deadline) {
      if (auto exited = daemon_.poll()) {
        return ::testing::AssertionFailure() << "leadsyncd " << exited->describe() << "\n" << daemon_log();
      }
      try {
        if (tls_request(port_, ca_file, http::verb::get, "/healthz").status == 200) {
          return ::testing::AssertionSuccess();
        }
      } catch (const std::exception& e) {
        last = e.what();
      }
      std::this_thread::sleep_for(100ms);
    }
    return ::testing::AssertionFailure() << "no HTTPS /healthz: " << last << "\n" << daemon_log();
  }
};

TEST_F(ListenerTest, SlowHeadersAndBodiesAreCutOffWhileOthersAreServed) {
  write_config_text(with_server_keys(config_text(), "header_timeout_seconds = 2\nbody_timeout_seconds = 2\n"));
  ASSERT_TRUE(start_daemon());

  // Half a header, then nothing; and a client trickling a byte every 300 ms
  // (each read is quick, the header never completes).
  raw_connection silent(port_);
  raw_connection trickle(port_);
  raw_connection slow_body(port_);
  const auto started = steady::now();
  ASSERT_TRUE(silent.send("POST /hooks/website HTTP/1.1\r\nHost: x\r\nContent-Ty"));
  ASSERT_TRUE(slow_body.send("POST /hooks/website HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: 100\r\n\r\n{\"submission_id\":"));
  const std::string header = "POST /hooks/website HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaa\r\n";
  std::size_t sent = 0;
  int served = 0;
  while (!trickle.closed() && seconds_since(started) < 6) {
    if (sent < header.size() && trickle.send(header.substr(sent, 1))) {
      ++sent;
    }
    trickle.receive(300ms);
    // Everyone else is served normally meanwhile.
    EXPECT_EQ(http_get(port_, "/healthz").status, 200U);
    ++served;
  }
  const double trickle_closed_after = seconds_since(started);
  EXPECT_TRUE(trickle.closed());
  EXPECT_LT(sent, header.size()) << "the trickle should not have finished its header";
  EXPECT_GE(trickle_closed_after, 1.5);
  EXPECT_LE(trickle_closed_after, 4.0);
  EXPECT_GE(served, 3);

  silent.receive(std::chrono::milliseconds{static_cast<int>((5.0 - seconds_since(started)) * 1000)});
  EXPECT_TRUE(silent.closed()) << "half a header held the connection for 5 s (header_timeout_seconds = 2)";
  slow_body.receive(std::chrono::milliseconds{static_cast<int>((5.0 - seconds_since(started)) * 1000)});
  EXPECT_TRUE(slow_body.closed()) << "an incomplete body held the connection for 5 s (body_timeout_seconds = 2)";

  EXPECT_EQ(post_hook(website_event("slow-1", "ok@example.com")).status, 202U);
  EXPECT_EQ(metric_reaching("leadsync_http_connections", 1), 1) << "only the /metrics connection is open";
}

TEST_F(ListenerTest, ConnectionFloodIsRefusedWith503AndTheDaemonRecovers) {
  write_config_text(with_server_keys(config_text(), "max_connections = 20\n"));
  ASSERT_TRUE(start_daemon());
  // Only the /metrics request's own connection is open before the flood.
  ASSERT_EQ(metric_reaching("leadsync_http_connections", 1), 1);
  std::this_thread::sleep_for(200ms);  // let that connection's close reach the daemon

  std::vector<std::unique_ptr<raw_connection>> flood;
  for (int i = 0; i < 50; ++i) {
    flood.push_back(std::make_unique<raw_connection>(port_));
  }
  std::this_thread::sleep_for(1s);
  int refused = 0;
  int held = 0;
  for (auto& c : flood) {
    const std::string got = c->receive(50ms);
    if (got.starts_with("HTTP/1.1 503")) {
      ++refused;
      EXPECT_NE(got.find("Retry-After: 1\r\n"), std::string::npos) << got;
      EXPECT_NE(got.find("too_many_connections"), std::string::npos) << got;
    } else {
      EXPECT_EQ(got, "");
      EXPECT_FALSE(c->closed());
      ++held;
    }
  }
  EXPECT_EQ(held, 20);
  EXPECT_EQ(refused, 30);

  // A webhook arriving now is refused the same way, with a clear answer.
  const http_response during = post_hook(website_event("flood-1", "flood@example.com"));
  EXPECT_EQ(during.status, 503U);
  EXPECT_EQ(during.header("retry-after"), "1");

  flood.clear();
  // The daemon notices the closes a moment later; until then it still refuses.
  std::optional<http_response> health;
  int refused_meanwhile = 0;
  for (auto deadline = steady::now() + 5s; steady::now() < deadline; std::this_thread::sleep_for(100ms)) {
    health = try_http_get(port_, "/healthz", 1s);
    if (health && health->status == 200) {
      break;
    }
    refused_meanwhile += health && health->status == 503 ? 1 : 0;
  }
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200U);
  EXPECT_EQ(post_hook(website_event("flood-1", "flood@example.com")).status, 202U);
  EXPECT_EQ(metric("leadsync_http_connections_refused_total"), 31 + refused_meanwhile);
  EXPECT_EQ(metric_reaching("leadsync_http_connections", 1), 1);
  EXPECT_FALSE(daemon_.poll()) << "the daemon must stay up";
}

TEST_F(ListenerTest, HeaderOverMaxHeaderBytesGets431) {
  write_config_text(with_server_keys(config_text(), "max_header_bytes = 4096\n"));
  ASSERT_TRUE(start_daemon());
  const http_response small = post_hook(website_event("hdr-1", "hdr@example.com"));
  EXPECT_EQ(small.status, 202U);

  http_client client(port_);
  const http_response res =
      client.post("/hooks/website", website_event("hdr-2", "hdr2@example.com"), {{"X-Padding", std::string(5000, 'a')}});
  EXPECT_EQ(res.status, 431U);
  const auto body = parse_object(res.body);
  ASSERT_TRUE(body) << res.body;
  EXPECT_EQ(string_field(*body, "error"), "header_too_large");
  EXPECT_NE(string_field(*body, "message").find("max_header_bytes (4096 bytes)"), std::string::npos);
}

TEST_F(ListenerTest, HttpsWebhookWithAVerifiedCertificate) {
  const test_certificate cert(dir_.path() / "tls");
  write_config_text(config_text() + "\n[server.tls]\ncert_file = \"" + cert.cert_file().string() +
                    "\"\nkey_file = \"" + cert.key_file().string() + "\"\n");
  ASSERT_TRUE(start_tls_daemon(cert.cert_file()));

  const tls_answer a =
      tls_request(port_, cert.cert_file(), http::verb::post, "/hooks/website", website_event("tls-1", "tls@example.com"));
  EXPECT_EQ(a.status, 202U) << a.body;
  EXPECT_EQ(a.peer_fingerprint, fingerprint_of_pem(cert.cert_pem()));

  // Plain HTTP to the TLS port gets no HTTP answer.
  const auto plain = try_http_get(port_, "/healthz", 2s);
  EXPECT_FALSE(plain && plain->status == 200);

  // A client that trusts another certificate refuses the daemon's.
  const test_certificate other(dir_.path() / "other");
  EXPECT_THROW(tls_request(port_, other.cert_file(), http::verb::get, "/healthz"), std::exception);
  EXPECT_FALSE(daemon_.poll());
}

TEST_F(ListenerTest, SighupLoadsARenewedCertificateAndKeepsTheOldOneWhenTheNewIsBad) {
  const test_certificate first(dir_.path() / "first");
  const test_certificate second(dir_.path() / "second");
  const auto live = dir_.path() / "live";
  std::filesystem::create_directories(live);
  write_text_file(live / "cert.pem", first.cert_pem());
  write_text_file(live / "key.pem", first.key_pem());
  write_config_text(config_text() + "\n[server.tls]\ncert_file = \"live/cert.pem\"\nkey_file = \"live/key.pem\"\n" +
                    "min_version = \"1.2\"\n");
  ASSERT_TRUE(start_tls_daemon(first.cert_file()));
  EXPECT_EQ(tls_request(port_, first.cert_file(), http::verb::get, "/healthz").peer_fingerprint,
            fingerprint_of_pem(first.cert_pem()));

  write_text_file(live / "cert.pem", second.cert_pem());
  write_text_file(live / "key.pem", second.key_pem());
  daemon_.send_signal(SIGHUP);
  ASSERT_TRUE(wait_for_log("TLS certificate reloaded", 10s)) << daemon_log();
  // A SIGHUP during a reload is ignored: let this one finish first.
  ASSERT_TRUE(wait_for_log("configuration reloaded", 10s)) << daemon_log();
  const tls_answer renewed = tls_request(port_, second.cert_file(), http::verb::get, "/healthz");
  EXPECT_EQ(renewed.status, 200U);
  EXPECT_EQ(renewed.peer_fingerprint, fingerprint_of_pem(second.cert_pem()));

  // A certificate that does not match the key: logged, and the second stays.
  write_text_file(live / "cert.pem", first.cert_pem());
  daemon_.send_signal(SIGHUP);
  ASSERT_TRUE(wait_for_log("TLS reload failed", 10s)) << daemon_log();
  EXPECT_NE(daemon_log().find("TLS reload failed, the previous certificate stays error=\"[server.tls] key_file "),
            std::string::npos);
  const tls_answer kept = tls_request(port_, second.cert_file(), http::verb::get, "/healthz");
  EXPECT_EQ(kept.status, 200U);
  EXPECT_EQ(kept.peer_fingerprint, fingerprint_of_pem(second.cert_pem()));
  EXPECT_EQ(daemon_log().find("PRIVATE KEY"), std::string::npos) << "no key material in the log";
}

TEST_F(ListenerTest, AllowFromRefusesPeersOutsideTheListBeforeTheSignature) {
  std::string config = config_text();
  const std::string website = "[sources.website]\nformat = \"generic\"\n";
  config.insert(config.find(website) + website.size(), "allow_from = [\"10.0.0.0/8\", \"127.0.0.1\"]\n");
  config +=
      "\n[sources.lan]\nformat = \"generic\"\nallow_from = [\"10.1.2.0/24\", \"2001:db8::/32\"]\n"
      "map = { event_id = \"/submission_id\", email = \"/email\" }\n"
      "defaults = { kind = \"form_submit\" }\n"
      "[sources.lan.signature]\nscheme = \"header-token\"\nheader = \"X-Token\"\nsecrets = [\"lan-token\"]\n";
  write_config_text(config);
  ASSERT_TRUE(start_daemon());

  EXPECT_EQ(post_hook(website_event("allow-1", "allowed@example.com")).status, 202U);
  // No token either: the 403 comes first.
  const http_response refused = post_hook(website_event("allow-2", "lan@example.com"), "lan");
  EXPECT_EQ(refused.status, 403U) << refused.body;
  const auto body = parse_object(refused.body);
  ASSERT_TRUE(body) << refused.body;
  EXPECT_EQ(string_field(*body, "error"), "forbidden");
  EXPECT_NE(string_field(*body, "message").find("127.0.0.1 are not allowed for source lan"), std::string::npos)
      << refused.body;
  const http_response with_token = http_post(port_, "/hooks/lan", website_event("allow-3", "lan@example.com"),
                                             {{"X-Token", "lan-token"}});
  EXPECT_EQ(with_token.status, 403U);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"lan\",status=\"403\"}"), 2);
  EXPECT_TRUE(wait_for_log("status=403 error=forbidden", 5s));
}

TEST_F(ListenerTest, WebhookMetricsAfterAKnownSequence) {
  daemon_options options;
  options.extra_toml =
      "[sources.signed]\nformat = \"generic\"\n"
      "map = { event_id = \"/submission_id\", email = \"/email\" }\n"
      "defaults = { kind = \"form_submit\" }\n"
      "[sources.signed.signature]\nscheme = \"header-token\"\nheader = \"X-Token\"\nsecrets = [\"t0ken\"]\n";
  write_config(options);
  ASSERT_TRUE(start_daemon());

  EXPECT_EQ(post_hook(website_event("m-1", "one@example.com")).status, 202U);
  EXPECT_EQ(post_hook(website_event("m-2", "two@example.com")).status, 202U);
  EXPECT_EQ(post_hook(website_event("m-1", "one@example.com")).status, 200U);  // duplicate
  EXPECT_EQ(post_hook(website_event("m-3", "three@example.com"), "signed").status, 401U);
  EXPECT_EQ(post_hook(website_event("m-4", "four@example.com"), "nosuch").status, 404U);
  EXPECT_EQ(http_get(port_, "/healthz").status, 200U);  // not a webhook: counted nowhere

  const std::string text = metrics();
  EXPECT_NE(text.find("# TYPE leadsync_webhooks_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE leadsync_webhook_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE leadsync_http_connections gauge\n"), std::string::npos);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"website\",status=\"202\"}"), 2);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"website\",status=\"200\"}"), 1);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"signed\",status=\"401\"}"), 1);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"\",status=\"404\"}"), 1);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"nosuch\",status=\"404\"}"), std::nullopt);
  EXPECT_EQ(metric("leadsync_webhooks_total{source=\"website\",status=\"401\"}"), std::nullopt);

  EXPECT_EQ(metric("leadsync_webhook_duration_seconds_count{source=\"website\"}"), 3);
  EXPECT_EQ(metric("leadsync_webhook_duration_seconds_count{source=\"signed\"}"), 1);
  EXPECT_EQ(metric("leadsync_webhook_duration_seconds_count{source=\"\"}"), 1);
  EXPECT_EQ(metric("leadsync_webhook_duration_seconds_bucket{source=\"website\",le=\"+Inf\"}"), 3);
  // Buckets are cumulative and never decrease.
  long long previous = 0;
  for (const char* le : {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5"}) {
    const auto n =
        metric("leadsync_webhook_duration_seconds_bucket{source=\"website\",le=\"" + std::string{le} + "\"}");
    ASSERT_TRUE(n) << le;
    EXPECT_GE(*n, previous) << le;
    previous = *n;
  }
  EXPECT_NE(text.find("leadsync_webhook_duration_seconds_sum{source=\"website\"} "), std::string::npos);
  EXPECT_EQ(metric("leadsync_http_connections_refused_total"), 0);
  EXPECT_EQ(metric_reaching("leadsync_http_connections", 1), 1);  // the /metrics request's own
}

}  // namespace
}  // namespace leadsync::tests
