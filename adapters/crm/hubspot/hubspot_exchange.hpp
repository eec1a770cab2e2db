#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "adapters/crm/hubspot/hubspot_options.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::hubspot {

// What the connector learns about the account across batches (status()).
struct account_usage {
  std::optional<std::int64_t> daily_limit;  // X-HubSpot-RateLimit-Daily
  std::optional<std::int64_t> daily_used;   // daily - X-HubSpot-RateLimit-Daily-Remaining
  std::uint64_t api_calls = 0;              // every request handed to the daemon
};

// Delivers one batch: an optional clear of lifecyclestage for contacts that
// move back (allow_backwards), then one upsert of every contact. The
// exchange keeps references to the settings, the usage and the batch; all
// outlive it.
std::unique_ptr<core::crm_exchange> make_exchange(const settings& s, account_usage& usage,
                                                  std::span<const core::stage_update> batch);

}  // namespace leadsync::adapters::hubspot
