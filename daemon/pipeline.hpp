#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/definition.hpp"
#include "core/registry.hpp"
#include "daemon/delivery.hpp"
#include "daemon/http_server.hpp"

namespace leadsync::daemon {

// Everything a configuration reload may replace while the daemon runs:
// the sources (formats and signatures), the lead definition and the
// connectors. [server] and [storage] need a restart.
struct pipeline {
  source_table sources;
  std::vector<connector> connectors;
  std::vector<std::string> connector_names;
  std::shared_ptr<const core::lead_definition> definition;
};

// Builds the pipeline a valid config describes. Throws std::exception when a
// part cannot be built (e.g. the definition's data files are unreadable).
pipeline build_pipeline(const config::config& cfg, const core::registry& adapters,
                        const std::filesystem::path& executable);

// The running delivery, replaceable on reload. Thread-safe.
class delivery_slot {
 public:
  void wake();
  std::vector<connector_state> states() const;
  // Stops the current delivery (its in-flight sends finish within
  // `deadline`, the rest stays queued), then starts `next`. Two deliveries
  // never run at once, so an update is never sent twice.
  void replace(std::unique_ptr<delivery> next, std::chrono::milliseconds deadline);
  void stop(std::chrono::milliseconds deadline);

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<delivery> current_;
};

}  // namespace leadsync::daemon
