#include "daemon/logging.hpp"

#include <array>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace leadsync::daemon {

bool setup_logging(const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return false;
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  for (const char* name : std::array{"main", "http", "writer", "delivery"}) {
    spdlog::drop(name);
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n: %v");
    logger->set_level(lvl);
    spdlog::register_logger(logger);
  }
  return true;
}

}  // namespace leadsync::daemon
