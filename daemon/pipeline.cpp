#include "daemon/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "daemon/definition_loader.hpp"

namespace leadsync::daemon {

pipeline build_pipeline(const config::config& cfg, const core::registry& adapters,
                        const std::filesystem::path& executable) {
  pipeline p;
  for (const auto& s : cfg.sources) {
    source_route route{adapters.source(s.format)->create(s.name, s.options).instance, nullptr, s.allow_from};
    if (s.signature) {
      route.signature = adapters.signature(s.signature->scheme)->create(s.name, s.signature->options).instance;
    }
    p.sources.emplace(s.name, std::move(route));
  }
  for (const auto& c : cfg.connectors) {
    p.connectors.push_back({c.name, adapters.crm(c.type)->create(c.name, c.options).instance, c.delivery});
    p.connector_names.push_back(c.name);
  }
  std::shared_ptr<core::definition::engine> engine = load_engine(cfg, executable);
  auto log = spdlog::get("main");
  if (shipped_disposable_list(executable).empty()) {
    log->warn("disposable-domain list not found; set [lead_definition.junk] disposable_domains_file");
  }
  log->info("lead definition stages={} scoring_rules={} fit_rules={}", engine->model().stages.size(),
            engine->model().score.rules.size(), engine->model().fit_model.rules.size());
  p.definition = std::move(engine);
  return p;
}

void delivery_slot::wake() {
  std::lock_guard lock(mutex_);
  if (current_) {
    current_->wake();
  }
}

std::vector<connector_state> delivery_slot::states() const {
  std::lock_guard lock(mutex_);
  return current_ ? current_->states() : std::vector<connector_state>{};
}

void delivery_slot::replace(std::unique_ptr<delivery> next, std::chrono::milliseconds deadline) {
  std::unique_ptr<delivery> old;
  {
    std::lock_guard lock(mutex_);
    old = std::move(current_);
  }
  if (old) {
    old->stop(deadline);
  }
  next->start();
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

void delivery_slot::stop(std::chrono::milliseconds deadline) {
  std::unique_ptr<delivery> old;
  {
    std::lock_guard lock(mutex_);
    old = std::move(current_);
  }
  if (old) {
    old->stop(deadline);
  }
}

}  // namespace leadsync::daemon
