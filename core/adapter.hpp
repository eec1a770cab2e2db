#pragma once

#include <chrono>
#include <cstddef>
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
};

struct record_result {
  delivery_outcome outcome = delivery_outcome::retry;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string message;  // the CRM's words, for logs and the dead-letter queue
};

// Turns stage updates into CRM requests and CRM responses into per-record
// results. Sans-I/O: the daemon owns sockets, batching, retries and rate
// limits; adapters never retry or buffer. One instance per connector, used
// from one delivery task at a time.
class crm_adapter {
 public:
  virtual ~crm_adapter() = default;

  // Most updates one encode() call may take.
  virtual std::size_t max_batch() const = 0;

  // One request carrying the whole batch (1 <= batch.size() <= max_batch()).
  virtual outbound_request encode(std::span<const stage_update> batch) const = 0;

  // One result per record of the batch, in order.
  virtual std::vector<record_result> interpret(std::span<const stage_update> batch,
                                               const outbound_response& response) const = 0;
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
