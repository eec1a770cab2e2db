#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/fake_http_crm.hpp"
#include "tests/fakes/test_certificate.hpp"

namespace leadsync::tests {

// What kind of call a request to the fake HubSpot is.
enum class hs_call {
  batch_upsert,  // POST /crm/v3/objects/contacts/batch/upsert
  batch_update,  // POST /crm/v3/objects/contacts/batch/update
  read,          // GET /crm/v3/objects/contacts/{id}[?idProperty=email]
  update,        // PATCH /crm/v3/objects/contacts/{id}[?idProperty=email]
  property,      // GET /crm/v3/properties/contacts/lifecyclestage
  other
};

struct fake_hubspot_options {
  std::string access_token = "pat-na1-fake-token";
  // lifecyclestage values, earliest first: the forward-only order and the
  // set of valid options.
  std::vector<std::string> lifecycle_order = {"subscriber",  "lead",     "marketingqualifiedlead",
                                              "salesqualifiedlead", "opportunity", "customer",
                                              "evangelist",  "other"};
  // Property names a write may set; nullopt = any.
  std::optional<std::set<std::string>> allowed_properties;
  std::size_t max_batch_inputs = 100;

  // Rate limit headers; the rolling window is only enforced (429 when more
  // than rolling_max calls fall in one interval) with enforce_rolling_limit.
  std::uint64_t rolling_max = 100;
  std::chrono::milliseconds rolling_interval{10'000};
  bool enforce_rolling_limit = false;
  std::uint64_t daily_limit = 250'000;  // daily budget; 429 DAILY once spent

  // Serve HTTPS with this identity instead of plain HTTP.
  std::optional<test_certificate> tls;
};

struct hubspot_contact {
  std::string id;  // numeric string
  std::map<std::string, std::string> properties;

  // A property's value, "" when absent.
  [[nodiscard]] std::string property(const std::string& name) const;
};

struct hubspot_call_counts {
  std::size_t batch_upsert = 0;
  std::size_t batch_update = 0;
  std::size_t read = 0;
  std::size_t update = 0;
  std::size_t property = 0;
  std::size_t other = 0;
};

enum class hs_rate_policy { ten_secondly_rolling, daily };

struct hs_server_error {
  unsigned status = 503;
  std::optional<std::string> retry_after;
};

// A fake HubSpot account for tests, following docs/wire-formats.md section 4:
// contacts batch upsert and batch update keyed by email (200, or 207 with
// per-input errors), single read/update by email, the lifecyclestage
// property's options, the forward-only lifecyclestage rule ("" clears it),
// private-app Bearer auth and the X-HubSpot-RateLimit-* headers on every
// response. Contacts are keyed by lower-cased email and get numeric ids. An
// in-process HTTP/1.1 server on 127.0.0.1 (kernel-chosen port, keep-alive,
// HTTPS when options.tls is set), serving on its own thread from
// construction to destruction.
//
// Faults take a count: the next n calls (that get that far), or every call
// until heal() when nullopt. `only` limits a transport fault to one kind of
// call. A delayed call takes effect at once and is answered late.
// Authenticated calls that are not refused with 429 spend the daily budget
// and a rolling-window slot. All public functions are thread-safe.
class fake_hubspot {
 public:
  explicit fake_hubspot(fake_hubspot_options options = {});
  ~fake_hubspot();
  fake_hubspot(const fake_hubspot&) = delete;
  fake_hubspot& operator=(const fake_hubspot&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "http(s)://127.0.0.1:<port>": stands in for https://api.hubapi.com.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const fake_hubspot_options& options() const;

  // ---- state -----------------------------------------------------------------
  // Seeds a contact (no history entry, no API budget). Returns its id.
  std::string preload(const std::string& email, std::map<std::string, std::string> properties = {});
  // Lower-cased email -> contact.
  [[nodiscard]] std::map<std::string, hubspot_contact> contacts() const;
  [[nodiscard]] std::optional<hubspot_contact> contact(std::string_view email) const;
  // Every accepted lifecyclestage change of a contact, oldest first ("" for
  // a clear). Ignored backward moves and repeats of the current value are
  // not changes. Preloaded values are not in it.
  [[nodiscard]] std::vector<std::string> stage_history(std::string_view email) const;

  // ---- limits and counters ------------------------------------------------------
  [[nodiscard]] std::uint64_t daily_remaining() const;
  void set_daily_remaining(std::uint64_t remaining);
  [[nodiscard]] hubspot_call_counts calls() const;
  [[nodiscard]] std::size_t calls(hs_call kind) const;

  // ---- faults ---------------------------------------------------------------------
  // The next `count` authenticated calls answer 429 with the policy's body
  // and X-HubSpot-RateLimit-Remaining: 0 (Daily-Remaining: 0 for daily).
  void rate_limit_burst(std::size_t count, hs_rate_policy policy = hs_rate_policy::ten_secondly_rolling,
                        std::optional<std::string> retry_after = std::nullopt);
  // Writes of these emails fail per input with VALIDATION_ERROR and message.
  void validation_error(const std::vector<std::string>& emails,
                        std::string message = "Property values were not valid: injected by the test",
                        std::optional<std::size_t> times = std::nullopt);
  void server_error(hs_server_error error, std::optional<std::size_t> count = std::nullopt,
                    std::optional<hs_call> only = std::nullopt);
  void delay(std::chrono::milliseconds delay, std::optional<std::size_t> count = std::nullopt,
             std::optional<hs_call> only = std::nullopt);
  // Close the connection without answering; the request is not processed.
  void drop(std::optional<std::size_t> count = std::nullopt, std::optional<hs_call> only = std::nullopt);
  // Clears every fault (not contacts, history, budget or the rolling window).
  void heal();

  // ---- requests ---------------------------------------------------------------------
  [[nodiscard]] std::vector<recorded_request> requests() const;
  void clear_requests();
  // Re-evaluates pred (no lock held: it may call this fake) after every
  // request and at least every 50 ms until it holds (true) or timeout (false).
  [[nodiscard]] bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace leadsync::tests
