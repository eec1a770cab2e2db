#pragma once

#include "core/registry.hpp"

namespace leadsync::adapters {

// Adds every built-in source format and CRM connector type to `r`. The one
// inventory of adapters: a new adapter is a folder plus one line here.
void register_builtin(core::registry& r);

}  // namespace leadsync::adapters
