#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadsync::tests {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_response {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The value of a header (name in any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// A synchronous HTTP/1.1 client holding one keep-alive connection to
// 127.0.0.1:<port>. Every operation is bounded by the timeout; failures
// (refused, reset, timeout, unparsable response) throw std::runtime_error.
// Not thread-safe: one client per thread.
class http_client {
 public:
  explicit http_client(std::uint16_t port,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  http_response request(std::string_view method, std::string_view target,
                        std::string body = {}, const header_list& headers = {});
  http_response get(std::string_view target, const header_list& headers = {});
  // Sends Content-Type: application/json unless headers name another.
  http_response post(std::string_view target, std::string body,
                     const header_list& headers = {});

  // How many TCP connections this client has opened so far (1 while the
  // server keeps the connection alive).
  [[nodiscard]] int connections_opened() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One request on a fresh connection, closed by the client afterwards.
http_response http_get(std::uint16_t port, std::string_view target);
http_response http_post(std::uint16_t port, std::string_view target, std::string body,
                        const header_list& headers = {});

// GET that reports failure as nullopt instead of throwing (readiness polls).
std::optional<http_response> try_http_get(std::uint16_t port, std::string_view target,
                                          std::chrono::milliseconds timeout);

}  // namespace leadsync::tests
