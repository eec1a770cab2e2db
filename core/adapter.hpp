#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/inbound_request.hpp"
#include "core/options.hpp"
#include "core/result.hpp"
#include "core/stage_update.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// ---- inbound ---------------------------------------------------------------

// Parses webhooks of one configured source format into canonical events.
// The sender is proven before parse() by the source's signature_verifier.
// Sans-I/O: pure functions over the request bytes. Instances are immutable
// after creation and called concurrently from several HTTP threads.
class source_adapter {
 public:
  virtual ~source_adapter() = default;

  // Maps the body into canonical events (usually one; a batch format gives
  // several; none for a well-formed delivery of something the source does
  // not use, which the daemon acknowledges with 200 "ignored"). Errors are malformed (400), unmappable (422) or
  // unsupported_media (415). Sets source, received_at; the caller owns them.
  virtual result<std::vector<event>> parse(const inbound_request& request, timestamp now) const = 0;
};

// Proves who sent a webhook with one signature scheme (Stripe, Standard
// Webhooks, HMAC over the body, a shared token ...). Chosen per source in
// config, so sources and schemes combine freely. Sans-I/O, immutable after
// creation, called concurrently. Secrets are compared in constant time and
// never appear in an error. Several secrets may be active (key rotation): any
// one of them verifies.
class signature_verifier {
 public:
  virtual ~signature_verifier() = default;
  // nullopt when the request is proven; else an unauthorized error saying
  // what is missing or wrong (without revealing expected values).
  virtual std::optional<error> verify(const inbound_request& request, timestamp now) const = 0;
};

// ---- outbound --------------------------------------------------------------

using header_list = std::vector<std::pair<std::string, std::string>>;

// A request a CRM adapter wants sent. `url` is http(s):// for network
// connectors, or file:// for the local jsonl sink (the daemon appends the body).
struct outbound_request {
  std::string method = "POST";
  std::string url;
  header_list headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};
  // https:// only: a PEM file of CAs to trust instead of the system store
  // (a private CA, or a test's self-signed certificate). "" = system store.
  std::string ca_file;
};

// What came back. status 0 means the transport failed (connect, timeout,
// reset); `transport_error` then says how.
struct outbound_response {
  int status = 0;
  header_list headers;
  std::string body;
  std::string transport_error;
};

enum class delivery_outcome {
  delivered,  // the CRM confirmed the record
  retry,      // transient: try again later (after retry_after if given)
  reject,     // permanent for this record: dead-letter it with the message
  skipped,    // this connector does not carry the update (its stage has no mapping): done, nothing sent
};

struct record_result {
  delivery_outcome outcome = delivery_outcome::retry;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string message;  // the CRM's words, for logs and the dead-letter queue
  std::string code;     // the CRM's error code ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "http_503"); "" when none
  // The CRM's id for the record once written, as (system, id), e.g.
  // ("salesforce_lead_id", "00Q..."), ("hubspot_contact_id", "12345"). The
  // daemon keeps it as the lead's alias "id:<system>:<id>", so CRM feedback
  // naming only that id finds the lead.
  std::optional<std::pair<std::string, std::string>> external_id;
};

// What one batch's exchange with the CRM came to.
struct exchange_result {
  std::vector<record_result> records;  // one per record of the batch, in order
  // The whole connector must send nothing before this time (daily API limit
  // reached, the configured budget share used up, a rate-limit window), and why.
  std::optional<timestamp> pause_until;
  std::string pause_reason;
};

// The conversation with the CRM that delivers one batch. A CRM may need more
// than one request for it: a token first, a lookup before the write, a retry
// after re-authenticating, a second write that attaches duplicates. The daemon
// loops: while next_request() gives a request, send it and hand the answer to
// on_response(); then finish() gives the results. Sans-I/O like the adapter.
class crm_exchange {
 public:
  virtual ~crm_exchange() = default;
  // The next request to send, or nullopt when the exchange is over.
  virtual std::optional<outbound_request> next_request(timestamp now) = 0;
  // The answer to the request next_request() gave last.
  virtual void on_response(const outbound_response& response, timestamp now) = 0;
  // Called once, after next_request() gave nullopt.
  virtual exchange_result finish() = 0;
};

// What an adapter last heard about its CRM account, for metrics and status.
struct crm_status {
  std::optional<std::int64_t> api_used;   // calls used in the CRM's current window (e.g. Salesforce's 24 h)
  std::optional<std::int64_t> api_limit;  // the CRM's limit for that window
  std::optional<std::int64_t> api_budget; // the most this connector lets itself use (a share of the limit)
  std::uint64_t api_calls = 0;            // requests sent to the CRM by this connector since start
  std::uint64_t token_refreshes = 0;      // access tokens obtained since start
};

// Turns stage updates into CRM requests and CRM responses into per-record
// results. Sans-I/O: the daemon owns sockets, batching, retries and rate
// limits; adapters never retry on their own clock or buffer. One instance
// per connector, used from one delivery task at a time; it may keep state
// between batches (an access token, the API usage the CRM reported).
class crm_adapter {
 public:
  virtual ~crm_adapter() = default;

  // Most updates one batch may carry.
  virtual std::size_t max_batch() const = 0;

  // Starts delivering a batch (1 <= batch.size() <= max_batch()). The
  // exchange may keep a reference to this adapter and to the batch; both
  // outlive it.
  virtual std::unique_ptr<crm_exchange> begin(std::span<const stage_update> batch, timestamp now) = 0;

  virtual crm_status status() const { return {}; }
};

// A crm_adapter whose batch is always one request and one answer (the jsonl
// file, a generic HTTP endpoint).
class single_request_adapter : public crm_adapter {
 public:
  // One request carrying the whole batch.
  virtual outbound_request encode(std::span<const stage_update> batch) const = 0;
  // One result per record of the batch, in order.
  virtual std::vector<record_result> interpret(std::span<const stage_update> batch,
                                               const outbound_response& response) const = 0;

  std::unique_ptr<crm_exchange> begin(std::span<const stage_update> batch, timestamp now) final;
};

// ---- factories -------------------------------------------------------------

// Errors are per option; an instance is only present when there are none.
template <typename T>
struct build_result {
  std::unique_ptr<T> instance;
  std::vector<option_error> errors;
};

// Declares a source format's options and builds configured instances.
class source_factory {
 public:
  virtual ~source_factory() = default;
  virtual std::string_view format() const = 0;
  virtual std::string_view description() const = 0;
  virtual const std::vector<option_spec>& options() const = 0;
  virtual build_result<source_adapter> create(std::string_view source_name,
                                              const option_values& values) const = 0;
};

// Declares a signature scheme's options and builds configured verifiers.
class signature_factory {
 public:
  virtual ~signature_factory() = default;
  virtual std::string_view scheme() const = 0;
  virtual std::string_view description() const = 0;
  virtual const std::vector<option_spec>& options() const = 0;
  virtual build_result<signature_verifier> create(std::string_view source_name,
                                                  const option_values& values) const = 0;
};

// Declares a CRM connector type's options and builds configured instances.
// Relative paths in options are resolved by the caller against `base_dir`.
class crm_factory {
 public:
  virtual ~crm_factory() = default;
  virtual std::string_view type() const = 0;
  virtual std::string_view description() const = 0;
  virtual const std::vector<option_spec>& options() const = 0;
  virtual build_result<crm_adapter> create(std::string_view connector_name,
                                           const option_values& values) const = 0;
};

}  // namespace leadsync::core
