#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::product {

// format = "stripe": customer.subscription.created / updated / deleted
// events (trial started, trial converted, subscription started, canceled),
// keyed by the event id (evt_...). Every other event type is ignored: parse()
// returns no events and the sender gets a 2xx.
std::unique_ptr<core::source_factory> make_stripe_source_factory();

}  // namespace leadsync::adapters::product
