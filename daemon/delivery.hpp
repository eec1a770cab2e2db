#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "core/adapter.hpp"
#include "core/delivery/circuit_breaker.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "daemon/transport.hpp"

namespace leadsync::daemon {

struct connector {
  std::string name;
  std::unique_ptr<core::crm_adapter> adapter;
  // [delivery] with the connector's [connectors.<name>.delivery] applied
  // (config::connector_config::delivery); unset: the daemon-wide [delivery].
  std::optional<config::delivery_config> settings;
};

// What one connector's delivery loop knows right now, for status and metrics.
struct connector_state {
  std::string name;
  std::optional<core::timestamp> paused_until;  // the CRM asked us to hold off, or the request budget is used up
  std::string pause_reason;
  core::crm_status crm;
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;
  std::uint64_t dead_lettered = 0;  // rejected by the CRM or given up (max_attempts, max_age)
  std::uint64_t skipped = 0;
  std::map<std::string, std::uint64_t> dead_letters_by_code;  // dead_lettered by code ("max_attempts", the CRM's)
  core::delivery::circuit_state circuit = core::delivery::circuit_state::closed;
  std::optional<core::timestamp> circuit_open_until;
  // Refreshed by the delivery thread (HTTP threads never touch the database).
  std::size_t outbox_depth = 0;
  std::optional<core::timestamp> oldest_pending;  // stage change of the oldest update waiting
  std::int64_t daily_request_budget = 0;          // 0 = unlimited
  std::int64_t requests_last_24h = 0;             // counted only when there is a budget
};

// Drains the outbox: per connector `workers` loops, all on one thread of
// their own so CRM latency never touches webhook intake. A loop takes due
// updates (up to the adapter's batch size, waiting up to linger_ms for a
// fuller batch), runs the adapter's exchange with the CRM through the
// connector's token bucket and daily request budget, and marks each record
// delivered, reschedules it (full-jitter backoff or the CRM's Retry-After),
// or dead-letters it (rejected, or max_attempts / max_age reached). A circuit
// breaker per connector stops sending after repeated failed batches and
// probes with one update. Workers of a connector never hold two updates of
// one lead at once: an update is claimed from the moment it is taken until
// its result is recorded. Nothing is ever dropped: an update leaves the
// outbox only when confirmed or dead-lettered. Connector state changes
// (pause, circuit) are saved with store::save_connector_status.
//
// With workers > 1 the exchanges of one adapter interleave on the delivery
// thread (never concurrently): each call into the adapter is made from that
// one thread.
class delivery {
 public:
  delivery(core::sqlite_options db, std::vector<connector> connectors, config::delivery_config options);
  ~delivery();
  delivery(const delivery&) = delete;
  delivery& operator=(const delivery&) = delete;

  void start();
  // Thread-safe: the outbox changed, look now rather than at the next poll.
  void wake();
  // Lets in-flight batches finish for up to `deadline`, then stops; what is
  // left stays queued for the next start.
  void stop(std::chrono::milliseconds deadline);
  // Thread-safe snapshot of every connector.
  std::vector<connector_state> states() const;

 private:
  struct lane;
  struct exchange_notes;
  boost::asio::awaitable<void> run_worker(lane& l, std::size_t worker);
  boost::asio::awaitable<std::chrono::milliseconds> work_once(lane& l);
  boost::asio::awaitable<void> deliver(lane& l, std::vector<core::stage_update> batch, bool probe);
  boost::asio::awaitable<core::outbound_response> send_limited(lane& l, const core::outbound_request& request,
                                                               exchange_notes& notes);
  void record_results(lane& l, std::span<const core::stage_update> batch, const core::exchange_result& outcome,
                      const exchange_notes& notes, bool probe);
  std::vector<core::stage_update> due_unclaimed(lane& l, core::timestamp now, std::size_t limit);
  void pause(lane& l, core::timestamp until, std::string reason, core::timestamp now);
  void publish(lane& l, core::timestamp now);
  void refresh_gauges(lane& l, core::timestamp now);
  void wake_lane(lane& l);

  core::sqlite_options db_options_;
  config::delivery_config options_;
  std::unique_ptr<core::store> store_;
  std::unique_ptr<boost::asio::io_context> ioc_ = std::make_unique<boost::asio::io_context>();
  transport transport_;
  std::mt19937_64 rng_{std::random_device{}()};  // delivery thread only
  mutable std::mutex state_mutex_;              // guards every lane's `state`
  std::vector<std::unique_ptr<lane>> lanes_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::thread thread_;
};

}  // namespace leadsync::daemon
