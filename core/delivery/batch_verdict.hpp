#pragma once

#include <span>

#include "core/adapter.hpp"
#include "core/delivery/circuit_breaker.hpp"

namespace leadsync::core::delivery {

// An answer that says the CRM (or the way to it) is down rather than that a
// record is wrong: transport failure (status 0), 408, 429 or 5xx.
bool signals_outage(int status);

// How a finished batch counts for the circuit breaker: failed when no record
// was delivered, skipped or rejected and one of the exchange's answers
// signalled an outage; ok otherwise (the CRM answered, even if only to ask
// for a retry); inconclusive when the exchange was cut short before it could
// reach the CRM (our own request budget) or there were no records.
batch_verdict judge_batch(std::span<const record_result> records, bool outage_seen, bool cut_short);

}  // namespace leadsync::core::delivery
