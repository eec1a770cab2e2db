#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// type = "jsonl": appends every stage update as one JSON line to a local
// file. For demos, dry runs and audits; needs no credentials.
std::unique_ptr<core::crm_factory> make_jsonl_connector_factory();

}  // namespace leadsync::adapters
