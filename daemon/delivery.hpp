#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "core/adapter.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "daemon/transport.hpp"

namespace leadsync::daemon {

struct connector {
  std::string name;
  std::unique_ptr<core::crm_adapter> adapter;
};

// What one connector's delivery loop knows right now, for status and metrics.
struct connector_state {
  std::string name;
  std::optional<core::timestamp> paused_until;  // set while the CRM asked us to hold off
  std::string pause_reason;
  core::crm_status crm;
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t skipped = 0;
};

// Drains the outbox: one loop per connector, all on one thread of their own
// so CRM latency never touches webhook intake. Each loop takes due updates
// (up to the adapter's batch size), sends them, and marks each record
// delivered, reschedules it with exponential backoff and jitter (or the
// CRM's Retry-After), or dead-letters it. Nothing is ever dropped: an
// update leaves the outbox only when confirmed or dead-lettered.
class delivery {
 public:
  delivery(core::sqlite_options db, std::vector<connector> connectors, config::delivery_config options);
  ~delivery();
  delivery(const delivery&) = delete;
  delivery& operator=(const delivery&) = delete;

  void start();
  // Thread-safe: the outbox changed, look now rather than at the next poll.
  void wake();
  // Lets in-flight sends finish for up to `deadline`, then stops; what is
  // left stays queued for the next start.
  void stop(std::chrono::milliseconds deadline);
  // Thread-safe snapshot of every connector.
  std::vector<connector_state> states() const;

 private:
  struct lane;
  boost::asio::awaitable<void> run_lane(lane& l);
  boost::asio::awaitable<void> deliver_once(lane& l);
  void record_results(lane& l, std::span<const core::stage_update> batch, const core::exchange_result& outcome);
  std::chrono::milliseconds backoff(int attempts);

  core::sqlite_options db_options_;
  config::delivery_config options_;
  std::unique_ptr<core::store> store_;
  boost::asio::io_context ioc_;
  transport transport_;
  mutable std::mutex state_mutex_;  // guards every lane's `state`
  std::vector<std::unique_ptr<lane>> lanes_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::thread thread_;
};

}  // namespace leadsync::daemon
