#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace leadsync::core::delivery {

enum class circuit_state { closed, half_open, open };

// "closed", "half_open", "open" (connector_status.circuit, metrics labels).
std::string_view to_string(circuit_state state);

// How a finished batch counts for the breaker.
enum class batch_verdict {
  ok,            // the CRM answered: something was delivered, skipped or rejected, or it asked for a retry itself
  failed,        // nothing went through and the CRM was down: transport failure, 5xx, 408 or 429
  inconclusive,  // the batch never really reached the CRM (cut short by our own request budget)
};

struct circuit_settings {
  int failures_to_open = 5;                    // consecutive failed batches
  std::chrono::milliseconds open_for{30'000};  // first open period
  int max_open_factor = 10;                    // a failed probe doubles the period, up to this many times open_for
};

// Stops a connector from hammering a CRM that is down. Closed: batches go
// out; `failures_to_open` failed batches in a row open it. Open: nothing is
// sent until the open period is over; then one caller gets a probe (the
// breaker is half-open) and everyone else waits. A probe that goes through
// closes the breaker (and resets the period); a failed one opens it again for
// twice the last period, at most max_open_factor x open_for. Results of
// batches sent before the breaker opened are ignored while it is not closed.
// No clock of its own; not thread-safe (one per connector).
class circuit_breaker {
 public:
  explicit circuit_breaker(circuit_settings settings);

  enum class permit {
    send,   // closed: send a normal batch
    probe,  // this caller sends the single probe batch; the breaker is now half-open
    wait,   // open, or a probe is in flight: send nothing
  };
  // What may be sent at `now`. Hands out at most one probe at a time.
  permit acquire(timestamp now);
  // The result of a batch; `probe` when acquire() gave it as the probe.
  void record(batch_verdict verdict, bool probe, timestamp now);
  // A probe was handed out but nothing was sent (no update was due after all):
  // the next acquire() may probe again.
  void release_probe();

  circuit_state state() const { return state_; }
  // While open: when the open period ends.
  std::optional<timestamp> open_until() const;
  bool probe_in_flight() const { return probe_in_flight_; }
  int consecutive_failures() const { return failures_; }
  // The open period the breaker used last (or will use first).
  std::chrono::milliseconds open_period() const;

 private:
  void open(timestamp now);

  circuit_settings settings_;
  circuit_state state_ = circuit_state::closed;
  int failures_ = 0;
  int factor_ = 1;
  timestamp open_until_{};
  bool probe_in_flight_ = false;
};

}  // namespace leadsync::core::delivery
