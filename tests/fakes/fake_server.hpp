#pragma once

// The transport shared by fake_salesforce and fake_hubspot: an in-process
// HTTP/1.1 server (keep-alive, optionally TLS) on 127.0.0.1, port chosen by
// the kernel, serving on its own thread from construction to destruction.
// It records every request, hands it to the owner's handler and sends what
// the handler decides (after a delay, or not at all). Beast stays inside
// fake_server.cpp so the fakes themselves compile quickly.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/fakes/fake_http_crm.hpp"
#include "tests/fakes/test_certificate.hpp"

namespace leadsync::tests::fakes {

struct fake_reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait before answering (or closing)
  bool drop = false;                   // close the connection without answering
};

// Called on the server thread, one request at a time. Exceptions become 500.
using fake_handler = std::function<fake_reply(const recorded_request&)>;

class fake_server {
 public:
  // Serves HTTPS only when tls is given, else plain HTTP. Throws when the
  // socket or the TLS context cannot be set up.
  fake_server(fake_handler handler, const std::optional<test_certificate>& tls);
  ~fake_server();
  fake_server(const fake_server&) = delete;
  fake_server& operator=(const fake_server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "http://127.0.0.1:<port>" or "https://127.0.0.1:<port>", no trailing slash.
  [[nodiscard]] std::string base_url() const;

  [[nodiscard]] std::vector<recorded_request> requests() const;
  [[nodiscard]] std::size_t request_count() const;
  void clear_requests();

  // Evaluates pred (without any lock held, so it may call the fake) now,
  // after every handled request and at least every 50 ms, until it holds
  // (true) or timeout passes (false).
  [[nodiscard]] bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A fault that applies to the next `remaining` matching calls, or to all of
// them until cleared (remaining == nullopt). Not thread-safe by itself: the
// owning fake guards it with its state lock.
template <class T>
struct counted_fault {
  std::optional<T> value;
  std::optional<std::size_t> remaining;

  void arm(T v, std::optional<std::size_t> count) {
    if (count && *count == 0) {
      clear();
      return;
    }
    value = std::move(v);
    remaining = count;
  }
  void clear() {
    value.reset();
    remaining.reset();
  }
  // The fault for this call when one is armed and `matches` it; counts it down.
  template <class Pred>
  std::optional<T> take(Pred&& matches) {
    if (!value || !matches(*value)) {
      return std::nullopt;
    }
    std::optional<T> out = value;
    if (remaining && --*remaining == 0) {
      clear();
    }
    return out;
  }
};

// ---- small helpers both fakes use -------------------------------------------

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_ci(std::string_view s, std::string_view prefix);
// n random bytes, hex-encoded (OpenSSL RAND_bytes).
std::string random_hex(std::size_t bytes);
// "2026-11-03T10:15:30.123+0000" (Salesforce) or with use_z "...30.123Z" (HubSpot).
std::string iso8601_utc(std::chrono::system_clock::time_point t, bool use_z);
// The value of an "Authorization: Bearer <token>" header, or "" when absent/other scheme.
std::string bearer_token(const recorded_request& r);
// The request target split at '?': the path and the raw query (without '?').
std::pair<std::string, std::string> split_target(std::string_view target);

}  // namespace leadsync::tests::fakes
