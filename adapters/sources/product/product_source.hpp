#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::product {

// format = "product": one product event as any JSON object, mapped through
// JSON pointers like format = "generic" (plus `external_ids`); the kind
// defaults to "product_event". See README.md beside this file.
std::unique_ptr<core::source_factory> make_product_source_factory();

}  // namespace leadsync::adapters::product
