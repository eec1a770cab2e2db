#pragma once

// Internals of fake_hubspot shared by its translation units: the account's
// contacts and the endpoint functions. Every function here runs under the
// fake's state lock.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/fakes/fake_hubspot.hpp"

namespace leadsync::tests::fakes {

struct hs_stored {
  hubspot_contact contact;
  std::vector<std::string> history;  // accepted lifecyclestage changes
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point updated_at;
};

struct hs_validation_fault {
  std::string message;
  std::optional<std::size_t> remaining;  // nullopt = until healed
};

struct hs_state {
  explicit hs_state(const fake_hubspot_options& o) : options(o) {}

  const fake_hubspot_options& options;
  std::map<std::string, hs_stored> contacts;  // lower-cased email -> contact
  std::uint64_t next_id = 1;
  std::map<std::string, hs_validation_fault> validations;  // lower-cased email
};

struct hs_answer {
  unsigned status = 200;
  std::string body;
};

// A fresh random UUID-shaped correlationId.
std::string hs_correlation_id();
// {"status":"error","message":...,"correlationId":...,"category":...}
boost::json::object hs_error_object(std::string_view category, std::string_view message);
hs_answer hs_error(unsigned status, std::string_view category, std::string_view message);

std::string hs_new_id(hs_state& state);

// POST /crm/v3/objects/contacts/batch/upsert and .../batch/update.
hs_answer hs_batch_upsert(hs_state& state, std::string_view body);
hs_answer hs_batch_update(hs_state& state, std::string_view body);
// GET / PATCH /crm/v3/objects/contacts/{id}: id is already percent-decoded;
// by_email when ?idProperty=email. `properties` lists what GET returns
// (empty = a default set).
hs_answer hs_read(const hs_state& state, const std::string& id, bool by_email,
                  const std::vector<std::string>& properties);
hs_answer hs_update_one(hs_state& state, const std::string& id, bool by_email, std::string_view body);
// GET /crm/v3/properties/contacts/lifecyclestage
hs_answer hs_lifecycle_property(const hs_state& state);

}  // namespace leadsync::tests::fakes
