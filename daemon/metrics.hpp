#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/processor.hpp"
#include "daemon/delivery.hpp"

namespace leadsync::daemon {

// The Prometheus text exposition (version 0.0.4) of what the daemon knows
// about its connectors: deliveries by result, dead letters by code, the
// circuit breaker, outbox depth and oldest age, pauses, the daily request
// budget, CRM API calls, the API budget as the CRM last reported it. Built
// from delivery::states() alone: never touches the database.
std::string render_metrics(const std::vector<connector_state>& connectors, core::timestamp now);

// ---- processing (the writer's processor totals) ----
// leadsync_events_processed_total, leadsync_stage_transitions_total{stage}
// (by the stage entered), leadsync_sla_breaches_total and
// leadsync_events_dropped_forgotten_total, in the same text format.
std::string render_processing_metrics(const core::processor::counters& totals);

// --- The webhook listener's own metrics (http_server updates them) ---

// Webhooks answered by source and status, how long each took, and the
// connections the listener holds or refused. record() runs on the hot path:
// a short lock and no allocation once a (source, status) pair has been seen.
// Sources are the configured names, or "" for /hooks/<anything else>, so a
// scanner cannot make the label set grow.
class webhook_metrics {
 public:
  // Upper bounds (seconds) of the duration histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 11> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5};

  void record(std::string_view source, unsigned status, std::chrono::steady_clock::duration took);
  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_.fetch_add(1, std::memory_order_relaxed); }
  int connections() const { return connections_.load(std::memory_order_relaxed); }

  // leadsync_webhooks_total, leadsync_webhook_duration_seconds,
  // leadsync_http_connections and leadsync_http_connections_refused_total.
  std::string render() const;

 private:
  struct per_source {
    std::map<unsigned, std::uint64_t> by_status;
    std::array<std::uint64_t, buckets.size() + 1> in_bucket{};  // not cumulative; last is +Inf
    double seconds = 0;
    std::uint64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, per_source, std::less<>> sources_;
  std::atomic<int> connections_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace leadsync::daemon
