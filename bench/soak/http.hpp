#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace leadsync::bench {

struct http_answer {
  unsigned status = 0;
  std::string body;
};

// One keep-alive HTTP/1.1 connection to 127.0.0.1:<port>, reopened when the
// server closed it. A failed request (refused, reset, timeout) is nullopt,
// never an exception: the load must go on while the daemon is busy. Not
// thread-safe: one per load thread.
class keep_alive_client {
 public:
  explicit keep_alive_client(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~keep_alive_client();
  keep_alive_client(const keep_alive_client&) = delete;
  keep_alive_client& operator=(const keep_alive_client&) = delete;

  std::optional<http_answer> get(std::string_view target);
  std::optional<http_answer> post_json(std::string_view target, std::string body);
  [[nodiscard]] int connections_opened() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace leadsync::bench
