#pragma once

#include <string>

namespace leadsync::daemon {

// Creates the named component loggers (main, http, writer, delivery) on one
// stderr sink, so journald gets one line per message. `level` is a spdlog
// level name; returns false if it is not one.
bool setup_logging(const std::string& level);

}  // namespace leadsync::daemon
