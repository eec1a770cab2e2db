#pragma once

// Internals of fake_salesforce shared by its translation units: the org's
// data, the per-record faults and the endpoint functions. Every function here
// runs under the fake's state lock.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tests/fakes/fake_salesforce.hpp"
#include "tests/fakes/fake_server.hpp"

namespace leadsync::tests::fakes {

struct sf_stored {
  salesforce_record record;
  std::uint64_t seq = 0;  // orders records modified within one clock tick
  bool deleted = false;
};

// What allOrNone rolls back: the records and the counters that go with them.
struct sf_data {
  std::vector<sf_stored> records;  // creation order
  std::uint64_t next_id = 1;
  std::uint64_t next_seq = 1;
  std::size_t created = 0;
  // Positions in `records` by "type|field|lower-cased text value" and by Id,
  // so lookups stay cheap with 100,000 records (bench/crm_backlog). Entries
  // may be stale after an update: callers re-check the field.
  std::unordered_map<std::string, std::vector<std::size_t>> by_value;
  std::unordered_map<std::string, std::size_t> by_id;
};

// Indexes records[pos] (call after adding it or writing its fields).
void sf_index(sf_data& data, std::size_t pos);
// Positions whose field may equal value (case-insensitive), possibly repeated;
// re-check each.
const std::vector<std::size_t>& sf_candidates(const sf_data& data, std::string_view type, std::string_view field,
                                              std::string_view value);

struct sf_validation_fault {
  std::string message;
  std::optional<std::size_t> remaining;  // nullopt = until healed
};

struct sf_state {
  explicit sf_state(const fake_salesforce_options& o) : options(o) {}

  const fake_salesforce_options& options;
  sf_data data;
  std::map<std::string, std::size_t> row_locks;               // lower-cased key -> times left
  std::map<std::string, sf_validation_fault> validations;     // lower-cased email -> fault
  bool duplicate_rule = false;
};

// An answer from one of the REST endpoint functions.
struct sf_answer {
  unsigned status = 200;
  std::string body;
};

// [{"message":..., "errorCode":..., "fields":[...]}] as the REST API answers
// request-level errors.
sf_answer sf_request_error(unsigned status, std::string_view code, std::string_view message);
boost::json::object sf_record_error(std::string_view code, std::string_view message,
                                    const std::vector<std::string>& fields = {});

// API version from "/services/data/vNN.N/...", e.g. 60.0; nullopt if malformed.
std::optional<double> sf_api_version(std::string_view version_segment);

// "00Q" (Lead), "003" (Contact), "001" (Account), "a00" (anything else).
std::string sf_id_prefix(std::string_view type);
std::string sf_new_id(sf_data& data, std::string_view type);

// Field rules (options.allowed_fields, read-only system fields).
bool sf_writable_field(const fake_salesforce_options& options, std::string_view name);
bool sf_selectable_field(const fake_salesforce_options& options, std::string_view name);
// The record's value of a field, matching the name case-insensitively.
const boost::json::value* sf_field(const salesforce_record& record, std::string_view name);
// The text of a value for comparisons: strings as-is, other scalars serialised.
std::string sf_text(const boost::json::value& v);

// sObject Collections (docs/wire-formats.md 3.3): upsert by external id,
// create, update by Id.
sf_answer sf_collections_upsert(sf_state& state, std::string_view type, std::string_view ext_field,
                                std::string_view body);
sf_answer sf_collections_create(sf_state& state, std::string_view body);
sf_answer sf_collections_update(sf_state& state, std::string_view body);

// GET .../query?q=<SOQL> (the subset described in fake_salesforce.hpp).
sf_answer sf_query(const sf_state& state, std::string_view soql, std::string_view version_segment);

// ---- OAuth token endpoint -----------------------------------------------------

struct sf_token_state {
  std::vector<std::string> issued;     // every access token, oldest first
  std::set<std::string> valid;         // the ones still accepted
  std::set<std::string> refresh_tokens;
};

// POST /services/oauth2/token. instance_url is the fake's own base URL.
fake_reply sf_token_endpoint(const fake_salesforce_options& options, sf_token_state& tokens,
                             const recorded_request& request, const std::string& instance_url);

}  // namespace leadsync::tests::fakes
