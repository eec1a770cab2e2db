#pragma once

#include <filesystem>
#include <memory>

#include "config/config.hpp"
#include "core/definition/engine.hpp"

namespace leadsync::daemon {

// The lead definition engine the daemon runs: the config's [lead_definition]
// or, without one, the built-in default; with the shipped disposable-domain
// list unless the definition names its own. Throws std::runtime_error with
// every problem (file:line:column) when the definition cannot be used.
std::unique_ptr<core::definition::engine> load_engine(const config::config& cfg,
                                                      const std::filesystem::path& executable);

// Where the shipped disposable-domain list is: next to an installed binary
// (<prefix>/share/leadsyncd/), else in the source tree it was built from.
// Empty when neither exists.
std::filesystem::path shipped_disposable_list(const std::filesystem::path& executable);

}  // namespace leadsync::daemon
