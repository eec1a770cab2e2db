#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::product {

// format = "segment": Segment Spec identify / track / page messages, one per
// request (Webhooks destination) or many under "batch" (HTTP API batch
// shape). Each message is its own event keyed by its messageId.
std::unique_ptr<core::source_factory> make_segment_source_factory();

}  // namespace leadsync::adapters::product
