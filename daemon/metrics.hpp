#pragma once

#include <string>
#include <vector>

#include "daemon/delivery.hpp"

namespace leadsync::daemon {

// The Prometheus text exposition (version 0.0.4) of what the daemon knows
// about its connectors: deliveries by result, dead letters by code, the
// circuit breaker, outbox depth and oldest age, pauses, the daily request
// budget, CRM API calls, the API budget as the CRM last reported it. Built
// from delivery::states() alone: never touches the database.
std::string render_metrics(const std::vector<connector_state>& connectors, core::timestamp now);

}  // namespace leadsync::daemon
