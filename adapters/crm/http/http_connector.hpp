#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// type = "http": POSTs each stage update as a JSON object to a URL.
std::unique_ptr<core::crm_factory> make_http_connector_factory();

}  // namespace leadsync::adapters
