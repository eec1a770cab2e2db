#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// format = "generic": any JSON object, mapped field by field through JSON
// pointers (RFC 6901) named in config. See README.md beside this file.
std::unique_ptr<core::source_factory> make_generic_source_factory();

}  // namespace leadsync::adapters
