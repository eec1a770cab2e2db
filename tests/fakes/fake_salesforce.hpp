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

#include <boost/json/object.hpp>

#include "tests/fakes/fake_http_crm.hpp"
#include "tests/fakes/test_certificate.hpp"

namespace leadsync::tests {

// What kind of call a request to the fake Salesforce is.
enum class sf_call { token, upsert, create, update, query, other };

struct fake_salesforce_options {
  std::string sobject_type = "Lead";  // the type the collections endpoints accept
  bool any_sobject_type = false;      // also accept every other type (Contact ...)

  // OAuth: client_credentials needs both; jwt-bearer checks iss = client_id,
  // sub = username, aud = audience and the RS256 signature against
  // jwt_public_key_pem (empty: every assertion is refused); refresh_token
  // needs a refresh token issued by the fake (refresh_token below, or one
  // handed out by rotation) and client_id.
  std::string client_id = "fake-consumer-key";
  std::string client_secret = "fake-consumer-secret";
  std::string username = "integration@example.com";
  std::string audience = "https://login.salesforce.com";
  std::string jwt_public_key_pem;
  std::string refresh_token = "fake-refresh-token";
  bool rotate_refresh_tokens = false;  // each refresh returns a new one and revokes the old
  // exp may be at most 3 minutes ahead; this much more is tolerated.
  std::chrono::seconds jwt_clock_skew{10};

  std::uint64_t daily_api_limit = 15000;

  // Field names a request may write or select. nullopt = the standard Lead
  // fields (Id, FirstName, LastName, Company, Email, Phone, Title, Status,
  // LeadSource, Rating, Website, Industry, Country) plus any name ending in
  // __c. Read-only system fields (LastModifiedDate, IsConverted,
  // ConvertedContactId) can always be selected, never written; a preloaded
  // record with IsConverted true refuses updates (CANNOT_UPDATE_CONVERTED_LEAD).
  std::optional<std::set<std::string>> allowed_fields;
  // Restricted picklists: field -> allowed values. A value outside the set
  // fails that record with INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
  std::map<std::string, std::set<std::string>> restricted_picklists;

  // Serve HTTPS with this identity instead of plain HTTP.
  std::optional<test_certificate> tls;
};

struct salesforce_record {
  std::string id;    // "00Q" + 15 characters for Lead
  std::string type;  // sObject type
  boost::json::object fields;
  std::chrono::system_clock::time_point last_modified;

  // A field's value as a string ("" when absent, null or not a string).
  [[nodiscard]] std::string field(std::string_view name) const;
};

struct salesforce_call_counts {
  std::size_t token = 0;
  std::size_t upsert = 0;
  std::size_t create = 0;
  std::size_t update = 0;
  std::size_t query = 0;
  std::size_t other = 0;
};

// How a switchable transport fault answers.
struct sf_server_error {
  unsigned status = 503;
  std::optional<std::string> retry_after;  // sent as Retry-After when set
};

// A fake Salesforce org for tests, following docs/wire-formats.md section 3:
// the OAuth token endpoint (client_credentials, JWT bearer, refresh token),
// sObject Collections upsert / create / update and a small SOQL query subset
//   GET .../query?q=SELECT f[, f]* FROM <type> [WHERE f = 'v' | WHERE f IN ('v', ...)]
//                   [ORDER BY LastModifiedDate [ASC|DESC]] [LIMIT n]
// (SOQL escapes \' \" \\ \n \r \t \b \f; text compared ignoring case). Every
// /services/data/ answer past the session check (so not a 401) carries
// Sforce-Limit-Info: api-usage=<used>/<limit>, and each such call counts
// against the daily limit. An in-process HTTP/1.1 server on 127.0.0.1
// (kernel-chosen port, keep-alive, HTTPS when options.tls is set), serving on
// its own thread from construction to destruction.
//
// Faults take a count: the next n matching calls, or every call until heal()
// when count is nullopt. `only` limits a transport fault to one kind of call
// (nullopt = every call). A delayed call takes effect at once and is answered
// late (as when a client times out on a write that happened). All public
// functions are thread-safe.
class fake_salesforce {
 public:
  explicit fake_salesforce(fake_salesforce_options options = {});
  ~fake_salesforce();
  fake_salesforce(const fake_salesforce&) = delete;
  fake_salesforce& operator=(const fake_salesforce&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "http(s)://127.0.0.1:<port>": the login host and the instance_url alike.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] std::string token_url() const;  // base_url() + "/services/oauth2/token"
  [[nodiscard]] const fake_salesforce_options& options() const;

  // ---- state -----------------------------------------------------------------
  // Seeds records (fields only; "Id" is kept when given, else generated; type
  // = options.sobject_type unless `type` is set). Returns the Ids in order.
  std::vector<std::string> preload(const std::vector<boost::json::object>& records, std::string type = {});
  // Marks a record deleted: updates by its Id then fail with ENTITY_IS_DELETED.
  void remove(std::string_view id);
  [[nodiscard]] std::vector<salesforce_record> records() const;  // live records, creation order
  [[nodiscard]] std::optional<salesforce_record> find_by_id(std::string_view id) const;
  // Case-insensitive, like SOQL on text fields. The most recently modified match.
  [[nodiscard]] std::optional<salesforce_record> find_by_email(std::string_view email) const;
  [[nodiscard]] std::optional<salesforce_record> find_by_external_id(std::string_view field,
                                                                     std::string_view value) const;
  [[nodiscard]] std::size_t created_count() const;  // records created through the API

  // ---- limits and counters ------------------------------------------------------
  [[nodiscard]] std::uint64_t api_usage() const;  // REST calls counted against the daily limit
  void set_api_usage(std::uint64_t used);         // e.g. near or at the limit
  [[nodiscard]] salesforce_call_counts calls() const;
  [[nodiscard]] std::size_t calls(sf_call kind) const;
  // Access tokens issued so far (every flow); the newest last.
  [[nodiscard]] std::vector<std::string> issued_tokens() const;

  // ---- faults ---------------------------------------------------------------------
  // Every issued access token stops working (401 INVALID_SESSION_ID); new
  // ones from the token endpoint work.
  void expire_tokens();
  // 403 REQUEST_LIMIT_EXCEEDED on REST calls (also happens by itself once
  // api_usage() reaches the daily limit).
  void limit_exceeded(std::optional<std::size_t> count = std::nullopt);
  // Per-record UNABLE_TO_LOCK_ROW for records whose Email or external id
  // equals one of keys, the next `times` times each key is written.
  void row_lock(const std::vector<std::string>& keys, std::size_t times = 1);
  // Per-record FIELD_CUSTOM_VALIDATION_EXCEPTION with `message` for writes of
  // these emails (the record's Email, or the stored Email of the record hit).
  void validation_error(const std::vector<std::string>& emails,
                        std::string message = "Lead cannot be saved: rule Lead_Quality failed",
                        std::optional<std::size_t> times = std::nullopt);
  // Duplicate rule: creating a record whose Email equals a live record's
  // Email fails with DUPLICATES_DETECTED naming the existing Id.
  void duplicate_rule(bool on);
  void server_error(sf_server_error error, std::optional<std::size_t> count = std::nullopt,
                    std::optional<sf_call> only = std::nullopt);
  void delay(std::chrono::milliseconds delay, std::optional<std::size_t> count = std::nullopt,
             std::optional<sf_call> only = std::nullopt);
  // Close the connection without answering; the request is not processed.
  void drop(std::optional<std::size_t> count = std::nullopt, std::optional<sf_call> only = std::nullopt);
  // Clears every fault (not tokens, records, usage or the duplicate rule).
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
