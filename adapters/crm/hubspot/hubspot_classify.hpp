#pragma once

#include "adapters/crm/hubspot/hubspot_answers.hpp"
#include "adapters/crm/hubspot/hubspot_rate_limits.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::hubspot {

// What a whole HubSpot answer means for the records it was about
// (wire-formats.md 4.5, 4.6, 5.2).
struct verdict {
  enum class kind {
    batch,      // 2xx: read the results/errors envelope record by record
    not_found,  // OBJECT_NOT_FOUND for the whole request (a clear of unknown contacts)
    throttled,  // 429: pause the connector; every unfinished record retries after it
    stop,       // the connector cannot get through (transport, 5xx, credentials): every unfinished record retries
    reject,     // the request was wrong for these records: dead-letter them
  };
  kind what = kind::stop;
  core::record_result each;  // for stop and reject
  pause throttle{};          // for throttled
  hubspot_error error;       // the body, for not_found
};

verdict classify(const core::outbound_response& response, core::timestamp now);

// One errors[] entry of a batch answer: retry for rate limits and credential
// trouble (the account, not the record), reject for everything else.
core::record_result record_error(const hubspot_error& error);

}  // namespace leadsync::adapters::hubspot
