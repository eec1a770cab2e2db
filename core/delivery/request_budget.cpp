#include "core/delivery/request_budget.hpp"

#include <algorithm>

namespace leadsync::core::delivery {

namespace {

constexpr std::int64_t ms_per_minute = 60'000;

std::int64_t minute_of(timestamp t) {
  const std::int64_t ms = to_millis(t);
  return ms >= 0 ? ms / ms_per_minute : 0;
}

}  // namespace

request_budget::request_budget(std::int64_t limit, std::chrono::minutes window)
    : limit_(limit), per_minute_(static_cast<std::size_t>(std::max<std::int64_t>(1, window.count())), 0) {}

void request_budget::advance(timestamp now) {
  const std::int64_t minute = minute_of(now);
  if (newest_minute_ < 0) {
    newest_minute_ = minute;
    return;
  }
  if (minute <= newest_minute_) {
    return;
  }
  const auto size = static_cast<std::int64_t>(per_minute_.size());
  // Clearing more than the whole ring is the same as clearing it once.
  const std::int64_t steps = std::min(minute - newest_minute_, size);
  for (std::int64_t i = 1; i <= steps; ++i) {
    std::int64_t& slot = per_minute_[static_cast<std::size_t>((newest_minute_ + i) % size)];
    total_ -= slot;
    slot = 0;
  }
  newest_minute_ = minute;
}

bool request_budget::try_take(timestamp now) {
  if (unlimited()) {
    return true;
  }
  advance(now);
  if (total_ >= limit_) {
    return false;
  }
  ++per_minute_[static_cast<std::size_t>(newest_minute_ % static_cast<std::int64_t>(per_minute_.size()))];
  ++total_;
  return true;
}

std::int64_t request_budget::used(timestamp now) {
  advance(now);
  return total_;
}

timestamp request_budget::available_at(timestamp now) {
  if (unlimited()) {
    return now;
  }
  advance(now);
  if (total_ < limit_) {
    return now;
  }
  const auto size = static_cast<std::int64_t>(per_minute_.size());
  for (std::int64_t m = newest_minute_ - size + 1; m <= newest_minute_; ++m) {
    if (m >= 0 && per_minute_[static_cast<std::size_t>(m % size)] > 0) {
      return std::max(now, from_millis((m + size) * ms_per_minute));
    }
  }
  return now;  // unreachable while total_ > 0
}

}  // namespace leadsync::core::delivery
