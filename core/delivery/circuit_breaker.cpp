#include "core/delivery/circuit_breaker.hpp"

#include <algorithm>

namespace leadsync::core::delivery {

std::string_view to_string(circuit_state state) {
  switch (state) {
    case circuit_state::closed:
      return "closed";
    case circuit_state::half_open:
      return "half_open";
    case circuit_state::open:
      return "open";
  }
  return "closed";
}

circuit_breaker::circuit_breaker(circuit_settings settings) : settings_(settings) {
  settings_.failures_to_open = std::max(1, settings_.failures_to_open);
  settings_.max_open_factor = std::max(1, settings_.max_open_factor);
  settings_.open_for = std::max(std::chrono::milliseconds{1}, settings_.open_for);
}

std::chrono::milliseconds circuit_breaker::open_period() const { return settings_.open_for * factor_; }

std::optional<timestamp> circuit_breaker::open_until() const {
  if (state_ != circuit_state::open) {
    return std::nullopt;
  }
  return open_until_;
}

void circuit_breaker::open(timestamp now) {
  state_ = circuit_state::open;
  open_until_ = now + open_period();
  probe_in_flight_ = false;
}

circuit_breaker::permit circuit_breaker::acquire(timestamp now) {
  switch (state_) {
    case circuit_state::closed:
      return permit::send;
    case circuit_state::open:
      if (now < open_until_) {
        return permit::wait;
      }
      state_ = circuit_state::half_open;
      probe_in_flight_ = true;
      return permit::probe;
    case circuit_state::half_open:
      if (probe_in_flight_) {
        return permit::wait;
      }
      probe_in_flight_ = true;
      return permit::probe;
  }
  return permit::wait;
}

void circuit_breaker::release_probe() {
  if (state_ == circuit_state::half_open) {
    probe_in_flight_ = false;
  }
}

void circuit_breaker::record(batch_verdict verdict, bool probe, timestamp now) {
  if (probe) {
    if (state_ != circuit_state::half_open) {
      return;
    }
    switch (verdict) {
      case batch_verdict::ok:
        state_ = circuit_state::closed;
        failures_ = 0;
        factor_ = 1;
        probe_in_flight_ = false;
        return;
      case batch_verdict::failed:
        factor_ = std::min(factor_ * 2, settings_.max_open_factor);
        open(now);
        return;
      case batch_verdict::inconclusive:
        probe_in_flight_ = false;
        return;
    }
    return;
  }
  if (state_ != circuit_state::closed) {
    return;  // sent before the breaker opened: the probe decides
  }
  switch (verdict) {
    case batch_verdict::ok:
      failures_ = 0;
      return;
    case batch_verdict::failed:
      if (++failures_ >= settings_.failures_to_open) {
        factor_ = 1;
        open(now);
      }
      return;
    case batch_verdict::inconclusive:
      return;
  }
}

}  // namespace leadsync::core::delivery
