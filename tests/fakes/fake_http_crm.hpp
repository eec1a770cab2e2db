#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::tests {

// One request as the fake received it. Header names are lower-cased; a
// repeated header keeps its last value.
struct recorded_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::steady_clock::time_point received_at;
  std::uint64_t connection_id = 0;  // requests on one keep-alive connection share it
  unsigned answered_status = 0;     // the status the fake chose; 0 = connection closed unanswered

  // The value of a header (name in any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// What the fake does with a request. A default-constructed fault answers
// 200 {"status":"ok"} at once.
struct fault {
  unsigned status = 200;
  std::optional<std::string> retry_after;  // sent as Retry-After when set
  std::chrono::milliseconds delay{0};      // wait this long before answering (or closing)
  bool close_without_answer = false;
  std::optional<std::string> body;  // the answer's body instead of the default one
};

using request_predicate = std::function<bool(const std::vector<recorded_request>&)>;

// An in-process HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel)
// standing in for a CRM. It serves on its own thread from construction to
// destruction and records every request before acting on it.
//
// Faults: set_fault(f, n) applies f to the next n requests, set_fault(f)
// to every request until heal(). All public functions are thread-safe.
class fake_http_crm {
 public:
  fake_http_crm();
  ~fake_http_crm();
  fake_http_crm(const fake_http_crm&) = delete;
  fake_http_crm& operator=(const fake_http_crm&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "http://127.0.0.1:<port><path>"
  [[nodiscard]] std::string url(std::string_view path) const;

  void set_fault(const fault& f, std::optional<std::size_t> count = std::nullopt);
  void fail_with_status(unsigned status, std::optional<std::size_t> count = std::nullopt,
                        std::optional<std::string> retry_after = std::nullopt);
  void delay_responses(std::chrono::milliseconds delay,
                       std::optional<std::size_t> count = std::nullopt);
  void close_connections(std::optional<std::size_t> count = std::nullopt);
  // Back to answering 200 at once.
  void heal();

  [[nodiscard]] std::vector<recorded_request> requests() const;
  [[nodiscard]] std::size_t request_count() const;
  void clear_requests();

  // Re-evaluates pred on the recorded requests whenever one arrives (and
  // at least every 50 ms) until it holds (true) or timeout passes (false).
  // pred runs under the fake's lock: it must not call back into the fake.
  [[nodiscard]] bool wait_for(const request_predicate& pred,
                              std::chrono::milliseconds timeout) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace leadsync::tests
